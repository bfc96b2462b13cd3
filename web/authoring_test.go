package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
)

// upgradePack loads the bundled pack again with the question of packKey changed by edit, as
// a new pack version does, and returns that question's id.
func (h *harness) upgradePack(packKey string, edit func(q *content.Question)) {
	h.t.Helper()
	p, err := pack.Bundled()
	if err != nil {
		h.t.Fatal(err)
	}
	found := false
	for i := range p.Questions {
		if p.Questions[i].PackKey == packKey {
			edit(&p.Questions[i])
			found = true
		}
	}
	if !found {
		h.t.Fatalf("no pack question %s", packKey)
	}
	res, err := pack.Load(context.Background(), content.NewStore(h.g, time.Now), p)
	if err != nil || res.Updated != 1 {
		h.t.Fatalf("pack upgrade: %+v %v", res, err)
	}
}

// builtinSingle is a bundled single-choice question with at least four options.
func (h *harness) builtinSingle() content.Question {
	h.t.Helper()
	_, b := h.do("GET", "/api/v1/questions?type=single&unit=JC.1&per_page=50", "instructor", nil)
	for _, q := range decode[struct{ Items []content.Question }](h.t, b).Items {
		if q.CenterID == 0 && q.PackKey != "" && len(q.Options) >= 4 {
			return q
		}
	}
	h.t.Fatal("no bundled single-choice question")
	return content.Question{}
}

// TestCopyBuiltinQuestion: an instructor copies a bundled question into the center's bank;
// the copy is theirs to edit and remembers its origin. A pack upgrade that changes the
// origin shows on the copy as a field-by-field diff; taking it replaces the changed fields
// and keeps the copy's own edits; dismissing hides an update until the next one.
func TestCopyBuiltinQuestion(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		orig := h.builtinSingle()
		id := itoa(orig.ID)

		// Built-in questions stay read-only; a copy is the way to adapt one.
		h.expectError(403, "", "PUT", "/api/v1/questions/"+id, "instructor", map[string]any{"type": "single", "stem": "x"})
		s, b := h.do("POST", "/api/v1/questions/"+id+"/copy", "instructor", nil)
		if s != 201 {
			t.Fatalf("copy: %d %s", s, b)
		}
		cp := decode[content.Question](t, b)
		cid := itoa(cp.ID)
		if cp.ID == orig.ID || cp.Version != 1 || cp.PackKey != "" || cp.CenterID == 0 || cp.Stem != orig.Stem || len(cp.Options) != len(orig.Options) {
			t.Fatalf("the copy %+v of %+v", cp, orig)
		}
		// Copying a copy, or another center reading it, is refused.
		h.expectError(422, "", "POST", "/api/v1/questions/"+cid+"/copy", "instructor", nil)
		h.expectError(404, "", "GET", "/api/v1/questions/"+cid+"/origin", "instructor-b", nil)
		h.expectError(404, "", "GET", "/api/v1/questions/"+id+"/origin", "instructor", nil)

		type origin struct {
			OriginID       int64 `json:"origin_id"`
			CopiedVersion  int   `json:"copied_version"`
			OriginVersion  int   `json:"origin_version"`
			CurrentVersion int   `json:"current_version"`
			Changes        []content.FieldChange
		}
		readOrigin := func() origin {
			t.Helper()
			s, b := h.do("GET", "/api/v1/questions/"+cid+"/origin", "instructor", nil)
			if s != 200 {
				t.Fatalf("origin: %d %s", s, b)
			}
			return decode[origin](t, b)
		}
		if o := readOrigin(); o.OriginID != orig.ID || o.CopiedVersion != orig.Version || len(o.Changes) != 0 {
			t.Fatalf("origin right after the copy: %+v", o)
		}

		// The instructor edits the copy's explanation: the copy's own edit.
		edited := cp
		edited.Explanation = "本中心补充：结合第一周案例理解。"
		if s, b := h.do("PUT", "/api/v1/questions/"+cid, "instructor", edited); s != 200 {
			t.Fatalf("edit the copy: %d %s", s, b)
		}

		// A new pack version rewrites the origin's stem and its key.
		newKey := orig.Options[len(orig.Options)-1].Key
		if newKey == orig.Answer[0] {
			newKey = orig.Options[0].Key
		}
		h.upgradePack(orig.PackKey, func(q *content.Question) {
			q.Stem = "（新版）" + q.Stem
			q.Answer = []string{newKey}
		})
		o := readOrigin()
		fields := map[string]content.FieldChange{}
		for _, c := range o.Changes {
			fields[c.Field] = c
		}
		if o.OriginVersion != orig.Version || o.CurrentVersion != orig.Version+1 || len(o.Changes) != 2 ||
			fields["stem"].Before != orig.Stem || fields["stem"].After != "（新版）"+orig.Stem ||
			fields["answer"].Before != orig.Answer[0] || fields["answer"].After != newKey || fields["stem"].Label != "题干" {
			t.Fatalf("the diff after the pack upgrade: %+v", o)
		}
		// Another instructor of the center may read the diff; a candidate may not.
		h.expectError(403, "", "GET", "/api/v1/questions/"+cid+"/origin", "candidate", nil)

		// Taking the update: stem and key from the pack, the explanation stays the center's.
		s, b = h.do("POST", "/api/v1/questions/"+cid+"/origin/accept", "instructor", nil)
		if s != 200 {
			t.Fatalf("accept: %d %s", s, b)
		}
		got := decode[content.Question](t, b)
		if got.Version != 3 || got.Stem != "（新版）"+orig.Stem || got.Answer[0] != newKey || got.Explanation != edited.Explanation {
			t.Fatalf("the copy after accepting: %+v", got)
		}
		if o := readOrigin(); o.OriginVersion != orig.Version+1 || len(o.Changes) != 0 {
			t.Fatalf("origin after accepting: %+v", o)
		}

		// A second upgrade, dismissed: the copy stays, the diff goes, the copied version is kept.
		h.upgradePack(orig.PackKey, func(q *content.Question) { q.Stem = "（再版）" + q.Stem; q.Answer = []string{newKey} })
		if o := readOrigin(); len(o.Changes) != 1 || o.Changes[0].Field != "stem" {
			t.Fatalf("the second upgrade's diff: %+v", o)
		}
		h.expectError(404, "", "POST", "/api/v1/questions/"+cid+"/origin/dismiss", "instructor-b", nil)
		s, b = h.do("POST", "/api/v1/questions/"+cid+"/origin/dismiss", "centeradmin", nil)
		if o := decode[origin](t, b); s != 200 || len(o.Changes) != 0 || o.CopiedVersion != orig.Version || o.OriginVersion != orig.Version+2 {
			t.Fatalf("dismiss: %d %s", s, b)
		}
		_, b = h.do("GET", "/api/v1/questions/"+cid, "instructor", nil)
		if q := decode[content.Question](t, b); q.Version != 3 || strings.Contains(q.Stem, "再版") {
			t.Fatalf("dismissing changed the copy: %+v", q)
		}
	})
}
