package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam/account"
	"gorm.io/gorm"
)

// bankFlags are the flags import and export share.
type bankFlags struct {
	fs     *flag.FlagSet
	dsn    *string
	center *string
}

func newBankFlags(name string, e env) bankFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return bankFlags{fs: fs,
		dsn:    fs.String("db", firstNonEmpty(e.getenv("CSMEXAM_DB"), db.DefaultDSN), "database DSN (env CSMEXAM_DB)"),
		center: fs.String("center", "", "training center code (created if missing); empty: the shared bank"),
	}
}

// open opens the database with the bundled curriculum loaded (its knowledge points are
// what imported questions refer to) and resolves --center to its id (0: the shared bank).
func (f bankFlags) open(ctx context.Context) (*gorm.DB, *content.Store, int64, error) {
	if _, err := db.ParseDSN(*f.dsn); err != nil {
		return nil, nil, 0, fmt.Errorf("--db: %w", err)
	}
	g, err := openDB(ctx, *f.dsn)
	if err != nil {
		return nil, nil, 0, err
	}
	store := content.NewStore(g, time.Now)
	p, err := pack.Bundled()
	if err == nil {
		_, err = pack.Load(ctx, store, p)
	}
	var center int64
	if err == nil && *f.center != "" {
		var c *account.Center
		if c, err = account.NewStore(g, time.Now).EnsureCenter(ctx, *f.center, ""); err == nil {
			center = c.ID
		}
	}
	if err != nil {
		db.Close(g)
		return nil, nil, 0, err
	}
	return g, store, center, nil
}

// importCmd reads FILE into the bank: all of it, or with any bad row nothing.
func importCmd(ctx context.Context, args []string, e env) error {
	f := newBankFlags("csmexam import", e)
	dryRun := f.fs.Bool("dry-run", false, "check the file, import nothing")
	formatName := f.fs.String("format", "", "moodle, qti21, qti30, xlsx, csv, json or gift when FILE's extension does not say (default: the extension; .xml is Moodle XML or a QTI item, .zip a QTI package)")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if f.fs.NArg() != 1 {
		return errors.New("give exactly one FILE after the flags (.xlsx, .csv, .json, .yaml, .gift, Moodle or QTI .xml, QTI package .zip or Aiken .txt)")
	}
	path := f.fs.Arg(0)
	name, err := format.ImportName(filepath.Base(path), *formatName)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	g, store, center, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close(g)
	rep, err := format.Import(ctx, store, name, file, center, 0, *dryRun)
	if err != nil {
		return err
	}
	if len(rep.Errors) > 0 {
		for _, p := range rep.Errors {
			fmt.Fprintln(e.stdout, p.Error())
		}
		return fmt.Errorf("%s: %d 处错误，未导入任何题目", path, len(rep.Errors))
	}
	if *dryRun {
		fmt.Fprintf(e.stdout, "%s: %d 道题检查通过（--dry-run，未导入）\n", path, rep.Valid)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: 已导入 %d 道题到%s\n", path, rep.Imported, bankName(*f.center))
	return nil
}

func bankName(center string) string {
	if center == "" {
		return "共享题库"
	}
	return "培训中心 " + center + " 的题库"
}

// exportCmd writes the bank of --center (or the shared bank) to OUT.
func exportCmd(ctx context.Context, args []string, e env) error {
	f := newBankFlags("csmexam export", e)
	name := f.fs.String("format", "", "xlsx, csv, json, gift, moodle, qti21 or qti30 (default: from OUT's extension; .xml is moodle, .zip qti21)")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if f.fs.NArg() != 1 {
		return errors.New("give exactly one OUT file after the flags (- for stdout)")
	}
	out := f.fs.Arg(0)
	if *name == "" {
		*name = format.ExportFor(out)
	}
	if _, ok := format.Exports[*name]; !ok {
		return fmt.Errorf("--format %q: use xlsx, csv, json, gift, moodle, qti21 or qti30", *name)
	}
	g, store, center, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close(g)
	qs, err := store.Bank(ctx, []int64{center})
	if err != nil {
		return err
	}
	if err := store.LoadFiles(ctx, qs); err != nil { // the images, for the formats that carry them
		return err
	}
	if out == "-" {
		return format.WriteBank(e.stdout, *name, qs)
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := format.WriteBank(file, *name, qs); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported %d questions of %s to %s\n", len(qs), bankName(*f.center), out)
	return nil
}
