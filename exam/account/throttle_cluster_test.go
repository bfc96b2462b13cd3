package account_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam/account"
)

// TestClassLoginWritesNoSharedRow: a class logging in from one address leaves no
// throttle row behind, so no row is written by every login (on a Galera cluster such a
// row turned a class's logins into certification conflicts, and two thirds of a class of
// 1,000 into 500s); one wrong password is then the address's only row.
func TestClassLoginWritesNoSharedRow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		if err := account.Migrate(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		s := account.NewStore(g, (&clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}).Now)
		classroom := account.WithClientAddr(context.Background(), "203.0.113.9")
		for i := range 3 {
			name := fmt.Sprintf("cand%d", i)
			s.CreateUser(classroom, account.NewUser{Username: name, Role: account.Candidate, Center: "a", Password: "right passphrase"})
			if _, _, err := s.Login(classroom, name, "right passphrase"); err != nil {
				t.Fatal(err)
			}
		}
		var rows int64
		g.Table("login_throttles").Count(&rows)
		if rows != 0 {
			t.Fatalf("%d throttle rows after a class's successful logins", rows)
		}
		s.Login(classroom, "cand0", "wrong")
		var failures []int
		g.Table("login_throttles").Where("failures > 0").Pluck("failures", &failures)
		if len(failures) != 2 || failures[0] != 1 || failures[1] != 1 {
			t.Fatalf("after one wrong password: failures %v, want the pair's and the address's 1", failures)
		}
	})
}

// TestLoginsLeaveExpiredStates: a login writes no other key's row, expired ones included
// (a range delete of expired states in every login made a class's logins queue behind one
// another's locks on MariaDB: 24 of 2,000 ran past their deadline); PruneThrottles, which
// every server runs now and then, deletes them.
func TestLoginsLeaveExpiredStates(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		if err := account.Migrate(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		clk := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
		s := account.NewStore(g, clk.Now)
		ctx := account.WithClientAddr(context.Background(), "203.0.113.9")
		for _, name := range []string{"cand0", "cand1"} {
			s.CreateUser(ctx, account.NewUser{Username: name, Role: account.Candidate, Center: "a", Password: "right passphrase"})
		}
		s.Login(ctx, "cand0", "wrong") // the pair's and the address's states
		clk.Add(account.PairRule.Window + time.Minute)
		if _, _, err := s.Login(ctx, "cand1", "right passphrase"); err != nil {
			t.Fatal(err)
		}
		var rows int64
		if g.Table("login_throttles").Count(&rows); rows != 2 {
			t.Fatalf("%d throttle rows after another login, want the 2 expired ones left alone", rows)
		}
		if n, err := s.PruneThrottles(context.Background()); err != nil || n != 2 {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if g.Table("login_throttles").Count(&rows); rows != 0 {
			t.Fatalf("%d throttle rows after pruning", rows)
		}
	})
}
