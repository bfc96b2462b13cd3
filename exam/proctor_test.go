package exam_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

// TestProctorCloseRacesSweeper: a proctor closing an overdue attempt on one server while
// another server sweeps it: the attempt is finalised once, with one result, and a close is
// recorded only if the proctor's call was the one that finalised it. A closed attempt's
// save says who closed it and why.
func TestProctorCloseRacesSweeper(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		other := exam.NewService(f.g, f.cs, exam.Deps{Now: f.clock.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: f.cohorts})
		for round := range 3 {
			a, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.QuickQuiz})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CloseAttempt(ctx, teacher, a.ID, " "); !errors.As(err, new(*content.ValidationError)) {
				t.Fatalf("close without a reason: %v", err)
			}
			if _, err := f.svc.CloseAttempt(ctx, otherTeacher, a.ID, "别的中心"); !errors.Is(err, content.ErrNotFound) {
				t.Fatalf("another center closing: %v", err)
			}
			f.clock.Add(11 * time.Minute) // overdue: the sweeper wants it too
			var wg sync.WaitGroup
			var closed *exam.Result
			var swept int
			wg.Go(func() {
				var err error
				if closed, err = other.CloseAttempt(ctx, teacher, a.ID, "收卷"); err != nil {
					t.Error(err)
				}
			})
			wg.Go(func() {
				var err error
				if swept, err = f.svc.Sweep(ctx); err != nil {
					t.Error(err)
				}
			})
			wg.Wait()
			final, err := f.svc.Attempt(ctx, teacher, a.ID)
			if err != nil || final.Result == nil || closed == nil || closed.TimeUsedS != final.Result.TimeUsedS {
				t.Fatalf("round %d: close %+v, stored %+v, %v", round, closed, final, err)
			}
			acts, err := f.svc.ProctorActions(ctx, alice, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := 1 - swept; len(acts) != want {
				t.Fatalf("round %d: swept %d, close records %+v", round, swept, acts)
			}
			if swept == 0 {
				_, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, a.Paper.Sections[0].Items[0].QuestionID, exam.Answer{})
				if err == nil || !containsAll(err.Error(), "监考老师已收卷", "收卷") {
					t.Fatalf("save after a proctor's close: %v", err)
				}
			}
		}
	})
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
