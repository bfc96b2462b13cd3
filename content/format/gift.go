package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
)

// GIFT is Moodle's plain-text question format. It has no place for our knowledge point,
// difficulty, source or case rubric, so the export writes them in a comment Moodle
// ignores and the import reads back:
//
//	// csmexam: {"unit":"JC.1.2.1","difficulty":2}
//	::JC.1.2.1::客户服务的特点不包括（  ）。{
//	~层次性
//	=垄断性
//	#### 解析
//	}
//
// A GIFT file from Moodle without that comment takes the knowledge point from the
// question's title (a code or a point's name) or from the last part of its $CATEGORY.
// Single choice, multiple choice (weights %N%) and true/false are read; a case analysis
// only with its csmexam comment (Moodle holds it as an essay).
const giftMetaPrefix = "// csmexam:"

// giftMeta is what GIFT cannot say itself.
type giftMeta struct {
	Unit       string             `json:"unit"`
	Difficulty int                `json:"difficulty,omitempty"`
	Source     string             `json:"source,omitempty"`
	Form       content.Form       `json:"form,omitempty"`
	Material   string             `json:"material,omitempty"`
	Parts      []content.CasePart `json:"parts,omitempty"`
}

// giftEscape escapes GIFT's special characters; newlines become \n.
func giftEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `~`, `\~`, `=`, `\=`, `#`, `\#`, `{`, `\{`, `}`, `\}`, `:`, `\:`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

func writeBankGIFT(w io.Writer, qs []content.Question) error {
	bw := bufio.NewWriter(w)
	for i := range qs {
		q := &qs[i]
		meta := giftMeta{Unit: q.Unit, Difficulty: q.Difficulty, Source: q.Source, Form: q.Form, Material: q.Material, Parts: q.Parts}
		m, err := json.Marshal(meta)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "%s %s\n::%s::%s{", giftMetaPrefix, m, giftEscape(q.Unit), giftEscape(q.Stem))
		switch q.Type {
		case content.TrueFalse:
			bw.WriteString(strings.Join(q.Answer, ""))
		case content.Single:
			for _, o := range q.Options {
				mark := "~"
				if o.Key == q.Answer[0] {
					mark = "="
				}
				fmt.Fprintf(bw, "\n%s%s", mark, giftEscape(o.Text))
			}
		case content.Multiple:
			// Moodle accepts weights such as 33.33333 and 16.66667: five places.
			right := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(100/float64(len(q.Answer)), 'f', 5, 64), "0"), ".")
			for _, o := range q.Options {
				weight := "-100"
				if slices.Contains(q.Answer, o.Key) {
					weight = right
				}
				fmt.Fprintf(bw, "\n~%%%s%%%s", weight, giftEscape(o.Text))
			}
		}
		if q.Explanation != "" {
			fmt.Fprintf(bw, "\n#### %s", giftEscape(q.Explanation))
		}
		if q.Type != content.TrueFalse && q.Type != content.Case {
			bw.WriteString("\n")
		}
		bw.WriteString("}\n\n")
	}
	return bw.Flush()
}

// giftQuestion is one question's text and the line it starts on.
type giftQuestion struct {
	line     int
	meta     string
	category string
	text     string
}

// splitGIFT cuts a GIFT file into questions: blocks separated by blank lines, comments
// dropped except our metadata, $CATEGORY remembered.
func splitGIFT(b []byte) []giftQuestion {
	var out []giftQuestion
	var cur giftQuestion
	var text strings.Builder
	open := 0 // answer blocks open in text, counted line by line (a rescan would be quadratic)
	category := ""
	flush := func() {
		if strings.TrimSpace(text.String()) != "" {
			cur.text = text.String()
			cur.category = category
			out = append(out, cur)
		}
		cur = giftQuestion{}
		text.Reset()
		open = 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, MaxFileBytes+1)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			// A blank line ends a question, but not inside its answer block.
			if open <= 0 {
				flush()
			}
		case strings.HasPrefix(trimmed, giftMetaPrefix):
			flush()
			cur.meta, cur.line = strings.TrimSpace(strings.TrimPrefix(trimmed, giftMetaPrefix)), n
		case strings.HasPrefix(trimmed, "//"):
		case strings.HasPrefix(trimmed, "$CATEGORY:"):
			flush()
			category = strings.TrimSpace(strings.TrimPrefix(trimmed, "$CATEGORY:"))
		default:
			if cur.line == 0 {
				cur.line = n
			}
			text.WriteString(line + "\n")
			open += depth(line)
		}
	}
	flush()
	return out
}

