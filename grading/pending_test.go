package grading_test

import (
	"reflect"
	"testing"

	"github.com/csmexam/csmexam/grading"
)

// TestTally counts ungraded cases per blueprint and per case, in order of first
// appearance, and an attempt once per blueprint however many of its cases remain.
func TestTally(t *testing.T) {
	t.Parallel()
	list := []grading.PendingAttempt{
		{Attempt: 1, Blueprint: "L2-skills", Title: "二级技能", Cases: []grading.CaseReview{{QuestionID: 7, Stem: "甲"}, {QuestionID: 8, Stem: "乙", Graded: true}, {QuestionID: 9, Stem: "丙"}}},
		{Attempt: 2, Blueprint: "quiz", Title: "小测", Cases: []grading.CaseReview{{QuestionID: 9, Stem: "丙"}}},
		{Attempt: 3, Blueprint: "L2-skills", Title: "二级技能", Cases: []grading.CaseReview{{QuestionID: 7, Stem: "甲", Graded: true}}},
	}
	q := grading.Tally(list)
	wantBP := []grading.Remaining{{Key: "L2-skills", Title: "二级技能", Attempts: 1, Cases: 2}, {Key: "quiz", Title: "小测", Attempts: 1, Cases: 1}}
	wantCase := []grading.Remaining{{Key: "7", Title: "甲", Attempts: 1, Cases: 1}, {Key: "9", Title: "丙", Attempts: 2, Cases: 2}}
	if !reflect.DeepEqual(q.ByBlueprint, wantBP) || !reflect.DeepEqual(q.ByCase, wantCase) || len(q.Items) != 3 {
		t.Fatalf("tally %+v / %+v", q.ByBlueprint, q.ByCase)
	}
	if e := grading.Tally(nil); e.ByBlueprint == nil || e.ByCase == nil || len(e.ByBlueprint) != 0 {
		t.Fatalf("an empty queue tallies %+v (the JSON wants [] not null)", e)
	}
}
