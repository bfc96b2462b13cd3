package dbtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

// Template is a database that a seed function builds once per test binary and engine,
// and that CopyInto copies into each test's own new database. Seeding the bundled bank
// costs seconds under -race, every test again; a copy costs a fraction of that, and each
// test still gets a real, fresh database nobody else writes to. T is what the seed
// returns for every copy to use (the tokens of the sessions it opened, say).
//
// A package whose tests use a Template calls Drop from its TestMain after the tests, so
// the MariaDB template does not outlive them.
type Template[T any] struct {
	seed    func(ctx context.Context, g *gorm.DB) (T, error)
	mu      sync.Mutex
	engines map[db.Dialect]*template[T]
}

// template is one engine's built template.
type template[T any] struct {
	once  sync.Once
	value T
	err   error
	file  []byte   // SQLite: the database file
	name  string   // MariaDB: the template database on the test server
	admin *gorm.DB // MariaDB: the connection that made it, to drop it
}

// NewTemplate makes a Template seeded by seed, which gets an empty database.
func NewTemplate[T any](seed func(ctx context.Context, g *gorm.DB) (T, error)) *Template[T] {
	return &Template[T]{seed: seed, engines: map[db.Dialect]*template[T]{}}
}

// CopyInto fills dsn, a new and empty database from SQLiteDSN or MySQLDSN, with a copy of
// the template of its engine, seeding the template first if no test has yet, and returns
// what the seed returned. A seed that failed fails every test that asks for a copy.
func (tp *Template[T]) CopyInto(tb testing.TB, dsn string) T {
	tb.Helper()
	d, err := db.ParseDSN(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tp.mu.Lock()
	e := tp.engines[d.Dialect]
	if e == nil {
		e = &template[T]{}
		tp.engines[d.Dialect] = e
	}
	tp.mu.Unlock()
	e.once.Do(func() { e.err = e.build(d.Dialect, tp.seed) })
	if e.err != nil {
		tb.Fatalf("seed the %s template: %v", d.Dialect, e.err)
	}
	if d.Dialect == db.SQLite {
		err = os.WriteFile(d.Path, e.file, 0o644)
	} else {
		err = e.copyMySQL(dsn)
	}
	if err != nil {
		tb.Fatalf("copy the %s template: %v", d.Dialect, err)
	}
	return e.value
}

// Drop drops the MariaDB template.
func (tp *Template[T]) Drop() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	for _, e := range tp.engines {
		if e.admin != nil {
			e.admin.Exec("DROP DATABASE IF EXISTS " + e.name)
			db.Close(e.admin)
		}
	}
}

func (e *template[T]) build(dialect db.Dialect, seed func(context.Context, *gorm.DB) (T, error)) error {
	ctx := context.Background()
	if dialect == db.SQLite {
		dir, err := os.MkdirTemp("", "csmexam-template-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "csmexam.db")
		g, err := db.Open(ctx, "sqlite:"+path)
		if err != nil {
			return err
		}
		e.value, err = seed(ctx, g)
		if err == nil {
			// Everything into the main file, so that the file alone is the database.
			err = g.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
		}
		if err = errors.Join(err, db.Close(g)); err != nil {
			return err
		}
		e.file, err = os.ReadFile(path)
		return err
	}
	admin, err := db.Open(ctx, "mysql://"+MySQLServer()+"/mysql")
	if err != nil {
		return err
	}
	if e.name, err = createDatabase(admin, "csmexam_template_"); err != nil {
		db.Close(admin)
		return err
	}
	e.admin = admin
	g, err := db.Open(ctx, mysqlDSN(e.name))
	if err != nil {
		return err
	}
	e.value, err = seed(ctx, g)
	return errors.Join(err, db.Close(g))
}

// copyMySQL creates the template's tables in the database of dsn, as SHOW CREATE TABLE
// gives them (keys, charsets and the next AUTO_INCREMENT included), and copies their rows.
// Tables are copied four at a time: most of a copy is the server creating table files.
func (e *template[T]) copyMySQL(dsn string) error {
	g, err := db.Open(context.Background(), dsn)
	if err != nil {
		return err
	}
	defer db.Close(g)
	var tables []string
	if err := g.Raw("SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'", e.name).Scan(&tables).Error; err != nil {
		return err
	}
	errs := make([]error, len(tables))
	slots := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, t := range tables {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			errs[i] = e.copyTable(g, t)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (e *template[T]) copyTable(g *gorm.DB, table string) error {
	var show struct {
		Table  string `gorm:"column:Table"`
		Create string `gorm:"column:Create Table"`
	}
	if err := g.Raw(fmt.Sprintf("SHOW CREATE TABLE %s.`%s`", e.name, table)).Scan(&show).Error; err != nil {
		return err
	}
	if err := g.Exec(show.Create).Error; err != nil {
		return fmt.Errorf("create %s: %w", table, err)
	}
	if err := g.Exec(fmt.Sprintf("INSERT INTO `%s` SELECT * FROM %s.`%s`", table, e.name, table)).Error; err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}
