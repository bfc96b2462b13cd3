package exam_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
	"gorm.io/gorm"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// cohorts is who is in which cohort, as account's store tells exam in the product.
type cohorts struct {
	mu sync.Mutex
	of map[int64][]int64
}

func (c *cohorts) CohortsOf(_ context.Context, candidate int64) ([]int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.of[candidate], nil
}

func (c *cohorts) set(candidate int64, ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.of[candidate] = ids
}

type fixture struct {
	g       *gorm.DB
	cs      *content.Store
	svc     *exam.Service
	clock   *clock
	cohorts *cohorts
}

func newFixture(t testing.TB, dsn string) *fixture {
	t.Helper()
	bank.CopyInto(t, dsn)
	g := dbtest.Open(t, dsn)
	cs := content.NewStore(g, time.Now)
	clk := &clock{now: fixtureStart}
	ks := &cohorts{of: map[int64][]int64{}}
	svc := exam.NewService(g, cs, exam.Deps{Now: clk.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: ks})
	return &fixture{g: g, cs: cs, svc: svc, clock: clk, cohorts: ks}
}

// fixtureStart is the time on every fixture's clock at its start.
var fixtureStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// bank is the database every fixture starts as, seeded once per engine and test binary
// (the bundled bank takes seconds under -race): migrated, the bundled pack loaded and the
// bundled blueprints synced at fixtureStart.
var bank = dbtest.NewTemplate(func(ctx context.Context, g *gorm.DB) (struct{}, error) {
	for _, m := range []func(context.Context, *gorm.DB) error{content.Migrate, exam.Migrate} {
		if err := m(ctx, g); err != nil {
			return struct{}{}, err
		}
	}
	cs := content.NewStore(g, time.Now)
	p, err := pack.Bundled()
	if err != nil {
		return struct{}{}, err
	}
	if _, err := pack.Load(ctx, cs, p); err != nil {
		return struct{}{}, err
	}
	svc := exam.NewService(g, cs, exam.Deps{Now: func() time.Time { return fixtureStart }, Seed: rand.Int64, Grade: grading.Grade, Cohorts: &cohorts{}})
	return struct{}{}, svc.SyncBundled(ctx)
})

// TestMain drops the MariaDB template after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	bank.Drop()
	os.Exit(code)
}

var alice = exam.Viewer{UserID: 1, CenterID: 1}
var bob = exam.Viewer{UserID: 2, CenterID: 1}
var teacher = exam.Viewer{UserID: 3, CenterID: 1, Staff: true}
var otherTeacher = exam.Viewer{UserID: 4, CenterID: 2, Staff: true}

