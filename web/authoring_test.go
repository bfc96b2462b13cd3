package web_test

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
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

// weekly is a small center blueprint the bundled bank fills: singles × 2 points and two
// true/false questions, in minutes.
func weekly(singles int, minutes int, pass float64) map[string]any {
	return map[string]any{"code": "weekly", "title": "中心周测", "mode": "exam", "duration_s": minutes * 60, "pass_score": pass,
		"sections": []map[string]any{{"type": "single", "count": singles, "points_each": 2}, {"type": "truefalse", "count": 2, "points_each": 1}}}
}

// TestBlueprintVersions: editing a center's blueprint saves version 2, while an attempt
// started before keeps version 1 (its questions, duration, points and pass line, in the
// API and on its result page). A blueprint with attempts is retired rather than deleted:
// no new start or assignment, still readable, restorable; one without is deleted.
func TestBlueprintVersions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		s, b := h.do("POST", "/api/v1/blueprints", "instructor", weekly(5, 10, 6))
		if bp := decode[exam.Blueprint](t, b); s != 201 || bp.Version != 1 {
			t.Fatalf("create: %d %s", s, b)
		}
		old, oldPath := h.startAndPath("candidate", "weekly")

		v2 := weekly(8, 20, 9)
		v2["version"] = 1
		s, b = h.do("PUT", "/api/v1/blueprints/weekly", "instructor", v2)
		if bp := decode[exam.Blueprint](t, b); s != 200 || bp.Version != 2 || bp.MaxScore != content.Points(1800) || bp.DurationS != 1200 {
			t.Fatalf("edit: %d %s", s, b)
		}
		// A save from a stale editor is refused; another center's or a bundled blueprint is not theirs.
		h.expectError(409, "", "PUT", "/api/v1/blueprints/weekly", "instructor", v2)
		h.expectError(404, "", "PUT", "/api/v1/blueprints/weekly", "instructor-b", weekly(5, 10, 6))
		h.expectError(403, "", "PUT", "/api/v1/blueprints/L2-theory", "instructor", weekly(5, 10, 6))
		bad := weekly(5, 10, 99)
		h.expectError(422, "pass_score", "PUT", "/api/v1/blueprints/weekly", "instructor", bad)

		// The attempt started before keeps version 1; a new one is built from version 2.
		sections := func(a attemptJSON) []int {
			var n []int
			for _, s := range a.Sections {
				n = append(n, len(s.Questions))
			}
			return n
		}
		_, b = h.do("GET", oldPath, "candidate", nil)
		kept := decode[struct {
			attemptJSON
			StartedAt        time.Time `json:"started_at"`
			Deadline         time.Time
			MaxScore         content.Points `json:"max_score"`
			PassScore        content.Points `json:"pass_score"`
			BlueprintVersion int            `json:"blueprint_version"`
		}](t, b)
		if got := sections(kept.attemptJSON); !slices.Equal(got, []int{5, 2}) || kept.Deadline.Sub(kept.StartedAt) != 10*time.Minute ||
			kept.MaxScore != 1200 || kept.PassScore != 600 || kept.BlueprintVersion != 1 {
			t.Fatalf("the older attempt after the edit: %v %+v", got, kept)
		}
		fresh, _ := h.startAndPath("candidate2", "weekly")
		if got := sections(fresh); !slices.Equal(got, []int{8, 2}) {
			t.Fatalf("a new attempt: %v", got)
		}
		s, b = h.do("POST", oldPath+"/submit", "candidate", nil)
		if r := decode[exam.Result](t, b); s != 200 || r.MaxScore != 1200 || r.PassScore != 600 {
			t.Fatalf("the older attempt's result: %d %s", s, b)
		}
		_, page, _ := h.page("/attempts/"+itoa(old.ID)+"/result", "candidate")
		if !strings.Contains(page, "/ 12 分") || !strings.Contains(page, "6 分及格") || !strings.Contains(page, "按试卷蓝图第 1 版") {
			t.Fatal("the older attempt's result page does not read by version 1")
		}

		// Sat: deleting is refused in favour of retiring.
		s, b = h.do("DELETE", "/api/v1/blueprints/weekly", "instructor", nil)
		if e := decode[apiError](t, b); s != 409 || !strings.Contains(e.Error, "停用") {
			t.Fatalf("delete with attempts: %d %s", s, b)
		}
		s, b = h.do("POST", "/api/v1/blueprints/weekly/retire", "centeradmin", nil)
		if bp := decode[exam.Blueprint](t, b); s != 200 || !bp.Retired || bp.Version != 2 {
			t.Fatalf("retire: %d %s", s, b)
		}
		s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"blueprint": "weekly"})
		if e := decode[apiError](t, b); s != 409 || e.Field != "blueprint" || !strings.Contains(e.Error, "已停用") {
			t.Fatalf("a new start of a retired blueprint: %d %s", s, b)
		}
		if _, page, _ := h.page("/start?blueprint=weekly", "candidate"); !strings.Contains(page, "这份试卷已停用") || !regexp.MustCompile(`id="begin"[^>]* disabled`).MatchString(page) {
			t.Fatal("the instructions page of a retired blueprint offers to begin")
		}
		h.expectError(409, "blueprint", "POST", "/api/v1/assignments", "instructor", map[string]any{"blueprint": "weekly",
			"cohort": h.cohortOf("instructor", "周测班", "candidate"), "opens_at": time.Now(), "closes_at": time.Now().Add(time.Hour)})
		listed := func(who string) bool {
			_, b := h.do("GET", "/api/v1/blueprints", who, nil)
			return slices.ContainsFunc(decode[[]exam.Blueprint](t, b), func(bp exam.Blueprint) bool { return bp.Code == "weekly" })
		}
		if listed("candidate") || !listed("instructor") {
			t.Fatal("a retired blueprint is listed to a candidate, or hidden from staff")
		}
		if s, b := h.do("GET", "/api/v1/blueprints/weekly", "candidate", nil); s != 200 || !decode[exam.Blueprint](t, b).Retired {
			t.Fatalf("a retired blueprint is no longer readable: %d %s", s, b)
		}
		// The attempt already open keeps going.
		if s, b := h.do("GET", "/api/v1/attempts/"+itoa(fresh.ID), "candidate2", nil); s != 200 {
			t.Fatalf("the open attempt after retiring: %d %s", s, b)
		}
		if s, b := h.do("POST", "/api/v1/blueprints/weekly/restore", "instructor", nil); s != 200 || decode[exam.Blueprint](t, b).Retired || !listed("candidate") {
			t.Fatalf("restore: %d %s", s, b)
		}

		// Never sat: deleted.
		spare := weekly(3, 10, 2)
		spare["code"] = "spare"
		if s, b := h.do("POST", "/api/v1/blueprints", "instructor", spare); s != 201 {
			t.Fatalf("create spare: %d %s", s, b)
		}
		h.expectError(404, "", "DELETE", "/api/v1/blueprints/spare", "instructor-b", nil)
		if s, b := h.do("DELETE", "/api/v1/blueprints/spare", "instructor", nil); s != 204 {
			t.Fatalf("delete: %d %s", s, b)
		}
		h.expectError(404, "", "GET", "/api/v1/blueprints/spare", "instructor", nil)
		h.expectError(403, "", "DELETE", "/api/v1/blueprints/weekly", "candidate", nil)
	})
}

