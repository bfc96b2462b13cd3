// Package db opens the product's database from a DSN and runs each domain's versioned
// migrations. It lives under content, the root of the import chain, because every domain's
// store needs the same handle; it knows nothing of any domain's tables.
package db

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DefaultDSN is the embedded database a new user gets without installing anything.
const DefaultDSN = "sqlite:data/csmexam.db"

// ErrBadDSN reports a DSN that names no supported database or does not parse.
var ErrBadDSN = errors.New("bad database DSN")

// Deadlock reports that the database undid the statement's transaction so that another
// could go on: MySQL chose it as a deadlock's victim, or a Galera cluster refused it at
// commit because a transaction certified first on another node wrote the same rows
// (Galera reports both as error 1213). Running it again is safe.
func Deadlock(err error) bool {
	var me *mysqldriver.MySQLError
	return errors.As(err, &me) && me.Number == 1213
}

// Tries is how many times Retry and Transaction run their work before returning a
// deadlock. A Galera cluster under a class's saves loses a few commits in a hundred to
// certification, and a transaction that loses twice in a row is not rare there.
const Tries = 8

// Retry runs f, and runs it again after a short random pause (a few milliseconds, growing
// with each try, so that the transactions that collided do not collide again) while it
// fails with a deadlock, Tries times in all. f must be safe to run again: it reads again
// what it decides on and resets whatever its earlier run left behind. Retry returns the
// last error, or ctx's error when ctx ends during a pause.
func Retry(ctx context.Context, f func() error) error {
	for tries := 1; ; tries++ {
		err := f()
		if !Deadlock(err) || tries == Tries {
			return err
		}
		pause := time.Duration(rand.Int64N(int64(time.Millisecond) << min(tries, 7)))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Transaction runs f in a transaction on g, and runs it again (Retry) when the database
// undid it to break a deadlock or a Galera certification conflict: a transaction that
// takes its locks in a steady order can still lose to another statement that takes them
// otherwise, or to a transaction on another node of a cluster. f must be safe to run
// again: everything it keeps outside the transaction it sets afresh on each run.
func Transaction(g *gorm.DB, f func(tx *gorm.DB) error) error {
	ctx := g.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return Retry(ctx, func() error { return g.Transaction(f) })
}

// Dialect names the SQL engine behind a DSN.
type Dialect string

const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// DSN is a parsed data source name.
type DSN struct {
	Dialect Dialect
	// Path is the SQLite file (SQLite only).
	Path string
	// Driver is the string handed to the driver (the MySQL driver's DSN, or SQLite's file URI).
	Driver string
}

// Redact hides the password of a MySQL DSN, for logs and messages.
func Redact(dsn string) string {
	rest, ok := strings.CutPrefix(dsn, "mysql://")
	if !ok {
		return dsn
	}
	at := strings.LastIndex(rest, "@")
	if user, _, hasPass := strings.Cut(rest[:max(at, 0)], ":"); hasPass {
		return "mysql://" + user + ":***" + rest[at:]
	}
	return dsn
}

// ParseDSN reads "sqlite:PATH" or "mysql://USER:PASS@tcp(HOST:PORT)/DB?params".
// It returns an error wrapping ErrBadDSN that says what is wrong.
func ParseDSN(s string) (DSN, error) {
	shown := Redact(s)
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		path := strings.TrimPrefix(s, "sqlite:")
		if path == "" {
			return DSN{}, fmt.Errorf("%w: %q has no file path after sqlite:", ErrBadDSN, shown)
		}
		if strings.ContainsAny(path, "?#") {
			return DSN{}, fmt.Errorf("%w: %q: the SQLite path may not contain ? or #", ErrBadDSN, shown)
		}
		// WAL lets readers run beside the writer; _txlock=immediate takes the write lock
		// when a transaction begins, so read-then-write transactions wait on busy_timeout
		// instead of failing with SQLITE_BUSY when they try to upgrade.
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Set("_txlock", "immediate")
		return DSN{Dialect: SQLite, Path: path, Driver: "file:" + path + "?" + q.Encode()}, nil
	case strings.HasPrefix(s, "mysql://"):
		rest := strings.TrimPrefix(s, "mysql://")
		at := strings.LastIndex(rest, "@")
		if at < 0 || !strings.Contains(rest[at:], "tcp(") && !strings.Contains(rest[at:], "unix(") {
			return DSN{}, fmt.Errorf("%w: %q: expected mysql://USER:PASS@tcp(HOST:PORT)/DB", ErrBadDSN, shown)
		}
		slash := strings.Index(rest[at:], ")/")
		if slash < 0 {
			return DSN{}, fmt.Errorf("%w: %q: no database name after the address", ErrBadDSN, shown)
		}
		dbAndQuery := rest[at+slash+2:]
		name, query, _ := strings.Cut(dbAndQuery, "?")
		if name == "" {
			return DSN{}, fmt.Errorf("%w: %q: no database name after the address", ErrBadDSN, shown)
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			return DSN{}, fmt.Errorf("%w: %q: parameters: %v", ErrBadDSN, shown, err)
		}
		// Times are stored in UTC and read back as time.Time; utf8mb4 holds every Chinese character.
		q.Set("parseTime", "true")
		q.Set("loc", "UTC")
		if q.Get("charset") == "" {
			q.Set("charset", "utf8mb4")
		}
		// The driver otherwise prepares, runs and closes a server-side statement for every
		// query with arguments: two round trips where one does. Interpolation is safe with
		// utf8mb4 (the driver refuses it for the multibyte charsets where it is not).
		if q.Get("interpolateParams") == "" {
			q.Set("interpolateParams", "true")
		}
		return DSN{Dialect: MySQL, Driver: rest[:at+slash+2] + name + "?" + q.Encode()}, nil
	default:
		return DSN{}, fmt.Errorf("%w: %q: use sqlite:PATH or mysql://USER:PASS@tcp(HOST:PORT)/DB", ErrBadDSN, shown)
	}
}

// Open connects to the database named by dsn and checks that it answers. For SQLite the
// file's folder is created.
func Open(ctx context.Context, dsn string) (*gorm.DB, error) {
	d, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg := &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: true,
	}
	var g *gorm.DB
	switch d.Dialect {
	case SQLite:
		if dir := filepath.Dir(d.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		g, err = gorm.Open(sqlite.Open(d.Driver), cfg)
	case MySQL:
		cfg.DisableAutomaticPing = true
		g, err = gorm.Open(mysql.New(mysql.Config{DSN: d.Driver}), cfg)
	}
	if err != nil {
		// The MySQL driver reaches the server while opening (it asks its version).
		return nil, fmt.Errorf("open %s database: it does not answer: %w", d.Dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	if err := SetPool(g, DefaultPool(d.Dialect)); err != nil {
		return nil, err
	}
	if d.Dialect == MySQL {
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("%s database does not answer: %w", d.Dialect, err)
	}
	return g, nil
}

// DialectOf tells which engine a handle talks to.
func DialectOf(g *gorm.DB) Dialect {
	if g.Dialector.Name() == "mysql" {
		return MySQL
	}
	return SQLite
}

// Close releases the handle's connections.
func Close(g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// likeEscaper escapes for EscapeLike.
var likeEscaper = strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`)

// EscapeLike makes s match literally inside a LIKE pattern that declares ESCAPE '!'
// (SQLite has no default escape character, and MySQL's backslash clashes with its
// literals): "50%_off" → "50!%!_off".
func EscapeLike(s string) string { return likeEscaper.Replace(s) }
