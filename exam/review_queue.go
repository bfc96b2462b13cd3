package exam

import (
	"context"
	"slices"
)

// ReviewQueue lists a center's attempts awaiting an instructor, oldest submission first.
func (s *Service) ReviewQueue(ctx context.Context, center int64, limit int) ([]Attempt, error) {
	return s.store.pendingReview(ctx, center, limit)
}

// AttemptsWith lists a center's finalised (graded or pending review) attempts whose
// paper holds the question, in any version.
func (s *Service) AttemptsWith(ctx context.Context, center, questionID int64) ([]Attempt, error) {
	as, err := s.store.finalisedWith(ctx, center, questionID)
	if err != nil {
		return nil, err
	}
	out := as[:0]
	for _, a := range as {
		if _, _, ok := a.Paper.ItemOf(questionID); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// MaxFinalised bounds Finalised: a candidate's latest attempts are what matters.
const MaxFinalised = 500

// Finalised lists a candidate's latest MaxFinalised graded and pending-review attempts,
// oldest first.
func (s *Service) Finalised(ctx context.Context, candidate int64) ([]Attempt, error) {
	as, err := s.store.finalisedAttempts(ctx, candidate, MaxFinalised)
	slices.Reverse(as)
	return as, err
}

// FinalisedAttempt returns a graded or pending-review attempt whoever asks, for checks
// that show nothing private (a report's verify code); any other is ErrNotFound.
func (s *Service) FinalisedAttempt(ctx context.Context, id int64) (*Attempt, error) {
	return s.store.finalisedAttempt(ctx, id)
}
