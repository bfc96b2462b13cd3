package content

import (
	"context"
	"fmt"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Calibration is a question version's observed difficulty: Level on the authored 1–5
// scale, from N graded responses. Item analysis computes it (grading's Calibrate); the
// store keeps it beside the bank and fills Question.Calibrated and ObservedN from it.
type Calibration struct {
	Ref   Ref
	N     int
	Level int
}

type calibrationRow struct {
	QuestionID int64 `gorm:"primaryKey"`
	Version    int   `gorm:"primaryKey"`
	N          int
	Level      int
	UpdatedAt  time.Time
}

func (calibrationRow) TableName() string { return "question_calibrations" }

// The calibrations have a migration domain of their own, so their steps never collide
// with the numbering of content's.
var calibrationMigrations = []db.Migration{
	{Version: 1, Name: "observed difficulty per question version", Up: func(tx *gorm.DB) error {
		type questionCalibration struct {
			QuestionID int64 `gorm:"primaryKey;autoIncrement:false"`
			Version    int   `gorm:"primaryKey;autoIncrement:false"`
			N          int   `gorm:"not null"`
			Level      int   `gorm:"not null"`
			UpdatedAt  time.Time
		}
		return db.CreateTables(tx, &questionCalibration{})
	}},
}

// SaveCalibrations makes cs the stored calibrations: changed ones are written, those no
// longer given removed, unchanged ones left as they are (so the bank's revision, which
// counts calibrations, moves only when one changed). It returns how many it changed.
func (s *Store) SaveCalibrations(ctx context.Context, cs []Calibration) (int, error) {
	changed := 0
	err := db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		changed = 0
		var old []calibrationRow
		if err := tx.Find(&old).Error; err != nil {
			return err
		}
		stored := make(map[Ref]calibrationRow, len(old))
		for _, r := range old {
			stored[Ref{ID: r.QuestionID, Version: r.Version}] = r
		}
		now := s.now().UTC()
		var write []calibrationRow
		for _, c := range cs {
			r, ok := stored[c.Ref]
			delete(stored, c.Ref)
			if ok && r.N == c.N && r.Level == c.Level {
				continue
			}
			write = append(write, calibrationRow{QuestionID: c.Ref.ID, Version: c.Ref.Version, N: c.N, Level: c.Level, UpdatedAt: now})
		}
		if len(write) > 0 {
			if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(write, 200).Error; err != nil {
				return err
			}
		}
		for ref := range stored {
			if err := tx.Where("question_id = ? AND version = ?", ref.ID, ref.Version).Delete(&calibrationRow{}).Error; err != nil {
				return err
			}
		}
		changed = len(write) + len(stored)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save calibrations: %w", err)
	}
	return changed, nil
}

// calibrate fills the observed difficulty of qs from the stored calibrations: those of
// qs's ids when they are few, else all (a whole bank).
func (s *Store) calibrate(ctx context.Context, qs []Question) error {
	if len(qs) == 0 {
		return nil
	}
	q := s.db.WithContext(ctx).Model(&calibrationRow{})
	if len(qs) <= 500 {
		ids := make([]int64, len(qs))
		for i := range qs {
			ids[i] = qs[i].ID
		}
		q = q.Where("question_id IN ?", ids)
	}
	var rows []calibrationRow
	if err := q.Find(&rows).Error; err != nil {
		return fmt.Errorf("read calibrations: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	byRef := make(map[Ref]calibrationRow, len(rows))
	for _, r := range rows {
		byRef[Ref{ID: r.QuestionID, Version: r.Version}] = r
	}
	for i := range qs {
		if r, ok := byRef[Ref{ID: qs[i].ID, Version: qs[i].Version}]; ok {
			qs[i].Calibrated, qs[i].ObservedN = r.Level, r.N
		}
	}
	return nil
}
