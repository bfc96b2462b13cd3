// Package content knows the 客户服务管理师 syllabus (levels → chapters → sections →
// knowledge points) and the question bank: types, validation and storage.
package content

import "github.com/csmexam/csmexam/content/errs"

// The content domain's sentinels are the kinds of errs.Error, so errors.Is(err,
// ErrNotFound) holds for every not-found error whatever domain made it.
var (
	ErrNotFound = errs.NotFound
	ErrConflict = errs.Conflict
	ErrInvalid  = errs.Invalid
)

// ValidationError is the name exam and grading (and their tests) still use for an
// Invalid *errs.Error; Field says which input is wrong and Message why.
type ValidationError = errs.Error

// Invalid is an Invalid error on field.
func Invalid(field, format string, args ...any) error {
	return errs.Invalidf(field, format, args...)
}
