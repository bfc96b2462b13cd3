package exam

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
		b := newBatcher(g, nil)
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
		b := newBatcher(g, nil)
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

// A batch's answer saves run as one statement per round of distinct questions, and each
// save gets the outcome it would have had alone, in queue order: a stale seq, a closed,
// overdue or other-device attempt and an ended session store nothing; a second save to
// a question meets the first.
func TestBatchedSavesMatchSavesAlone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		// setUp gives a fresh database with four attempts and a stored answer.
		setUp := func() (*gorm.DB, *store, map[string]int64) {
			g := dbtest.Open(t, dsn)
			if err := Migrate(context.Background(), g); err != nil {
				t.Fatal(err)
			}
			past := at.Add(-time.Second)
			ids := map[string]int64{}
			for _, a := range []struct {
				name, status, device string
				closes               *time.Time
			}{{"open", "in_progress", "", nil}, {"submitted", "submitted", "", nil}, {"overdue", "in_progress", "", &past}, {"bound", "in_progress", "phone", nil}} {
				row := attemptRow{CandidateID: 7, Blueprint: "b", Mode: "exam", Status: a.status, ClosesAt: a.closes, DeviceID: a.device, StartedAt: at}
				if err := g.Create(&row).Error; err != nil {
					t.Fatal(err)
				}
				ids[a.name] = row.ID
			}
			if err := g.Create(&answerRow{AttemptID: ids["open"], QuestionID: 1, Choice: "A", Seq: 5, SavedAt: past}).Error; err != nil {
				t.Fatal(err)
			}
			return g, newStore(g, nil, 1<<20, liveSessions{}), ids
		}
		type save struct {
			attempt        string
			question, seq  int64
			choice, device string
			live, stored   bool
		}
		saves := []save{
			{"open", 1, 4, "B", "", true, false}, // older than the stored seq 5
			{"open", 2, 1, "A", "", true, true},
			{"open", 2, 2, "B", "", true, true}, // newer than the one before it
			{"open", 3, 3, "C", "", true, true},
			{"open", 3, 2, "D", "", true, false}, // older than the one before it
			{"open", 4, 0, "A", "", true, true},  // no seq: the last write wins
			{"open", 4, 0, "B", "", true, true},
			{"open", 5, 1, "A", "", false, false}, // the session ended
			{"submitted", 1, 1, "A", "", true, false},
			{"overdue", 1, 1, "A", "", true, false},
			{"bound", 1, 1, "A", "laptop", true, false},
			{"bound", 1, 1, "A", "phone", true, true},
		}
		run := func(together bool) (*gorm.DB, []bool, int) {
			g, st, ids := setUp()
			var statements atomic.Int32
			if err := g.Callback().Raw().After("gorm:raw").Register("test:count_saves", func(tx *gorm.DB) {
				if strings.HasPrefix(tx.Statement.SQL.String(), "INSERT INTO attempt_answers") {
					statements.Add(1)
				}
			}); err != nil {
				t.Fatal(err)
			}
			writes := make([]*write, len(saves))
			for i, s := range saves {
				session := "ended"
				if s.live {
					session = "live"
				}
				writes[i] = st.saveWrite(savedAnswer{attemptID: ids[s.attempt], questionID: s.question, choice: s.choice,
					seq: s.seq, at: at.Add(time.Duration(i) * time.Millisecond), device: s.device, session: session, candidate: 7})
				writes[i].done = make(chan error, 1)
			}
			if together {
				st.writes.commit(writes)
			} else {
				for _, w := range writes {
					st.writes.commit([]*write{w})
				}
			}
			stored := make([]bool, len(writes))
			for i, w := range writes {
				if err := <-w.done; err != nil {
					t.Fatalf("save %d: %v", i, err)
				}
				stored[i] = w.save.stored
			}
			return g, stored, int(statements.Load())
		}
		alone, aloneStored, _ := run(false)
		together, togetherStored, statements := run(true)
		for i, s := range saves {
			if aloneStored[i] != s.stored || togetherStored[i] != s.stored {
				t.Errorf("save %d %+v: stored alone %v, in a batch %v", i, s, aloneStored[i], togetherStored[i])
			}
		}
		if statements != 2 { // two rounds: the second saves to questions 2, 3 and 4 and bound's 1
			t.Errorf("the batch's saves ran as %d statements, want 2", statements)
		}
		rows := func(g *gorm.DB) []answerRow {
			var rows []answerRow
			if err := g.Order("attempt_id, question_id").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			return rows
		}
		if a, b := rows(alone), rows(together); !reflect.DeepEqual(a, b) {
			t.Errorf("stored alone:\n%+v\nin a batch:\n%+v", a, b)
		}
	})
}

// liveSessions takes the session named "live" for live, and any other for ended.
type liveSessions struct{}

func (liveSessions) LiveSession(tokenHash, user, now string) string { return tokenHash + " = 'live'" }
