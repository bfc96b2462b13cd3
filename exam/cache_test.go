package exam_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

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

// TestStartsSeeChangesFromAnotherServer: the plan a server keeps for the starts of a
// blueprint is remade when another server on the same database changes the bank (the
// next start after the bank's recheck draws the question's new version) or the blueprint
// (the next start after the blueprint's cache time draws to the new counts).
func TestStartsSeeChangesFromAnotherServer(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		otherContent := content.NewStore(f.g, time.Now) // as the fixture's: the bank revision reads when questions changed
		other := exam.NewService(f.g, otherContent, exam.Deps{Now: f.clock.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: f.cohorts})
		bank, err := f.cs.Bank(ctx, []int64{0})
		if err != nil {
			t.Fatal(err)
		}
		chapter, ids, _, _ := singlesBeneath(t, bank)
		// Every single of the chapter: each paper holds them all, so what it holds is certain.
		bp := exam.Blueprint{Code: "all-of-chapter", Title: "整章", DurationS: 600, Scope: exam.Scope{Units: []string{chapter}},
			Sections: []exam.Section{{Type: content.Single, Count: len(ids), PointsEach: content.Pts(1)}}}
		if err := other.CreateBlueprint(ctx, &bp, 1, teacher.UserID); err != nil {
			t.Fatal(err)
		}
		versionOn := func(a *exam.Attempt, id int64) int {
			for _, r := range a.Paper.Refs() {
				if r.ID == id {
					return r.Version
				}
			}
			return 0
		}
		start := func(who int64) *exam.Attempt {
			t.Helper()
			a, err := f.svc.Start(ctx, exam.Viewer{UserID: who, CenterID: 1}, exam.StartRequest{Blueprint: bp.Code})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		first := start(101)
		was := versionOn(first, ids[0])
		if len(first.Paper.Refs()) != len(ids) || was == 0 {
			t.Fatalf("the first paper holds %d questions (want %d), question %d at version %d", len(first.Paper.Refs()), len(ids), ids[0], was)
		}

		q, err := otherContent.Question(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		q.Stem += "（修订）"
		if err := otherContent.UpdateQuestion(ctx, q, teacher.UserID, q.Version); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(3 * time.Second) // past the bank snapshot's recheck
		if v := versionOn(start(102), ids[0]); v != was+1 {
			t.Errorf("after another server edited question %d, a start drew version %d, want %d", ids[0], v, was+1)
		}

		edited, err := other.Blueprint(ctx, bp.Code, 1)
		if err != nil {
			t.Fatal(err)
		}
		edited.Sections[0].Count = len(ids) - 1
		if err := other.UpdateBlueprint(ctx, bp.Code, edited, 1, teacher.UserID, edited.Version); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(31 * time.Second) // past the blueprint cache's time
		if n := len(start(103).Paper.Refs()); n != len(ids)-1 {
			t.Errorf("after another server cut the blueprint to %d questions, a start drew %d", len(ids)-1, n)
		}
	})
}
