package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"gorm.io/gorm"
)

// Item analysis reads finalised exam attempts in two passes, so that memory holds the
// totals and one batch of papers, never every answer: SittingTotals first, then
// EachSitting over the same ids.

// SittingTotal is one finalised exam attempt's total score.
type SittingTotal struct {
	ID    int64
	Score content.Points
}

// Sitting is a finalised exam attempt as item analysis reads it. Choices are the options
// chosen per question, in the bank's keys: a paper shuffles only the order in which
// options are shown and lettered (Item.Options), the stored answer names the bank's key.
type Sitting struct {
	ID          int64
	CandidateID int64
	SubmittedAt time.Time
	Paper       Paper
	Items       []ItemScore // the result's item scores
	Choices     map[int64][]string
}

// SittingBatch is how many attempts EachSitting reads a query: about 1 MB of papers and
// results, and few enough ids for any engine's IN list.
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

// EachSitting calls fn with each attempt of ids (from SittingTotals), in the order given,
// reading SittingBatch attempts and their answers a query; an id no longer finalised is
// skipped. It stops at fn's first error and returns it.
func (s *Service) EachSitting(ctx context.Context, ids []int64, fn func(*Sitting) error) error {
	for batch := range slices.Chunk(ids, SittingBatch) {
		var rows []struct {
			ID          int64
			CandidateID int64
			SubmittedAt *time.Time
			Paper       string
			Result      string
		}
		if err := s.store.db.WithContext(ctx).Table("attempts").Select("id, candidate_id, submitted_at, paper, result").
			Where("id IN ? AND result IS NOT NULL AND result <> ''", batch).Scan(&rows).Error; err != nil {
			return fmt.Errorf("sittings: %w", err)
		}
		var answers []answerRow
		if err := s.store.db.WithContext(ctx).Select("attempt_id, question_id, choice").
			Where("attempt_id IN ? AND choice <> ''", batch).Find(&answers).Error; err != nil {
			return fmt.Errorf("sittings: answers: %w", err)
		}
		choices := make(map[int64]map[int64][]string, len(batch))
		for _, a := range answers {
			m := choices[a.AttemptID]
			if m == nil {
				m = map[int64][]string{}
				choices[a.AttemptID] = m
			}
			m[a.QuestionID] = strings.Split(a.Choice, ",")
		}
		byID := make(map[int64]int, len(rows))
		for i, r := range rows {
			byID[r.ID] = i
		}
		for _, id := range batch {
			i, ok := byID[id]
			if !ok {
				continue
			}
			r := rows[i]
			st := Sitting{ID: r.ID, CandidateID: r.CandidateID, Choices: choices[r.ID]}
			if r.SubmittedAt != nil {
				st.SubmittedAt = r.SubmittedAt.UTC()
			}
			if err := json.Unmarshal([]byte(r.Paper), &st.Paper); err != nil {
				return fmt.Errorf("attempt %d: paper: %w", r.ID, err)
			}
			var res struct {
				Items []ItemScore `json:"items"`
			}
			if err := json.Unmarshal([]byte(r.Result), &res); err != nil {
				return fmt.Errorf("attempt %d: result: %w", r.ID, err)
			}
			st.Items = res.Items
			if err := fn(&st); err != nil {
				return err
			}
		}
	}
	return nil
}
