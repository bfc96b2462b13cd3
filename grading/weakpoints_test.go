package grading_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/grading"
)

// TestPickWeak: the weak points take turns, weakest first; within one, the question last
// answered wrong comes before one never answered, and that before one answered right;
// cases are never picked; each pick names its point, its mastery and why.
func TestPickWeak(t *testing.T) {
	t.Parallel()
	bank := []content.Question{
		{ID: 1, Type: content.Single, Unit: "A.1.1"}, {ID: 2, Type: content.Single, Unit: "A.1.1"}, {ID: 3, Type: content.Single, Unit: "A.1.1"},
		{ID: 4, Type: content.Case, Unit: "A.1.1"}, {ID: 5, Type: content.TrueFalse, Unit: "B.2.1"}, {ID: 6, Type: content.Single, Unit: "C.1.1"},
	}
	points := []grading.WeakPoint{{Unit: "A.1", Title: "甲", Mastery: 0.3, Answers: 6, Recent: 6, RecentRight: 2}, {Unit: "B.2", Title: "乙", Mastery: 0.5, Answers: 3}}
	right := map[int64]bool{1: true, 3: false}
	picks := grading.PickWeak(points, bank, right, 10, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	var ids []int64
	for _, p := range picks {
		ids = append(ids, p.QuestionID)
	}
	if !slices.Equal(ids, []int64{3, 5, 2, 1}) {
		t.Fatalf("picked %v, want 3 (wrong), 5 (B.2's only), 2 (never answered), 1 (right)", ids)
	}
	if !strings.Contains(picks[0].Reason, "知识点「甲」掌握度 30%（近 6 题答对 2 题）") || !strings.Contains(picks[0].Reason, "答错") || !strings.Contains(picks[2].Reason, "还没做过") {
		t.Fatalf("reasons %q / %q", picks[0].Reason, picks[2].Reason)
	}
	if got := grading.PickWeak(points, bank, right, 2, time.Now()); len(got) != 2 {
		t.Fatalf("%d picks for a practice of 2", len(got))
	}
}
