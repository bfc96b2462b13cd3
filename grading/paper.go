package grading

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading/report"
)

// Printable papers, for centers that run their mocks on paper: a paper drawn from a
// blueprint with a seed (the same seed prints the same paper again) or the paper an
// attempt was given, with its key and its answer sheet (report.EncodePaper).

// PaperInput is what a printable paper is built from: the rules it was drawn under, the
// paper, the question versions it holds, the attempt it belongs to (0: drawn from a
// blueprint to print) and the center printed at its top ("" for none).
type PaperInput struct {
	Rules     exam.Blueprint
	Paper     exam.Paper
	Questions map[content.Ref]*content.Question
	Attempt   int64
	Center    string
}

// BuildPaper turns a paper into the values its 试卷, key and 答题卡 print: sections in
// the paper's order with the type's instructions and scoring rule, questions numbered
// from 1 across the paper, options and keys under the letters the paper shows
// (exam.Letters, as on every page), true/false keys as √ and ×, and each case with its
// material, questions, reference answers and 采分点. It is pure. A question of the paper
// missing from Questions is an error.
func BuildPaper(in PaperInput) (*report.Paper, error) {
	p := &report.Paper{Title: in.Rules.Title, Center: in.Center, Blueprint: in.Paper.Blueprint, Seed: in.Paper.Seed,
		Code: in.Paper.Code(), Attempt: in.Attempt, Minutes: (in.Rules.DurationS + 59) / 60, Pass: in.Rules.PassScore}
	if in.Rules.Mode == exam.ModePractice {
		p.Minutes = 0 // practice is untimed
	}
	no := 0
	for _, sec := range in.Paper.Sections {
		ps := report.PaperSection{Type: sec.Type, Title: sec.Title(), PointsEach: sec.PointsEach,
			Note: sectionNote(sec, &in.Rules), Rule: sectionRule(sec, &in.Rules)}
		for _, it := range sec.Items {
			no++
			q := in.Questions[content.Ref{ID: it.QuestionID, Version: it.Version}]
			if q == nil {
				return nil, fmt.Errorf("paper of %s: question %d version %d is missing", in.Paper.Blueprint, it.QuestionID, it.Version)
			}
			ps.Questions = append(ps.Questions, paperQuestion(no, it, q))
		}
		p.Total += ps.Points()
		p.Sections = append(p.Sections, ps)
	}
	p.Instructions = instructions(p)
	return p, nil
}

// paperQuestion is q as item it of a paper shows it, numbered no.
func paperQuestion(no int, it exam.Item, q *content.Question) report.PaperQuestion {
	pq := report.PaperQuestion{No: no, Stem: q.Stem}
	switch q.Type {
	case content.TrueFalse:
		pq.Key = "×"
		if slices.Contains(q.Answer, "T") {
			pq.Key = "√"
		}
	case content.Case:
		pq.Material, pq.RawPoints = q.Material, q.MaxPoints()
		for _, part := range q.Parts {
			pr := report.Prompt{Prompt: part.Prompt, Points: part.Points, Reference: part.Reference}
			for _, r := range part.Rubric {
				pr.Rubric = append(pr.Rubric, report.Criterion{Point: r.Point, Keywords: r.Keywords, Synonyms: r.Synonyms, Score: r.Score})
			}
			pq.Parts = append(pq.Parts, pr)
		}
	default:
		l := exam.LettersOf(it, q.Type)
		for _, o := range l.Options(q) {
			pq.Options = append(pq.Options, report.Choice{Letter: o.Letter, Text: o.Text})
		}
		pq.Key = strings.ReplaceAll(l.Join(q.Answer), "、", "")
	}
	return pq
}

// sectionNote tells the candidate how to answer a section.
func sectionNote(sec exam.PaperSection, rules *exam.Blueprint) string {
	switch sec.Type {
	case content.Single:
		return "每题只有一个正确答案，请将其字母填入题中括号内，或在答题卡上填涂。"
	case content.Multiple:
		return "每题有两个或两个以上正确答案，请将其字母填入题中括号内，或在答题卡上填涂。" + sectionRule(sec, rules)
	case content.TrueFalse:
		return "正确的填“√”，错误的填“×”，或在答题卡上填涂。"
	case content.Case:
		return "请在每问后的作答区内作答，要点明确，条理清楚。"
	}
	return ""
}

