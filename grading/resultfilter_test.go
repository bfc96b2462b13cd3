package grading_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"gorm.io/gorm"
)

// An admin exports every center's results, or the one named; staff export their own
// center's whatever they name; a blueprint or center that is not there is 404.
func TestResultFilterAdminOverride(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		g := dbtest.Open(t, dsn)
		for _, m := range []func(context.Context, *gorm.DB) error{content.Migrate, account.Migrate, exam.Migrate, grading.Migrate} {
			if err := m(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		p, err := pack.Bundled()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pack.Load(ctx, content.NewStore(g, time.Now), p); err != nil {
			t.Fatal(err)
		}
		srv := newServer(g)
		if err := srv.exams.SyncBundled(ctx); err != nil {
			t.Fatal(err)
		}
		accounts := account.NewStore(g, time.Now)
		user := func(name, center string, role account.Role) *account.User {
			u, err := accounts.CreateUser(ctx, account.NewUser{Username: name, Role: role, Center: center, Password: "a long test passphrase"})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		admin, staff, other := user("root", "a", account.Admin), user("teacher", "a", account.Instructor), user("teacher-b", "b", account.Instructor)

		f, err := srv.grades.ResultFilter(ctx, admin, grading.ResultQuery{Blueprint: exam.QuickQuiz})
		if err != nil || f.Center != 0 || f.Blueprint != exam.QuickQuiz {
			t.Fatalf("admin, every center: %+v %v", f, err)
		}
		if f, err := srv.grades.ResultFilter(ctx, admin, grading.ResultQuery{Center: "b"}); err != nil || f.Center != other.CenterID {
			t.Fatalf("admin, center b: %+v %v (want center %d)", f, err, other.CenterID)
		}
		if f, err := srv.grades.ResultFilter(ctx, staff, grading.ResultQuery{Center: "b"}); err != nil || f.Center != staff.CenterID {
			t.Fatalf("staff naming center b: %+v %v (want their own, %d)", f, err, staff.CenterID)
		}
		if _, err := srv.grades.ResultFilter(ctx, admin, grading.ResultQuery{Center: "nowhere"}); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("unknown center: %v", err)
		}
		if _, err := srv.grades.ResultFilter(ctx, staff, grading.ResultQuery{Blueprint: "nope"}); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("unknown blueprint: %v", err)
		}
		// The join: a submitted exam with its candidate's names.
		cand := user("li", "a", account.Candidate)
		v := exam.Viewer{UserID: cand.ID, CenterID: cand.CenterID}
		a, err := srv.exams.Start(ctx, v, exam.StartRequest{Blueprint: exam.QuickQuiz, Mode: exam.ModeExam})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.exams.Submit(ctx, cand.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		mine, err := srv.grades.ResultFilter(ctx, staff, grading.ResultQuery{})
		if err != nil {
			t.Fatal(err)
		}
		lines, err := srv.grades.Results(ctx, mine)
		if err != nil || len(lines) != 1 || lines[0].Attempt != a.ID || lines[0].Username != "li" || lines[0].Name != "li" {
			t.Fatalf("results = %+v %v", lines, err)
		}
		theirs, err := srv.grades.ResultFilter(ctx, other, grading.ResultQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if lines, err := srv.grades.Results(ctx, theirs); err != nil || len(lines) != 0 {
			t.Fatalf("center b sees center a's results: %+v %v", lines, err)
		}
	})
}
