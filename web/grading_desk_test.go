package web_test

import (
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

// queueJSON is GET /api/v1/grading/pending.
type queueJSON struct {
	Items []struct {
		Attempt int64
		Cases   []grading.CaseReview
	}
	ByBlueprint []grading.Remaining `json:"by_blueprint"`
	ByCase      []grading.Remaining `json:"by_case"`
}

type acceptJSON struct {
	Items []grading.Accepted
}

type batchErrorJSON struct {
	Error string
	Field string
	Items []grading.ItemError
}

// TestGradingDeskAPI: the comment is required only where the score differs from the
// suggestion; an unanswered case grades to 0 without one; a batch accept of suggestions
// is all or nothing, names every failed item, records the grader and the time, and moves
// the attempt to graded when its last case is; the queue counts what remains.
func TestGradingDeskAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", h.caseExam())
		cases := a.Sections[0].Questions
		_, b := h.do("GET", "/api/v1/questions/"+itoa(cases[0].ID), "instructor", nil)
		q := decode[content.Question](t, b)
		answer := "我认为：" + q.Parts[0].Rubric[0].Keywords[0] + "。"
		if s, b := h.do("PUT", path+"/answers/"+itoa(q.ID), "candidate", map[string]any{"parts": []string{answer}}); s != 200 {
			t.Fatalf("save case: %d %s", s, b)
		}
		other, _ := h.startAndPath("candidate2", h.caseExam()) // stays in progress
		if s, b := h.do("POST", path+"/submit", "candidate", nil); s != 200 {
			t.Fatalf("submit: %d %s", s, b)
		}
		_, b = h.do("GET", "/api/v1/me", "instructor", nil)
		instructorID := decode[struct{ ID int64 }](t, b).ID

		_, b = h.do("GET", "/api/v1/grading/pending", "instructor", nil)
		queue := decode[queueJSON](t, b)
		if len(queue.ByBlueprint) != 1 || queue.ByBlueprint[0].Key != h.caseExam() || queue.ByBlueprint[0].Cases != a.questionCount() || queue.ByBlueprint[0].Attempts != 1 ||
			len(queue.ByCase) != a.questionCount() || queue.ByCase[0].Key != itoa(q.ID) || queue.ByCase[0].Cases != 1 || queue.ByCase[0].Title == "" {
			t.Fatalf("remaining: %+v %+v", queue.ByBlueprint, queue.ByCase)
		}
		suggested := grading.Suggested(&q, []string{answer})
		if suggested[0] != q.Parts[0].Rubric[0].Score {
			t.Fatalf("suggestion %v: the keyword earns nothing", suggested)
		}

		// The comment rule: a score other than the suggestion needs one, the suggestion none.
		changed := append([]content.Points{0}, suggested[1:]...)
		gradePath := path + "/grades/" + itoa(q.ID)
		h.expectError(422, "comment", "PUT", gradePath, "instructor", map[string]any{"scores": changed})
		h.expectError(422, "comment", "PUT", gradePath, "instructor", map[string]any{"scores": changed, "comment": " \n "})
		h.expectError(422, "comment", "PUT", gradePath, "instructor", map[string]any{"scores": changed, "comment": "只列了词\x1b[31m"})
		if s, b := h.do("PUT", gradePath, "instructor", map[string]any{"scores": changed, "comment": "只列了词，没有说明"}); s != 200 {
			t.Fatalf("a changed score with a comment: %d %s", s, b)
		}
		if s, b := h.do("PUT", gradePath, "instructor", map[string]any{"scores": suggested}); s != 200 || decode[exam.Result](t, b).Items[0].Score == 0 {
			t.Fatalf("the suggestion without a comment: %d %s", s, b)
		}

		// One click for an unanswered case: zeros, no comment.
		empty := cases[1].ID
		_, b = h.do("GET", "/api/v1/questions/"+itoa(empty), "instructor", nil)
		zeros := make([]content.Points, grading.RubricSize(new(decode[content.Question](t, b))))
		s, b := h.do("PUT", path+"/grades/"+itoa(empty), "instructor", map[string]any{"scores": zeros})
		if res := decode[exam.Result](t, b); s != 200 || res.Status != exam.PendingReview || res.Items[1].Pending || res.Items[1].Score != 0 {
			t.Fatalf("zero for an unanswered case: %d %s", s, b)
		}

		// All or nothing: two bad items among good ones store nothing and are both named.
		bad := []grading.CaseRef{{Attempt: a.ID, Question: cases[2].ID}, {Attempt: a.ID, Question: 99999999}, {Attempt: a.ID, Question: cases[3].ID},
			{Attempt: other.ID, Question: other.Sections[0].Questions[0].ID}}
		s, b = h.do("POST", "/api/v1/grading/accept", "instructor", map[string]any{"items": bad})
		be := decode[batchErrorJSON](t, b)
		if s != 422 || be.Field != "items" || be.Error == "" || len(be.Items) != 2 || be.Items[0].Index != 1 || be.Items[1].Index != 3 ||
			be.Items[1].Attempt != other.ID || be.Items[0].Error == "" || be.Items[1].Error == "" {
			t.Fatalf("a batch with bad items: %d %s", s, b)
		}
		_, b = h.do("GET", "/api/v1/grading/pending", "instructor", nil)
		queue = decode[queueJSON](t, b)
		if c := queue.Items[0].Cases; c[2].Graded || c[3].Graded || !c[0].Graded || !c[1].Graded || queue.ByBlueprint[0].Cases != 3 {
			t.Fatalf("the failed batch stored something: %s", b)
		}
		if c := queue.Items[0].Cases[0]; c.GradedBy != instructorID || c.GradedAt == nil {
			t.Fatalf("a graded case in the queue without its grader: %+v", c)
		}
		h.expectError(422, "items", "POST", "/api/v1/grading/accept", "instructor", map[string]any{"items": []any{}})
		h.expectError(422, "items[1]", "POST", "/api/v1/grading/accept", "instructor", map[string]any{"items": []grading.CaseRef{bad[0], bad[0]}})
		h.expectError(400, "items", "POST", "/api/v1/grading/accept", "instructor", `{"items": "all"}`)
		h.expectError(403, "", "POST", "/api/v1/grading/accept", "candidate", map[string]any{"items": bad[:1]})
		s, b = h.do("POST", "/api/v1/grading/accept", "instructor-b", map[string]any{"items": bad[:1]})
		if s != 422 || len(decode[batchErrorJSON](t, b).Items) != 1 {
			t.Fatalf("another center's case: %d %s", s, b)
		}

		// Accept the remaining three: each recorded with the grader and the time; the last
		// one grades the attempt.
		before := time.Now().UTC().Truncate(time.Second)
		rest := []grading.CaseRef{{Attempt: a.ID, Question: cases[2].ID}, {Attempt: a.ID, Question: cases[3].ID}, {Attempt: a.ID, Question: cases[4].ID}}
		s, b = h.do("POST", "/api/v1/grading/accept", "centeradmin", map[string]any{"items": rest})
		after := time.Now().UTC()
		_, me := h.do("GET", "/api/v1/me", "centeradmin", nil)
		adminID := decode[struct{ ID int64 }](t, me).ID
		got := decode[acceptJSON](t, b)
		if s != 200 || len(got.Items) != 3 {
			t.Fatalf("accept: %d %s", s, b)
		}
		for i, it := range got.Items {
			if it.CaseRef != rest[i] || it.GradedBy != adminID || it.GradedAt.Before(before) || it.GradedAt.After(after) || len(it.Scores) == 0 {
				t.Fatalf("accepted item %d: %+v (between %v and %v)", i, it, before, after)
			}
		}
		if got.Items[0].Status != exam.PendingReview || got.Items[2].Status != exam.Graded {
			t.Fatalf("statuses after each accept: %s", b)
		}
		s, b = h.do("GET", path+"/result", "candidate", nil)
		if res := decode[exam.Result](t, b); s != 200 || res.Status != exam.Graded || res.Items[0].Score == 0 || res.Items[0].Comment != "" {
			t.Fatalf("result after the batch: %d %s", s, b)
		}
		if _, b := h.do("GET", "/api/v1/grading/pending", "instructor", nil); len(decode[queueJSON](t, b).Items) != 0 {
			t.Fatalf("the graded attempt is still queued: %s", b)
		}
	})
}
