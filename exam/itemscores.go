package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

// Item analysis and calibrated difficulty read one narrow row per question of each
// finalised attempt (attempt_item_scores), written with the result at grading and
// rescoring: decoding every attempt's paper and result JSON cost them ten times more
// than the statistics themselves.

// itemScoreRow is one question of a finalised attempt: where it stood on the paper
// (Slot, 0-based), what it earned and what was chosen (bank keys, comma-separated).
type itemScoreRow struct {
	AttemptID  int64 `gorm:"primaryKey"`
	Slot       int   `gorm:"primaryKey"`
	QuestionID int64
	Version    int
	Score      int64
	MaxScore   int64
	Answered   bool
	Pending    bool
	Choice     string
}

func (itemScoreRow) TableName() string { return "attempt_item_scores" }

// The per-item scores have a migration domain of their own, so their steps never collide
// with the numbering of exam's.
var itemScoreMigrations = []db.Migration{
	{Version: 1, Name: "per-item scores of finalised attempts, backfilled from their results", Up: func(tx *gorm.DB) error {
		type attemptItemScore struct {
			AttemptID  int64  `gorm:"primaryKey;autoIncrement:false"`
			Slot       int    `gorm:"primaryKey;autoIncrement:false"`
			QuestionID int64  `gorm:"not null;index:idx_item_score_question,priority:1"`
			Version    int    `gorm:"not null;index:idx_item_score_question,priority:2"`
			Score      int64  `gorm:"not null"`
			MaxScore   int64  `gorm:"not null"`
			Answered   bool   `gorm:"not null"`
			Pending    bool   `gorm:"not null"`
			Choice     string `gorm:"size:64;not null;default:''"`
		}
		if err := db.CreateTables(tx, &attemptItemScore{}); err != nil {
			return err
		}
		return backfillItemScores(tx)
	}},
}

