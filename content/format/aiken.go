package format

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"golang.org/x/text/width"
)

// Aiken is Moodle's plain-text format for choice questions:
//
//	客户服务的特点不包括（  ）。
//	A. 层次性
//	B) 垄断性
//	ANSWER: B
//	知识点：JC.1.2.1
//
// Options may be marked A. A) A、 or A．; the answer line may read 答案：. Beyond Aiken,
// two or more answer letters make a multiple choice, a question without options answered
// 对/错 is true/false, and the lines 知识点：, 难度：, 解析： and 来源： after the answer
// fill those fields (知识点 is required unless the import gives a default). A question ends at a blank line or at the first
// line after its answer that is none of those.
var (
	aikenOption = regexp.MustCompile(`^([A-Ha-h])\s*[.)．、）]\s*(.*)$`)
	aikenAnswer = regexp.MustCompile(`^(?i:ANSWER|答案)\s*[:：]\s*(.*)$`)
	aikenMeta   = regexp.MustCompile(`^(知识点|难度|解析|来源)\s*[:：]\s*(.*)$`)
)

type aikenQuestion struct {
	line    int
	stem    []string
	options []content.Option
	answer  string
	meta    map[string]string
	problem *content.RowError
}

func readAiken(b []byte, syl *Syllabus) (*Result, error) {
	b = bytes.TrimPrefix(b, []byte(bom))
	if !utf8.Valid(b) {
		return nil, content.Invalid("file", "文本文件不是 UTF-8 编码（可能是 GBK）：请另存为 UTF-8")
	}
	var blocks []*aikenQuestion
	var cur *aikenQuestion
	answered := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, MaxFileBytes+1)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			cur = nil
			continue
		}
		m := aikenMeta.FindStringSubmatch(line)
		if cur == nil || answered && m == nil {
			if len(blocks) == MaxRows {
				return nil, tooManyRows()
			}
			cur, answered = &aikenQuestion{line: n, meta: map[string]string{}}, false
			blocks = append(blocks, cur)
		}
		if cur.problem != nil {
			continue
		}
		switch {
		case answered:
			cur.meta[m[1]] = strings.TrimSpace(m[2])
		case aikenAnswer.MatchString(line):
			cur.answer, answered = aikenAnswer.FindStringSubmatch(line)[1], true
		case aikenOption.MatchString(line) && len(cur.stem) > 0:
			o := aikenOption.FindStringSubmatch(line)
			key := strings.ToUpper(o[1])
			if want := optionLetters[len(cur.options) : len(cur.options)+1]; len(cur.options) >= len(optionLetters) || key != want {
				cur.problem = &content.RowError{Row: n, Field: "options", Message: fmt.Sprintf("选项应按 A、B、C 的顺序排列，这里是 %s", key)}
				continue
			}
			cur.options = append(cur.options, content.Option{Key: key, Text: o[2]})
		case len(cur.options) > 0:
			cur.problem = &content.RowError{Row: n, Field: "answer", Message: "选项之后应是答案行（ANSWER: B 或 答案：B）"}
		default:
			cur.stem = append(cur.stem, line)
		}
	}
	var items []Item
	var problems []content.RowError
	for _, a := range blocks {
		if a.problem != nil {
			problems = append(problems, *a.problem)
			continue
		}
		q, rerr := a.question(syl)
		if rerr != nil {
			problems = append(problems, *rerr)
			continue
		}
		items = append(items, Item{Row: a.line, Question: q})
	}
	return dedupe(items, problems, "stem"), nil
}

func (a *aikenQuestion) question(syl *Syllabus) (content.Question, *content.RowError) {
	fail := func(field, format string, args ...any) (content.Question, *content.RowError) {
		return content.Question{}, &content.RowError{Row: a.line, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	q := content.Question{Stem: strings.Join(a.stem, "\n"), Options: a.options, Explanation: a.meta["解析"],
		Source: a.meta["来源"], Difficulty: DefaultDifficulty}
	if len(a.stem) == 0 {
		return fail("answer", "这一行 ANSWER 前面没有题目：题干与选项应写在它前面，中间不空行")
	}
	// Moodle reads Aiken text in its own format, where HTML is allowed: the one policy.
	rt := &richText{}
	var err error
	if q.Stem, err = rt.read("stem", q.Stem, textMoodle); err != nil {
		return textFail(a.line, "", err)
	}
	if q.Explanation, err = rt.read("explanation", q.Explanation, textMoodle); err != nil {
		return textFail(a.line, "", err)
	}
	for i := range q.Options {
		if q.Options[i].Text, err = rt.read("options", q.Options[i].Text, textMoodle); err != nil {
			return textFail(a.line, "选项 "+q.Options[i].Key+"：", err)
		}
	}
	q.Attachments = rt.images
	if a.answer == "" {
		return fail("answer", "缺少答案行（ANSWER: B 或 答案：B）")
	}
	if len(a.options) == 0 {
		tf, err := trueFalseAnswer(a.answer, nil)
		if err != nil {
			return fail("answer", "%s", err)
		}
		q.Type, q.Answer = content.TrueFalse, []string{tf}
	} else {
		keys, err := choiceAnswer(a.answer)
		if err != nil {
			return fail("answer", "%s", err)
		}
		q.Type, q.Answer = content.Single, keys
		if len(keys) > 1 {
			q.Type = content.Multiple
		}
	}
	if d := width.Fold.String(a.meta["难度"]); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return fail("difficulty", "难度应为 1 到 5 的整数，而不是“%s”", d)
		}
		q.Difficulty = n
	}
	if a.meta["知识点"] == "" {
		if unit := syl.defaultUnit(); unit != "" {
			return withUnit(q, a.line, unit, nil, syl)
		}
		return fail("unit", "缺少“知识点：”行（在答案行之后写，如 知识点：JC.1.2.1），导入时也没有给出默认知识点")
	}
	unit, err := syl.namedUnit(a.meta["知识点"])
	return withUnit(q, a.line, unit, err, syl)
}
