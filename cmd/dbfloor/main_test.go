package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestFloorMeasuresAndCleansUp: a short run on the test MariaDB prints a positive rate of
// upserts and leaves no scratch database behind.
func TestFloorMeasuresAndCleansUp(t *testing.T) {
	dbtest.MySQLDSN(t) // skips (fails under CI=true) without a server
	var out bytes.Buffer
	if err := run(context.Background(), config{server: dbtest.MySQLServer(), clients: 2, duration: 300 * time.Millisecond}, &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+2\s+(\d+)\s+[\d.]+\s+(\d+)\s`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no result line in:\n%s", out.String())
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Fatalf("no upserts counted:\n%s", out.String())
	}
	if !regexp.MustCompile(`innodb_flush_log_at_trx_commit=\d`).MatchString(out.String()) {
		t.Errorf("durability settings not printed:\n%s", out.String())
	}
	admin := dbtest.Open(t, "mysql://"+dbtest.MySQLServer()+"/mysql")
	var left []string
	admin.Raw("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'csmexam!_floor!_%' ESCAPE '!'").Scan(&left)
	if len(left) > 0 {
		t.Fatalf("scratch databases left behind: %v", left)
	}
}
