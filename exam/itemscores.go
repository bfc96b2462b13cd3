package exam

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Item analysis and calibrated difficulty read each finalised attempt's item scores
// packed in one row (attempt_item_scores), written with the result at grading and
// rescoring: decoding every attempt's paper and result JSON cost them ten times more than
// the statistics themselves, and a row per question still spent most of the time in the
// driver's per-column calls.

// itemScoreRow is one finalised attempt's item scores, packed (see packItems).
type itemScoreRow struct {
	AttemptID int64 `gorm:"primaryKey"`
	Items     []byte
}

func (itemScoreRow) TableName() string { return "attempt_item_scores" }

// The item scores have a migration domain of their own, so their steps never collide
// with the numbering of exam's.
var itemScoreMigrations = []db.Migration{
	{Version: 1, Name: "item scores of finalised attempts, packed, backfilled from their results", Up: func(tx *gorm.DB) error {
		type attemptItemScore struct {
			AttemptID int64  `gorm:"primaryKey;autoIncrement:false"`
			Items     []byte `gorm:"type:mediumblob;not null"`
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

// sittingItems are the items of a result in paper order: what grading and
// rescoring store beside the result. Questions the result does not score (an abandoned
// attempt's) have none.
func sittingItems(paper *Paper, res *Result, answers map[int64]Answer) []SittingItem {
	scored := make(map[int64]*ItemScore, len(res.Items))
	for i := range res.Items {
		scored[res.Items[i].QuestionID] = &res.Items[i]
	}
	var items []SittingItem
	slot := 0
	for _, sec := range paper.Sections {
		for _, it := range sec.Items {
			slot++
			is := scored[it.QuestionID]
			if is == nil {
				continue
			}
			items = append(items, SittingItem{Slot: slot - 1, QuestionID: it.QuestionID, Version: it.Version,
				Score: is.Score, MaxScore: is.MaxScore, Answered: is.Answered, Pending: is.Pending, Choice: answers[it.QuestionID].Choice})
		}
	}
	return items
}

// Packed items: per item, in paper order, the uvarints slot, question id, version, the
// varints score and max score (hundredths), a byte of flags, then the choice (bank keys
// joined by commas) as a uvarint length and its bytes.
const (
	packAnswered = 1 << iota
	packPending
)

func packItems(items []SittingItem) []byte {
	b := make([]byte, 0, 16*len(items))
	for _, it := range items {
		b = binary.AppendUvarint(b, uint64(it.Slot))
		b = binary.AppendUvarint(b, uint64(it.QuestionID))
		b = binary.AppendUvarint(b, uint64(it.Version))
		b = binary.AppendVarint(b, int64(it.Score))
		b = binary.AppendVarint(b, int64(it.MaxScore))
		var flags byte
		if it.Answered {
			flags |= packAnswered
		}
		if it.Pending {
			flags |= packPending
		}
		b = append(b, flags)
		choice := strings.Join(it.Choice, ",")
		b = binary.AppendUvarint(b, uint64(len(choice)))
		b = append(b, choice...)
	}
	return b
}

// errPacked is a packed item list cut short or overrunning: a bug or a damaged row.
var errPacked = errors.New("damaged packed item scores")

// unpackItems appends the items packed in b to items; equal choices share the slice that
// choices (an intern table) holds.
func unpackItems(b []byte, items []SittingItem, choices map[string][]string) ([]SittingItem, error) {
	damaged := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			damaged = true
			return 0
		}
		b = b[n:]
		return v
	}
	for len(b) > 0 {
		var it SittingItem
		it.Slot, it.QuestionID, it.Version = int(uv()), int64(uv()), int(uv())
		if damaged {
			return items, errPacked
		}
		score, n := binary.Varint(b)
		if n <= 0 {
			return items, errPacked
		}
		b = b[n:]
		maxScore, n := binary.Varint(b)
		if n <= 0 || len(b) < n+1 {
			return items, errPacked
		}
		flags := b[n]
		b = b[n+1:]
		it.Score, it.MaxScore = content.Points(score), content.Points(maxScore)
		it.Answered, it.Pending = flags&packAnswered != 0, flags&packPending != 0
		size := uv()
		if damaged || uint64(len(b)) < size {
			return items, errPacked
		}
		if size > 0 {
			c, ok := choices[string(b[:size])]
			if !ok {
				c = strings.Split(string(b[:size]), ",")
				choices[string(b[:size])] = c
			}
			it.Choice = c
		}
		b = b[size:]
		items = append(items, it)
	}
	return items, nil
}

// WriteItemScores replaces attempt id's item scores in tx, as grading and rescoring do
// with the result; examtest calls it for the attempts it seeds straight into the tables.
// It upserts rather than deleting first: on InnoDB a delete of a row not there yet locks
// the gap, and concurrent submits that each locked the gap and then insert into it
// deadlock one another (seen in a class's submit wave).
func WriteItemScores(tx *gorm.DB, id int64, paper *Paper, res *Result, answers map[int64]Answer) error {
	items := sittingItems(paper, res, answers)
	var err error
	if len(items) == 0 { // abandoned: no item scores
		err = tx.Where("attempt_id = ?", id).Delete(&itemScoreRow{}).Error
	} else {
		err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "attempt_id"}}, DoUpdates: clause.AssignmentColumns([]string{"items"})}).
			Create(&itemScoreRow{AttemptID: id, Items: packItems(items)}).Error
	}
	if err != nil {
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
// order, and its items in paper order (none for an abandoned attempt), reading the item
// scores of SittingBatch attempts a query. fn must not keep items. It stops at fn's
// first error and returns it.
func (s *Service) EachSitting(ctx context.Context, ids []int64, fn func(id int64, items []SittingItem) error) error {
	choices := map[string][]string{} // interned: a bank's questions have few distinct choices
	var items []SittingItem
	for batch := range slices.Chunk(ids, SittingBatch) {
		var rows []itemScoreRow
		if err := s.store.db.WithContext(ctx).Where("attempt_id IN ?", batch).Find(&rows).Error; err != nil {
			return fmt.Errorf("sittings: %w", err)
		}
		packed := make(map[int64][]byte, len(rows))
		for _, r := range rows {
			packed[r.AttemptID] = r.Items
		}
		for _, id := range batch {
			var err error
			if items, err = unpackItems(packed[id], items[:0], choices); err != nil {
				return fmt.Errorf("attempt %d: %w", id, err)
			}
			if err := fn(id, items); err != nil {
				return err
			}
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
// attempts (cases awaiting their grade are left out), streaming their item scores.
func (s *Service) ItemTallies(ctx context.Context) ([]ItemTally, error) {
	rows, err := s.store.db.WithContext(ctx).Table("attempt_item_scores s").Select("s.items").
		Joins("JOIN attempts a ON a.id = s.attempt_id").Where("a.mode = ?", ModeExam).Rows()
	if err != nil {
		return nil, fmt.Errorf("item tallies: %w", err)
	}
	defer rows.Close()
	by := map[content.Ref]*ItemTally{}
	choices := map[string][]string{}
	var packed []byte
	var items []SittingItem
	for rows.Next() {
		if err := rows.Scan(&packed); err != nil {
			return nil, fmt.Errorf("item tallies: %w", err)
		}
		if items, err = unpackItems(packed, items[:0], choices); err != nil {
			return nil, fmt.Errorf("item tallies: %w", err)
		}
		for _, it := range items {
			if it.Pending || it.MaxScore <= 0 {
				continue
			}
			ref := content.Ref{ID: it.QuestionID, Version: it.Version}
			t := by[ref]
			if t == nil {
				t = &ItemTally{Ref: ref}
				by[ref] = t
			}
			t.N++
			t.Score += it.Score
			t.MaxScore += it.MaxScore
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("item tallies: %w", err)
	}
	out := make([]ItemTally, 0, len(by))
	for _, t := range by {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(x, y ItemTally) int {
		return cmp.Or(cmp.Compare(x.Ref.ID, y.Ref.ID), cmp.Compare(x.Ref.Version, y.Ref.Version))
	})
	return out, nil
}
