package content

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Type is a question type.
type Type string

const (
	Single    Type = "single"
	Multiple  Type = "multiple"
	TrueFalse Type = "truefalse"
	Case      Type = "case"
)

// Types lists the question types in the order a paper presents them.
var Types = []Type{Single, TrueFalse, Multiple, Case}

// typeNames are the one table of the types' Chinese names: the title a paper heads its
// section with, and the short name of messages, spreadsheets and exports.
var typeNames = map[Type]struct{ title, short string }{
	Single:    {"单项选择题", "单选题"},
	Multiple:  {"多项选择题", "多选题"},
	TrueFalse: {"判断题", "判断题"},
	Case:      {"案例分析题", "案例分析题"},
}

// Title is the type's name on a Chinese paper ("单项选择题"); an unknown type's is its code.
func (t Type) Title() string {
	if n, ok := typeNames[t]; ok {
		return n.title
	}
	return string(t)
}

// Name is the type's short name in messages and spreadsheets ("单选题"); an unknown
// type's is its code.
func (t Type) Name() string {
	if n, ok := typeNames[t]; ok {
		return n.short
	}
	return string(t)
}

// Valid reports whether t is one of the four types.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Form tells apart the three items of the skills paper, all of type case: a 解析题 answers
// questions about material; a 问题 or 论述 item is asked on its own, without material.
type Form string

const (
	Analysis Form = "analysis" // 解析题, the default: the zero Form on a case means Analysis
	Short    Form = "short"    // 问题: a short answer
	Essay    Form = "essay"    // 论述: an argued answer at length
)

// Forms lists the forms in the order the skills paper presents them.
var Forms = []Form{Short, Essay, Analysis}

// Valid reports whether f is one of the three forms.
func (f Form) Valid() bool { return slices.Contains(Forms, f) }

// Title is the form's name on a paper, as the real skills paper words it.
func (f Form) Title() string {
	switch f {
	case Short:
		return "问题"
	case Essay:
		return "论述题"
	case Analysis:
		return "解析题"
	}
	return string(f)
}

// Option is one choice of a question.
type Option struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// TrueFalseOptions are the fixed options of every true/false question.
var TrueFalseOptions = []Option{{Key: "T", Text: "正确"}, {Key: "F", Text: "错误"}}

// RubricPoint is one 采分点 of a case part: what earns its score, and the words an
// instructor accepts for it. A point whose item is a pairing (this type ↔ this example)
// lists Pairs: two terms each, and the point is earned only where both terms of one pair
// occur in the same clause of the answer, so naming the right words against the wrong
// items earns nothing.
type RubricPoint struct {
	Point    string     `json:"point"`
	Score    Points     `json:"score"`
	Keywords []string   `json:"keywords"`
	Synonyms []string   `json:"synonyms,omitempty"`
	Pairs    [][]string `json:"pairs,omitempty"`
}

// CasePart is one question about a case's material.
type CasePart struct {
	Prompt    string        `json:"prompt"`
	Points    Points        `json:"points"`
	Reference string        `json:"reference"`
	Rubric    []RubricPoint `json:"rubric"`
}

// Question is one version of a bank question. An edit makes a new version; earlier
// versions stay readable so an attempt keeps exactly what the candidate saw.
type Question struct {
	ID          int64      `json:"id"`
	Version     int        `json:"version"`
	CenterID    int64      `json:"center_id,omitempty"` // 0: the bundled bank, shared read-only
	PackKey     string     `json:"pack_key,omitempty"`
	Type        Type       `json:"type"`
	Stem        string     `json:"stem"`
	Options     []Option   `json:"options,omitempty"`
	Answer      []string   `json:"answer,omitempty"`
	Explanation string     `json:"explanation"`
	Unit        string     `json:"unit"`
	Difficulty  int        `json:"difficulty"`
	Source      string     `json:"source"`
	Form        Form       `json:"form,omitempty"` // case only; empty is Analysis
	Material    string     `json:"material,omitempty"`
	Parts       []CasePart `json:"parts,omitempty"`
	// Attachments are the images shown with the question (see Attachment).
	Attachments []Attachment `json:"attachments,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`

	// Calibrated is the observed difficulty (1–5) from item analysis over ObservedN graded
	// responses, filled by the store from the calibrations (never stored in the question's
	// body); 0: not enough responses yet.
	Calibrated int `json:"calibrated_difficulty,omitempty"`
	ObservedN  int `json:"observed_n,omitempty"`
}

