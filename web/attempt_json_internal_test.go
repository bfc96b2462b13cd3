package web

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// TestQuestionPiecesEncodeTheView: a question put together from its cached pieces is byte
// for byte what encoding/json makes of its view, for every type, text that JSON escapes,
// images, parts, an option the version lacks, more options than letters, and each state:
// unanswered, answered, revealed in practice and after submit.
func TestQuestionPiecesEncodeTheView(t *testing.T) {
	t.Parallel()
	odd := "<b>&\"\\ 'x'\u2028\u2029\x01 😀 客户"
	many := content.Question{ID: 9, Version: 1, Type: content.Multiple, Stem: "多选" + odd, Answer: []string{"k1", "k27"}}
	var manyKeys []string
	for i := 1; i <= 27; i++ {
		k := fmt.Sprintf("k%d", i)
		many.Options = append(many.Options, content.Option{Key: k, Text: odd + k})
		manyKeys = append(manyKeys, k)
	}
	questions := []struct {
		q       content.Question
		options []string
		answer  exam.Answer
	}{
		{content.Question{ID: 1, Version: 3, Type: content.Single, Stem: odd, Material: odd, Explanation: "见{{opt:1}}" + odd,
			Options: []content.Option{{Key: "A", Text: odd}, {Key: "B", Text: "乙"}, {Key: "C", Text: ""}}, Answer: []string{"B"},
			Attachments: []content.Attachment{{Name: odd, SHA256: "ab"}}},
			[]string{"C", "A", "B", "Z"}, exam.Answer{Choice: []string{"A"}}}, // Z: not in this version
		{content.Question{ID: 2, Version: 1, Type: content.TrueFalse, Stem: "判断", Options: content.TrueFalseOptions, Answer: []string{"F"}},
			[]string{"T", "F"}, exam.Answer{Choice: []string{"T"}}},
		{content.Question{ID: 3, Version: 2, Type: content.Case, Stem: "案例", Material: "材料" + odd,
			Parts: []content.CasePart{{Prompt: odd, Points: content.Pts(12.5), Reference: odd}, {Prompt: "二", Points: 500}}},
			nil, exam.Answer{Parts: []string{"答", ""}}},
		{many, manyKeys, exam.Answer{Choice: []string{"k27", "k2"}}},
	}
	attempts := map[string]*exam.Attempt{
		"exam":      {Mode: exam.ModeExam, Status: exam.InProgress},
		"practice":  {Mode: exam.ModePractice, Status: exam.InProgress},
		"submitted": {Mode: exam.ModeExam, Status: exam.Submitted},
	}
	for _, x := range questions {
		it := exam.Item{QuestionID: x.q.ID, Version: x.q.Version, Options: x.options}
		p, err := newQuestionPieces(&x.q)
		if err != nil {
			t.Fatal(err)
		}
		for name, a := range attempts {
			for _, answered := range []bool{false, true} {
				ans := exam.Answer{}
				if answered {
					ans = x.answer
				}
				want, err := json.Marshal(questionViewOf(a, it, &x.q, ans, answered))
				if err != nil {
					t.Fatal(err)
				}
				got, err := p.appendTo(nil, a, it, &x.q, ans, answered)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Errorf("question %d, %s, answered %v:\n got %s\nwant %s", x.q.ID, name, answered, got, want)
				}
			}
		}
	}
}
