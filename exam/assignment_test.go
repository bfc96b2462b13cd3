package exam_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// startAssigned starts assignment id as who, a member of cohorts.
func (f *fixture) startAssigned(ctx context.Context, who exam.Viewer, cohorts []int64, id int64) (*exam.Attempt, error) {
	f.cohorts.set(who.UserID, cohorts)
	return f.svc.Start(ctx, who, exam.StartRequest{Assignment: id})
}

// startFree starts blueprint code as who while in no cohort: outside any assignment.
func (f *fixture) startFree(ctx context.Context, who exam.Viewer, code string, mode exam.Mode) (*exam.Attempt, error) {
	f.cohorts.set(who.UserID, nil)
	return f.svc.Start(ctx, who, exam.StartRequest{Blueprint: code, Mode: mode})
}

func (f *fixture) myAssignments(ctx context.Context, who exam.Viewer, cohorts []int64) ([]exam.AssignmentStatus, error) {
	f.cohorts.set(who.UserID, cohorts)
	return f.svc.MyAssignments(ctx, who)
}

func (f *fixture) myAssignment(ctx context.Context, who exam.Viewer, cohorts []int64, id int64) (*exam.AssignmentStatus, error) {
	f.cohorts.set(who.UserID, cohorts)
	return f.svc.MyAssignment(ctx, who, id)
}

func (f *fixture) assignmentOf(ctx context.Context, who exam.Viewer, cohorts []int64, code string) (int64, error) {
	f.cohorts.set(who.UserID, cohorts)
	return f.svc.AssignmentOf(ctx, who, code)
}

