package grading

import (
	"context"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/grading/itemstats"
)

// Calibrate stores every question version's observed difficulty: its facility over all
// finalised exam attempts (points earned out of points worth, partial credit and case
// parts counting their fractions) mapped to the authored 1–5 scale, for the versions
// with at least itemstats.MinSittings graded responses; versions below it have none. It
// returns how many calibrations changed. The bank page, the question API and assembly's
// target difficulty read what it stored.
func (s *Service) Calibrate(ctx context.Context) (int, error) {
	tallies, err := s.exams.ItemTallies(ctx)
	if err != nil {
		return 0, err
	}
	var cs []content.Calibration
	for _, t := range tallies {
		if t.N < itemstats.MinSittings || t.MaxScore <= 0 {
			continue
		}
		cs = append(cs, content.Calibration{Ref: t.Ref, N: t.N, Level: itemstats.CalibratedDifficulty(t.Score.Float() / t.MaxScore.Float())})
	}
	return s.content.SaveCalibrations(ctx, cs)
}

// RunCalibration calibrates every interval until ctx ends, reporting each run. Every
// server runs it; the cluster-wide "calibrate" lock (db.WithLock) lets one at a time do
// the work, and a server that waited finds little left to change.
func (s *Service) RunCalibration(ctx context.Context, interval time.Duration, report func(changed int, err error)) {
	db.Every(ctx, interval, func() {
		var changed int
		err := db.WithLock(ctx, s.db, "calibrate", func() error {
			var err error
			changed, err = s.Calibrate(ctx)
			return err
		})
		report(changed, err)
	})
}
