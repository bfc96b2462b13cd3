// Package content knows the 客户服务管理师 syllabus (levels → chapters → sections →
// knowledge points) and the question bank: types, validation and storage.
package content

import (
	"errors"
	"fmt"
)

// Sentinel errors of the content domain; the web layer maps them to status codes.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid")
)

// ValidationError says which field of an input is wrong and why. It matches ErrInvalid.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid builds a ValidationError for field.
func Invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}