// backfillItemScores writes the per-item scores of every attempt that has a result, a
// batch of attempts at a time.
func backfillItemScores(tx *gorm.DB) error {
	var last int64
	for {
		var rows []struct {
			ID     int64
			Paper  string
			Result string
		}
		if err := tx.Table("attempts").Select("id, paper, result").
			Where("id > ? AND result IS NOT NULL AND result <> ''", last).Order("id").Limit(SittingBatch).Scan(&rows).Error; err != nil {
			return fmt.Errorf("backfill item scores: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			last = r.ID
			var paper Paper
			var res Result
			if err := json.Unmarshal([]byte(r.Paper), &paper); err != nil {
				return fmt.Errorf("backfill attempt %d: paper: %w", r.ID, err)
			}
			if err := json.Unmarshal([]byte(r.Result), &res); err != nil {
				return fmt.Errorf("backfill attempt %d: result: %w", r.ID, err)
			}
			answers, err := answersOf(tx, r.ID)
			if err != nil {
				return fmt.Errorf("backfill attempt %d: answers: %w", r.ID, err)
			}
			if err := WriteItemScores(tx, r.ID, &paper, &res, answers); err != nil {
				return err
			}
		}
	}
}

// itemScoreRows are the per-item rows of attempt id's result, in paper order: what
// grading and rescoring store beside the result. Questions the result does not score
// (an abandoned attempt's) have none.
func itemScoreRows(id int64, paper *Paper, res *Result, answers map[int64]Answer) []itemScoreRow {
	scored := make(map[int64]*ItemScore, len(res.Items))
	for i := range res.Items {
		scored[res.Items[i].QuestionID] = &res.Items[i]
	}
	var rows []itemScoreRow
	slot := 0
	for _, sec := range paper.Sections {
		for _, it := range sec.Items {
			slot++
			is := scored[it.QuestionID]
			if is == nil {
				continue
			}
			rows = append(rows, itemScoreRow{AttemptID: id, Slot: slot - 1, QuestionID: it.QuestionID, Version: it.Version,
				Score: int64(is.Score), MaxScore: int64(is.MaxScore), Answered: is.Answered, Pending: is.Pending,
				Choice: strings.Join(answers[it.QuestionID].Choice, ",")})
		}
	}
	return rows
}

// WriteItemScores replaces attempt id's per-item rows in tx, as grading and rescoring do
// with the result; examtest calls it for the attempts it seeds straight into the tables.
func WriteItemScores(tx *gorm.DB, id int64, paper *Paper, res *Result, answers map[int64]Answer) error {
	if err := tx.Where("attempt_id = ?", id).Delete(&itemScoreRow{}).Error; err != nil {
		return fmt.Errorf("attempt %d: item scores: %w", id, err)
	}
	rows := itemScoreRows(id, paper, res, answers)
	if len(rows) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(rows, 200).Error; err != nil {
		return fmt.Errorf("attempt %d: item scores: %w", id, err)
	}
	return nil
}

// SittingItem is one question of a finalised exam attempt as item analysis reads it.
// Choice holds the options chosen, in the bank's keys (a paper shuffles only the order
// in which options are shown); callers must not change it, as equal choices share it.
type SittingItem struct {
	Slot       int // position on the paper, 0-based
	QuestionID int64
	Version    int
	Score      content.Points
	MaxScore   content.Points
	Answered   bool
	Pending    bool
	Choice     []string
}

// EachSitting calls fn with each attempt of ids (from SittingTotals: ascending), in that
// order, and its items in paper order (none for an abandoned attempt), reading the
// per-item rows of SittingBatch attempts a query. fn must not keep items. It stops at
// fn's first error and returns it.
func (s *Service) EachSitting(ctx context.Context, ids []int64, fn func(id int64, items []SittingItem) error) error {
	choices := map[string][]string{} // interned: a bank's questions have few distinct choices
	var items []SittingItem
	for batch := range slices.Chunk(ids, SittingBatch) {
		rows, err := s.store.db.WithContext(ctx).Table("attempt_item_scores").
			Select("attempt_id, slot, question_id, version, score, max_score, answered, pending, choice").
			Where("attempt_id IN ?", batch).Order("attempt_id, slot").Rows()
		if err != nil {
			return fmt.Errorf("sittings: %w", err)
		}
		err = func() error {
			defer rows.Close()
			next := 0 // the first id of batch not yet given to fn
			// flush gives fn the attempts of batch before id with no rows, then id's items.
			flush := func(id int64) error {
				for ; next < len(batch) && batch[next] < id; next++ {
					if err := fn(batch[next], nil); err != nil {
						return err
					}
				}
				if next < len(batch) && batch[next] == id {
					next++
					return fn(id, items)
				}
				return nil
			}
			cur := int64(-1)
			var it SittingItem
			var attempt, score, maxScore int64
			var choice []byte
			for rows.Next() {
				// Scanned by hand: a batch holds some 90,000 rows, and reflection would
				// double the time they take.
				if err := rows.Scan(&attempt, &it.Slot, &it.QuestionID, &it.Version, &score, &maxScore, &it.Answered, &it.Pending, &choice); err != nil {
					return fmt.Errorf("sittings: %w", err)
				}
				if attempt != cur {
					if cur >= 0 {
						if err := flush(cur); err != nil {
							return err
						}
					}
					cur, items = attempt, items[:0]
				}
				it.Score, it.MaxScore = content.Points(score), content.Points(maxScore)
				it.Choice = nil
				if len(choice) > 0 {
					c, ok := choices[string(choice)]
					if !ok {
						c = strings.Split(string(choice), ",")
						choices[string(choice)] = c
					}
					it.Choice = c
				}
				items = append(items, it)
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("sittings: %w", err)
			}
			if cur >= 0 {
				if err := flush(cur); err != nil {
					return err
				}
			}
			items = items[:0]
			return flush(math.MaxInt64)
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// ItemTally is what the finalised exam attempts earned on one question version: N graded
// responses, and their points out of the points they were worth.
type ItemTally struct {
	Ref      content.Ref
	N        int
	Score    content.Points
	MaxScore content.Points
}

// ItemTallies sums every question version's graded responses over all finalised exam
// attempts (one grouped query: cases awaiting their grade are left out).
func (s *Service) ItemTallies(ctx context.Context) ([]ItemTally, error) {
	var rows []struct {
		QuestionID int64
		Version    int
		N          int
		Score      int64
		MaxScore   int64
	}
	err := s.store.db.WithContext(ctx).Table("attempt_item_scores s").
		Select("s.question_id, s.version, COUNT(*) AS n, SUM(s.score) AS score, SUM(s.max_score) AS max_score").
		Joins("JOIN attempts a ON a.id = s.attempt_id").
		Where("a.mode = ? AND s.pending = ? AND s.max_score > 0", ModeExam, false).
		Group("s.question_id, s.version").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("item tallies: %w", err)
	}
	out := make([]ItemTally, len(rows))
	for i, r := range rows {
		out[i] = ItemTally{Ref: content.Ref{ID: r.QuestionID, Version: r.Version}, N: r.N, Score: content.Points(r.Score), MaxScore: content.Points(r.MaxScore)}
	}
	return out, nil
}
