package grading

import (
	"reflect"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// TestSuggestRemembered: the remembered suggestion is Suggest's, a caller's change to it
// (caseParts writes the instructor's scores into Points) does not reach the next caller,
// and another answer is not served the first one's.
func TestSuggestRemembered(t *testing.T) {
	t.Parallel()
	part := content.CasePart{Prompt: "问题", Points: content.Pts(2), Reference: "要加强部门协作。",
		Rubric: []content.RubricPoint{{Point: "部门协作", Score: content.Pts(2), Keywords: []string{"协作"}}}}
	answer := "应当加强各部门之间的协作。"
	want := Suggest(part, "材料", answer)
	first := suggest(part, "材料", answer)
	if !reflect.DeepEqual(first, want) || first.Points[0].Suggested != content.Pts(2) {
		t.Fatalf("first %+v, want %+v", first, want)
	}
	first.Points[0].Score = content.Pts(1)
	if again := suggest(part, "材料", answer); !reflect.DeepEqual(again, want) {
		t.Fatalf("a caller's change reached the cache: %+v", again)
	}
	if other := suggest(part, "材料", "没有想法。"); other.Points[0].Suggested != 0 {
		t.Fatalf("another answer got %+v", other)
	}
	if copied := suggest(part, "应当加强各部门之间的协作。", answer); copied.Points[0].Suggested != 0 {
		t.Fatalf("the same answer with other given text got %+v", copied)
	}
}
