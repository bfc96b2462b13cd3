package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
)

// Paper is a printable exam paper as plain values. The 试卷, its 参考答案及评分标准 and
// its 答题卡 are all drawn from one Paper, so they agree on numbers, letters and points.
type Paper struct {
	Title     string // the blueprint's title, e.g. 二级理论知识模拟
	Center    string // the training center printing it; "" prints none
	Blueprint string // the blueprint's code
	Seed      int64  // the seed the paper was drawn with
	// Code names the exact paper (its questions, their versions and option orders), so
	// two prints with the same code are the same paper.
	Code    string
	Attempt int64 // the attempt whose paper this is; 0 for a paper drawn from a blueprint
	Minutes int   // the time allowed; 0: untimed

	Total, Pass  content.Points
	Instructions []string // 注意事项, in order
	Sections     []PaperSection
}

// PaperSection is one section of a paper: questions of one type (or one form of case),
// numbered on from the section before.
type PaperSection struct {
	Type       content.Type
	Title      string // 单项选择题, 解析题, …
	Note       string // how to answer, printed under the heading of the paper
	Rule       string // how the key scores it (partial credit, say), printed in the key
	PointsEach content.Points
	Questions  []PaperQuestion
}

// Points is what the section is worth.
func (s PaperSection) Points() content.Points {
	return content.Points(len(s.Questions)) * s.PointsEach
}

// PaperQuestion is one question as the paper prints it.
type PaperQuestion struct {
	No      int // its number on the paper, from 1, continuous across sections
	Stem    string
	Options []Choice // in the paper's order; none for true/false and cases
	// Key is the answer as the paper names it: B or ACD under the paper's letters, √ or ×
	// for true/false; "" for a case.
	Key       string
	Material  string         // a case's material
	Parts     []Prompt       // a case's questions
	RawPoints content.Points // a case's rubric total, scaled on the paper to the section's points
}

// Choice is one option under the letter the paper gives it.
type Choice struct {
	Letter, Text string
}

// Prompt is one question of a case, with what the key prints for it.
type Prompt struct {
	Prompt    string
	Points    content.Points // on the rubric's scale
	Reference string         // 参考答案
	Rubric    []Criterion
}

// Criterion is one 采分点 of a case question's marking scheme.
type Criterion struct {
	Point    string
	Keywords []string
	Synonyms []string
	Score    content.Points
}

// Part names one of the three documents of a paper.
type Part string

const (
	PartPaper Part = "paper" // 试卷
	PartKey   Part = "key"   // 参考答案及评分标准
	PartSheet Part = "sheet" // 答题卡
)

// Parts lists the parts in the order a center prints them.
var Parts = []Part{PartPaper, PartKey, PartSheet}

// Valid reports whether p is one of the three parts.
func (p Part) Valid() bool { return slices.Contains(Parts, p) }

// Title is the part's Chinese name, as printed in its heading.
func (p Part) Title() string {
	switch p {
	case PartPaper:
		return "试卷"
	case PartKey:
		return "参考答案及评分标准"
	case PartSheet:
		return "答题卡"
	}
	return string(p)
}

// EncodePaper writes one part of p as an A4 PDF to w: the 试卷 (a candidate header, the
// sections with their questions and answer space for cases), the 参考答案及评分标准 (the
// key in paper order, each case's reference answers and 采分点), or the 答题卡 (boxes
// to fill per question, grouped by section, and a grid for the candidate's number; a
// paper of up to 180 choice questions fits one page, case answers follow on pages of
// their own). Every page's footer names the paper's code and seed, so it can be printed
// again. Like Encode it reads no clock (equal papers give equal bytes) and is safe for
// concurrent use. An unknown part is an error, as is an unusable embedded font.
func EncodePaper(w io.Writer, p *Paper, part Part) error {
	if !part.Valid() {
		return fmt.Errorf("report: unknown paper part %q", part)
	}
	d, err := newDoc(p.Title+" "+part.Title(), p.Center, time.Time{}, p.texts())
	if err != nil {
		return err
	}
	switch part {
	case PartPaper:
		d.paper(p)
	case PartKey:
		d.key(p)
	case PartSheet:
		d.sheet(p)
	}
	d.footers(paperPages, clean(d.fonts, p.reprint()), clean(d.fonts, part.Title()))
	return d.output(w)
}

// paperPages is how the paper's documents number their pages.
const paperPages = "第 %d 页 共 %d 页"

// reprint is the footer's note of what prints this paper again: the blueprint and the
// seed, or the attempt, with the paper's code to check the print against.
func (p *Paper) reprint() string {
	if p.Attempt > 0 {
		return fmt.Sprintf("作答 %d · 种子 %d · 卷码 %s", p.Attempt, p.Seed, p.Code)
	}
	return fmt.Sprintf("%s · 种子 %d · 卷码 %s", p.Blueprint, p.Seed, p.Code)
}

// texts is every text the paper's documents draw besides numbers, for the font subset.
func (p *Paper) texts() []string {
	t := []string{paperLabels, p.Title, p.Center, p.Blueprint, p.Code}
	t = append(t, p.Instructions...)
	for _, s := range p.Sections {
		t = append(t, s.Title, s.Note, s.Rule)
		for _, q := range s.Questions {
			t = append(t, q.Stem, q.Key, q.Material)
			for _, o := range q.Options {
				t = append(t, o.Letter, o.Text)
			}
			for _, pr := range q.Parts {
				t = append(t, pr.Prompt, pr.Reference)
				for _, c := range pr.Rubric {
					t = append(t, c.Point)
					t = append(t, c.Keywords...)
					t = append(t, c.Synonyms...)
				}
			}
		}
	}
	return t
}

// paperLabels holds every fixed word the paper's documents print, so their glyphs join
// the subset.
var paperLabels = strings.Join(append([]string{
	"试卷参考答案及评分标准答题卡", "作答 · 种子卷码", "考试时间：分钟不限时　满分：合格线：",
	"姓名准考证号/考号培训机构日期", "题号得分总分阅卷人", "注意事项", "一二三四五六七八九十、",
	"（第～题，每题分，共分）", "本题", "材料：", keyNote, "评分标准合计分，按/折算计入本题（本题分）。",
	"参考答案：", "采分点关键词分值", "；亦可：", caseSheetTitle, caseSheetNote, "填涂示例：正确错误✓×—√",
	"第页共", "□",
}, sheetNotes...), "")
