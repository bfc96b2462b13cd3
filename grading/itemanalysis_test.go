package grading_test

import (
	"context"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/exam/examtest"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/itemstats"
	"gorm.io/gorm"
)

// statsDB is a migrated database holding the bundled bank, its services and the bank's
// choice questions.
func statsDB(tb testing.TB, dsn string) (*gorm.DB, server, []content.Question) {
	tb.Helper()
	ctx := context.Background()
	g := dbtest.Open(tb, dsn)
	for _, m := range []func(context.Context, *gorm.DB) error{content.Migrate, account.Migrate, exam.Migrate, grading.Migrate} {
		if err := m(ctx, g); err != nil {
			tb.Fatal(err)
		}
	}
	p, err := pack.Bundled()
	if err != nil {
		tb.Fatal(err)
	}
	cs := content.NewStore(g, time.Now)
	if _, err := pack.Load(ctx, cs, p); err != nil {
		tb.Fatal(err)
	}
	bank, err := cs.Bank(ctx, []int64{0})
	if err != nil {
		tb.Fatal(err)
	}
	var choice []content.Question
	for _, q := range bank {
		if q.Type != content.Case {
			choice = append(choice, q)
		}
	}
	return g, newServer(g), choice
}

// wrongKeySpec is 300 sittings of 40-question papers where one single-choice question's
// stored key is wrong.
func wrongKeySpec(questions []content.Question) (examtest.Spec, *content.Question) {
	var wrong *content.Question
	for i := range questions {
		if questions[i].Type == content.Single {
			wrong = &questions[i]
			break
		}
	}
	var distractor string
	for _, k := range wrong.OptionKeys() {
		if !slices.Contains(wrong.Answer, k) {
			distractor = k
			break
		}
	}
	// Papers draw 40 of 60 questions: each is met by about 200 sittings.
	pool := append([]content.Question{*wrong}, slices.DeleteFunc(slices.Clone(questions), func(q content.Question) bool { return q.ID == wrong.ID })[:59]...)
	return examtest.Spec{Blueprint: "stats-l3", Center: 1, Candidates: []int64{101, 102, 103, 104, 105}, Sittings: 300,
		Questions: pool, PerPaper: 40, PointsEach: 100, PassScore: 2400, Start: time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC),
		WrongKey: wrong.ID, WrongChoice: distractor, Seed: 7}, wrong
}

// TestItemAnalysisFlagsAWrongKey streams seeded sittings from the database on both
// engines: the question whose key is wrong is flagged key_may_be_wrong with negative
// discrimination, its distractor chosen most by the upper group; the paper's totals
// agree with the seeded scores; the filters by date and assignment narrow the sittings.
func TestItemAnalysisFlagsAWrongKey(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		g, srv, questions := statsDB(t, dsn)
		spec, wrong := wrongKeySpec(questions)
		if _, err := examtest.Seed(ctx, g, spec); err != nil {
			t.Fatal(err)
		}
		an, err := srv.grades.ItemAnalysis(ctx, exam.ResultFilter{Center: 1, Blueprint: spec.Blueprint})
		if err != nil {
			t.Fatal(err)
		}
		if an.Paper.N != 300 || an.PassScore != 24 || an.Paper.Alpha == nil || *an.Paper.Alpha < 0.5 {
			t.Fatalf("paper %+v, pass %v", an.Paper, an.PassScore)
		}
		flagged := 0
		for _, it := range an.Items {
			bad := slices.Contains(it.Flags, itemstats.FlagKeyMaybeWrong)
			if it.QuestionID == wrong.ID {
				if !bad || !slices.Contains(it.Flags, itemstats.FlagNegative) || it.N < 150 {
					t.Errorf("wrong-key question %d: flags %v, n %d", it.QuestionID, it.Flags, it.N)
				}
				top := slices.MaxFunc(it.Options, func(a, b grading.OptionLine) int { return a.Upper - b.Upper })
				if top.Option != spec.WrongChoice || top.Key {
					t.Errorf("upper group's favourite %+v, want the distractor %s", top, spec.WrongChoice)
				}
				continue
			}
			if bad {
				flagged++
			}
		}
		if flagged > 1 {
			t.Errorf("%d right-keyed questions flagged key_may_be_wrong", flagged)
		}
		// The first 100 sittings by date: submissions run a minute apart from Start.
		early, err := srv.grades.ItemAnalysis(ctx, exam.ResultFilter{Center: 1, Blueprint: spec.Blueprint, To: spec.Start.Add(100 * time.Minute)})
		if err != nil || early.Paper.N != 100 {
			t.Fatalf("date range: %v, n %d", err, early.Paper.N)
		}
		none, err := srv.grades.ItemAnalysis(ctx, exam.ResultFilter{Center: 1, Blueprint: spec.Blueprint, Assignment: 9})
		if err != nil || none.Paper.N != 0 || len(none.Items) != 0 {
			t.Fatalf("another assignment: %v, %+v", err, none.Paper)
		}
		if _, err := srv.grades.ItemAnalysis(ctx, exam.ResultFilter{Center: 1}); err == nil {
			t.Fatal("an analysis without a blueprint was accepted")
		}
	})
}

// BenchmarkItemAnalysis streams 10,000 sittings of 180-question papers, seeded straight
// into the tables, on each engine (-benchtime=1x: the seeding takes far longer).
func BenchmarkItemAnalysis(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			g, srv, questions := statsDB(b, dbtest.DSN(b, engine))
			if len(questions) < 180 {
				b.Fatalf("the bank holds %d choice questions, fewer than 180", len(questions))
			}
			seedStart := time.Now()
			spec := examtest.Spec{Blueprint: "bench", Center: 1, Candidates: []int64{1, 2, 3, 4, 5, 6, 7, 8}, Sittings: 10000,
				Questions: questions, PerPaper: 180, PointsEach: 50, PassScore: 5400, Start: time.Now().Add(-24 * time.Hour), Seed: 1}
			if _, err := examtest.Seed(ctx, g, spec); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: seeded 10,000 × 180 in %v", engine, time.Since(seedStart).Round(time.Second))
			b.ResetTimer()
			for b.Loop() {
				var before, after runtime.MemStats
				var cpu0, cpu1 syscall.Rusage
				runtime.GC()
				runtime.ReadMemStats(&before)
				syscall.Getrusage(syscall.RUSAGE_SELF, &cpu0)
				an, err := srv.grades.ItemAnalysis(ctx, exam.ResultFilter{Center: 1, Blueprint: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				syscall.Getrusage(syscall.RUSAGE_SELF, &cpu1)
				runtime.ReadMemStats(&after)
				// The machine is shared: CPU time says what the analysis costs better than the wall clock.
				b.ReportMetric(float64(cpu1.Utime.Nano()+cpu1.Stime.Nano()-cpu0.Utime.Nano()-cpu0.Stime.Nano())/1e9, "cpu-s")
				if an.Paper.N != 10000 {
					b.Fatalf("n %d", an.Paper.N)
				}
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "MiB-allocated")
				b.ReportMetric(float64(after.HeapInuse)/(1<<20), "MiB-heap-after")
			}
		})
	}
}
