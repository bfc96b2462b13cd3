package grading_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"gorm.io/gorm"
)

// server is one csmexam server's services over a shared database.
type server struct {
	exams  *exam.Service
	grades *grading.Service
}

func newServer(g *gorm.DB) server {
	cs := content.NewStore(g, time.Now)
	accounts := account.NewStore(g, time.Now)
	exams := exam.NewService(g, cs, exam.Deps{Now: time.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: accounts, Sessions: accounts})
	return server{exams: exams, grades: grading.NewService(g, exams, cs, accounts, time.Now)}
}

// TestGradesLiveInTheDatabase: a grade given on one server is seen, kept and built on by
// another; migrations run once and again without harm.
func TestGradesLiveInTheDatabase(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		g := dbtest.Open(t, dsn)
		for _, m := range []func(context.Context, *gorm.DB) error{content.Migrate, account.Migrate, exam.Migrate, grading.Migrate, grading.Migrate} {
			if err := m(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		if v, err := db.Version(ctx, g, "grading"); err != nil || v != 2 {
			t.Fatalf("grading schema version %d, %v", v, err)
		}
		p, err := pack.Bundled()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pack.Load(ctx, content.NewStore(g, time.Now), p); err != nil {
			t.Fatal(err)
		}
		accounts := account.NewStore(g, time.Now)
		cand, err := accounts.CreateUser(ctx, account.NewUser{Username: "li", Name: "李四", Role: account.Candidate, Center: "a", Password: "a long test passphrase"})
		if err != nil {
			t.Fatal(err)
		}
		one, two := newServer(g), newServer(dbtest.Open(t, dsn))
		if err := one.exams.SyncBundled(ctx); err != nil {
			t.Fatal(err)
		}
		v := exam.Viewer{UserID: cand.ID, CenterID: cand.CenterID}
		staff := exam.Viewer{UserID: 99, CenterID: cand.CenterID, Staff: true}
		a, err := one.exams.Start(ctx, v, exam.StartRequest{Blueprint: exam.L2Skills})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := one.grades.SetGrade(ctx, staff, a.ID, a.Paper.Sections[0].Items[0].QuestionID, grading.CaseGrade{}); !errors.Is(err, exam.ErrNotSubmitted) {
			t.Fatalf("grade of an open attempt: %v", err)
		}
		if _, err := one.exams.Submit(ctx, v.UserID, a.ID); err != nil {
			t.Fatal(err)
		}
		qs, err := one.exams.Questions(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		var last *exam.Result
		var items []exam.Item // every case of the paper: 问题, 论述 and 解析题 sections
		for _, sec := range a.Paper.Sections {
			items = append(items, sec.Items...)
		}
		for i, it := range items {
			q := qs[content.Ref{ID: it.QuestionID, Version: it.Version}]
			scores := make([]content.Points, grading.RubricSize(q))
			scores[0] = q.Parts[0].Rubric[0].Score
			srv := []server{one, two}[i%2] // alternate servers
			if last, err = srv.grades.SetGrade(ctx, staff, a.ID, q.ID, grading.CaseGrade{Scores: scores, Comment: "评语"}); err != nil {
				t.Fatal(err)
			}
		}
		if last.Status != exam.Graded || last.Score == 0 {
			t.Fatalf("after grades on two servers: %+v", last)
		}
		stored, err := two.exams.Attempt(ctx, v, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Status != exam.Graded || stored.Result.Score != last.Score || stored.Result.Items[4].Comment != "评语" {
			t.Fatalf("stored attempt: %s %+v", stored.Status, stored.Result)
		}
		// The report data comes from the stored attempt, with the names of center and candidate.
		rep, err := two.grades.Report(ctx, v, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Candidate != "李四" || rep.Username != "li" || rep.Center != "a" || rep.Score != last.Score || len(rep.Cases) != len(items) || rep.Cases[0].Comment != "评语" {
			t.Fatalf("report: %+v", rep)
		}
		other := exam.Viewer{UserID: 98, CenterID: cand.CenterID + 1, Staff: true}
		if _, err := two.grades.Report(ctx, other, a.ID); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("another center's report: %v", err)
		}
	})
}
