package content

import (
	"fmt"
	"strings"
	"unicode"
)

// Control characters (NUL, CR, LF, ESC, DEL, the C1 range…) have no place in what people
// read: they are invisible on a page, no form can type them, and in names they reach
// file names (a NUL cuts a name short in common unzip tools) and log lines. Names,
// titles, option texts and other one-line fields refuse every one; multi-line text
// (stems, case material, explanations, case prompts and references) keeps line feeds
// and tabs, after Normalize has turned CRLF line ends into LF.

// CheckLine refuses any control character in the one-line text s of field.
func CheckLine(field, s string) error {
	return checkControls(field, s, false)
}

// CheckText refuses control characters other than line feed and tab in the multi-line
// text s of field.
func CheckText(field, s string) error {
	return checkControls(field, s, true)
}

func checkControls(field, s string, multiline bool) error {
	for i, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return Invalid(field, "内容含有不可见的控制字符 %s（第 %d 个字符），请删除后再提交", controlName(r), len([]rune(s[:i]))+1)
		}
	}
	return nil
}

// controlName names a control character the way an author can search for it.
func controlName(r rune) string {
	switch r {
	case 0:
		return "NUL"
	case '\r':
		return "CR（回车）"
	case '\n':
		return "LF（换行）"
	case '\t':
		return "TAB（制表符）"
	case 0x1b:
		return "ESC"
	}
	return fmt.Sprintf("U+%04X", r)
}

// lineEnds turns CRLF and lone CR line ends into LF.
var lineEnds = strings.NewReplacer("\r\n", "\n", "\r", "\n")