func TestAssignmentWindowAttemptsAndExtensions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		if !f.g.Migrator().HasIndex("attempts", "idx_attempts_assignment_id") {
			t.Fatal("attempts.assignment_id has no index")
		}
		opens := f.clock.Now().Add(time.Hour)
		closes := opens.Add(2 * time.Hour)
		twice := 2
		const cohort = 7
		a, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: cohort, OpensAt: &opens, ClosesAt: &closes, AttemptsAllowed: &twice})
		if err != nil || a.Title != "快速小测" {
			t.Fatalf("create = %+v %v", a, err)
		}
		var ve *content.ValidationError
		if _, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: cohort, OpensAt: &closes, ClosesAt: &opens}); !errors.As(err, &ve) || ve.Field != "closes_at" {
			t.Fatalf("reversed window: %v", err)
		}
		if _, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: "nope", Cohort: cohort, OpensAt: &opens, ClosesAt: &closes}); !errors.As(err, &ve) || ve.Field != "blueprint" {
			t.Fatalf("unknown blueprint: %v", err)
		}
		if _, err := f.svc.SetExtension(ctx, teacher, a.ID, alice.UserID, 300); err != nil {
			t.Fatal(err)
		}
		mine := []int64{cohort}

		// Not yet open: refused, stating the window in Beijing time.
		_, err = f.startAssigned(ctx, alice, mine, a.ID)
		if !errors.Is(err, content.ErrConflict) || !strings.Contains(err.Error(), "2026-11-23 18:00 至 2026-11-23 20:00（北京时间）") {
			t.Fatalf("before the window: %v", err)
		}
		// Not in the cohort: the assignment does not exist for them.
		if _, err := f.startAssigned(ctx, alice, []int64{8}, a.ID); !errors.Is(err, exam.ErrNotFound) {
			t.Fatalf("outside the cohort: %v", err)
		}
		if _, err := f.startAssigned(ctx, exam.Viewer{UserID: 9, CenterID: 2}, mine, a.ID); !errors.Is(err, exam.ErrNotFound) {
			t.Fatalf("another center: %v", err)
		}

		f.clock.Add(time.Hour)
		at, err := f.startAssigned(ctx, alice, mine, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := at.StartedAt.Add((600 + 300) * time.Second); at.Deadline == nil || !at.Deadline.Equal(want) || at.ExtensionS != 300 {
			t.Fatalf("deadline %v, want %v (extension %d)", at.Deadline, want, at.ExtensionS)
		}
		again, err := f.startAssigned(ctx, alice, mine, a.ID)
		if err != nil || again.ID != at.ID {
			t.Fatalf("second start: %v %v", again, err)
		}
		st, err := f.myAssignments(ctx, alice, mine)
		if err != nil || len(st) != 1 || st[0].Status != "in_progress" || st[0].OpenAttempt != at.ID || st[0].AttemptsUsed != 1 || st[0].ExtraS != 300 {
			t.Fatalf("standing = %+v %v", st, err)
		}
		if _, err := f.svc.Submit(ctx, alice.UserID, at.ID); err != nil {
			t.Fatal(err)
		}
		second, err := f.startAssigned(ctx, alice, mine, a.ID)
		if err != nil || second.ID == at.ID {
			t.Fatalf("second attempt: %v", err)
		}
		f.svc.Submit(ctx, alice.UserID, second.ID)
		if _, err := f.startAssigned(ctx, alice, mine, a.ID); !errors.Is(err, content.ErrConflict) || !strings.Contains(err.Error(), "2 次") {
			t.Fatalf("third attempt: %v", err)
		}
		st, _ = f.myAssignments(ctx, alice, mine)
		if st[0].Status != "used_up" || st[0].AttemptsUsed != 2 {
			t.Fatalf("after two: %+v", st[0])
		}
		if err := f.svc.DeleteAssignment(ctx, teacher, a.ID); !errors.Is(err, content.ErrConflict) {
			t.Fatalf("delete with attempts: %v", err)
		}

		// Bob starts late: his exam keeps its full duration past the window's close.
		f.clock.Add(115 * time.Minute)
		late, err := f.startAssigned(ctx, bob, mine, a.ID)
		if err != nil || !late.Deadline.After(closes) {
			t.Fatalf("late start: %v %v", late, err)
		}
		f.clock.Add(5 * time.Minute)
		if _, err := f.startAssigned(ctx, exam.Viewer{UserID: 5, CenterID: 1}, mine, a.ID); !errors.Is(err, content.ErrConflict) || !strings.Contains(err.Error(), "已截止") {
			t.Fatalf("after the window: %v", err)
		}
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: bob.UserID}, late.ID, late.Paper.Sections[0].Items[0].QuestionID, exam.Answer{Choice: []string{late.Paper.Sections[0].Items[0].Options[0]}}); err != nil {
			t.Fatalf("save after the window's close: %v", err)
		}

		// Staff of another center see nothing of it.
		if _, err := f.svc.Assignment(ctx, otherTeacher, a.ID); !errors.Is(err, exam.ErrNotFound) {
			t.Fatalf("other center reads: %v", err)
		}
		if _, err := f.svc.UpdateAssignment(ctx, otherTeacher, a.ID, exam.AssignmentInput{}); !errors.Is(err, exam.ErrNotFound) {
			t.Fatalf("other center edits: %v", err)
		}
		if _, err := f.svc.SetExtension(ctx, otherTeacher, a.ID, 1, 60); !errors.Is(err, exam.ErrNotFound) {
			t.Fatalf("other center extends: %v", err)
		}
		if err := f.svc.CheckCohortUnassigned(ctx, cohort); !errors.Is(err, content.ErrConflict) {
			t.Fatalf("cohort in use: %v", err)
		}
		later := closes.Add(24 * time.Hour)
		if up, err := f.svc.UpdateAssignment(ctx, teacher, a.ID, exam.AssignmentInput{ClosesAt: &later}); err != nil || !up.ClosesAt.Equal(later) || up.AttemptsAllowed != 2 || up.Extensions[alice.UserID] != 300 {
			t.Fatalf("update = %+v %v", up, err)
		}
	})
}