// depth is how many answer blocks s opens (negative: closes).
func depth(s string) int {
	d := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			d++
		case '}':
			d--
		}
	}
	return d
}

// giftUnescape undoes giftEscape.
func giftUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cutUnescaped splits s at the first unescaped sep.
func cutUnescaped(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// splitAnswers splits an answer block at unescaped = and ~, keeping the mark.
func splitAnswers(s string) (head string, parts []string) {
	start := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '=', '~':
			if start < 0 {
				head = s[:i]
			} else {
				parts = append(parts, s[start:i])
			}
			start = i
		}
	}
	if start < 0 {
		return s, nil
	}
	return head, append(parts, s[start:])
}

func readGIFT(b []byte, syl *Syllabus) (*Result, error) {
	b = bytes.TrimPrefix(b, []byte(bom))
	if !utf8.Valid(b) {
		return nil, content.Invalid("file", "GIFT 文件不是 UTF-8 编码")
	}
	blocks := splitGIFT(b)
	if len(blocks) > MaxRows {
		return nil, tooManyRows()
	}
	var items []Item
	var problems []content.RowError
	for _, g := range blocks {
		q, faults := parseGIFT(g, syl)
		if len(faults) > 0 {
			problems = append(problems, faults...)
			continue
		}
		items = append(items, Item{Row: g.line, Question: q})
	}
	return dedupe(items, problems, "stem"), nil
}

// parseGIFT reads one question; its faults name the API field and the line it starts
// on. A fault that leaves the question unreadable (no answer block, a type we do not
// import) ends the reading; the others are all reported.
func parseGIFT(g giftQuestion, syl *Syllabus) (content.Question, []content.RowError) {
	f := &questionFaults{line: g.line, name: giftTitle(g.text)}
	fail := func(field, format string, args ...any) (content.Question, []content.RowError) {
		f.add(field, format, args...)
		return content.Question{}, f.list
	}
	var meta giftMeta
	if g.meta != "" {
		dec := json.NewDecoder(strings.NewReader(g.meta))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&meta); err != nil {
			f.add("csmexam", "注释中的题目信息无法读取（%s）", jsonProblem(err))
			meta = giftMeta{}
		}
	}
	text := strings.TrimSpace(g.text)
	if strings.HasPrefix(text, "::") {
		_, rest, ok := strings.Cut(text[2:], "::")
		if !ok {
			return fail("stem", "题目名称缺少结尾的 ::")
		}
		text = strings.TrimSpace(rest)
	}
	format, text := giftFormat(text, textMoodle)
	before, rest, ok := cutUnescaped(text, '{')
	if !ok {
		return fail("stem", "找不到答案部分 {…}（GIFT 的说明题不能导入）")
	}
	block, after, ok := cutUnescaped(rest, '}')
	if !ok {
		return fail("answer", "答案部分缺少结尾的 }")
	}
	stem := strings.TrimSpace(giftUnescape(before))
	if after = strings.TrimSpace(giftUnescape(after)); after != "" {
		stem += "（  ）" + after
	}
	rt := &richText{}
	var err error
	if stem, err = rt.read("stem", stem, format); err != nil {
		f.text("", err)
	}
	q := content.Question{Stem: stem, Difficulty: DefaultDifficulty, Source: meta.Source}
	if meta.Difficulty != 0 {
		q.Difficulty = meta.Difficulty
	}
	block, general, _ := strings.Cut(block, "####")
	generalFormat, general := giftFormat(strings.TrimSpace(general), format)
	if q.Explanation, err = rt.read("explanation", giftUnescape(general), generalFormat); err != nil {
		f.text("", err)
	}
	head, answers := splitAnswers(block)
	switch word := strings.ToUpper(strings.TrimSpace(head)); {
	case strings.HasPrefix(strings.TrimSpace(block), "#"):
		// {#3:2}, {#=1:0 =%50%2:1}: a number answer, not an option.
		return fail("type", "不支持的题型：数值题")
	case len(answers) == 0 && strings.TrimSpace(block) == "":
		if len(meta.Parts) == 0 {
			return fail("type", "不支持的题型：论述题（{} 只能作为本系统导出的案例分析题导入）")
		}
		q.Type, q.Form, q.Material, q.Parts = content.Case, meta.Form, meta.Material, meta.Parts
	case len(answers) == 0:
		tf, _, _ := cutUnescaped(word, '#')
		switch strings.TrimSpace(tf) {
		case "T", "TRUE":
			q.Type, q.Answer = content.TrueFalse, []string{"T"}
		case "F", "FALSE":
			q.Type, q.Answer = content.TrueFalse, []string{"F"}
		default:
			return fail("type", "不支持的 GIFT 题型（只导入单选、多选、判断题）")
		}
	case strings.TrimSpace(head) != "":
		return fail("answer", "答案部分的开头“%s”无法识别", strings.TrimSpace(head))
	default:
		var typed bool
		if q, typed = giftChoice(q, answers, f, rt, format); !typed {
			return content.Question{}, f.list
		}
	}
	q.Attachments = rt.images
	unit, err := giftUnit(meta.Unit, f.name, g.category, syl)
	return f.finish(q, unit, err, syl)
}

