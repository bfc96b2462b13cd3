package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/csmexam/csmexam/content/db"
)

// backupCmd writes a consistent copy of a SQLite database to a new file while servers
// keep using it: VACUUM INTO reads in one transaction (WAL lets writers go on) and writes
// a compact file with no WAL of its own. MySQL has its own tools (docs/OPERATIONS.md).
func backupCmd(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("csmexam backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", firstNonEmpty(e.getenv("CSMEXAM_DB"), db.DefaultDSN), "SQLite database DSN (env CSMEXAM_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give exactly one OUT file after the flags")
	}
	out := fs.Arg(0)
	d, err := db.ParseDSN(*dsn)
	if err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	if d.Dialect != db.SQLite {
		return errors.New("backup copies SQLite files; for MySQL use mariadb-dump --single-transaction (docs/OPERATIONS.md)")
	}
	if _, err := os.Stat(d.Path); err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists: backup writes a new file", out)
	}
	g, err := db.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close(g)
	if err := g.WithContext(ctx).Exec("VACUUM INTO ?", out).Error; err != nil {
		return fmt.Errorf("back up to %s: %w", out, err)
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s\n", d.Path, out)
	return nil
}
