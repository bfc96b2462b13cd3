package web_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

type wrongBookJSON struct {
	Items      []grading.WrongEntry
	Unanswered []grading.WrongEntry
}

// keyOf reads a question's key from the bank, as a test that must answer it right or wrong.
func (h *harness) keyOf(id int64) []string {
	h.t.Helper()
	q, err := h.srv.Content.Question(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return q.Answer
}

// missOf is an option of a single choice or true/false question that is not its key.
func (h *harness) missOf(id int64, options []content.Option) []string {
	key := h.keyOf(id)
	for _, o := range options {
		if !slices.Contains(key, o.Key) {
			return []string{o.Key}
		}
	}
	h.t.Fatalf("question %d has no wrong option", id)
	return nil
}

func (h *harness) wrongBook(who, query string) wrongBookJSON {
	h.t.Helper()
	s, b := h.do("GET", "/api/v1/wrongbook"+query, who, nil)
	if s != 200 {
		h.t.Fatalf("wrong book: %d %s", s, b)
	}
	return decode[wrongBookJSON](h.t, b)
}

func ids(es []grading.WrongEntry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.QuestionID
	}
	return out
}

// TestWrongBookAPI: after a mock with two wrong answers, one right and seven unanswered,
// the 错题本 holds the two wrong ones and the 未作答 list the seven; practices of each list,
// the practice lock, two right answers in separate practices, and clearing the list.
func TestWrongBookAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", exam.QuickQuiz)
		var qs []questionJSON
		for _, sec := range a.Sections {
			qs = append(qs, sec.Questions...)
		}
		q0, q1, q2 := qs[0], qs[1], qs[2]
		h.do("PUT", path+"/answers/"+itoa(q0.ID), "candidate", map[string]any{"choice": h.missOf(q0.ID, q0.Options)})
		h.do("PUT", path+"/answers/"+itoa(q1.ID), "candidate", map[string]any{"choice": h.missOf(q1.ID, q1.Options)})
		h.do("PUT", path+"/answers/"+itoa(q2.ID), "candidate", map[string]any{"choice": h.keyOf(q2.ID)})
		if s, b := h.do("POST", path+"/submit", "candidate", nil); s != 200 {
			t.Fatalf("submit: %d %s", s, b)
		}
		book := h.wrongBook("candidate", "")
		if got := ids(book.Items); len(got) != 2 || !slices.Contains(got, q0.ID) || !slices.Contains(got, q1.ID) {
			t.Fatalf("wrong after the mock: %+v", book.Items)
		}
		for _, e := range book.Items {
			if e.Unanswered || e.Count != 1 || !e.IsDue || e.LastAttempt != a.ID || e.Chapter == "" || e.ChapterTitle == "" || e.Stem == "" ||
				!strings.HasPrefix(e.Reason, "到期复习") {
				t.Fatalf("entry: %+v", e)
			}
		}
		if len(book.Unanswered) != 7 || slices.Contains(ids(book.Unanswered), q2.ID) || !book.Unanswered[0].Unanswered {
			t.Fatalf("unanswered after the mock: %+v", book.Unanswered)
		}
		chapter := book.Items[0].Chapter
		for _, e := range h.wrongBook("candidate", "?chapter="+chapter).Items {
			if e.Chapter != chapter {
				t.Fatalf("filter %s gave %s", chapter, e.Chapter)
			}
		}
		if b := h.wrongBook("candidate2", ""); len(b.Items)+len(b.Unanswered) != 0 {
			t.Fatalf("another candidate's book: %+v", b)
		}
		h.expectError(401, "", "GET", "/api/v1/wrongbook", "", nil)

		// The 未作答 list: practised on its own, or cleared.
		h.expectError(422, "list", "POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{"list": "all"})
		s, b := h.do("POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{"list": "unanswered", "count": 3})
		up := decode[attemptJSON](t, b)
		upReasons := decode[struct{ Reasons map[string]string }](t, b).Reasons
		if s != 201 || len(up.questions()) != 3 || !slices.Contains(ids(book.Unanswered), up.questions()[0].ID) || len(upReasons) != 3 ||
			!strings.HasSuffix(upReasons[itoa(up.questions()[0].ID)], "的考试中未作答") {
			t.Fatalf("practice of the unanswered: %d %s", s, b)
		}
		// Submitted with nothing answered, a practice adds nothing.
		h.do("POST", "/api/v1/attempts/"+itoa(up.ID)+"/submit", "candidate", nil)
		if b := h.wrongBook("candidate", ""); len(b.Items) != 2 || len(b.Unanswered) != 7 {
			t.Fatalf("an empty practice changed the book: %+v", b)
		}
		if s, b := h.do("DELETE", "/api/v1/wrongbook/unanswered", "candidate", nil); s != 204 {
			t.Fatalf("clear: %d %s", s, b)
		}
		if b := h.wrongBook("candidate", ""); len(b.Items) != 2 || len(b.Unanswered) != 0 {
			t.Fatalf("after clearing: %+v", b)
		}
		h.expectError(422, "chapter", "POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{"list": "unanswered"})

		// A practice of the wrong ones says why each was taken.
		h.expectError(422, "count", "POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{"count": 500})
		h.expectError(422, "chapter", "POST", "/api/v1/wrongbook/practice", "candidate2", map[string]any{})
		s, b = h.do("POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{})
		p := decode[attemptJSON](t, b)
		reasons := decode[struct{ Reasons map[string]string }](t, b).Reasons
		if s != 201 || p.Deadline != nil || len(p.questions()) != 2 || len(reasons) != 2 ||
			!strings.HasPrefix(reasons[itoa(q0.ID)], "到期复习：答错 1 次") || !strings.HasPrefix(reasons[itoa(q1.ID)], "到期复习") {
			t.Fatalf("practice: %d %s", s, b)
		}
		if s, b := h.do("POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{"count": 5}); s != 201 || decode[attemptJSON](t, b).ID != p.ID {
			t.Fatalf("second practice start: %d %s", s, b)
		}
		// The lock: once an answer is in (and its key shown), another is refused; the
		// same again (a retry) is not.
		ppath := "/api/v1/attempts/" + itoa(p.ID)
		miss := h.missOf(q0.ID, q0.Options)
		if s, b := h.do("PUT", ppath+"/answers/"+itoa(q0.ID), "candidate", map[string]any{"choice": miss}); s != 200 {
			t.Fatalf("practice answer: %d %s", s, b)
		}
		_, b = h.do("GET", ppath, "candidate", nil)
		shown := decode[attemptJSON](t, b).questions()
		if k := shown[slices.IndexFunc(shown, func(q questionJSON) bool { return q.ID == q0.ID })].Key; !slices.Equal(k, h.keyOf(q0.ID)) {
			t.Fatalf("key shown after the answer: %v", k)
		}
		s, b = h.do("PUT", ppath+"/answers/"+itoa(q0.ID), "candidate", map[string]any{"choice": h.keyOf(q0.ID)})
		if e := decode[apiError](t, b); s != 409 || !strings.Contains(e.Error, "不能再修改") {
			t.Fatalf("a changed practice answer: %d %s", s, b)
		}
		if s, b := h.do("PUT", ppath+"/answers/"+itoa(q0.ID), "candidate", map[string]any{"choice": miss}); s != 200 {
			t.Fatalf("the same answer again: %d %s", s, b)
		}
		h.do("PUT", ppath+"/answers/"+itoa(q1.ID), "candidate", map[string]any{"choice": h.keyOf(q1.ID)})
		h.do("POST", ppath+"/submit", "candidate", nil)
		// SM-2: missed again, q0 comes back tomorrow; right once, q1 too.
		book = h.wrongBook("candidate", "")
		if len(book.Items) != 2 || book.Items[0].QuestionID != q0.ID || book.Items[0].Count != 2 || book.Items[0].IsDue ||
			book.Items[1].QuestionID != q1.ID || book.Items[1].RightInRow != 1 || book.Items[1].IsDue ||
			!strings.HasPrefix(book.Items[1].Reason, "提前复习") || !strings.Contains(book.Items[1].Reason, "再答对 1 次即移出") {
			t.Fatalf("after one practice: %+v", book.Items)
		}
		// Right in a second, separate practice: q1 leaves; an abandoned (never submitted)
		// practice adds nothing.
		_, b = h.do("POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{})
		p2 := decode[attemptJSON](t, b)
		if len(p2.questions()) != 2 {
			t.Fatalf("second practice: %s", b)
		}
		h.do("PUT", "/api/v1/attempts/"+itoa(p2.ID)+"/answers/"+itoa(q1.ID), "candidate", map[string]any{"choice": h.keyOf(q1.ID)})
		h.do("POST", "/api/v1/attempts/"+itoa(p2.ID)+"/submit", "candidate", nil)
		_, b = h.do("POST", "/api/v1/wrongbook/practice", "candidate", map[string]any{})
		p3 := decode[attemptJSON](t, b)
		h.do("PUT", "/api/v1/attempts/"+itoa(p3.ID)+"/answers/"+itoa(q0.ID), "candidate", map[string]any{"choice": h.keyOf(q0.ID)})
		if got := ids(h.wrongBook("candidate", "").Items); !slices.Equal(got, []int64{q0.ID}) {
			t.Fatalf("after two right answers to q1 and an open practice: %v", got)
		}

		// A blueprint named like the book is a blueprint of its own: its exam is not the practice.
		named := map[string]any{"code": "wrongbook", "title": "周测", "mode": "exam", "duration_s": 900, "pass_score": 6,
			"sections": []map[string]any{{"type": "single", "count": 10, "points_each": 1}}, "overdue": "autosubmit"}
		if s, b := h.do("POST", "/api/v1/blueprints", "instructor", named); s != 201 {
			t.Fatalf("blueprint wrongbook: %d %s", s, b)
		}
		if s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"blueprint": "wrongbook"}); s != 201 || decode[attemptJSON](t, b).ID == p3.ID {
			t.Fatalf("exam of blueprint wrongbook: %d %s", s, b)
		}
	})
}
