package format

import (
	"bufio"
	"bytes"
	"errors"
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
// (or after the options) fill those fields (知识点 is required unless the import gives a
// default). A question ends at a blank line or at the first line after its answer that
// is none of those. Every fault of a question is reported at the line it starts on.
var (
	aikenOption = regexp.MustCompile(`^([A-Ha-h])\s*[.)．、）]\s*(.*)$`)
	aikenAnswer = regexp.MustCompile(`^(?i:ANSWER|答案)\s*[:：]\s*(.*)$`)
	aikenMeta   = regexp.MustCompile(`^(知识点|难度|解析|来源)\s*[:：]\s*(.*)$`)
)

type aikenQuestion struct {
	stem    []string
	options []content.Option
	answer  string
	meta    map[string]string
	faults  questionFaults // found while the lines were read
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
			cur, answered = &aikenQuestion{meta: map[string]string{}, faults: questionFaults{line: n}}, false
			blocks = append(blocks, cur)
		}
		switch {
		case answered:
			cur.meta[m[1]] = strings.TrimSpace(m[2])
		case aikenAnswer.MatchString(line):
			cur.answer, answered = aikenAnswer.FindStringSubmatch(line)[1], true
		case aikenOption.MatchString(line) && len(cur.stem) > 0:
			o := aikenOption.FindStringSubmatch(line)
			key := strings.ToUpper(o[1])
			if len(cur.options) >= len(optionLetters) {
				cur.faults.addAt(n, "options", "选项不能超过 %d 个", len(optionLetters))
				continue
			}
			// A letter out of order is reported; the option keeps its place, so that the
			// lines after it are still read.
			if want := optionLetters[len(cur.options) : len(cur.options)+1]; key != want {
				cur.faults.addAt(n, "options", "选项应按 A、B、C 的顺序排列，这里应是 %s，却是 %s", want, key)
				key = want
			}
			cur.options = append(cur.options, content.Option{Key: key, Text: o[2]})
		case m != nil && len(cur.options) > 0:
			// 知识点： and the others written before the answer line are read all the same.
			cur.meta[m[1]] = strings.TrimSpace(m[2])
		case len(cur.options) > 0:
			cur.faults.addAt(n, "answer", "选项之后应是答案行（ANSWER: B 或 答案：B），而不是“%s”", line)
		default:
			cur.stem = append(cur.stem, line)
		}
	}
	var items []Item
	var problems []content.RowError
	for _, a := range blocks {
		q, faults := a.question(syl)
		if len(faults) > 0 {
			problems = append(problems, faults...)
			continue
		}
		items = append(items, Item{Row: a.faults.line, Question: q})
	}
	return dedupe(items, problems, "stem"), nil
}

// question is the question a block's lines make, or every fault of it: those of its
// lines, then those of its fields.
func (a *aikenQuestion) question(syl *Syllabus) (content.Question, []content.RowError) {
	f := &a.faults
	if len(a.stem) == 0 {
		f.add("answer", "这一行 ANSWER 前面没有题目：题干与选项应写在它前面，中间不空行")
		return content.Question{}, f.list
	}
	q := content.Question{Stem: strings.Join(a.stem, "\n"), Options: a.options, Explanation: a.meta["解析"],
		Source: a.meta["来源"], Difficulty: DefaultDifficulty}
	// Moodle reads Aiken text in its own format, where HTML is allowed: the one policy.
	rt := &richText{}
	var err error
	if q.Stem, err = rt.read("stem", q.Stem, textMoodle); err != nil {
		f.text("", err)
	}
	if q.Explanation, err = rt.read("explanation", q.Explanation, textMoodle); err != nil {
		f.text("", err)
	}
	for i := range q.Options {
		if q.Options[i].Text, err = rt.read("options", q.Options[i].Text, textMoodle); err != nil {
			f.text("选项 "+q.Options[i].Key+"：", err)
		}
	}
	q.Attachments = rt.images
	switch {
	case a.answer == "" && f.has("answer"):
	case a.answer == "":
		f.add("answer", "缺少答案行（ANSWER: B 或 答案：B）")
	case len(a.options) == 0:
		tf, err := trueFalseAnswer(a.answer, nil)
		if err != nil {
			f.add("answer", "%s", err)
		}
		q.Type, q.Answer = content.TrueFalse, []string{tf}
	default:
		keys, err := choiceAnswer(a.answer)
		if err != nil {
			f.add("answer", "%s", err)
		}
		q.Type, q.Answer = content.Single, keys
		if len(keys) > 1 {
			q.Type = content.Multiple
		}
	}
	if d := width.Fold.String(a.meta["难度"]); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			f.add("difficulty", "难度应为 1 到 5 的整数，而不是“%s”", d)
		} else {
			q.Difficulty = n
		}
	}
	if q.Type == "" {
		// Without an answer line the type is unknown: the fields are checked as a single
		// choice's (or a true/false's, without options), for their own faults.
		q.Type, q.Answer = content.Single, []string{"A"}
		if len(a.options) == 0 {
			q.Type, q.Answer = content.TrueFalse, []string{"T"}
		}
	}
	if a.meta["知识点"] == "" {
		if unit := syl.defaultUnit(); unit != "" {
			return f.finish(q, unit, nil, syl)
		}
		return f.finish(q, "", errors.New("缺少“知识点：”行（在答案行之后写，如 知识点：JC.1.2.1），导入时也没有给出默认知识点"), syl)
	}
	unit, err := syl.namedUnit(a.meta["知识点"])
	return f.finish(q, unit, err, syl)
}
