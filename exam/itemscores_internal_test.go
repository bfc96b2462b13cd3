package exam

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestPackedItems: item scores read back as written, fractional scores, flags and
// multiple choices included; a row cut short is refused, not misread.
func TestPackedItems(t *testing.T) {
	t.Parallel()
	items := []SittingItem{
		{Slot: 0, QuestionID: 7, Version: 2, Score: content.Pts(1), MaxScore: content.Pts(1), Answered: true, Choice: []string{"B"}},
		{Slot: 1, QuestionID: 300000, Version: 1, Score: 50, MaxScore: content.Pts(2), Answered: true, Choice: []string{"A", "C"}},
		{Slot: 3, QuestionID: 9, Version: 1, MaxScore: content.Pts(1)},
		{Slot: 4, QuestionID: 12, Version: 3, Score: 0, MaxScore: content.Pts(20), Answered: true, Pending: true},
	}
	b := packItems(items)
	got, err := unpackItems(b, nil, map[string][]string{})
	if err != nil || !reflect.DeepEqual(got, items) {
		t.Fatalf("read back %+v, %v", got, err)
	}
	for cut := 1; cut < len(b); cut++ {
		if got, err := unpackItems(b[:cut], nil, map[string][]string{}); err == nil && len(got) == len(items) {
			t.Fatalf("cut at %d of %d read as whole", cut, len(b))
		} else if err != nil && !errors.Is(err, errPacked) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
}

// TestBackfillItemScores: an attempt graded before the item scores existed gets them from
// its paper, result and answers, and item analysis's reader returns them in paper order;
// an attempt without a result gets none.
func TestBackfillItemScores(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		ctx := context.Background()
		if err := Migrate(ctx, g); err != nil {
			t.Fatal(err)
		}
		paper := Paper{Sections: []PaperSection{
			{Type: content.Single, PointsEach: content.Pts(1), Items: []Item{{QuestionID: 5, Version: 1, Options: []string{"B", "A"}}, {QuestionID: 3, Version: 2}}},
			{Type: content.Multiple, PointsEach: content.Pts(2), Items: []Item{{QuestionID: 8, Version: 1}}},
		}}
		res := Result{Status: Graded, Items: []ItemScore{
			{QuestionID: 5, Score: content.Pts(1), MaxScore: content.Pts(1), Answered: true},
			{QuestionID: 3, MaxScore: content.Pts(1)},
			{QuestionID: 8, Score: content.Pts(1), MaxScore: content.Pts(2), Answered: true},
		}}
		pj, _ := json.Marshal(paper)
		rj, _ := json.Marshal(res)
		now := time.Now().UTC()
		for _, row := range []map[string]any{
			{"id": 1, "candidate_id": 1, "center_id": 1, "blueprint": "x", "mode": "exam", "status": "graded", "rules": "{}", "paper": string(pj), "result": string(rj), "started_at": now, "updated_at": now},
			{"id": 2, "candidate_id": 1, "center_id": 1, "blueprint": "y", "mode": "exam", "status": "in_progress", "rules": "{}", "paper": string(pj), "started_at": now, "updated_at": now},
		} {
			if err := g.Table("attempts").Create(row).Error; err != nil {
				t.Fatal(err)
			}
		}
		for q, c := range map[int64]string{5: "A", 8: "A,C"} {
			if err := g.Table("attempt_answers").Create(map[string]any{"attempt_id": 1, "question_id": q, "choice": c, "seq": 1, "saved_at": now}).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := g.Transaction(backfillItemScores); err != nil {
			t.Fatal(err)
		}
		s := &Service{store: &store{db: g}}
		var got [][]SittingItem
		err := s.EachSitting(ctx, []int64{1, 2}, func(id int64, items []SittingItem) error {
			got = append(got, slices.Clone(items))
			return nil
		})
		want := []SittingItem{
			{Slot: 0, QuestionID: 5, Version: 1, Score: content.Pts(1), MaxScore: content.Pts(1), Answered: true, Choice: []string{"A"}},
			{Slot: 1, QuestionID: 3, Version: 2, MaxScore: content.Pts(1)},
			{Slot: 2, QuestionID: 8, Version: 1, Score: content.Pts(1), MaxScore: content.Pts(2), Answered: true, Choice: []string{"A", "C"}},
		}
		if err != nil || len(got) != 2 || !reflect.DeepEqual(got[0], want) || len(got[1]) != 0 {
			t.Fatalf("backfilled %+v, %v", got, err)
		}
	})
}
