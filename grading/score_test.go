package grading_test

import (
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

func TestGradeMultipleChoicePolicies(t *testing.T) {
	t.Parallel()
	multi := &content.Question{ID: 1, Version: 1, Type: content.Multiple, Unit: "JC.1.1.1", Answer: []string{"A", "C", "D"}}
	single := &content.Question{ID: 2, Version: 1, Type: content.Single, Unit: "JC.2.1.1", Answer: []string{"B"}}
	cs := &content.Question{ID: 3, Version: 1, Type: content.Case, Unit: "JC.2.1.1"}
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	paper := exam.Paper{Sections: []exam.PaperSection{
		{Type: content.Single, PointsEach: content.Pts(0.5), Items: []exam.Item{{QuestionID: 2, Version: 1}}},
		{Type: content.Multiple, PointsEach: content.Pts(1), Items: []exam.Item{{QuestionID: 1, Version: 1}}},
	}}
	qs := map[content.Ref]*content.Question{{ID: 1, Version: 1}: multi, {ID: 2, Version: 1}: single, {ID: 3, Version: 1}: cs}
	grade := func(scoring exam.Scoring, choice []string) exam.Result {
		a := &exam.Attempt{ID: 9, StartedAt: start, Paper: paper, Rules: exam.Blueprint{PassScore: content.Pts(1), MultipleScoring: scoring, PartialFraction: 50}}
		return grading.Grade(exam.GradeInput{Attempt: a, Questions: qs, Now: start.Add(time.Minute),
			Answers: map[int64]exam.Answer{1: {Choice: choice}, 2: {Choice: []string{"B"}}}, Titles: map[string]string{"JC.1": "客户服务概述"}})
	}
	cases := []struct {
		scoring exam.Scoring
		choice  []string
		want    content.Points
	}{
		{exam.AllOrNothing, []string{"A", "C", "D"}, content.Pts(1.5)},
		{exam.AllOrNothing, []string{"A", "C"}, content.Pts(0.5)},           // 少选不得分
		{exam.AllOrNothing, []string{"A", "B", "C", "D"}, content.Pts(0.5)}, // 多选不得分
		{exam.Partial, []string{"A", "C"}, content.Pts(1)},                  // 少选得一半
		{exam.Partial, []string{"A", "B"}, content.Pts(0.5)},                // 错选不得分
		{exam.Partial, nil, content.Pts(0.5)},
	}
	for _, c := range cases {
		r := grade(c.scoring, c.choice)
		if r.Score != c.want || r.MaxScore != content.Pts(1.5) || r.Status != exam.Graded {
			t.Errorf("%s %v: score %s/%s %s, want %s", c.scoring, c.choice, r.Score, r.MaxScore, r.Status, c.want)
		}
	}
	r := grade(exam.AllOrNothing, []string{"A", "C", "D"})
	if !r.Passed || r.TimeUsedS != 60 || r.Chapters[0].Code != "JC.2" || r.Chapters[1].Title != "客户服务概述" || r.Units[1].Score != content.Pts(1) {
		t.Fatalf("result detail: %+v", r)
	}
	// A case on the paper leaves the attempt pending review, and not yet passed.
	paper.Sections = append(paper.Sections, exam.PaperSection{Type: content.Case, PointsEach: content.Pts(20), Items: []exam.Item{{QuestionID: 3, Version: 1}}})
	r = grade(exam.AllOrNothing, []string{"A", "C", "D"})
	if r.Status != exam.PendingReview || r.Passed || !r.Items[2].Pending || r.MaxScore != content.Pts(21.5) {
		t.Fatalf("with a case: %+v", r)
	}
}
