package main

import (
	"context"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam/account"
)

// The demo center has a display name: it heads every score report, where its code would
// read as a placeholder.
func TestDemoCenterHasADisplayName(t *testing.T) {
	ctx := context.Background()
	g, err := db.Open(ctx, dbtest.SQLiteDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := account.Migrate(ctx, g); err != nil {
		t.Fatal(err)
	}
	accounts := account.NewStore(g, time.Now)
	if demo, err := createDemoAccounts(ctx, accounts); err != nil || len(demo) == 0 {
		t.Fatalf("demo accounts: %v %v", demo, err)
	}
	c, err := accounts.CenterByCode(ctx, demoCenter)
	if err != nil || c.Name != "演示培训中心" {
		t.Fatalf("demo center %+v %v, want the name 演示培训中心", c, err)
	}
}
