package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// ResultFilter selects finalised exam attempts for a results export.
type ResultFilter struct {
	Center     int64 // 0: every center
	Blueprint  string
	Candidates []int64 // nil: anyone; non-nil: only these (empty: nobody)
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
}

// FinalAttempts returns the submitted, graded, pending-review and abandoned exam-mode
// attempts matching f (submitted in [From, To) where set), oldest submission first.
// Practice attempts are never results.
func (s *Service) FinalAttempts(ctx context.Context, f ResultFilter) ([]FinalAttempt, error) {
	if f.Candidates != nil && len(f.Candidates) == 0 {
		return []FinalAttempt{}, nil
	}
	query := func() *gorm.DB {
		q := s.db.WithContext(ctx).Table("attempts").
			Select("id, candidate_id, center_id, blueprint, status, rules, started_at, submitted_at, result").
			Where("mode = ? AND status IN ?", ModeExam, []Status{Submitted, PendingReview, Graded, Abandoned})
		if f.Center != 0 {
			q = q.Where("center_id = ?", f.Center)
		}
		if f.Blueprint != "" {
			q = q.Where("blueprint = ?", f.Blueprint)
		}
		if !f.From.IsZero() {
			q = q.Where("submitted_at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			q = q.Where("submitted_at < ?", f.To.UTC())
		}
		return q
	}
	var out []FinalAttempt
	if f.Candidates == nil {
		if err := s.finalAttempts(query(), &out); err != nil {
			return nil, err
		}
	}
	for chunk := range slices.Chunk(f.Candidates, 1000) {
		if err := s.finalAttempts(query().Where("candidate_id IN ?", chunk), &out); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b FinalAttempt) int {
		if c := a.SubmittedAt.Compare(b.SubmittedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

func (s *Service) finalAttempts(q *gorm.DB, out *[]FinalAttempt) error {
	var rows []attemptRow
	if err := q.Find(&rows).Error; err != nil {
		return fmt.Errorf("results: %w", err)
	}
	for i := range rows {
		r := &rows[i]
		var rules struct{ Title string }
		if err := json.Unmarshal([]byte(r.Rules), &rules); err != nil {
			return fmt.Errorf("attempt %d: rules: %w", r.ID, err)
		}
		res, err := r.attemptResult()
		if err != nil {
			return err
		}
		fa := FinalAttempt{ID: r.ID, CandidateID: r.CandidateID, CenterID: r.CenterID, Blueprint: r.Blueprint, Title: rules.Title,
			Status: Status(r.Status), StartedAt: r.StartedAt.UTC(), Result: res}
		if r.SubmittedAt != nil {
			fa.SubmittedAt = r.SubmittedAt.UTC()
		}
		*out = append(*out, fa)
	}
	return nil
}
