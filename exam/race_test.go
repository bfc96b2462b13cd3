package exam_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"gorm.io/gorm"
)

// Saves racing a submit (batched by group commit) either land before it, and are graded,
// or are refused with ErrAttemptClosed and stored nowhere.
func TestSavesRacingSubmit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		a, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.L2Theory})
		if err != nil {
			t.Fatal(err)
		}
		qs := f.keyed(t, a)[:80]
		saved := make([]bool, len(qs))
		var wg sync.WaitGroup
		var result *exam.Result
		for i, q := range qs {
			wg.Go(func() {
				_, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer[:1]})
				switch {
				case err == nil:
					saved[i] = true
				case !errors.Is(err, exam.ErrAttemptClosed):
					t.Error(err)
				}
			})
			if i == len(qs)/2 {
				wg.Go(func() {
					res, err := f.svc.Submit(ctx, alice.UserID, a.ID)
					if err != nil {
						t.Error(err)
					}
					result = res
				})
			}
		}
		wg.Wait()
		if result == nil {
			t.Fatal("no result")
		}
		stored, err := f.svc.Answers(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		answered := map[int64]bool{}
		for _, it := range result.Items {
			answered[it.QuestionID] = it.Answered
		}
		for i, q := range qs {
			_, isStored := stored[q.ID]
			if saved[i] != isStored || saved[i] != answered[q.ID] {
				t.Errorf("question %d: save succeeded %v, stored %v, graded as answered %v", q.ID, saved[i], isStored, answered[q.ID])
			}
		}
	})
}

// A class's submit wave: many candidates submitting at once each get their result, and
// no statement of theirs deadlocks. Each submit writes the attempt's item scores in its
// transaction; written as a delete and an insert, InnoDB's gap locks made concurrent
// submits deadlock one another (retried, but on a Galera cluster until the retries ran out).
func TestSubmitWave(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		const class = 48
		attempts := make([]*exam.Attempt, class)
		for i := range attempts {
			v := exam.Viewer{UserID: int64(1000 + i), CenterID: alice.CenterID}
			a, err := f.svc.Start(ctx, v, exam.StartRequest{Blueprint: exam.QuickQuiz})
			if err != nil {
				t.Fatal(err)
			}
			q := f.keyed(t, a)[0]
			if _, err := f.svc.Save(ctx, exam.Writer{Candidate: v.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer[:1]}); err != nil {
				t.Fatal(err)
			}
			attempts[i] = a
		}
		var deadlocks atomic.Int32
		count := func(tx *gorm.DB) {
			if db.Deadlock(tx.Error) {
				deadlocks.Add(1)
			}
		}
		for name, cb := range map[string]interface {
			Register(string, func(*gorm.DB)) error
		}{"create": f.g.Callback().Create().After("gorm:create"), "delete": f.g.Callback().Delete().After("gorm:delete"),
			"update": f.g.Callback().Update().After("gorm:update"), "raw": f.g.Callback().Raw().After("gorm:raw")} {
			if err := cb.Register("test:count_deadlocks_"+name, count); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for _, a := range attempts {
			wg.Go(func() {
				if res, err := f.svc.Submit(ctx, a.CandidateID, a.ID); err != nil || res == nil || len(res.Items) == 0 {
					t.Errorf("attempt %d: %v", a.ID, err)
				}
			})
		}
		wg.Wait()
		if n := deadlocks.Load(); n > 0 {
			t.Errorf("%d statements of the submit wave deadlocked", n)
		}
	})
}
