package grading_test

import (
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

var stagesPart = content.CasePart{Prompt: "处于哪个阶段？", Points: content.Pts(6), Rubric: []content.RubricPoint{
	{Point: "售后服务阶段", Score: content.Pts(2), Keywords: []string{"售后服务", "第一阶段"}},
	{Point: "产品服务", Score: content.Pts(2), Keywords: []string{"交易和使用"}, Synonyms: []string{"产品服务"}},
	{Point: "服务产品+产品服务", Score: content.Pts(2), Keywords: []string{"服务产品+产品服务", "ＣＲＭ"}},
}}

func TestSuggestMatchesKeywordsAcrossWidthPunctuationAndCase(t *testing.T) {
	answer := "该超市处于“第一 阶段”，即认为客户服务就是售后服务。现代观念是：服务产品 ＋ 产品服务，并借助crm。"
	ps := grading.Suggest(stagesPart, "", answer)
	if ps.MaxScore != content.Pts(6) || len(ps.Points) != 3 {
		t.Fatalf("part score %+v", ps)
	}
	// Point 1: "第一 阶段" (a space inside) and "售后服务" both hit, in text order.
	p := ps.Points[0]
	runes := []rune(answer)
	if p.Suggested != content.Pts(2) || len(p.Hits) != 2 || string(runes[p.Hits[0].Start:p.Hits[0].End]) != "第一 阶段" ||
		string(runes[p.Hits[1].Start:p.Hits[1].End]) != "售后服务" {
		t.Fatalf("point 1: %+v", p)
	}
	// Point 2: only the synonym 产品服务 occurs (inside "服务产品 ＋ 产品服务").
	if p := ps.Points[1]; p.Suggested != content.Pts(2) || len(p.Hits) != 1 || p.Hits[0].Word != "产品服务" {
		t.Fatalf("point 2: %+v", p)
	}
	// Point 3: the full-width ＋ and the spaces fold away; ＣＲＭ matches crm.
	p = ps.Points[2]
	if p.Suggested != content.Pts(2) || len(p.Hits) != 2 || string(runes[p.Hits[0].Start:p.Hits[0].End]) != "服务产品 ＋ 产品服务" ||
		string(runes[p.Hits[1].Start:p.Hits[1].End]) != "crm" {
		t.Fatalf("point 3: %+v", p)
	}
	if ps := grading.Suggest(stagesPart, "", "客户至上。"); ps.Points[0].Suggested != 0 || len(ps.Points[1].Hits) != 0 {
		t.Fatalf("an answer without keywords: %+v", ps)
	}
	punct := content.CasePart{Points: content.Pts(1), Rubric: []content.RubricPoint{{Score: content.Pts(1), Keywords: []string{"！！"}}}}
	if ps := grading.Suggest(punct, "", "任何回答！！"); ps.Points[0].Suggested != 0 {
		t.Fatal("a keyword of punctuation alone matched")
	}
}

func caseQuestion() *content.Question {
	return &content.Question{ID: 7, Version: 1, Type: content.Case, Unit: "JC.1.1.2", Parts: []content.CasePart{stagesPart,
		{Prompt: "说法对吗？", Points: content.Pts(4), Rubric: []content.RubricPoint{
			{Point: "不对", Score: content.Pts(2.5), Keywords: []string{"不对"}},
			{Point: "内部客户", Score: content.Pts(1.5), Keywords: []string{"内部客户"}}}}}}
}

func TestCaseReviewSuggestsThenScoresTheInstructorsGrade(t *testing.T) {
	q := caseQuestion()
	paper := exam.Paper{Sections: []exam.PaperSection{{Type: content.Case, PointsEach: content.Pts(20), Items: []exam.Item{{QuestionID: 7, Version: 1}}}}}
	a := &exam.Attempt{ID: 3, Paper: paper, Rules: exam.Blueprint{PassScore: content.Pts(12)}}
	in := exam.GradeInput{Attempt: a, Questions: map[content.Ref]*content.Question{{ID: 7, Version: 1}: q},
		Answers: map[int64]exam.Answer{7: {Parts: []string{"该超市处于第一阶段，把客户服务当成售后服务。", "这种说法不对。"}}}}
	r := grading.Grade(in)
	it := r.Items[0]
	if r.Status != exam.PendingReview || r.Score != 0 || !it.Pending || !it.Answered || len(it.Parts) != 2 ||
		it.Parts[0].Points[0].Suggested != content.Pts(2) || it.Parts[0].Points[1].Suggested != 0 || it.Parts[1].Points[0].Suggested != content.Pts(2.5) {
		t.Fatalf("before review: %+v", r)
	}
	// 6 of 10 raw points on a 20-point case: 12.
	g := grading.CaseGrade{Scores: []content.Points{content.Pts(2), content.Pts(1.5), 0, content.Pts(2.5), 0}, Comment: "第二阶段答得不完整"}
	r = grading.Rescore(in, grading.Review{Grades: map[int64]grading.CaseGrade{7: g}})
	it = r.Items[0]
	if r.Status != exam.Graded || !r.Passed || r.Score != content.Pts(12) || it.Pending || it.Comment != g.Comment ||
		it.Parts[0].Score != content.Pts(3.5) || it.Parts[1].Points[0].Score != content.Pts(2.5) || r.Chapters[0].Score != content.Pts(12) {
		t.Fatalf("after review: %+v", r)
	}
	// A grade that no longer fits the rubric (a corrected question with fewer points) leaves the case pending.
	fixed := *q
	fixed.Version, fixed.Parts = 2, q.Parts[:1]
	r = grading.Rescore(in, grading.Review{Grades: map[int64]grading.CaseGrade{7: g}, Corrected: map[int64]*content.Question{7: &fixed}})
	if r.Status != exam.PendingReview || r.Score != 0 || len(r.Items[0].Parts) != 1 {
		t.Fatalf("grade against an old rubric: %+v", r)
	}
}

func TestCaseScoreRoundsToHalfPoints(t *testing.T) {
	q := &content.Question{Parts: []content.CasePart{{Points: content.Pts(25)}}}
	for _, c := range []struct{ raw, weight, want float64 }{
		{15, 20, 12}, {25, 20, 20}, {0, 20, 0}, {0.5, 20, 0.5}, {1, 20, 1}, {13.5, 20, 11}, {12.5, 15, 7.5},
	} {
		if got := grading.CaseScore(q, []content.Points{content.Pts(c.raw)}, content.Pts(c.weight)); got != content.Pts(c.want) {
			t.Errorf("%v of 25 on %v: %s, want %v", c.raw, c.weight, got, c.want)
		}
	}
}

func TestCheckGradeNamesTheScore(t *testing.T) {
	q := caseQuestion()
	for _, c := range []struct {
		scores []content.Points
		field  string
	}{
		{[]content.Points{1, 2}, "scores"},
		{[]content.Points{content.Pts(2.5), 0, 0, 0, 0}, "scores[0]"},
		{[]content.Points{0, 0, 0, 0, content.Pts(-0.5)}, "scores[4]"},
		{[]content.Points{0, 0, 0, content.Pts(0.25), 0}, "scores[3]"},
	} {
		err := grading.CheckGrade(q, c.scores)
		ve, ok := err.(*content.ValidationError)
		if !ok || ve.Field != c.field {
			t.Errorf("%v: %v, want a validation error on %s", c.scores, err, c.field)
		}
	}
	if err := grading.CheckGrade(q, []content.Points{content.Pts(2), content.Pts(2), content.Pts(0.5), content.Pts(2.5), content.Pts(1.5)}); err != nil {
		t.Fatal(err)
	}
}
