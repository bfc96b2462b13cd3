package format

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/csmexam/csmexam/content"
)

// Options say how Import treats a file.
type Options struct {
	// DryRun only checks.
	DryRun bool
	// Partial imports every question that is fine and skips the others; without it a
	// file with any wrong question imports nothing.
	Partial bool
	// Unit is the knowledge point (code or a point's name) of the questions that name
	// none; "" for none.
	Unit string
	// Categories maps the file's categories to knowledge points (see Syllabus.ForFile).
	Categories map[string]string
}

// Report is the outcome of an import: how many questions were stored, how many passed
// every check, every problem found (with Partial, the questions skipped; without, why
// nothing was imported), the repeats of questions already in the bank or earlier in the
// file (skipped in both modes) and the categories no mapping named.
type Report struct {
	Imported int                `json:"imported"`
	Valid    int                `json:"valid"`
	DryRun   bool               `json:"dry_run"`
	Partial  bool               `json:"partial"`
	Errors   []content.RowError `json:"errors"`
	Repeats  []content.RowError `json:"repeats"`
	Unmapped []Unmapped         `json:"unmapped"`
	// questionRow is Result.questionRow, for Skipped.
	questionRow map[int]int
}

// Failed reports whether the import stored nothing because of the file's problems: any
// problem without Partial, or, with Partial, problems and not one good question (new or
// already in the bank).
func (r *Report) Failed() bool {
	return len(r.Errors) > 0 && (!r.Partial || r.Valid == 0 && len(r.Repeats) == 0)
}

// Skipped is how many questions the problems are about (a question may have several,
// on its row or, in yf-exam's sheets, on its option rows).
func (r *Report) Skipped() int {
	rows := map[int]bool{}
	for _, e := range r.Errors {
		if q, ok := r.questionRow[e.Row]; ok {
			rows[q] = true
		} else {
			rows[e.Row] = true
		}
	}
	return len(rows)
}

// Import reads the file named name into center's bank (0: the shared bank), created by
// user by, as opts say: all of its questions, or, if any is wrong, none (with
// opts.Partial, the good ones). Questions already in that bank, or twice in the file,
// are skipped and listed as repeats. A file that cannot be read at all is an error (an
// Invalid *errs.Error on "file"), as is a default unit or mapping that names no
// knowledge point ("unit", "map"); problems with rows are in the report.
func Import(ctx context.Context, store *content.Store, name string, r io.Reader, center, by int64, opts Options) (*Report, error) {
	nodes, err := store.Syllabus(ctx)
	if err != nil {
		return nil, err
	}
	syl, err := NewSyllabus(nodes).ForFile(opts.Unit, opts.Categories)
	if err != nil {
		return nil, err
	}
	res, err := Read(name, r, syl)
	if err != nil {
		return nil, err
	}
	bank, err := store.Bank(ctx, []int64{center})
	if err != nil {
		return nil, err
	}
	items, repeats := res.withoutRepeats(bank)
	rep := &Report{DryRun: opts.DryRun, Partial: opts.Partial, Errors: res.Errors, Repeats: repeats,
		Unmapped: syl.Unmapped(), Valid: len(items), questionRow: res.questionRow}
	if rep.Errors == nil {
		rep.Errors = []content.RowError{}
	}
	if rep.Failed() || opts.DryRun {
		return rep, nil
	}
	qs := make([]content.Question, len(items))
	for i, it := range items {
		qs[i] = it.Question
	}
	if len(qs) > 0 {
		if err := store.ImportQuestions(ctx, qs, center, by); err != nil {
			return nil, err
		}
	}
	rep.Imported = len(qs)
	return rep, nil
}

// withoutRepeats is the result's items less those already in bank (sameKey and
// sameAnswer), and a note for each of those, by row; repeats within the file are already
// in r.Repeats. An item that differs from a bank question only in its key contradicts
// it: it is dropped too, with an error added to r.Errors.
func (r *Result) withoutRepeats(bank []content.Question) ([]Item, []content.RowError) {
	have := make(map[string]*content.Question, len(bank))
	for i := range bank {
		have[sameKey(&bank[i])] = &bank[i]
	}
	repeats := slices.Clone(r.Repeats)
	var kept []Item
	for _, it := range r.Items {
		b, ok := have[sameKey(&it.Question)]
		switch {
		case ok && sameAnswer(b, &it.Question):
			repeats = append(repeats, content.RowError{Row: it.Row, Field: r.stemField, Message: fmt.Sprintf("题库中已有这道题（编号 %d），已跳过", b.ID)})
		case ok:
			r.Errors = append(r.Errors, content.RowError{Row: it.Row, Field: r.stemField, Message: fmt.Sprintf("题库中已有题干与选项相同、答案不同的题（编号 %d）：请先核对", b.ID)})
		default:
			kept = append(kept, it)
		}
	}
	slices.SortStableFunc(r.Errors, func(a, b content.RowError) int { return cmp.Compare(a.Row, b.Row) })
	slices.SortStableFunc(repeats, func(a, b content.RowError) int { return cmp.Compare(a.Row, b.Row) })
	if repeats == nil {
		repeats = []content.RowError{}
	}
	return kept, repeats
}
