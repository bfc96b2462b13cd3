package exam

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/csmexam/csmexam/content"
	"gorm.io/gorm"
)

// Item analysis reads finalised exam attempts in two passes, so that memory holds the
// totals and one batch of item scores, never every answer: SittingTotals first, then
// EachSitting over the same ids.

// SittingTotal is one finalised exam attempt's total score.
type SittingTotal struct {
	ID    int64
	Score content.Points
}

// SittingBatch is how many attempts EachSitting reads a query: their packed item scores
// (some 90,000 items), and few enough ids for any engine's IN list.
const SittingBatch = 500

// SittingTotals returns the totals of the finalised exam attempts f selects, by id, and
// the pass score of the newest one's rules (0 when there is none).
func (s *Service) SittingTotals(ctx context.Context, f ResultFilter) ([]SittingTotal, content.Points, error) {
	if f.Candidates != nil && len(f.Candidates) == 0 {
		return nil, 0, nil
	}
	q := s.store.finalQuery(ctx, f)
	if f.Candidates != nil {
		q = q.Where("candidate_id IN ?", f.Candidates)
	}
	var totals []SittingTotal
	if err := q.Session(&gorm.Session{}).Select("id, score").Order("id").Scan(&totals).Error; err != nil {
		return nil, 0, fmt.Errorf("sitting totals: %w", err)
	}
	if len(totals) == 0 {
		return totals, 0, nil
	}
	var rules string
	if err := s.store.db.WithContext(ctx).Table("attempts").Where("id = ?", totals[len(totals)-1].ID).Pluck("rules", &rules).Error; err != nil {
		return nil, 0, fmt.Errorf("sitting totals: rules: %w", err)
	}
	var bp struct {
		PassScore content.Points `json:"pass_score"`
	}
	if err := json.Unmarshal([]byte(rules), &bp); err != nil {
		return nil, 0, fmt.Errorf("attempt %d: rules: %w", totals[len(totals)-1].ID, err)
	}
	return totals, bp.PassScore, nil
}
