package grading_test

import (
	"testing"
	"time"

	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

// sitting is one more finalised attempt of the reviewed paper (two single choices, key A
// and B, and a case), answered as given, submitted days after the first.
func sitting(t *testing.T, id int64, mode exam.Mode, days int, answers map[int64]exam.Answer) exam.Attempt {
	t.Helper()
	in := reviewedAttempt()
	a := *in.Attempt
	a.ID, a.Mode = id, mode
	at := a.SubmittedAt.Add(time.Duration(days) * 24 * time.Hour)
	a.SubmittedAt = &at
	g := in.GradeInput
	g.Attempt, g.Answers = &a, answers
	res := grading.Rescore(g, in.Review)
	a.Result = &res
	return a
}

func TestWrongBookRules(t *testing.T) {
	t.Parallel()
	in := reviewedAttempt()
	qs, titles := in.Questions, in.Titles
	right1, wrong1 := exam.Answer{Choice: []string{"A"}}, exam.Answer{Choice: []string{"B"}}
	right2 := exam.Answer{Choice: []string{"B"}}
	// An exam: q1 wrong, q2 unanswered.
	mock := sitting(t, 50, exam.ModeExam, 0, map[int64]exam.Answer{1: wrong1})
	day0 := *mock.SubmittedAt
	book := grading.WrongBook([]exam.Attempt{mock}, qs, titles, time.Time{}, day0)
	if len(book.Wrong) != 1 || book.Wrong[0].QuestionID != 1 || book.Wrong[0].Count != 1 || book.Wrong[0].Unanswered || !book.Wrong[0].IsDue ||
		book.Wrong[0].Chapter != "JC.1" || book.Wrong[0].ChapterTitle != "客户服务概述" || book.Wrong[0].Reason == "" {
		t.Fatalf("wrong after the mock: %+v", book.Wrong)
	}
	if len(book.Unanswered) != 1 || book.Unanswered[0].QuestionID != 2 || !book.Unanswered[0].Unanswered || book.Unanswered[0].Count != 0 {
		t.Fatalf("unanswered after the mock: %+v", book.Unanswered)
	}
	// A cleared 未作答 list stays empty until a later exam leaves a question unanswered.
	if b := grading.WrongBook([]exam.Attempt{mock}, qs, titles, day0, day0); len(b.Unanswered) != 0 || len(b.Wrong) != 1 {
		t.Fatalf("after clearing: %+v", b)
	}
	// A practice left empty (or abandoned) adds nothing.
	empty := sitting(t, 51, exam.ModePractice, 1, nil)
	abandoned := sitting(t, 52, exam.ModeExam, 1, map[int64]exam.Answer{2: wrong1})
	abandoned.Status = exam.Abandoned
	b := grading.WrongBook([]exam.Attempt{mock, empty, abandoned}, qs, titles, time.Time{}, day0.Add(48*time.Hour))
	if len(b.Wrong) != 1 || len(b.Unanswered) != 1 || b.Wrong[0].Count != 1 {
		t.Fatalf("an empty practice and an abandoned exam changed the book: %+v", b)
	}
	// Right once in a practice: still in the book, due a day later (SM-2: 1 day, then 6).
	p1 := sitting(t, 53, exam.ModePractice, 1, map[int64]exam.Answer{1: right1, 2: right2})
	b = grading.WrongBook([]exam.Attempt{mock, p1}, qs, titles, time.Time{}, *p1.SubmittedAt)
	if len(b.Wrong) != 1 || b.Wrong[0].RightInRow != 1 || b.Wrong[0].IsDue || !b.Wrong[0].Due.Equal(p1.SubmittedAt.Add(24*time.Hour)) {
		t.Fatalf("after one right practice: %+v", b.Wrong)
	}
	if len(b.Unanswered) != 0 {
		t.Fatalf("an unanswered question answered right stays on the list: %+v", b.Unanswered)
	}
	// Wrong again: the review starts over; right twice in separate practices: it leaves.
	p2 := sitting(t, 54, exam.ModePractice, 3, map[int64]exam.Answer{1: wrong1})
	b = grading.WrongBook([]exam.Attempt{mock, p1, p2}, qs, titles, time.Time{}, *p2.SubmittedAt)
	if len(b.Wrong) != 1 || b.Wrong[0].RightInRow != 0 || b.Wrong[0].Count != 2 || b.Wrong[0].LastAttempt != 54 {
		t.Fatalf("after a miss in review: %+v", b.Wrong)
	}
	p3 := sitting(t, 55, exam.ModePractice, 4, map[int64]exam.Answer{1: right1})
	p4 := sitting(t, 56, exam.ModePractice, 5, map[int64]exam.Answer{1: right1})
	b = grading.WrongBook([]exam.Attempt{mock, p1, p2, p3}, qs, titles, time.Time{}, *p3.SubmittedAt)
	if len(b.Wrong) != 1 || b.Wrong[0].RightInRow != 1 {
		t.Fatalf("after one right answer of two: %+v", b.Wrong)
	}
	if b := grading.WrongBook([]exam.Attempt{mock, p1, p2, p3, p4}, qs, titles, time.Time{}, *p4.SubmittedAt); len(b.Wrong) != 0 {
		t.Fatalf("right in two separate practices, still in the book: %+v", b.Wrong)
	}
	// A right answer in an exam is no review: the question stays where it was.
	exam2 := sitting(t, 58, exam.ModeExam, 5, map[int64]exam.Answer{1: right1})
	if b := grading.WrongBook([]exam.Attempt{mock, p1, p2, p3, exam2}, qs, titles, time.Time{}, *exam2.SubmittedAt); len(b.Wrong) != 1 || b.Wrong[0].RightInRow != 1 {
		t.Fatalf("after a right answer in an exam: %+v", b.Wrong)
	}
	// Wrong in a practice enters the book too, and takes the question off 未作答.
	p5 := sitting(t, 57, exam.ModePractice, 1, map[int64]exam.Answer{2: {Choice: []string{"C"}}})
	b = grading.WrongBook([]exam.Attempt{mock, p5}, qs, titles, time.Time{}, *p5.SubmittedAt)
	if len(b.Wrong) != 2 || len(b.Unanswered) != 0 {
		t.Fatalf("a practice miss: %+v", b)
	}
}

// TestWrongBookDueFirst: a question due comes before one reviewed lately, whatever
// their misses' order.
func TestWrongBookDueFirst(t *testing.T) {
	t.Parallel()
	in := reviewedAttempt()
	mock := sitting(t, 60, exam.ModeExam, 0, map[int64]exam.Answer{1: {Choice: []string{"B"}}})
	miss2 := sitting(t, 61, exam.ModePractice, 2, map[int64]exam.Answer{1: {Choice: []string{"A"}}, 2: {Choice: []string{"A"}}})
	// Day 2: q1 was answered right (due day 3), q2 missed (due at once).
	b := grading.WrongBook([]exam.Attempt{mock, miss2}, in.Questions, in.Titles, time.Time{}, *miss2.SubmittedAt)
	if len(b.Wrong) != 2 || b.Wrong[0].QuestionID != 2 || !b.Wrong[0].IsDue || b.Wrong[1].QuestionID != 1 || b.Wrong[1].IsDue {
		t.Fatalf("order: %+v", b.Wrong)
	}
	if got := b.Wrong[1].Reason; got != "提前复习（11月26日 到期）：答错 1 次，最近在 11月23日，之后已答对 1 次，再答对 1 次即移出" {
		t.Fatalf("reason of a question not due: %q", got)
	}
	if got := b.Wrong[0].Reason; got != "到期复习：答错 1 次，最近在 11月25日" {
		t.Fatalf("reason of a due question: %q", got)
	}
}