// MaxPoints is what the question is worth on its own scale: the sum of a case's parts;
// objective questions take their points from the blueprint.
func (q *Question) MaxPoints() Points {
	var sum Points
	for _, p := range q.Parts {
		sum += p.Points
	}
	return sum
}

// CaseForm is the form of a case question (Analysis when none is set), and empty for the
// objective types.
func (q *Question) CaseForm() Form {
	if q.Type == Case && q.Form == "" {
		return Analysis
	}
	return q.Form
}

// OptionKeys lists the keys a candidate may choose.
func (q *Question) OptionKeys() []string {
	opts := q.Options
	if q.Type == TrueFalse {
		opts = TrueFalseOptions
	}
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = o.Key
	}
	return keys
}

// Limits on question text keep pages and reports sane.
const (
	MaxStemRunes     = 2000
	MaxMaterialRunes = 8000
	MaxTextRunes     = 4000
	MaxPointRunes    = 300 // a 采分点 is one row of the report's score table
	MaxOptions       = 8
)

// Normalize trims text fields, fills the fixed true/false options and sorts the answer
// keys, so that equal questions compare equal.
func (q *Question) Normalize() {
	q.Stem = strings.TrimSpace(lineEnds.Replace(q.Stem))
	q.Explanation = strings.TrimSpace(lineEnds.Replace(q.Explanation))
	q.Source = strings.TrimSpace(q.Source)
	q.Material = strings.TrimSpace(lineEnds.Replace(q.Material))
	q.Unit = strings.TrimSpace(q.Unit)
	// The default is stored as no form, so a case written before forms existed and the same
	// case marked analysis are one content.
	if q.Form = Form(strings.ToLower(strings.TrimSpace(string(q.Form)))); q.Form == Analysis {
		q.Form = ""
	}
	for i := range q.Options {
		q.Options[i].Key = strings.ToUpper(strings.TrimSpace(q.Options[i].Key))
		q.Options[i].Text = strings.TrimSpace(q.Options[i].Text)
	}
	if q.Type == TrueFalse {
		q.Options = slices.Clone(TrueFalseOptions)
	}
	for i := range q.Answer {
		q.Answer[i] = strings.ToUpper(strings.TrimSpace(q.Answer[i]))
	}
	slices.Sort(q.Answer)
	for i := range q.Parts {
		p := &q.Parts[i]
		p.Prompt = strings.TrimSpace(lineEnds.Replace(p.Prompt))
		p.Reference = strings.TrimSpace(lineEnds.Replace(p.Reference))
		for j := range p.Rubric {
			r := &p.Rubric[j]
			r.Point = strings.TrimSpace(r.Point)
			for k := range r.Keywords {
				r.Keywords[k] = strings.TrimSpace(r.Keywords[k])
			}
			for k := range r.Synonyms {
				r.Synonyms[k] = strings.TrimSpace(r.Synonyms[k])
			}
			for _, pair := range r.Pairs {
				for k := range pair {
					pair[k] = strings.TrimSpace(pair[k])
				}
			}
		}
	}
}