// giftTitle is the ::title:: a question's text starts with, or "".
func giftTitle(text string) string {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "::") {
		return ""
	}
	t, _, ok := strings.Cut(text[2:], "::")
	if !ok {
		return ""
	}
	return giftUnescape(strings.TrimSpace(t))
}

// giftChoice reads = and ~ answers: one = is single choice; positive %weights% are the
// keys of a multiple choice. Per-answer feedback is dropped. An answer without a format
// marker has the question's format. The faults of every answer are added to f; typed is
// false when the answers make no question we import (matching, short answer, = mixed
// with weights), which ends the reading.
func giftChoice(q content.Question, answers []string, f *questionFaults, rt *richText, format string) (_ content.Question, typed bool) {
	single := 0
	for i, a := range answers {
		if i >= len(optionLetters) {
			f.add("options", "选项不能超过 %d 个", len(optionLetters))
			break
		}
		key := optionLetters[i : i+1]
		mark, body := a[0], a[1:]
		right := mark == '='
		if mark == '=' {
			single++
		}
		if strings.HasPrefix(body, "%") {
			w, rest, ok := strings.Cut(body[1:], "%")
			weight, err := strconv.ParseFloat(w, 64)
			if !ok || err != nil {
				f.add("answer", "选项 %s 的权重“%%%s%%”无法识别", key, w)
			}
			right, body = weight > 0, rest
		}
		// -> makes a matching pair only in the answer, not in its #feedback.
		text, _, _ := cutUnescaped(body, '#')
		if strings.Contains(text, "->") {
			f.add("type", "不支持的题型：匹配题")
			return q, false
		}
		answerFormat, text := giftFormat(strings.TrimSpace(text), format)
		option, err := rt.read("options", giftUnescape(text), answerFormat)
		if err != nil {
			f.text("选项 "+key+"：", err)
		}
		q.Options = append(q.Options, content.Option{Key: key, Text: option})
		if right {
			q.Answer = append(q.Answer, key)
		}
	}
	switch {
	case single == len(answers):
		// Only = answers: each is an accepted text, not an option.
		f.add("type", "不支持的题型：填空/简答题")
		return q, false
	case single == 1 && len(q.Answer) == 1:
		q.Type = content.Single
	case single == 0:
		q.Type = content.Multiple
	default:
		f.add("answer", "答案既有 = 又有带权重的 ~，无法判断是单选还是多选")
		return q, false
	}
	return q, true
}

// giftFormats are GIFT's format markers and the text formats they name.
var giftFormats = map[string]string{"[html]": textHTML, "[moodle]": textMoodle, "[plain]": textPlain, "[markdown]": textMarkdown}

// giftFormat reads the format marker that may start s: the format it names (else def)
// and s without it.
func giftFormat(s, def string) (string, string) {
	for marker, format := range giftFormats {
		if rest, ok := strings.CutPrefix(s, marker); ok {
			return format, strings.TrimSpace(rest)
		}
	}
	return def, s
}

// giftUnit is the knowledge point from our comment, else the question's title, else its
// category (mapped, or its last part) or the file's default (Syllabus.categoryUnit).
func giftUnit(meta, title, category string, syl *Syllabus) (string, error) {
	if meta != "" {
		return syl.unit(meta)
	}
	if title != "" {
		if u, err := syl.unit(title); err == nil {
			return u, nil
		}
	}
	return syl.categoryUnit(category)
}
