package main

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/csmexam/csmexam/content/db"
)

// TestBackupWhileWriting: a backup taken while another connection writes is a complete
// database holding every row committed before it began, and does not stop the writer.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "live.db")
	ctx := context.Background()
	g, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(g)
	if err := g.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	for i := range 500 {
		g.Exec("INSERT INTO notes (body) VALUES (?)", strings.Repeat("x", i))
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			if err := g.Exec("INSERT INTO notes (body) VALUES ('during')").Error; err != nil {
				t.Error(err)
				return
			}
		}
	})
	out := filepath.Join(dir, "copy.db")
	e, stdout, stderr := testEnv("")
	code := run(ctx, []string{"backup", "--db", dsn, out}, e)
	stop.Store(true)
	wg.Wait()
	if code != 0 || !strings.Contains(stdout.String(), "backed up") {
		t.Fatalf("backup: %d %s %s", code, stdout, stderr)
	}
	copyDB, err := db.Open(ctx, "sqlite:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(copyDB)
	var n int64
	var check string
	copyDB.Raw("PRAGMA integrity_check").Scan(&check)
	copyDB.Raw("SELECT COUNT(*) FROM notes WHERE body <> 'during'").Scan(&n)
	if check != "ok" || n != 500 {
		t.Fatalf("the copy: integrity %q, %d of 500 rows", check, n)
	}
	if code := run(ctx, []string{"backup", "--db", dsn, out}, e); code == 0 {
		t.Fatal("a backup over an existing file succeeded")
	}
	if code := run(ctx, []string{"backup", "--db", "mysql://root@tcp(127.0.0.1:3306)/x", filepath.Join(dir, "m.db")}, e); code == 0 {
		t.Fatal("a MySQL backup succeeded")
	}
}
