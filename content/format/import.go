package format

import (
	"context"
	"io"

	"github.com/csmexam/csmexam/content"
)

// Report is the outcome of an import: how many questions were stored, how many passed
// every check, and every problem found.
type Report struct {
	Imported int                `json:"imported"`
	Valid    int                `json:"valid"`
	DryRun   bool               `json:"dry_run"`
	Errors   []content.RowError `json:"errors"`
}

// Import reads the file named name into center's bank (0: the shared bank), created by
// user by: all of its questions, or, if any row is wrong or already in that bank, none.
// With dryRun it only checks. A file that cannot be read at all is an error (an
// Invalid *errs.Error on "file"); problems with rows are in the report.
func Import(ctx context.Context, store *content.Store, name string, r io.Reader, center, by int64, dryRun bool) (*Report, error) {
	nodes, err := store.Syllabus(ctx)
	if err != nil {
		return nil, err
	}
	res, err := Read(name, r, NewSyllabus(nodes))
	if err != nil {
		return nil, err
	}
	bank, err := store.Bank(ctx, []int64{center})
	if err != nil {
		return nil, err
	}
	rep := &Report{DryRun: dryRun, Errors: res.Problems(bank)}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	rep.Errors = []content.RowError{}
	rep.Valid = len(res.Items)
	if dryRun {
		return rep, nil
	}
	if err := store.ImportQuestions(ctx, res.Questions(), center, by); err != nil {
		return nil, err
	}
	rep.Imported = len(res.Items)
	return rep, nil
}
