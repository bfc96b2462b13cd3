package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// TestAttemptJSONIsTheView: the API's attempt, put together from cached pieces, is byte for
// byte the attempt view through encoding/json: a new exam (sent by the start without
// reading answers), the same with answers, a case paper, a practice whose answered
// questions show their keys, and a submitted exam with its result.
func TestAttemptJSONIsTheView(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		at := time.Now().UTC().Truncate(time.Second)
		h := newHarnessAt(t, dsn, func() time.Time { return at }) // server_time alike in both
		ctx := context.Background()
		candidate := exam.Viewer{UserID: h.userID("candidate"), CenterID: 1}
		same := func(what string, id int64, sent []byte) {
			t.Helper()
			a, err := h.srv.Exams.Attempt(ctx, candidate, id)
			if err != nil {
				t.Fatal(err)
			}
			want, err := h.srv.AttemptViewJSON(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if string(sent) != string(want) {
				t.Errorf("%s: the API sent\n%s\nthe view is\n%s", what, sent, want)
			}
		}
		get := func(id int64) []byte {
			t.Helper()
			s, b := h.do("GET", "/api/v1/attempts/"+itoa(id), "candidate", nil)
			if s != 200 {
				t.Fatalf("get %d: %d %s", id, s, b)
			}
			return b
		}
		start := func(blueprint, mode string) (attemptJSON, []byte) {
			t.Helper()
			s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": blueprint, "mode": mode})
			if s != 201 {
				t.Fatalf("start %s: %d %s", blueprint, s, b)
			}
			return decode[attemptJSON](t, b), b
		}

		ex, sent := start(exam.L2Theory, "exam")
		same("a new exam", ex.ID, sent)
		for n := range 3 {
			if s, b := h.answer("candidate", ex, n); s != 200 {
				t.Fatalf("answer: %d %s", s, b)
			}
		}
		_, again := start(exam.L2Theory, "exam") // resumes it, with its answers
		same("a resumed exam", ex.ID, again)
		same("an exam with answers", ex.ID, get(ex.ID))

		cs, sent := start(h.caseExam(), "")
		same("a new case paper", cs.ID, sent)
		q := cs.questions()[0]
		if s, b := h.do("PUT", "/api/v1/attempts/"+itoa(cs.ID)+"/answers/"+itoa(q.ID), "candidate", map[string]any{"parts": []string{"<答>&\"一\""}}); s != 200 {
			t.Fatalf("case answer: %d %s", s, b)
		}
		same("a case paper with an answer", cs.ID, get(cs.ID))

		pr, _ := start(exam.QuickQuiz, "practice")
		for n := range 2 {
			if s, b := h.answer("candidate", pr, n); s != 200 {
				t.Fatalf("practice answer: %d %s", s, b)
			}
		}
		same("a practice with keys shown", pr.ID, get(pr.ID))

		h.submitAs("candidate", ex.ID)
		same("a submitted exam", ex.ID, get(ex.ID))
	})
}
