package exam_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/throttle"
	"github.com/csmexam/csmexam/grading"
)

// TestAccessCodeThrottle: past the free wrong codes a candidate's starts wait, on every
// server sharing the database, the right code included; after the wait the right code
// starts; a classmate in the same room is not held up; a start with no code or from
// outside the allowed networks counts nothing.
func TestAccessCodeThrottle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		// A second server: its own service (caches, store) over the same database.
		other := exam.NewService(f.g, f.cs, exam.Deps{Now: f.clock.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: f.cohorts})
		ctx := context.Background()
		opens, closes := f.clock.Now().Add(-time.Minute), f.clock.Now().Add(3*time.Hour)
		const cohort = 9
		a, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: cohort, OpensAt: &opens, ClosesAt: &closes,
			Integrity: &exam.Integrity{AccessCode: "Room-301", AllowedNetworks: []string{"10.8.0.0/16"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.cohorts.set(alice.UserID, []int64{cohort})
		f.cohorts.set(bob.UserID, []int64{cohort})
		start := func(svc *exam.Service, who exam.Viewer, addr, code string) (*exam.Attempt, error) {
			return svc.Start(ctx, who, exam.StartRequest{Assignment: a.ID, Entry: exam.Entry{Addr: addr, AccessCode: code}})
		}
		const room = "10.8.1.2"
		// Neither a missing code nor a start from outside the room is a guess.
		for range exam.AccessCodePairRule.Free + 2 {
			if _, err := start(f.svc, alice, room, " "); !errors.Is(err, errs.Forbidden) {
				t.Fatalf("no code: %v", err)
			}
			if _, err := start(f.svc, alice, "192.0.2.1", "guess"); !errors.Is(err, errs.Forbidden) {
				t.Fatalf("outside the room: %v", err)
			}
		}
		for i := range exam.AccessCodePairRule.Free {
			if _, err := start(f.svc, alice, room, "guess"); err != exam.ErrAccessCode {
				t.Fatalf("wrong code %d: %v", i+1, err)
			}
		}
		// The failure past the free ones is still compared (and wrong); it blocks the pair.
		if _, err := start(f.svc, alice, room, "guess"); err != exam.ErrAccessCode {
			t.Fatalf("wrong code %d: %v", exam.AccessCodePairRule.Free+1, err)
		}
		var te *throttle.Error
		for _, svc := range []*exam.Service{f.svc, other} {
			for _, code := range []string{"guess", "Room-301"} {
				_, err := start(svc, alice, room, code)
				if e, ok := errs.As(err); !errors.Is(err, errs.TooManyRequests) || !errors.As(err, &te) || te.RetryAfter != exam.AccessCodePairRule.BaseDelay ||
					!ok || e.Message != "考试口令错误次数过多，请 2 秒后再试" {
					t.Fatalf("blocked start with %q on server %p: %v", code, svc, err)
				}
			}
		}
		// A classmate in the room starts at once.
		if _, err := start(other, bob, room, "Room-301"); err != nil {
			t.Fatalf("classmate held up: %v", err)
		}
		f.clock.Add(exam.AccessCodePairRule.BaseDelay - time.Millisecond)
		if _, err := start(other, alice, room, "Room-301"); !errors.As(err, &te) || te.RetryAfter != time.Millisecond {
			t.Fatalf("a moment before the end of the wait: %v", err)
		}
		// Delays double: after the wait, one more wrong code blocks twice as long.
		f.clock.Add(time.Millisecond)
		if _, err := start(other, alice, room, "guess"); err != exam.ErrAccessCode {
			t.Fatalf("wrong code after the wait: %v", err)
		}
		if _, err := start(f.svc, alice, room, "Room-301"); !errors.As(err, &te) || te.RetryAfter != 2*exam.AccessCodePairRule.BaseDelay {
			t.Fatalf("second block: %v", err)
		}
		f.clock.Add(2 * exam.AccessCodePairRule.BaseDelay)
		at, err := start(other, alice, room, "Room-301")
		if err != nil || at.Status != exam.InProgress {
			t.Fatalf("right code after the wait: %v", err)
		}
		// A right code forgives: the candidate's next wrong code is a free one again.
		if _, err := start(f.svc, alice, room, "guess"); err != exam.ErrAccessCode {
			t.Fatalf("wrong code after a right one: %v", err)
		}
		if again, err := start(f.svc, alice, room, "Room-301"); err != nil || again.ID != at.ID {
			t.Fatalf("resume with the right code: %v", err)
		}
	})
}
