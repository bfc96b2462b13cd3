// Package dbtest gives tests real databases: SQLite in a temporary folder, and a fresh
// MariaDB/MySQL database that is dropped when the test ends.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

// MySQLServer is the server the MariaDB tests use; CSMEXAM_TEST_MYSQL overrides it
// (USER:PASS@tcp(HOST:PORT), no database name).
func MySQLServer() string {
	if s := os.Getenv("CSMEXAM_TEST_MYSQL"); s != "" {
		return s
	}
	return "root:@tcp(127.0.0.1:3306)"
}

// SQLiteDSN names a new database file in a temporary folder of t.
func SQLiteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "csmexam.db")
}

// MySQLDSN creates a database with a name of its own on the test server and drops it when
// t ends. It skips t when no server answers, except under CI=true, where it fails: the
// MariaDB tests must run there.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	admin, err := db.Open(context.Background(), "mysql://"+MySQLServer()+"/mysql")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("MariaDB is required under CI=true: %v", err)
		}
		t.Skipf("no MariaDB at %s: %v", MySQLServer(), err)
	}
	name, err := createDatabase(admin, "csmexam_test_")
	if err != nil {
		db.Close(admin)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name)
		db.Close(admin)
	})
	return mysqlDSN(name)
}

func mysqlDSN(name string) string {
	return "mysql://" + MySQLServer() + "/" + name + "?parseTime=true"
}

// createDatabase creates an empty database named prefix and a random suffix.
func createDatabase(admin *gorm.DB, prefix string) (string, error) {
	b := make([]byte, 6)
	rand.Read(b)
	name := prefix + hex.EncodeToString(b)
	if err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		return "", fmt.Errorf("create test database: %w", err)
	}
	return name, nil
}

// Open opens dsn and closes it when t ends.
func Open(t testing.TB, dsn string) *gorm.DB {
	t.Helper()
	g, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close(g) })
	return g
}

// Engines names the databases every suite runs on.
var Engines = []string{"sqlite", "mariadb"}

// DSN gives tb a new database of the named engine.
func DSN(tb testing.TB, engine string) string {
	if engine == "mariadb" {
		return MySQLDSN(tb)
	}
	return SQLiteDSN(tb)
}

// Each runs f once on every engine, as subtests named after it.
func Each(t *testing.T, f func(t *testing.T, dsn string)) {
	for _, e := range Engines {
		t.Run(e, func(t *testing.T) { f(t, DSN(t, e)) })
	}
}
