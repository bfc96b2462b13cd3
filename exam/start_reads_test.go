package exam_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"gorm.io/gorm"
)

// attemptReads counts the SELECTs on the attempts table while on.
type attemptReads struct {
	on atomic.Bool
	n  atomic.Int64
}

func countAttemptReads(t testing.TB, g *gorm.DB) *attemptReads {
	t.Helper()
	r := &attemptReads{}
	err := g.Callback().Query().After("gorm:query").Register("test:count_attempt_reads", func(tx *gorm.DB) {
		if r.on.Load() && tx.Statement.Table == "attempts" {
			r.n.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// during returns how many SELECTs on attempts f made.
func (r *attemptReads) during(f func()) int64 {
	r.n.Store(0)
	r.on.Store(true)
	f()
	r.on.Store(false)
	return r.n.Load()
}

// A start reads the attempt row once: a free start looks at the candidate's slot; a start
// through an assignment reads the slot and the assignment's attempts together, and the
// new attempt once, under the lock that stamps it with the assignment (with the count of
// the candidate's attempts of it, which guards the limit). Starting again reads the
// attempt in progress once.
func TestStartReadsTheAttemptOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		reads := countAttemptReads(t, f.g)
		start := func(who exam.Viewer, req exam.StartRequest) *exam.Attempt {
			t.Helper()
			a, err := f.svc.Start(ctx, who, req)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		free := exam.StartRequest{Blueprint: exam.L2Theory}
		if n := reads.during(func() { start(alice, free) }); n != 1 {
			t.Errorf("a free start made %d SELECTs on attempts, want 1", n)
		}
		if n := reads.during(func() { start(alice, free) }); n != 1 {
			t.Errorf("a free start again made %d SELECTs on attempts, want 1", n)
		}

		opens := f.clock.Now()
		closes := opens.Add(time.Hour)
		a, err := f.svc.CreateAssignment(ctx, teacher, exam.AssignmentInput{Blueprint: exam.QuickQuiz, Cohort: 1, OpensAt: &opens, ClosesAt: &closes})
		if err != nil {
			t.Fatal(err)
		}
		f.cohorts.set(bob.UserID, []int64{1})
		var first *exam.Attempt
		// bob names the blueprint only: his cohort's assignment takes the start.
		if n := reads.during(func() { first = start(bob, exam.StartRequest{Blueprint: exam.QuickQuiz}) }); n != 3 {
			t.Errorf("an assigned start made %d SELECTs on attempts, want 3", n)
		}
		if st, err := f.svc.MyAssignment(ctx, bob, a.ID); err != nil || st.OpenAttempt != first.ID {
			t.Fatalf("the start did not go through the assignment: %+v %v", st, err)
		}
		var again *exam.Attempt
		if n := reads.during(func() { again = start(bob, exam.StartRequest{Assignment: a.ID}) }); n != 2 || again.ID != first.ID {
			t.Errorf("an assigned start again made %d SELECTs on attempts (attempt %d, want %d), want 2", n, again.ID, first.ID)
		}
	})
}
