package grading_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

// reviewedAttempt is a small paper (two single choices, a case) submitted, its case graded.
func reviewedAttempt() grading.ReportInput {
	single := func(id int64, unit, key string) *content.Question {
		return &content.Question{ID: id, Version: 1, Type: content.Single, Unit: unit, Stem: "题干", Answer: []string{key}, Explanation: "解析",
			Options: []content.Option{{Key: "A", Text: "甲"}, {Key: "B", Text: "乙"}, {Key: "C", Text: "丙"}}}
	}
	cs := caseQuestion()
	qs := map[content.Ref]*content.Question{{ID: 1, Version: 1}: single(1, "JC.1.1.1", "A"), {ID: 2, Version: 1}: single(2, "JC.2.1.1", "B"), {ID: 7, Version: 1}: cs}
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	end := start.Add(30 * time.Minute)
	a := &exam.Attempt{ID: 42, Status: exam.Graded, StartedAt: start, SubmittedAt: &end,
		Rules: exam.Blueprint{Title: "二级综合模拟", PassScore: content.Pts(6)},
		Paper: exam.Paper{Sections: []exam.PaperSection{
			{Type: content.Single, PointsEach: content.Pts(1), Items: []exam.Item{{QuestionID: 1, Version: 1, Options: []string{"C", "A", "B"}}, {QuestionID: 2, Version: 1, Options: []string{"A", "B", "C"}}}},
			{Type: content.Case, PointsEach: content.Pts(10), Items: []exam.Item{{QuestionID: 7, Version: 1}}},
		}}}
	in := exam.GradeInput{Attempt: a, Questions: qs, Now: end, Titles: map[string]string{"JC.1": "客户服务概述", "JC.2": "客户服务礼仪"},
		Answers: map[int64]exam.Answer{1: {Choice: []string{"A"}}, 7: {Parts: []string{"售后服务", "不对"}}}}
	r := grading.Review{Grades: map[int64]grading.CaseGrade{7: {Scores: []content.Points{content.Pts(2), 0, content.Pts(2), content.Pts(2.5), content.Pts(1.5)}, Comment: "第二阶段未答"}}}
	res := grading.Rescore(in, r)
	a.Result = &res
	return grading.ReportInput{GradeInput: in, Review: r, Center: "甲培训中心", Candidate: "张三", Username: "zhangsan"}
}

func TestBuildReport(t *testing.T) {
	t.Parallel()
	in := reviewedAttempt()
	r := grading.BuildReport(in)
	// 1 (q1) + 0 (q2 unanswered) + 8 of 10 raw on a 10-point case = 9.
	if r.Score != content.Pts(9) || r.MaxScore != content.Pts(12) || !r.Passed || r.Pending || r.TimeUsed != 30*time.Minute ||
		r.Blueprint != "二级综合模拟" || r.Center != "甲培训中心" || r.Candidate != "张三" || r.AttemptID != 42 || !r.Date.Equal(*in.Attempt.SubmittedAt) {
		t.Fatalf("header: %+v", r)
	}
	if _, off := r.Date.Zone(); off != 8*60*60 { // the report prints dates as given: in Beijing time
		t.Fatalf("report date %v is not in Beijing time", r.Date)
	}
	if len(r.Sections) != 2 || r.Sections[0].Title != "单项选择题" || r.Sections[0].Count != 2 || r.Sections[0].Correct != 1 || r.Sections[0].Score != content.Pts(1) ||
		r.Sections[1].Score != content.Pts(8) {
		t.Fatalf("sections: %+v", r.Sections)
	}
	if len(r.Chapters) != 2 || r.Chapters[0].Title != "客户服务概述" || r.Chapters[0].Count != 2 || r.Chapters[0].Score != content.Pts(9) ||
		r.Chapters[1].Title != "客户服务礼仪" || r.Chapters[1].Correct != 0 {
		t.Fatalf("chapters: %+v", r.Chapters)
	}
	if len(r.Wrong) != 0 || len(r.Unanswered) != 1 || r.Unanswered[0].No != 2 || r.Unanswered[0].Stem != "题干" {
		t.Fatalf("wrong %+v, unanswered %+v: want question 2 listed as unanswered only", r.Wrong, r.Unanswered)
	}
	c := r.Cases
	if len(c) != 1 || c[0].No != 3 || c[0].Comment != "第二阶段未答" || c[0].Score != content.Pts(8) || c[0].MaxScore != content.Pts(10) ||
		len(c[0].Parts) != 2 || c[0].Parts[1].Answer != "不对" || c[0].Parts[0].Score != content.Pts(4) || c[0].Parts[0].Points[1].Score != 0 ||
		c[0].Parts[0].Points[0].Point != "售后服务阶段" || c[0].Parts[1].Points[0].MaxScore != content.Pts(2.5) {
		t.Fatalf("cases: %+v", c)
	}
	// The code checks id, score and date: it is stable and changes with any of them.
	at := *in.Attempt.SubmittedAt
	if r.VerifyCode != grading.VerifyCode(42, content.Pts(9), at) || !strings.HasPrefix(r.VerifyCode, "42-") ||
		r.VerifyCode == grading.VerifyCode(42, content.Pts(9.5), at) || r.VerifyCode == grading.VerifyCode(42, content.Pts(9), at.Add(time.Second)) {
		t.Fatalf("verify code %s", r.VerifyCode)
	}
}

// A wrong answer on a shuffled paper is reported as the candidate saw it: options in the
// paper's order under its letters, and option references in the explanation as shown.
func TestBuildReportNamesOptionsAsShown(t *testing.T) {
	t.Parallel()
	in := reviewedAttempt()
	q1 := *in.Questions[content.Ref{ID: 1, Version: 1}]
	q1.Explanation = "{{opt:1}} 对，{{opt:2}} 错。"
	in.Questions[content.Ref{ID: 1, Version: 1}] = &q1
	in.Answers[1] = exam.Answer{Choice: []string{"B"}} // paper order C, A, B: bank B is shown as C
	res := grading.Rescore(in.GradeInput, in.Review)
	in.Attempt.Result = &res
	r := grading.BuildReport(in)
	if len(r.Wrong) != 1 {
		t.Fatalf("wrong: %+v", r.Wrong)
	}
	w := r.Wrong[0]
	if w.No != 1 || w.Given != "C" || w.Key != "B" || w.Explanation != "B 对，C 错。" {
		t.Fatalf("wrong answer as shown: %+v", w)
	}
	var shown []string
	for _, o := range w.Options {
		shown = append(shown, fmt.Sprintf("%s%s%v%v", o.Letter, o.Text, o.Key, o.Given))
	}
	if got := strings.Join(shown, " "); got != "A丙falsefalse B甲truefalse C乙falsetrue" {
		t.Fatalf("options: %s", got)
	}
}
