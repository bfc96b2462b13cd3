package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// mapFlag collects repeated --map "Category path=code" entries.
type mapFlag []string

func (m *mapFlag) String() string     { return strings.Join(*m, "; ") }
func (m *mapFlag) Set(v string) error { *m = append(*m, v); return nil }

// importCmd reads FILE into the bank: all of it, or with any bad row nothing (with
// --partial, the good questions). Repeats of bank questions are skipped.
func importCmd(ctx context.Context, args []string, e env) error {
	f := newBankFlags("csmexam import", e)
	dryRun := f.fs.Bool("dry-run", false, "check the file, import nothing")
	partial := f.fs.Bool("partial", false, "import every question that is fine and list the skipped ones (default: a file with any bad question imports nothing)")
	unit := f.fs.String("unit", "", "default knowledge point (syllabus code or point name) for questions that name none")
	var maps mapFlag
	f.fs.Var(&maps, "map", "map a category of the file to a knowledge point: 'Category path=code' (repeatable)")
	mapFile := f.fs.String("map-file", "", "file of category mappings, one 'Category path=code' a line")
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
	categories, err := categoryFlags(maps, *mapFile)
	if err != nil {
		return err
	}
	g, store, center, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close(g)
	rep, err := format.Import(ctx, store, name, file, center, 0, format.Options{DryRun: *dryRun, Partial: *partial, Unit: *unit, Categories: categories})
	if err != nil {
		var ve *content.ValidationError
		if errors.As(err, &ve) && (ve.Field == "unit" || ve.Field == "map") {
			return fmt.Errorf("--%s: %s", ve.Field, ve.Message)
		}
		return err
	}
	printImportReport(e, rep)
	switch {
	case rep.Failed():
		return fmt.Errorf("%s: %d 处错误，未导入任何题目", path, len(rep.Errors))
	case *dryRun:
		fmt.Fprintf(e.stdout, "%s: %d 道题检查通过（--dry-run，未导入）\n", path, rep.Valid)
	default:
		fmt.Fprintf(e.stdout, "%s: 已导入 %d 道题到%s\n", path, rep.Imported, bankName(*f.center))
	}
	return nil
}

// categoryFlags merges --map entries and the lines of --map-file.
func categoryFlags(maps []string, file string) (map[string]string, error) {
	lines := slices.Clone(maps)
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--map-file: %w", err)
		}
		lines = append(lines, strings.Split(strings.TrimPrefix(string(b), "\uFEFF"), "\n")...)
	}
	m, err := format.ParseCategoryMap(lines)
	if err != nil {
		return nil, fmt.Errorf("--map: %w", err)
	}
	return m, nil
}

// printImportReport lists every problem (skipped questions with --partial), every
// repeat and every unmapped category.
func printImportReport(e env, rep *format.Report) {
	label := ""
	if rep.Partial && !rep.Failed() {
		label = "跳过 "
	}
	for _, p := range rep.Errors {
		fmt.Fprintln(e.stdout, label+p.Error())
	}
	for _, p := range rep.Repeats {
		fmt.Fprintln(e.stdout, "重复 "+p.Error())
	}
	for _, u := range rep.Unmapped {
		fmt.Fprintf(e.stdout, "未映射的分类“%s”：%d 道题（用 --map '%s=知识点编码' 指定）\n", u.Category, u.Questions, u.Category)
	}
	if len(rep.Repeats) > 0 {
		fmt.Fprintf(e.stdout, "%d 道题与题库中已有的题（或文件中前面的题）相同，已跳过\n", len(rep.Repeats))
	}
	if label != "" && len(rep.Errors) > 0 {
		fmt.Fprintf(e.stdout, "%d 道题有错，已跳过（--partial）\n", rep.Skipped())
	}
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
