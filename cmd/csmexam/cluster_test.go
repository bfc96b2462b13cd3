package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestServersStartTogether: three servers started at the same moment on one new MariaDB
// database all come up (migrations and the bundled curriculum one after the other, under
// the cluster-wide lock), and the bank holds each bundled question once.
func TestServersStartTogether(t *testing.T) {
	dsn := dbtest.MySQLDSN(t)
	const servers = 3
	type started struct {
		addr string
		code int
		log  string
	}
	results := make(chan started, servers)
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan int, servers)
	defer func() {
		cancel()
		for range servers {
			<-exited
		}
	}()
	for range servers {
		e, _, errOut := testEnv("")
		e.ready = func(addr string) { results <- started{addr: addr} }
		go func() {
			code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, e)
			if ctx.Err() == nil {
				results <- started{code: code, log: errOut.String()}
			}
			exited <- code
		}()
	}
	for range servers {
		select {
		case r := <-results:
			if r.addr == "" {
				t.Fatalf("a server exited %d while starting beside two others: %s", r.code, r.log)
			}
		case <-time.After(2 * time.Minute):
			t.Fatal("the servers did not all start within 2 minutes")
		}
	}
	g := dbtest.Open(t, dsn)
	var dup []string
	if err := g.Raw("SELECT pack_key FROM questions WHERE pack_key IS NOT NULL GROUP BY pack_key HAVING COUNT(*) > 1").Scan(&dup).Error; err != nil {
		t.Fatal(err)
	}
	var n int64
	g.Raw("SELECT COUNT(*) FROM questions").Scan(&n)
	if len(dup) > 0 || n == 0 {
		t.Fatalf("%d questions, bundled ones stored twice: %v", n, dup)
	}
}

// TestEveryTableHasAPrimaryKey: Galera replicates row changes by primary key (a table
// without one cannot be written safely on a cluster) and only InnoDB tables at all, so
// every table the migrations and the start-up lock create has both.
func TestEveryTableHasAPrimaryKey(t *testing.T) {
	dsn := dbtest.MySQLDSN(t)
	g, err := openDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(g)
	var tables []struct {
		Name   string
		Engine string
		HasPK  bool
	}
	err = g.Raw(`SELECT t.table_name AS name, t.engine AS engine,
		EXISTS (SELECT 1 FROM information_schema.table_constraints c
			WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY') AS has_pk
		FROM information_schema.tables t WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE'`).Scan(&tables).Error
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tb := range tables {
		names[tb.Name] = true
		if !tb.HasPK {
			t.Errorf("table %s has no primary key", tb.Name)
		}
		if !strings.EqualFold(tb.Engine, "InnoDB") {
			t.Errorf("table %s uses %s, which Galera does not replicate", tb.Name, tb.Engine)
		}
	}
	for _, want := range []string{"schema_migrations", "cluster_locks", "questions", "attempts", "attempt_answers", "users", "sessions"} {
		if !names[want] {
			t.Errorf("table %s not found among %d tables: the check looked at the wrong schema", want, len(tables))
		}
	}
}
