package content

import (
	"fmt"
	"regexp"
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

// htmlTag matches a tag of an HTML element that question files use (or that carries
// script), or the start of an HTML comment: "<p>", "</b>", "<br/>", "<img src=…>",
// "<!--". Text like "a<b", "满意度 < 80%" or "<客户>" is no HTML: it is kept as it reads.
var htmlTag = regexp.MustCompile(`(?i)<(?:/?(?:` + htmlElements + `)(?:\s[^<>]*)?/?>|!--)`)

const htmlElements = `a|abbr|audio|b|big|blockquote|br|button|caption|center|cite|code|col|colgroup|dd|del|details|div|dl|dt|em|embed|figcaption|figure|font|form|h[1-6]|hr|i|iframe|img|input|ins|kbd|label|li|link|math|meta|object|ol|p|param|picture|pre|q|s|samp|script|section|select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|textarea|tfoot|th|thead|tr|track|tt|u|ul|var|video`

// HTMLTag is the first HTML tag in s ("" when s has none): importers read a text with one
// as HTML, and a question's stored text may hold none.
func HTMLTag(s string) string { return htmlTag.FindString(s) }

// HTMLTagIndex is the position of every HTML tag in s, as regexp's FindAllStringIndex.
func HTMLTagIndex(s string) [][]int { return htmlTag.FindAllStringIndex(s, -1) }