// keyed returns the paper's questions with their keys, in paper order.
func (f *fixture) keyed(t testing.TB, a *exam.Attempt) []*content.Question {
	t.Helper()
	qs, err := f.svc.Questions(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	var out []*content.Question
	for _, r := range a.Paper.Refs() {
		out = append(out, qs[r])
	}
	return out
}

func wrong(q *content.Question) []string {
	for _, k := range q.OptionKeys() {
		if len(q.Answer) != 1 || q.Answer[0] != k {
			return []string{k}
		}
	}
	return nil
}

func TestAttemptLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		a, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.L2Theory})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Paper.Refs()) != 180 || a.Status != exam.InProgress || !a.Deadline.Equal(f.clock.Now().Add(90*time.Minute)) {
			t.Fatalf("attempt: %d questions, %s, deadline %v", len(a.Paper.Refs()), a.Status, a.Deadline)
		}
		again, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.L2Theory})
		if err != nil || again.ID != a.ID {
			t.Fatalf("second start: %v, %v (want the open attempt %d)", again.ID, err, a.ID)
		}
		other, err := f.svc.Start(ctx, bob, exam.StartRequest{Blueprint: exam.L2Theory})
		if err != nil || other.ID == a.ID {
			t.Fatalf("bob's start: %v", err)
		}

		// Answer: the first 100 singles right, 10 wrong; two multiples right.
		qs := f.keyed(t, a)
		f.clock.Add(10 * time.Minute)
		var want content.Points
		for i, q := range qs {
			var choice []string
			switch {
			case q.Type == content.Single && i < 100:
				choice, want = q.Answer, want+content.Pts(0.5)
			case q.Type == content.Single && i < 110:
				choice = wrong(q)
			case q.Type == content.Multiple && i >= 160 && i < 162:
				choice, want = q.Answer, want+content.Pts(1)
			default:
				continue
			}
			at, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: choice})
			if err != nil || !at.Equal(f.clock.Now()) {
				t.Fatalf("save %d: %v at %v", q.ID, err, at)
			}
		}
		// Someone else's attempt, a question not on the paper, an unknown option.
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: bob.UserID}, a.ID, qs[0].ID, exam.Answer{Choice: qs[0].Answer}); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("bob saving into alice's attempt: %v", err)
		}
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, 999999, exam.Answer{Choice: []string{"A"}}); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("question not on paper: %v", err)
		}
		var ve *content.ValidationError
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, qs[0].ID, exam.Answer{Choice: []string{"Z"}}); !errors.As(err, &ve) || ve.Field != "choice[0]" {
			t.Fatalf("unknown option: %v", err)
		}
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, qs[0].ID, exam.Answer{Choice: []string{"A", "B"}}); !errors.As(err, &ve) {
			t.Fatalf("two choices on a single: %v", err)
		}
		if _, err := f.svc.Attempt(ctx, bob, a.ID); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("bob reading alice's attempt: %v", err)
		}
		if _, err := f.svc.Attempt(ctx, teacher, a.ID); err != nil {
			t.Fatalf("her center's teacher reading: %v", err)
		}
		if _, err := f.svc.Attempt(ctx, otherTeacher, a.ID); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("another center's teacher reading: %v", err)
		}

		f.clock.Add(20 * time.Minute)
		res, err := f.svc.Submit(ctx, alice.UserID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Score != want || res.MaxScore != content.Pts(100) || res.Passed || res.Status != exam.Graded || res.TimeUsedS != 30*60 {
			t.Fatalf("result: score %s/%s (want %s), passed %v, %s, %ds", res.Score, res.MaxScore, want, res.Passed, res.Status, res.TimeUsedS)
		}
		var sum content.Points
		for _, l := range res.Chapters {
			sum += l.Score
		}
		if sum != res.Score || len(res.Sections) != 3 || res.Sections[0].Score != content.Pts(50) {
			t.Fatalf("subtotals: chapters %s, sections %+v", sum, res.Sections)
		}
		again2, err := f.svc.Submit(ctx, alice.UserID, a.ID)
		if err != nil || again2.Score != res.Score {
			t.Fatalf("second submit: %+v %v", again2, err)
		}
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, qs[150].ID, exam.Answer{Choice: []string{"T"}}); !errors.Is(err, exam.ErrAttemptClosed) {
			t.Fatalf("save after submit: %v", err)
		}
		answers, _ := f.svc.Answers(ctx, a.ID)
		if len(answers) != 112 {
			t.Fatalf("%d answers stored, want 112", len(answers))
		}
		// A new attempt may start once the first is closed.
		next, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.L2Theory})
		if err != nil || next.ID == a.ID {
			t.Fatalf("new attempt after submit: %v", err)
		}
	})
}

func TestSeqStaleWritesAndIdempotence(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		a, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.QuickQuiz})
		if err != nil {
			t.Fatal(err)
		}
		q := f.keyed(t, a)[0]
		first, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer, Seq: 5})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Second)
		// The same write again (a retry after a lost response) succeeds with the first time.
		replay, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer, Seq: 5})
		if err != nil || !replay.Equal(first) {
			t.Fatalf("replay: %v %v (first %v)", replay, err, first)
		}
		// An older tab's write is refused, not silently applied.
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: wrong(q), Seq: 4}); !errors.Is(err, exam.ErrStaleWrite) {
			t.Fatalf("stale write: %v", err)
		}
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: wrong(q), Seq: 6}); err != nil {
			t.Fatalf("newer write: %v", err)
		}
		// Without a seq the last write wins.
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer}); err != nil {
			t.Fatalf("write without seq: %v", err)
		}
		ans, _ := f.svc.Answers(ctx, a.ID)
		if got := ans[q.ID]; len(got.Choice) != len(q.Answer) || got.Choice[0] != q.Answer[0] || got.Seq != 6 {
			t.Fatalf("stored %+v", got)
		}
	})
}