// Validate checks a normalized question. unitExists tells whether a knowledge point code
// exists. The error is a *errs.Error naming the first wrong field.
func (q *Question) Validate(unitExists func(code string) bool) error {
	if !q.Type.Valid() {
		return Invalid("type", "类型必须是 single、multiple、truefalse 或 case，而不是 %q", q.Type)
	}
	if q.Stem == "" {
		return Invalid("stem", "题干不能为空")
	}
	if utf8.RuneCountInString(q.Stem) > MaxStemRunes {
		return Invalid("stem", "题干不能超过 %d 字", MaxStemRunes)
	}
	if utf8.RuneCountInString(q.Explanation) > MaxTextRunes {
		return Invalid("explanation", "解析不能超过 %d 字", MaxTextRunes)
	}
	if err := q.validatePlainText(); err != nil {
		return err
	}
	if err := q.validateAttachments(); err != nil {
		return err
	}
	if err := q.validateOptionRefs(); err != nil {
		return err
	}
	if q.Difficulty < 1 || q.Difficulty > 5 {
		return Invalid("difficulty", "难度必须是 1 到 5，而不是 %d", q.Difficulty)
	}
	if q.Unit == "" {
		return Invalid("unit", "必须指定知识点")
	}
	if !unitExists(q.Unit) {
		return Invalid("unit", "知识点 %s 不存在", q.Unit)
	}
	if q.Form != "" && q.Type != Case {
		return Invalid("form", "只有案例分析题（case）才有 form，%s 题不能设置", q.Type)
	}
	switch q.Type {
	case Single, Multiple:
		return q.validateChoice()
	case TrueFalse:
		if len(q.Answer) != 1 || (q.Answer[0] != "T" && q.Answer[0] != "F") {
			return Invalid("answer", "判断题的答案必须是 T（正确）或 F（错误）")
		}
	case Case:
		return q.validateCase()
	}
	return nil
}

// validatePlainText refuses HTML tags (see HTMLTag) and control characters in every text
// a candidate or instructor reads (see CheckText). Question text is plain text: pages
// escape it, so a tag would show as literal angle brackets, and refusing it (rather than
// silently stripping it) tells the author what happened. Importers turn HTML into such
// text (content/format/html.go); a "<" that starts no tag ("a<b", "<客户>") is text.
func (q *Question) validatePlainText() error {
	type field struct {
		name, text string
		multiline  bool
	}
	fields := []field{{"stem", q.Stem, true}, {"explanation", q.Explanation, true}, {"source", q.Source, false}, {"material", q.Material, true}}
	for i, o := range q.Options {
		fields = append(fields, field{fmt.Sprintf("options[%d].text", i), o.Text, false})
	}
	for i, p := range q.Parts {
		f := fmt.Sprintf("parts[%d]", i)
		fields = append(fields, field{f + ".prompt", p.Prompt, true}, field{f + ".reference", p.Reference, true})
		for j, r := range p.Rubric {
			fields = append(fields, field{fmt.Sprintf("%s.rubric[%d].point", f, j), r.Point, false})
		}
	}
	for _, f := range fields {
		if tag := HTMLTag(f.text); tag != "" {
			return Invalid(f.name, "内容只能是纯文本，不能包含 HTML 标签（如 %s）", tag)
		}
		if err := checkControls(f.name, f.text, f.multiline); err != nil {
			return err
		}
	}
	return nil
}

func (q *Question) validateChoice() error {
	if len(q.Options) < 2 {
		return Invalid("options", "选择题至少要有 2 个选项")
	}
	if len(q.Options) > MaxOptions {
		return Invalid("options", "选项不能超过 %d 个", MaxOptions)
	}
	keys := make(map[string]bool, len(q.Options))
	texts := make(map[string]bool, len(q.Options))
	for i, o := range q.Options {
		f := fmt.Sprintf("options[%d]", i)
		if o.Key == "" {
			return Invalid(f+".key", "选项的键不能为空")
		}
		if keys[o.Key] {
			return Invalid(f+".key", "选项键 %s 重复", o.Key)
		}
		if o.Text == "" {
			return Invalid(f+".text", "选项 %s 的内容不能为空", o.Key)
		}
		if utf8.RuneCountInString(o.Text) > MaxTextRunes {
			return Invalid(f+".text", "选项不能超过 %d 字", MaxTextRunes)
		}
		if texts[o.Text] {
			return Invalid(f+".text", "选项 %s 与前面的选项内容相同", o.Key)
		}
		keys[o.Key], texts[o.Text] = true, true
	}
	for i, a := range q.Answer {
		if !keys[a] {
			return Invalid(fmt.Sprintf("answer[%d]", i), "答案 %s 不在选项中", a)
		}
		if i > 0 && q.Answer[i-1] == a {
			return Invalid(fmt.Sprintf("answer[%d]", i), "答案 %s 重复", a)
		}
	}
	if q.Type == Single && len(q.Answer) != 1 {
		return Invalid("answer", "单选题必须恰有 1 个答案，现有 %d 个", len(q.Answer))
	}
	if q.Type == Multiple && len(q.Answer) < 2 {
		return Invalid("answer", "多选题至少要有 2 个答案，现有 %d 个", len(q.Answer))
	}
	return nil
}