// TestBlueprintPreview: a draft previews as a sample paper with its coverage by chapter,
// type and difficulty, the same for the same seed, and stores nothing; a draft the bank
// cannot fill previews its shortages.
func TestBlueprintPreview(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		draft := weekly(12, 30, 20)
		draft["code"] = ""
		draft["seed"] = 7
		s, b := h.do("POST", "/api/v1/blueprints/preview", "instructor", draft)
		if s != 200 {
			t.Fatalf("preview: %d %s", s, b)
		}
		p := decode[exam.Preview](t, b)
		if !p.Feasible || p.Seed != 7 || p.MaxScore != 2600 || len(p.Sections) != 2 || len(p.Sections[0].Questions) != 12 || len(p.Sections[1].Questions) != 2 {
			t.Fatalf("the sample paper: %s", b)
		}
		for name, rows := range map[string][]exam.CoverageRow{"chapters": p.Coverage.Chapters, "types": p.Coverage.Types, "difficulties": p.Coverage.Difficulties} {
			n, pts := 0, content.Points(0)
			for _, r := range rows {
				if r.Title == "" {
					t.Fatalf("%s: a row without its title: %+v", name, r)
				}
				n, pts = n+r.Count, pts+r.Points
			}
			if n != 14 || pts != 2600 {
				t.Fatalf("%s cover %d questions and %s points: %+v", name, n, pts, rows)
			}
		}
		if c := p.Coverage.Types; c[0].Key != "single" || c[0].Count != 12 || c[0].Points != 2400 || c[1].Title != "判断题" {
			t.Fatalf("coverage by type: %+v", c)
		}
		if _, again := h.do("POST", "/api/v1/blueprints/preview", "instructor", draft); !bytes.Equal(again, b) {
			t.Fatal("the same draft and seed previewed another paper")
		}
		h.expectError(404, "", "GET", "/api/v1/blueprints/preview", "instructor", nil)

		big := weekly(5000/10, 30, 20)
		big["sections"] = []map[string]any{{"type": "truefalse", "count": 500, "points_each": 1}}
		s, b = h.do("POST", "/api/v1/blueprints/preview", "instructor", big)
		p = decode[exam.Preview](t, b)
		if s != 200 || p.Feasible || len(p.Shortages) != 1 || !strings.Contains(p.Shortages[0].Message, "判断题：需要 500 道") || len(p.Sections) != 0 {
			t.Fatalf("an unfillable draft's preview: %d %s", s, b)
		}
		h.expectError(422, "sections[0].count", "POST", "/api/v1/blueprints/preview", "instructor", weekly(0, 30, 0))
		h.expectError(403, "", "POST", "/api/v1/blueprints/preview", "candidate", draft)
	})
}
