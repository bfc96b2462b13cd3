package exam

import (
	"context"
	"slices"
	"time"
)

// ResultFilter selects finalised exam attempts for a results export.
type ResultFilter struct {
	Center     int64 // 0: every center
	Blueprint  string
	Candidates []int64 // nil: anyone; non-nil: only these (empty: nobody)
	Assignment int64   // 0: started from any assignment or none
	From, To   time.Time
}

// FinalAttempt is a finalised exam attempt as a results table needs it: no paper, no answers.
type FinalAttempt struct {
	ID          int64
	CandidateID int64
	CenterID    int64
	Blueprint   string
	Title       string
	Status      Status
	StartedAt   time.Time
	SubmittedAt time.Time
	Result      *Result
	// FocusLosses and DeviceSwitches are what the integrity policy recorded (0 without one).
	FocusLosses    int
	DeviceSwitches int
}

// FinalAttempts returns the submitted, graded, pending-review and abandoned exam-mode
// attempts matching f (submitted in [From, To) where set), oldest submission first.
// Practice attempts are never results.
func (s *Service) FinalAttempts(ctx context.Context, f ResultFilter) ([]FinalAttempt, error) {
	if f.Candidates != nil && len(f.Candidates) == 0 {
		return []FinalAttempt{}, nil
	}
	out, err := s.store.finalAttempts(ctx, f)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b FinalAttempt) int {
		if c := a.SubmittedAt.Compare(b.SubmittedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}
