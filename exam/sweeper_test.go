package exam_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"gorm.io/gorm"
)

// TestSweepCountsOnlyWhatItFinalised: an attempt another request or server finalises
// between the sweeper's read of overdue attempts and its own finalising is not counted,
// so the sweeper's log line says what this server did.
func TestSweepCountsOnlyWhatItFinalised(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		bp := exam.Blueprint{Code: "t-sweep", Title: "t-sweep", Mode: exam.ModeExam, DurationS: 600, PassScore: content.Pts(1),
			Sections: []exam.Section{{Type: content.TrueFalse, Count: 4, PointsEach: content.Pts(1)}}, Overdue: exam.OverdueAutoSubmit}
		if err := f.svc.CreateBlueprint(ctx, &bp, 1, teacher.UserID); err != nil {
			t.Fatal(err)
		}
		mine, err := f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: bp.Code})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Start(ctx, bob, exam.StartRequest{Blueprint: bp.Code}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(11 * time.Minute)
		// Right after the sweeper lists the overdue attempts, alice's late submit (on any
		// server) finalises hers.
		var once sync.Once
		err = f.g.Callback().Query().After("gorm:query").Register("test:submit-meanwhile", func(tx *gorm.DB) {
			if strings.Contains(tx.Statement.SQL.String(), "closes_at <=") {
				once.Do(func() {
					if _, err := f.svc.Submit(ctx, alice.UserID, mine.ID); err != nil {
						t.Error(err)
					}
				})
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := f.svc.Sweep(ctx); err != nil || n != 1 {
			t.Fatalf("sweep counted %d (want 1: bob's only), %v", n, err)
		}
	})
}
