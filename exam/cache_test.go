package exam_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

// TestHeadCacheHoldsOnlyOwnOpenAttempts: saves to other candidates' attempt ids (all
// 404) leave no paper behind in the server's memory, a submitted attempt leaves the
// cache, and the cache stays within its byte budget, dropping the least recently used.
func TestHeadCacheHoldsOnlyOwnOpenAttempts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLiteDSN(t))
	ctx := context.Background()
	a, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.L2Theory})
	if err != nil {
		t.Fatal(err)
	}
	q := f.keyed(t, a)[0]
	restart := exam.NewService(f.g, f.cs, exam.Deps{Now: f.clock.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: f.cohorts})
	for _, s := range []*exam.Service{f.svc, restart} { // with alice's head cached, and without
		for id := a.ID; id < a.ID+200; id++ {
			if _, err := s.Save(ctx, exam.Writer{Candidate: bob.UserID}, id, q.ID, exam.Answer{Choice: q.Answer}); !errors.Is(err, content.ErrNotFound) {
				t.Fatalf("bob saving to attempt %d: %v", id, err)
			}
		}
	}
	if got := f.svc.CacheSizes().Heads; got != 1 {
		t.Fatalf("heads after others' saves: %d, want alice's 1", got)
	}
	if got := restart.CacheSizes().Heads; got != 0 {
		t.Fatalf("heads of a fresh server after others' saves: %d, want 0", got)
	}
	if _, err := restart.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer}); err != nil {
		t.Fatal(err)
	}
	if got := restart.CacheSizes().Heads; got != 1 {
		t.Fatalf("heads after alice's own save: %d, want 1", got)
	}
	if _, err := f.svc.Submit(ctx, alice.UserID, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.svc.CacheSizes(); got.Heads != 0 || got.HeadBytes != 0 {
		t.Fatalf("heads after submit: %+v, want none", got)
	}
	// A closed attempt's saves are refused and do not bring its head back.
	if _, err := restart.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer}); !errors.Is(err, exam.ErrAttemptClosed) {
		t.Fatalf("save after submit: %v", err)
	}
	if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer}); !errors.Is(err, exam.ErrAttemptClosed) {
		t.Fatalf("save after submit: %v", err)
	}
	if got := f.svc.CacheSizes().Heads; got != 0 {
		t.Fatalf("heads after a save to a closed attempt: %d", got)
	}

	// A budget of about two heads keeps the two most recent.
	one := restart.CacheSizes().HeadBytes
	small := exam.NewService(f.g, f.cs, exam.Deps{Now: f.clock.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: f.cohorts, HeadCacheBytes: one * 5 / 2})
	for _, v := range []exam.Viewer{{UserID: 11, CenterID: 1}, {UserID: 12, CenterID: 1}, {UserID: 13, CenterID: 1}} {
		if _, err := small.Start(ctx, v, exam.StartRequest{Blueprint: exam.L2Theory}); err != nil {
			t.Fatal(err)
		}
	}
	if got := small.CacheSizes(); got.Heads != 2 || got.HeadBytes > one*5/2 {
		t.Fatalf("heads within a budget of %d bytes: %+v", one*5/2, got)
	}
}
