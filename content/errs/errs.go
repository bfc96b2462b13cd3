// Package errs is the one error type of every domain: a kind that web maps to an HTTP
// status, the user's words, the field they are about and the wrapped cause. It sits
// under content because content is the root of the import graph: exam, grading and
// web all reach it without importing each other.
package errs

import (
	"errors"
	"fmt"
)

// Kind says what went wrong in terms a caller can act on. A Kind is itself an error,
// so a domain's sentinel is its kind (content.ErrNotFound = errs.NotFound) and
// errors.Is(err, content.ErrNotFound) holds for every *Error of that kind. The texts
// are the sentinels' texts from before this package, so logs read as they did.
type Kind string

const (
	NotFound        Kind = "not found"
	Conflict        Kind = "conflict"
	Invalid         Kind = "invalid"
	Unauthorized    Kind = "not logged in"
	Forbidden       Kind = "forbidden"
	TooManyRequests Kind = "too many login attempts"
	BankShort       Kind = "题库题目不足"
)

func (k Kind) Error() string { return string(k) }

// Error is a domain error. Message is what the user reads (Chinese); Field names the
// input it is about, if any; Err is the cause, for logs and errors.Is/As.
type Error struct {
	Kind    Kind
	Message string
	Field   string
	Err     error
}

// Error reads "field: message: cause", leaving out what is empty; with no message it
// is the kind's text.
func (e *Error) Error() string {
	s := e.Message
	if s == "" {
		s = string(e.Kind)
	}
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches the error's kind, so errors.Is(err, errs.NotFound) finds it through any
// wrapping.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// New is an error of kind with the user's message built from format and args.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap is New with cause kept for logs; what the user reads is still the message.
func Wrap(kind Kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: cause}
}

// Invalidf is an Invalid error about field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, if there is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Within puts err in a context the user must read too ("第 3 行: 用户名 x 已被使用"): an
// *Error keeps its kind, field and cause with the context before its message; any other
// error is wrapped as fmt.Errorf would.
func Within(err error, format string, args ...any) error {
	ctx := fmt.Sprintf(format, args...)
	e, ok := As(err)
	if !ok {
		return fmt.Errorf("%s: %w", ctx, err)
	}
	return &Error{Kind: e.Kind, Field: e.Field, Message: ctx + ": " + e.Message, Err: e.Err}
}
