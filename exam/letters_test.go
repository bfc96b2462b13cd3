package exam_test

import (
	"slices"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

func TestLettersFollowThePaper(t *testing.T) {
	t.Parallel()
	q := &content.Question{Type: content.Multiple,
		Options:     []content.Option{{Key: "A", Text: "及时性"}, {Key: "B", Text: "垄断性"}, {Key: "C", Text: "层次性"}, {Key: "D", Text: "多样性"}},
		Answer:      []string{"A", "C", "D"},
		Explanation: "{{opt:2}} 不是特点；{{opt:1}}、{{opt:3}}、{{opt:4}} 是。"}
	it := exam.Item{QuestionID: 1, Options: []string{"C", "A", "D", "B"}} // shuffled: C shown first
	l := exam.LettersOf(it, q.Type)

	if got := l.Of("C"); got != "A" {
		t.Errorf(`Of("C") = %q, want "A" (shown first)`, got)
	}
	if got := l.Join(q.Answer); got != "A、B、C" {
		t.Errorf("Join(key ACD) = %q, want A、B、C", got)
	}
	if got := l.Join([]string{"B"}); got != "D" {
		t.Errorf(`Join(["B"]) = %q, want "D"`, got)
	}
	if got := l.Join(nil); got != "" {
		t.Errorf("Join(nil) = %q, want empty", got)
	}
	if got, want := l.Explain(q), "D 不是特点；B、A、C 是。"; got != want {
		t.Errorf("Explain = %q, want %q", got, want)
	}
	opts := l.Options(q)
	var letters, texts []string
	for _, o := range opts {
		letters, texts = append(letters, o.Letter), append(texts, o.Text)
	}
	if !slices.Equal(letters, []string{"A", "B", "C", "D"}) || !slices.Equal(texts, []string{"层次性", "及时性", "多样性", "垄断性"}) {
		t.Errorf("Options = %v %v, want the paper's order lettered A–D", letters, texts)
	}

	tf := exam.LettersOf(exam.Item{Options: []string{"T", "F"}}, content.TrueFalse)
	if got := tf.Join([]string{"F"}); got != "错误" {
		t.Errorf("true/false Join = %q, want 错误", got)
	}
}