func (q *Question) validateCase() error {
	form := q.CaseForm()
	if !slices.Contains(Forms, form) {
		return Invalid("form", "form 必须是 short（问题）、essay（论述）或 analysis（解析题），而不是 %q", form)
	}
	if form == Analysis && q.Material == "" {
		return Invalid("material", "解析题（form: analysis）必须有案例材料；问题或论述请设 form 为 short 或 essay")
	}
	if utf8.RuneCountInString(q.Material) > MaxMaterialRunes {
		return Invalid("material", "案例材料不能超过 %d 字", MaxMaterialRunes)
	}
	if len(q.Options) > 0 || len(q.Answer) > 0 {
		return Invalid("options", "案例分析题没有选项和答案，请使用 parts")
	}
	if len(q.Parts) == 0 {
		return Invalid("parts", "案例分析题至少要有 1 个小题")
	}
	for i, p := range q.Parts {
		f := fmt.Sprintf("parts[%d]", i)
		if p.Prompt == "" {
			return Invalid(f+".prompt", "第 %d 小题的问题不能为空", i+1)
		}
		if p.Points <= 0 || !p.Points.HalfSteps() {
			return Invalid(f+".points", "第 %d 小题的分值必须为正数，且以 0.5 分为单位", i+1)
		}
		if p.Reference == "" {
			return Invalid(f+".reference", "第 %d 小题需要参考答案", i+1)
		}
		if len(p.Rubric) == 0 {
			return Invalid(f+".rubric", "第 %d 小题需要采分点", i+1)
		}
		var sum Points
		for j, r := range p.Rubric {
			rf := fmt.Sprintf("%s.rubric[%d]", f, j)
			if r.Point == "" {
				return Invalid(rf+".point", "采分点的说明不能为空")
			}
			if utf8.RuneCountInString(r.Point) > MaxPointRunes {
				return Invalid(rf+".point", "采分点的说明不能超过 %d 字", MaxPointRunes)
			}
			if r.Score <= 0 || !r.Score.HalfSteps() {
				return Invalid(rf+".score", "采分点的分值必须为正数，且以 0.5 分为单位")
			}
			if len(r.Keywords) == 0 {
				return Invalid(rf+".keywords", "采分点至少要有 1 个关键词")
			}
			// A blank keyword would match every answer and award the point to anyone.
			for k, w := range append(slices.Clone(r.Keywords), r.Synonyms...) {
				field := fmt.Sprintf("%s.keywords[%d]", rf, k)
				if k >= len(r.Keywords) {
					field = fmt.Sprintf("%s.synonyms[%d]", rf, k-len(r.Keywords))
				}
				if w == "" {
					return Invalid(field, "关键词不能为空")
				}
				if err := CheckLine(field, w); err != nil {
					return err
				}
			}
			for k, pair := range r.Pairs {
				if len(pair) != 2 || pair[0] == "" || pair[1] == "" || pair[0] == pair[1] {
					return Invalid(fmt.Sprintf("%s.pairs[%d]", rf, k), "配对须是两个不同的非空词语，如 [价格竞争者, 某公司]")
				}
				for _, w := range pair {
					if err := CheckLine(fmt.Sprintf("%s.pairs[%d]", rf, k), w); err != nil {
						return err
					}
				}
			}
			sum += r.Score
		}
		if sum != p.Points {
			return Invalid(f+".rubric", "第 %d 小题采分点合计 %s 分，与小题分值 %s 分不符", i+1, sum, p.Points)
		}
	}
	return nil
}
