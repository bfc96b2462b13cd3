package exam

import (
	"context"

	"github.com/csmexam/csmexam/content/errs"
)

// Rescorer scores a submitted attempt again, given its answers. Rescore calls it inside
// the transaction that holds the attempt's row, which ctx carries (content/db.WithTx):
// the rescorer's own reads and writes through db.Conn(ctx, …) commit or roll back with
// the new result.
type Rescorer interface {
	Rescore(ctx context.Context, a *Attempt, answers map[int64]Answer) (*Result, error)
}

// RescoreFunc is a function that is a Rescorer.
type RescoreFunc func(ctx context.Context, a *Attempt, answers map[int64]Answer) (*Result, error)

// Rescore calls f.
func (f RescoreFunc) Rescore(ctx context.Context, a *Attempt, answers map[int64]Answer) (*Result, error) {
	return f(ctx, a, answers)
}

// Rescore replaces the result of a submitted attempt with what r returns, and stores its
// status and score. The attempt's row is held meanwhile, so rescores from several servers
// apply one after the other. An attempt in progress is ErrNotSubmitted; an abandoned one
// ErrConflict; a missing one ErrNotFound. Within a transaction that ctx carries
// (content/db.WithTx) the rescore commits or rolls back with it.
func (s *Service) Rescore(ctx context.Context, id int64, r Rescorer) (*Result, error) {
	return s.store.rescore(ctx, id, s.now().UTC(), rescorable, r.Rescore)
}

// rescorable tells why a's result cannot be replaced, or nil.
func rescorable(a *Attempt) error {
	switch a.Status {
	case InProgress:
		return ErrNotSubmitted
	case Abandoned:
		return errs.New(errs.Conflict, "作答超时被作废，没有成绩")
	}
	return nil
}
