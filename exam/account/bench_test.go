package account_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam/account"
)

// BenchmarkImport500 imports 500 candidates with generated passwords: the argon2id hashing
// (in parallel, one per CPU) dominates; the insert is one transaction.
func BenchmarkImport500(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(engine, func(b *testing.B) {
			g := dbtest.Open(b, dbtest.DSN(b, engine))
			ctx := context.Background()
			if err := account.Migrate(ctx, g); err != nil {
				b.Fatal(err)
			}
			s := account.NewStore(g, nowUTC)
			boss, err := s.CreateUser(ctx, account.NewUser{Username: "boss", Role: account.CenterAdmin, Center: "a", Password: "staff passphrase 1"})
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				sheet := [][]string{{"用户名", "姓名", "密码", "班级"}}
				for i := range 500 {
					sheet = append(sheet, []string{fmt.Sprintf("s%d-%d", n, i), "考生", "", "一班"})
				}
				n++
				rows, perrs := account.ParseImport(sheet)
				rep, err := s.ImportCandidates(ctx, boss, rows, perrs, false)
				if err != nil || rep.Imported != 500 {
					b.Fatalf("import: %+v %v", rep, err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/500rows")
		})
	}
}

// BenchmarkLogin is one login (argon2id verify, throttle check, session insert).
func BenchmarkLogin(b *testing.B) {
	g := dbtest.Open(b, dbtest.SQLiteDSN(b))
	ctx := context.Background()
	if err := account.Migrate(ctx, g); err != nil {
		b.Fatal(err)
	}
	s := account.NewStore(g, nowUTC)
	s.CreateUser(ctx, account.NewUser{Username: "cand", Role: account.Candidate, Center: "a", Password: "right passphrase"})
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := s.Login(account.WithClientAddr(ctx, "198.51.100.7"), "cand", "right passphrase"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func nowUTC() time.Time { return time.Now().UTC() }
