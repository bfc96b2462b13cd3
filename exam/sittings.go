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
	Items       []SittingScore // the result's item scores
	Choices     map[int64][]string
}

// SittingScore is the part of a result's ItemScore that item analysis reads: decoding
// only these fields halves the time spent on results (a case's rubric review is long).
type SittingScore struct {
	QuestionID int64          `json:"question_id"`
	Score      content.Points `json:"score"`
	MaxScore   content.Points `json:"max_score"`
	Answered   bool           `json:"answered"`
	Pending    bool           `json:"pending"`
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
		choices, err := s.store.choices(ctx, batch)
		if err != nil {
			return err
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
				Items []SittingScore `json:"items"`
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

// choices reads the options chosen on the attempts of ids, per attempt and question.
// Rows are scanned by hand: a batch holds some 90,000 answers, and reflection would
// double the time they take.
func (st *store) choices(ctx context.Context, ids []int64) (map[int64]map[int64][]string, error) {
	rows, err := st.db.WithContext(ctx).Table("attempt_answers").Select("attempt_id, question_id, choice").
		Where("attempt_id IN ? AND choice <> ''", ids).Rows()
	if err != nil {
		return nil, fmt.Errorf("sittings: answers: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]map[int64][]string, len(ids))
	var attempt, question int64
	var choice string
	for rows.Next() {
		if err := rows.Scan(&attempt, &question, &choice); err != nil {
			return nil, fmt.Errorf("sittings: answers: %w", err)
		}
		m := out[attempt]
		if m == nil {
			m = map[int64][]string{}
			out[attempt] = m
		}
		m[question] = strings.Split(choice, ",")
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sittings: answers: %w", err)
	}
	return out, nil
}