// sectionRule is how a section is scored, as the key states it.
func sectionRule(sec exam.PaperSection, rules *exam.Blueprint) string {
	switch sec.Type {
	case content.Multiple:
		if part := rules.PartialCredit(sec.PointsEach); part > 0 {
			return fmt.Sprintf("全部选对得 %s 分；少选且所选均正确得 %s 分；有错选不得分。", sec.PointsEach, part)
		}
		return "全部选对才得分，错选、多选、少选均不得分。"
	case content.TrueFalse:
		return "√ 表示正确，× 表示错误。"
	case content.Case:
		return "按采分点给分：答出关键词或意思相同的表述即得该点分数。"
	}
	return ""
}

// instructions are a paper's 注意事项.
func instructions(p *report.Paper) []string {
	limit := "不限时"
	if p.Minutes > 0 {
		limit = fmt.Sprintf("考试时间 %d 分钟", p.Minutes)
	}
	out := []string{
		fmt.Sprintf("本试卷满分 %s 分，%s 分合格；%s。", p.Total, p.Pass, limit),
		"请先在试卷首页填写姓名、准考证号/考号、培训机构和日期；使用答题卡时，在答题卡上写明并填涂考号。",
	}
	objective, cases := false, false
	for _, s := range p.Sections {
		if s.Type == content.Case {
			cases = true
		} else {
			objective = true
		}
	}
	if objective {
		out = append(out, "选择题和判断题将答案填入题中括号内，或用 2B 铅笔在答题卡上填涂；以答题卡为准时，写在试卷上的答案无效。")
	}
	if cases {
		out = append(out, "案例分析题在题后的作答区内作答，字迹清楚。")
	}
	return append(out, "请用黑色或蓝色钢笔、签字笔作答，不要在试卷上做与答题无关的标记。")
}

// BlueprintPaper draws blueprint code's paper for seed from the viewer's center's bank
// (exam.Service.DrawPaper: nothing is stored, and the same seed draws the same paper
// while the bank is unchanged) and builds it for printing. Only staff may: a printed
// paper comes with its key (anyone else: errs.Forbidden). An unknown blueprint is
// ErrNotFound, a bank that cannot fill it ErrBankShort.
func (s *Service) BlueprintPaper(ctx context.Context, v exam.Viewer, code string, seed int64) (*report.Paper, error) {
	if !v.Staff {
		return nil, errs.New(errs.Forbidden, "只有讲师和机构管理员可以打印试卷")
	}
	drawn, err := s.exams.DrawPaper(ctx, v.CenterID, code, seed)
	if err != nil {
		return nil, err
	}
	center := ""
	if v.CenterID != 0 { // 0: the shared bank, printed from the command line
		c, err := s.accounts.Center(ctx, v.CenterID)
		if err != nil {
			return nil, err
		}
		center = c.Name
	}
	return BuildPaper(PaperInput{Rules: drawn.Rules, Paper: drawn.Paper, Questions: drawn.Questions, Center: center})
}

// AttemptPaper builds the paper attempt id was given, exactly as its candidate saw it,
// for printing by staff of its center (anyone else: ErrNotFound).
func (s *Service) AttemptPaper(ctx context.Context, v exam.Viewer, id int64) (*report.Paper, error) {
	a, err := s.staffAttempt(ctx, v, id)
	if err != nil {
		return nil, err
	}
	qs, err := s.exams.Questions(ctx, a)
	if err != nil {
		return nil, err
	}
	c, err := s.accounts.Center(ctx, a.CenterID)
	if err != nil {
		return nil, err
	}
	return BuildPaper(PaperInput{Rules: a.Rules, Paper: a.Paper, Questions: qs, Attempt: a.ID, Center: c.Name})
}
