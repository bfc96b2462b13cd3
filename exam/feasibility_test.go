package exam_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
)

// singlesBeneath picks the chapter of the bundled bank's first single-choice question and
// one unit in it, and returns the chapter's single-choice IDs and the unit's count.
func singlesBeneath(t *testing.T, bank []content.Question) (chapter string, inChapter []int64, unit string, inUnit int) {
	t.Helper()
	for _, q := range bank {
		if q.Type == content.Single && q.CenterID == 0 {
			chapter, unit = content.ChapterOf(q.Unit), q.Unit
			break
		}
	}
	for _, q := range bank {
		if q.Type == content.Single && content.Beneath(q.Unit, chapter) {
			inChapter = append(inChapter, q.ID)
			if content.Beneath(q.Unit, unit) {
				inUnit++
			}
		}
	}
	if chapter == "" {
		t.Fatal("the bundled bank has no single-choice question")
	}
	return chapter, inChapter, unit, inUnit
}

func TestShortagesNameEverySectionAndQuota(t *testing.T) {
	t.Parallel()
	bank := []content.Question{
		{ID: 1, Type: content.Single, Unit: "JC.1.1"}, {ID: 2, Type: content.Single, Unit: "JC.1.2"},
		{ID: 3, Type: content.Single, Unit: "JC.2.1"}, {ID: 4, Type: content.TrueFalse, Unit: "JC.1.1"},
	}
	bp := exam.Blueprint{Code: "x1", Title: "x", Scope: exam.Scope{Units: []string{"JC.1"}},
		Sections: []exam.Section{{Type: content.Single, Count: 30, PointsEach: 100}, {Type: content.TrueFalse, Count: 1, PointsEach: 100}},
		Quotas:   []exam.Quota{{Unit: "JC.1.2", Type: content.Single, Count: 3}}}
	got := exam.Shortages(bank, bp)
	want := []string{"单选题：需要 30 道，范围内只有 2 道", "知识点 JC.1.2 的单选题：需要 3 道，只有 1 道"}
	if len(got) != len(want) {
		t.Fatalf("shortages %v, want %v", got, want)
	}
	for i := range want {
		if got[i].Error() != want[i] {
			t.Errorf("shortage %d reads %q, want %q", i, got[i].Error(), want[i])
		}
	}
	bp.Sections[0].Count, bp.Quotas[0].Count = 2, 1
	if got := exam.Shortages(bank, bp); got != nil {
		t.Fatalf("a fillable blueprint has shortages %v", got)
	}
}

// A blueprint the bank cannot fill is refused when saved, naming each shortage; one that
// the bank stops filling later is reported by Unfillable and refused at start with its
// shortage, and offered again once the bank can fill it.
func TestBlueprintsAreCheckedAgainstTheBank(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		bank, err := f.cs.Bank(ctx, []int64{0})
		if err != nil {
			t.Fatal(err)
		}
		chapter, ids, unit, inUnit := singlesBeneath(t, bank)
		over := exam.Blueprint{Code: "too-many", Title: "超量", DurationS: 600, Scope: exam.Scope{Units: []string{chapter}},
			Sections: []exam.Section{{Type: content.Single, Count: len(ids) + 24, PointsEach: content.Pts(1)}},
			Quotas:   []exam.Quota{{Unit: unit, Type: content.Single, Count: inUnit + 1}}}
		err = f.svc.CreateBlueprint(ctx, &over, 1, teacher.UserID)
		e, ok := errs.As(err)
		if !errors.Is(err, exam.ErrBankShort) || !ok {
			t.Fatalf("saving an unfillable blueprint: %v", err)
		}
		for _, want := range []string{
			"单选题：需要 " + strconv.Itoa(len(ids)+24) + " 道，范围内只有 " + strconv.Itoa(len(ids)) + " 道",
			"知识点 " + unit + " 的单选题：需要 " + strconv.Itoa(inUnit+1) + " 道，只有 " + strconv.Itoa(inUnit) + " 道",
		} {
			if !strings.Contains(e.Message, want) {
				t.Errorf("the refusal %q does not say %q", e.Message, want)
			}
		}
		if _, err := f.svc.Blueprint(ctx, "too-many", 1); !errors.Is(err, content.ErrNotFound) {
			t.Fatalf("the refused blueprint was stored: %v", err)
		}

		exact := exam.Blueprint{Code: "exact", Title: "刚好", DurationS: 600, Scope: exam.Scope{Units: []string{chapter}},
			Sections: []exam.Section{{Type: content.Single, Count: len(ids), PointsEach: content.Pts(1)}}}
		if err := f.svc.CreateBlueprint(ctx, &exact, 1, teacher.UserID); err != nil {
			t.Fatalf("saving a blueprint the bank fills exactly: %v", err)
		}
		if un, err := f.svc.Unfillable(ctx, 1); err != nil || un["exact"] != nil {
			t.Fatalf("before the bank changed: %v %v", un, err)
		}
		if err := f.cs.DeleteQuestion(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(3 * time.Second) // past the bank snapshot's recheck
		un, err := f.svc.Unfillable(ctx, 1)
		if err != nil || len(un["exact"]) != 1 || un["exact"][0].Have != len(ids)-1 {
			t.Fatalf("after a question left the bank: %v %v", un, err)
		}
		_, err = f.svc.Start(ctx, alice, exam.StartRequest{Blueprint: "exact"})
		if e, ok := errs.As(err); !errors.Is(err, exam.ErrBankShort) || !ok ||
			!strings.Contains(e.Message, "需要 "+strconv.Itoa(len(ids))+" 道，范围内只有 "+strconv.Itoa(len(ids)-1)+" 道") {
			t.Fatalf("starting an unfillable blueprint: %v", err)
		}
	})
}
