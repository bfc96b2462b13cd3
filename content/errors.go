// Package content knows the 客户服务管理师 syllabus (levels → chapters → sections →
// knowledge points) and the question bank: types, validation and storage.
package content

import (
	"fmt"

	"github.com/csmexam/csmexam/content/errs"
)

// The content domain's sentinels are the kinds of errs.Error, so errors.Is(err,
// ErrNotFound) holds for every not-found error whatever domain made it.
var (
	ErrNotFound  = errs.NotFound
	ErrConflict  = errs.Conflict
	ErrInvalid   = errs.Invalid
	ErrForbidden = errs.Forbidden
)

// ValidationError is the name exam and grading (and their tests) still use for an
// Invalid *errs.Error; Field says which input is wrong and Message why.
type ValidationError = errs.Error

// Invalid is an Invalid error on field.
func Invalid(field, format string, args ...any) error {
	return errs.Invalidf(field, format, args...)
}

// RowError is one problem of an imported file, questions or candidates: the row as the
// spreadsheet numbers it (the header is row 1; for JSON, the item's position from 1),
// the column header as the file wrote it (or the API field), and what is wrong, in
// Chinese. Name, when the file gives one, is the question's name there (a GIFT or
// Moodle title), so a skipped question can be found by more than its line.
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Name    string `json:"name,omitempty"`
}

func (e RowError) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("第 %d 行（%s）%s：%s", e.Row, e.Name, e.Field, e.Message)
	}
	return fmt.Sprintf("第 %d 行 %s：%s", e.Row, e.Field, e.Message)
}
