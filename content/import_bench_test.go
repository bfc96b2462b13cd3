package content_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

// BenchmarkImportQuestions stores a file of 1,000 questions in one transaction.
func BenchmarkImportQuestions(b *testing.B) {
	const n = 1000
	for _, engine := range dbtest.Engines {
		b.Run(engine, func(b *testing.B) {
			s := newStore(b, dbtest.DSN(b, engine))
			batch := 0
			for b.Loop() {
				batch++
				qs := make([]content.Question, n)
				for i := range qs {
					qs[i] = *single(fmt.Sprintf("导入 %d-%d", batch, i), "JC.1.1.1")
				}
				if err := s.ImportQuestions(context.Background(), qs, 1, 1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "questions/s")
		})
	}
}