func TestDeadlineGraceSweeperAndExtension(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		mk := func(code string, overdue exam.Overdue, grace int) {
			bp := exam.Blueprint{Code: code, Title: code, Mode: exam.ModeExam, DurationS: 600, PassScore: content.Pts(1),
				Sections: []exam.Section{{Type: content.TrueFalse, Count: 4, PointsEach: content.Pts(1)}}, Overdue: overdue, GraceS: grace}
			if err := f.svc.CreateBlueprint(ctx, &bp, 1, teacher.UserID); err != nil {
				t.Fatal(err)
			}
		}
		mk("t-auto", exam.OverdueAutoSubmit, 0)
		mk("t-grace", exam.OverdueGrace, 60)
		mk("t-abandon", exam.OverdueAbandon, 0)
		auto, _ := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: "t-auto"})
		grace, _ := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: "t-grace"})
		abandon, _ := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: "t-abandon"})
		extended, _ := f.svc.Start(ctx, bob, exam.StartRequest{Blueprint: "t-auto"})
		if _, err := f.svc.Extend(ctx, bob, extended.ID, 300, "视力障碍"); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("a candidate extending: %v", err)
		}
		if _, err := f.svc.Extend(ctx, otherTeacher, extended.ID, 300, "x"); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("another center extending: %v", err)
		}
		ext, err := f.svc.Extend(ctx, teacher, extended.ID, 300, "视力障碍，延长 5 分钟")
		if err != nil || ext.ExtensionS != 300 || !ext.Deadline.Equal(f.clock.Now().Add(15*time.Minute)) {
			t.Fatalf("extend: %+v %v", ext, err)
		}
		q := func(a *exam.Attempt) *content.Question { return f.keyed(t, a)[0] }

		f.clock.Add(10*time.Minute + time.Second) // past the deadline
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, auto.ID, q(auto).ID, exam.Answer{Choice: q(auto).Answer}); !errors.Is(err, exam.ErrAttemptClosed) {
			t.Fatalf("save after deadline: %v", err)
		}
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, grace.ID, q(grace).ID, exam.Answer{Choice: q(grace).Answer}); err != nil {
			t.Fatalf("save within grace: %v", err)
		}
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: bob.UserID}, extended.ID, q(extended).ID, exam.Answer{Choice: q(extended).Answer}); err != nil {
			t.Fatalf("save within extension: %v", err)
		}
		// Two servers sweep at once: each overdue attempt is finalised once.
		other := exam.NewService(f.g, f.cs, exam.Deps{Now: f.clock.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: f.cohorts})
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, s := range []*exam.Service{f.svc, other} {
			wg.Go(func() {
				n, err := s.Sweep(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			})
		}
		wg.Wait()
		status := func(id int64, v exam.Viewer) exam.Status {
			a, err := f.svc.Attempt(ctx, v, id)
			if err != nil {
				t.Fatal(err)
			}
			return a.Status
		}
		if status(auto.ID, alice) != exam.Graded || status(abandon.ID, alice) != exam.Abandoned || status(grace.ID, alice) != exam.InProgress || status(extended.ID, bob) != exam.InProgress {
			t.Fatalf("after the first sweep: auto %s, abandon %s, grace %s, extended %s", status(auto.ID, alice), status(abandon.ID, alice), status(grace.ID, alice), status(extended.ID, bob))
		}
		f.clock.Add(time.Minute) // past the grace period
		if _, err := f.svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, grace.ID, q(grace).ID, exam.Answer{Choice: q(grace).Answer}); !errors.Is(err, exam.ErrAttemptClosed) {
			t.Fatalf("save after grace: %v", err)
		}
		f.clock.Add(5 * time.Minute)
		if n, err := f.svc.Sweep(ctx); err != nil || n != 2 {
			t.Fatalf("second sweep: %d, %v", n, err)
		}
		a, _ := f.svc.Attempt(ctx, alice, grace.ID)
		if a.Status != exam.Graded || a.Result.Score != content.Pts(1) {
			t.Fatalf("grace attempt: %s, %+v", a.Status, a.Result)
		}
	})
}

func TestConcurrentSavesOnOneAttempt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		a, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: exam.L2Theory})
		if err != nil {
			t.Fatal(err)
		}
		qs := f.keyed(t, a)
		// Two clients (a phone and a laptop) save every question at once, each many times.
		second := exam.NewService(f.g, f.cs, exam.Deps{Now: f.clock.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: f.cohorts})
		var wg sync.WaitGroup
		for c, svc := range []*exam.Service{f.svc, second} {
			wg.Go(func() {
				for i, q := range qs[:60] {
					if _, err := svc.Save(ctx, exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer[:1], Seq: int64(2*i + c + 1)}); err != nil && !errors.Is(err, exam.ErrStaleWrite) {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		ans, _ := f.svc.Answers(ctx, a.ID)
		if len(ans) != 60 {
			t.Fatalf("%d answers stored, want 60", len(ans))
		}
	})
}

func TestPracticeIsUntimed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, dbtest.SQLiteDSN(t))
	a, err := f.svc.Start(context.Background(), alice, exam.StartRequest{Blueprint: exam.QuickQuiz, Mode: exam.ModePractice})
	if err != nil || a.Deadline != nil || a.Mode != exam.ModePractice {
		t.Fatalf("practice: %+v %v", a, err)
	}
	f.clock.Add(48 * time.Hour)
	q := f.keyed(t, a)[0]
	if _, err := f.svc.Save(context.Background(), exam.Writer{Candidate: alice.UserID}, a.ID, q.ID, exam.Answer{Choice: q.Answer}); err != nil {
		t.Fatalf("practice save two days later: %v", err)
	}
}
