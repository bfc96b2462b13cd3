package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestPoolReleasesIdleConnections: after a burst, a quiet server closes its idle
// connections instead of holding the whole pool open, and never opens more than MaxOpen.
func TestPoolReleasesIdleConnections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		if err := db.SetPool(g, db.Pool{MaxOpen: 6, MaxIdleTime: 200 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		sqlDB, _ := g.DB()
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() {
				tx, err := sqlDB.BeginTx(context.Background(), nil)
				if err != nil {
					t.Error(err)
					return
				}
				time.Sleep(50 * time.Millisecond)
				_ = tx.Rollback()
			})
		}
		wg.Wait()
		if st := sqlDB.Stats(); st.MaxOpenConnections != 6 || st.OpenConnections > 6 || st.OpenConnections < 2 {
			t.Fatalf("after the burst: %+v", st)
		}
		deadline := time.Now().Add(5 * time.Second)
		for sqlDB.Stats().OpenConnections > 0 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if st := sqlDB.Stats(); st.OpenConnections != 0 || st.MaxIdleTimeClosed == 0 {
			t.Fatalf("idle connections kept: %+v", st)
		}
		if err := db.SetPool(g, db.Pool{MaxOpen: 0, MaxIdleTime: time.Second}); err == nil {
			t.Fatal("a pool of 0 connections accepted")
		}
	})
}