// An exam of the assigned blueprint started freely within the window counts as the
// assignment's while attempts are left; one started before or after the window, or once
// the attempts are used up, blocks until submitted and never counts.
func TestAssignmentAdoptsOpenAttempt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		opens := f.clock.Now().Add(time.Minute)
		closes := opens.Add(time.Hour)
		a, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: 1, OpensAt: &opens, ClosesAt: &closes})
		if err != nil {
			t.Fatal(err)
		}
		refused := func(who exam.Viewer, why string) {
			t.Helper()
			if _, err := f.startAssigned(ctx, who, []int64{1}, a.ID); !errors.Is(err, content.ErrConflict) || !strings.Contains(err.Error(), why) {
				t.Fatalf("want 409 %q: %v", why, err)
			}
		}
		used := func(who exam.Viewer, want int) {
			t.Helper()
			if st, err := f.myAssignment(ctx, who, []int64{1}, a.ID); err != nil || st.AttemptsUsed != want {
				t.Fatalf("attempts used %+v %v, want %d", st, err, want)
			}
		}
		early, err := f.startFree(ctx, alice, exam.QuickQuiz, exam.ModeExam)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(2 * time.Minute)
		refused(alice, "请先交卷")
		used(alice, 0)
		if _, err := f.svc.Submit(ctx, alice.UserID, early.ID); err != nil {
			t.Fatal(err)
		}

		free, _ := f.startFree(ctx, bob, exam.QuickQuiz, exam.ModeExam)
		got, err := f.startAssigned(ctx, bob, []int64{1}, a.ID)
		if err != nil || got.ID != free.ID {
			t.Fatalf("adopt: %v %v", got, err)
		}
		if st, _ := f.myAssignments(ctx, bob, []int64{1}); st[0].OpenAttempt != free.ID {
			t.Fatalf("adopted attempt not recorded: %+v", st[0])
		}
		// The same blueprint assigned to bob's other cohort: his open attempt is the first's.
		other, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: 2, OpensAt: &opens, ClosesAt: &closes})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.startAssigned(ctx, bob, []int64{1, 2}, other.ID); !errors.Is(err, content.ErrConflict) || strings.Contains(err.Error(), "attempt") {
			t.Fatalf("attempt of another assignment taken over: %v", err)
		}
		if _, err := f.svc.Submit(ctx, bob.UserID, free.ID); err != nil {
			t.Fatal(err)
		}
		// Bob's one attempt is used: another free exam inside the window is not adopted.
		extra, _ := f.startFree(ctx, bob, exam.QuickQuiz, exam.ModeExam)
		refused(bob, "最多可作答 1 次，已用完")
		used(bob, 1)
		if _, err := f.svc.Submit(ctx, bob.UserID, extra.ID); err != nil {
			t.Fatal(err)
		}

		// After the close, a free exam is not the assignment's.
		f.clock.Add(2 * time.Hour)
		late, _ := f.startFree(ctx, alice, exam.QuickQuiz, exam.ModeExam)
		refused(alice, "请先交卷")
		used(alice, 0)
		if _, err := f.svc.Submit(ctx, alice.UserID, late.ID); err != nil {
			t.Fatal(err)
		}
		// Nor, with the window stretched, is a practice in progress.
		later := closes.Add(4 * time.Hour)
		if _, err := f.svc.UpdateAssignment(ctx, teacher, a.ID, exam.AssignmentInput{ClosesAt: &later}); err != nil {
			t.Fatal(err)
		}
		practice, _ := f.startFree(ctx, alice, exam.QuickQuiz, exam.ModePractice)
		refused(alice, "请先交卷")
		used(alice, 0)
		if _, err := f.svc.Submit(ctx, alice.UserID, practice.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := f.startAssigned(ctx, alice, []int64{1}, a.ID); err != nil || got.ID == late.ID {
			t.Fatalf("start inside the stretched window: %v %v", got, err)
		}
		used(alice, 1)
	})
}

// Starts racing submits never give a candidate more attempts than assigned.
func TestAssignmentAttemptsUnderRace(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		opens := f.clock.Now()
		closes := opens.Add(time.Hour)
		twice := 2
		a, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: 1, OpensAt: &opens, ClosesAt: &closes, AttemptsAllowed: &twice})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for range 3 {
					if at, err := f.startAssigned(ctx, alice, []int64{1}, a.ID); err == nil {
						if _, err := f.svc.Submit(ctx, alice.UserID, at.ID); err != nil {
							t.Error(err)
						}
					} else if !errors.Is(err, content.ErrConflict) {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if st, err := f.myAssignment(ctx, alice, []int64{1}, a.ID); err != nil || st.AttemptsUsed != 2 {
			t.Fatalf("attempts used %+v %v, want 2", st, err)
		}
	})
}

// A candidate's start of a blueprint goes through the assignment open now, else the next
// to open; once none is, through none.
func TestAssignmentOfOpenOrNext(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		mine := []int64{3}
		assign := func(opens time.Time) int64 {
			t.Helper()
			closes := opens.Add(time.Hour)
			a, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: 3, OpensAt: &opens, ClosesAt: &closes})
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		of := func(want int64) {
			t.Helper()
			if id, err := f.assignmentOf(ctx, alice, mine, exam.QuickQuiz); err != nil || id != want {
				t.Fatalf("AssignmentOf = %d %v, want %d", id, err, want)
			}
		}
		now := f.clock.Now()
		first := assign(now)
		second := assign(now.Add(3 * time.Hour))
		of(first)
		f.clock.Add(90 * time.Minute)
		of(second)
		f.clock.Add(3 * time.Hour)
		of(0)
		// The closed assignment still refuses a start naming it.
		if _, err := f.startAssigned(ctx, alice, mine, first); !errors.Is(err, content.ErrConflict) || !strings.Contains(err.Error(), "已截止") {
			t.Fatalf("closed assignment: %v", err)
		}
	})
}
