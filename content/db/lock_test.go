package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestWithLockAdmitsOneHolder: servers (each with its own pool) that take the lock at once
// run their work one at a time, as a read-pause-write counter shows: overlapping runs
// would lose increments.
func TestWithLockAdmitsOneHolder(t *testing.T) {
	dsn := dbtest.MySQLDSN(t)
	setup := dbtest.Open(t, dsn)
	if err := setup.Exec("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	setup.Exec("INSERT INTO counter VALUES (1, 0)")
	const servers = 4
	var wg sync.WaitGroup
	errs := make(chan error, servers)
	for range servers {
		g := dbtest.Open(t, dsn)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.WithLock(context.Background(), g, "test", func() error {
				var n int
				if err := g.Raw("SELECT n FROM counter WHERE id = 1").Scan(&n).Error; err != nil {
					return err
				}
				time.Sleep(50 * time.Millisecond)
				return g.Exec("UPDATE counter SET n = ? WHERE id = 1", n+1).Error
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	setup.Raw("SELECT n FROM counter WHERE id = 1").Scan(&n)
	if n != servers {
		t.Fatalf("counter %d after %d locked increments: runs overlapped", n, servers)
	}
	var holder string
	setup.Raw("SELECT holder FROM cluster_locks WHERE name = 'test'").Scan(&holder)
	if holder != "" {
		t.Fatalf("lock still held by %q after every run", holder)
	}
}

// TestWithLockTakesAnExpiredLease: a server that died holding the lock delays the next
// one until its lease expires, not forever.
func TestWithLockTakesAnExpiredLease(t *testing.T) {
	g := dbtest.Open(t, dbtest.MySQLDSN(t))
	ran := false
	if err := db.WithLock(context.Background(), g, "test", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := g.Exec("UPDATE cluster_locks SET holder = 'dead:1:x', expires_at = NOW(6) - INTERVAL 1 SECOND WHERE name = 'test'").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.WithLock(context.Background(), g, "test", func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("expired lease: ran %v, err %v", ran, err)
	}
	// A live lease is waited for: with ctx ending first, the work does not run.
	if err := g.Exec("UPDATE cluster_locks SET holder = 'alive:1:x', expires_at = NOW(6) + INTERVAL 1 MINUTE WHERE name = 'test'").Error; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	ran = false
	if err := db.WithLock(ctx, g, "test", func() error { ran = true; return nil }); err == nil || ran {
		t.Fatalf("live lease of another: ran %v, err %v", ran, err)
	}
}
