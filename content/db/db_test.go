package db_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

func TestParseDSN(t *testing.T) {
	d, err := db.ParseDSN("sqlite:data/csmexam.db")
	if err != nil || d.Dialect != db.SQLite || d.Path != "data/csmexam.db" {
		t.Fatalf("%+v %v", d, err)
	}
	for _, want := range []string{"journal_mode%28WAL%29", "busy_timeout", "_txlock=immediate"} {
		if !strings.Contains(d.Driver, want) {
			t.Errorf("sqlite driver DSN %q lacks %s", d.Driver, want)
		}
	}
	d, err = db.ParseDSN("mysql://csm:p%40ss@tcp(db.internal:3306)/csmexam?parseTime=true&timeout=5s")
	if err != nil || d.Dialect != db.MySQL || !strings.HasPrefix(d.Driver, "csm:p%40ss@tcp(db.internal:3306)/csmexam?") ||
		!strings.Contains(d.Driver, "charset=utf8mb4") || !strings.Contains(d.Driver, "timeout=5s") || !strings.Contains(d.Driver, "loc=UTC") ||
		!strings.Contains(d.Driver, "interpolateParams=true") {
		t.Fatalf("%+v %v", d, err)
	}
	for _, bad := range []string{"", "sqlite:", "sqlite:a.db?x=1", "postgres://x", "mysql://root@localhost/x", "mysql://root@tcp(h:1)", "mysql://root@tcp(h:1)/", "mysql://u@tcp(h:1)/db?%zz"} {
		if _, err := db.ParseDSN(bad); !errors.Is(err, db.ErrBadDSN) {
			t.Errorf("ParseDSN(%q) = %v, want ErrBadDSN", bad, err)
		}
	}
}

// TestMigrateOnceUnderConcurrentStarts: several servers starting together against one
// database apply each step exactly once.
func TestMigrateOnceUnderConcurrentStarts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		var mu sync.Mutex
		runs := 0
		steps := []db.Migration{{Version: 1, Name: "widgets", Up: func(tx *gorm.DB) error {
			mu.Lock()
			runs++
			mu.Unlock()
			return tx.Exec("CREATE TABLE widgets (id INT PRIMARY KEY)").Error
		}}}
		handles := make([]*gorm.DB, 4)
		for i := range handles {
			handles[i] = dbtest.Open(t, dsn)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(handles))
		for i, g := range handles {
			wg.Go(func() { errs[i] = db.Migrate(context.Background(), g, "test", steps) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if runs != 1 {
			t.Fatalf("step ran %d times", runs)
		}
		if v, _ := db.Version(context.Background(), handles[0], "test"); v != 1 {
			t.Fatalf("version %d", v)
		}
		bad := append(steps, db.Migration{Version: 1, Name: "again"})
		if err := db.Migrate(context.Background(), handles[0], "test", bad); err == nil {
			t.Fatal("out-of-order steps accepted")
		}
	})
}

// TestTransactionRetriesDeadlocks: a transaction MySQL undid to break a deadlock runs
// again; any other error, and the last of db.Tries deadlocks, is returned.
func TestTransactionRetriesDeadlocks(t *testing.T) {
	g := dbtest.Open(t, dbtest.SQLiteDSN(t))
	if err := g.Exec("CREATE TABLE seen (n INTEGER)").Error; err != nil {
		t.Fatal(err)
	}
	deadlock := &mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}
	runs := 0
	err := db.Transaction(g, func(tx *gorm.DB) error {
		runs++
		if err := tx.Exec("INSERT INTO seen (n) VALUES (?)", runs).Error; err != nil {
			return err
		}
		if runs == 1 {
			return deadlock
		}
		return nil
	})
	var stored []int
	g.Raw("SELECT n FROM seen").Scan(&stored)
	if err != nil || runs != 2 || len(stored) != 1 || stored[0] != 2 {
		t.Fatalf("after one deadlock: err %v, %d runs, stored %v", err, runs, stored)
	}
	runs = 0
	err = db.Transaction(g, func(*gorm.DB) error { runs++; return deadlock })
	if !db.Deadlock(err) || runs != db.Tries {
		t.Fatalf("always deadlocked: err %v after %d runs", err, runs)
	}
	runs = 0
	other := errors.New("no")
	if err := db.Transaction(g, func(*gorm.DB) error { runs++; return other }); err != other || runs != 1 {
		t.Fatalf("another error: %v after %d runs", err, runs)
	}
}

func TestEscapeLike(t *testing.T) {
	if got := db.EscapeLike("50%_off!"); got != "50!%!_off!!" {
		t.Fatalf("EscapeLike = %q", got)
	}
}
