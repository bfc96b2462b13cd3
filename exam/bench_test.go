package exam_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// BenchmarkStartL2Theory starts L2-theory attempts for distinct candidates in parallel,
// through the service (bank snapshot, assembly, one insert). HTTP and auth are not timed.
func BenchmarkStartL2Theory(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(engine, func(b *testing.B) {
			dsn := dbtest.DSN(b, engine)
			f := newFixture(b, dsn)
			var user atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					v := exam.Viewer{UserID: user.Add(1), CenterID: 1}
					if _, err := f.svc.Start(context.Background(), v, exam.StartRequest{Blueprint: exam.L2Theory}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "starts/s")
		})
	}
}
