package exam_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
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
