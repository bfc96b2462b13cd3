package content_test

import (
	"testing"

	"github.com/csmexam/csmexam/content"
)

// TestDiffQuestions lists the changed fields only, in reading order, each side as an
// instructor reads it.
func TestDiffQuestions(t *testing.T) {
	t.Parallel()
	before := content.Question{Type: content.Single, Stem: "客户服务的特点是？", Unit: "JC.1.1.1", Difficulty: 2,
		Options: []content.Option{{Key: "A", Text: "层次性"}, {Key: "B", Text: "垄断性"}}, Answer: []string{"A"}, Explanation: "略"}
	after := before
	after.Options = []content.Option{{Key: "A", Text: "层次性"}, {Key: "B", Text: "多样性"}}
	after.Answer = []string{"B"}
	after.Difficulty = 3
	got := content.DiffQuestions(&before, &after)
	want := []content.FieldChange{
		{Field: "options", Label: "选项", Before: "A. 层次性\nB. 垄断性", After: "A. 层次性\nB. 多样性"},
		{Field: "answer", Label: "答案", Before: "A", After: "B"},
		{Field: "difficulty", Label: "难度", Before: "2", After: "3"},
	}
	if len(got) != len(want) {
		t.Fatalf("diff %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if d := content.DiffQuestions(&before, &before); len(d) != 0 {
		t.Errorf("a question differs from itself: %+v", d)
	}
}
