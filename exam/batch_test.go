package exam

import (
	"context"
	"sync"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"gorm.io/gorm"
)

func insertAnswer(attempt, question int64) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO attempt_answers (attempt_id, question_id, choice, seq) VALUES (?, ?, 'A', 0)", attempt, question).Error
	}
}

func countAnswers(t *testing.T, g *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := g.Table("attempt_answers").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// A failing write in a batch fails alone: the others are stored and answered nil.
func TestBatchFailureStaysWithItsWrite(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		if err := Migrate(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		b := newBatcher(g)
		batch := []*write{
			{run: insertAnswer(1, 1)},
			{run: func(tx *gorm.DB) error { return tx.Exec("INSERT INTO no_such_table VALUES (1)").Error }},
			{run: insertAnswer(1, 2)},
			{run: insertAnswer(1, 1)}, // the same key as the first: a duplicate
			{run: insertAnswer(1, 3)},
		}
		for _, w := range batch {
			w.done = make(chan error, 1)
		}
		b.commit(batch)
		for i, w := range batch {
			err := <-w.done
			if bad := i == 1 || i == 3; bad != (err != nil) {
				t.Errorf("write %d: err %v", i, err)
			}
		}
		if n := countAnswers(t, g); n != 3 {
			t.Fatalf("%d answers stored, want 3", n)
		}
	})
}

// Concurrent writes through do are all stored, each once.
func TestBatchConcurrentWrites(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		if err := Migrate(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		b := newBatcher(g)
		const n = 300
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if err := b.do(context.Background(), insertAnswer(int64(i%7), int64(i))); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := countAnswers(t, g); got != n {
			t.Fatalf("%d answers stored, want %d", got, n)
		}
	})
}
