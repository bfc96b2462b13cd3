package web_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/web"
)

type attemptJSON struct {
	ID       int64
	Status   string
	Deadline *string
	Sections []struct {
		Type       content.Type
		PointsEach content.Points `json:"points_each"`
		Questions  []questionJSON
	}
	Answers map[string]exam.Answer
}

type questionJSON struct {
	ID      int64
	Type    content.Type
	Options []content.Option
	Key     []string `json:"answer_key"`
}

// questions lists the paper's questions in order, across its sections.
func (a attemptJSON) questions() []questionJSON {
	var out []questionJSON
	for _, s := range a.Sections {
		out = append(out, s.Questions...)
	}
	return out
}

func TestBlueprintsAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		s, b := h.do("GET", "/api/v1/blueprints", "candidate", nil)
		bps := decode[[]exam.Blueprint](t, b)
		var theory *exam.Blueprint
		for i := range bps {
			if bps[i].Code == exam.L2Theory {
				theory = &bps[i]
			}
		}
		if s != 200 || theory == nil || theory.MaxScore != content.Pts(100) || theory.DurationS != 5400 || len(bps) < 5 {
			t.Fatalf("blueprints %d: %d items, L2-theory %+v", s, len(bps), theory)
		}
		mine := map[string]any{"code": "a-weekly", "title": "中心甲周测", "mode": "exam", "duration_s": 900, "pass_score": 6,
			"sections": []map[string]any{{"type": "single", "count": 10, "points_each": 1}}, "overdue": "autosubmit",
			"quotas": []map[string]any{{"unit": "JC.1", "type": "single", "count": 4}}}
		h.expectError(403, "", "POST", "/api/v1/blueprints", "candidate", mine)
		if s, b := h.do("POST", "/api/v1/blueprints", "instructor", mine); s != 201 || decode[exam.Blueprint](t, b).MaxScore != content.Pts(10) {
			t.Fatalf("create %d %s", s, b)
		}
		h.expectError(409, "", "POST", "/api/v1/blueprints", "instructor", mine)
		h.expectError(404, "", "GET", "/api/v1/blueprints/a-weekly", "instructor-b", nil)
		mine["code"], mine["pass_score"] = "a-bad", 11
		h.expectError(422, "pass_score", "POST", "/api/v1/blueprints", "instructor", mine)
		// A blueprint the bank cannot fill is refused when saved (see TestBlueprintsFillableByTheBank).
		mine["code"], mine["pass_score"], mine["sections"] = "a-huge", 6, []map[string]any{{"type": "single", "count": 400, "points_each": 0.5}}
		mine["scope"] = map[string]any{"units": []string{"JC.1"}}
		if s, b := h.do("POST", "/api/v1/blueprints", "instructor", mine); s != 422 || !strings.Contains(string(b), "单选题：需要 400 道，范围内只有") {
			t.Fatalf("a blueprint the bank cannot fill: %d %s", s, b)
		}
		mine["pass_score"], mine["quotas"] = 6, []map[string]any{{"unit": "JC.99", "type": "single", "count": 1}}
		h.expectError(422, "quotas[0].unit", "POST", "/api/v1/blueprints", "instructor", mine)
	})
}

func TestAttemptsAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		h.expectError(404, "", "POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": "no-such"})
		h.expectError(422, "blueprint", "POST", "/api/v1/attempts", "candidate", map[string]string{})
		h.expectError(422, "mode", "POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.L2Theory, "mode": "casual"})
		s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.L2Theory})
		if s != 201 {
			t.Fatalf("start %d %s", s, b)
		}
		// Nothing that gives the answers away leaves the server while the attempt is open.
		for _, secret := range []string{`"answer_key"`, `"explanation"`, `"rubric"`, `"reference"`, `"answer"`} {
			if strings.Contains(string(b), secret) {
				t.Fatalf("open attempt JSON contains %s", secret)
			}
		}
		a := decode[attemptJSON](t, b)
		if a.Status != "in_progress" || a.Deadline == nil || len(a.Sections) != 3 || len(a.Sections[0].Questions) != 140 || a.Sections[1].Questions[0].Options[0].Key != "T" {
			t.Fatalf("attempt: %s, %d sections", a.Status, len(a.Sections))
		}
		path := "/api/v1/attempts/" + strconv.FormatInt(a.ID, 10)
		if s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.L2Theory}); s != 201 || decode[attemptJSON](t, b).ID != a.ID {
			t.Fatalf("restart returned another attempt: %d %s", s, b)
		}
		q := a.Sections[0].Questions[0]
		qpath := path + "/answers/" + strconv.FormatInt(q.ID, 10)
		if s, b := h.do("PUT", qpath, "candidate", map[string]any{"choice": []string{q.Options[0].Key}, "seq": 5}); s != 200 || !strings.Contains(string(b), "saved_at") {
			t.Fatalf("save %d %s", s, b)
		}
		h.expectError(422, "choice[0]", "PUT", qpath, "candidate", map[string]any{"choice": []string{"Q"}})
		h.expectError(409, "", "PUT", qpath, "candidate", map[string]any{"choice": []string{q.Options[1].Key}, "seq": 3})
		h.expectError(404, "", "PUT", path+"/answers/99999999", "candidate", map[string]any{"choice": []string{"A"}})
		h.expectError(400, "", "PUT", qpath, "candidate", `{"choice": "A"`)
		h.expectError(404, "", "PUT", qpath, "candidate2", map[string]any{"choice": []string{q.Options[0].Key}})
		h.expectError(404, "", "GET", path, "candidate2", nil)
		h.expectError(404, "", "GET", path, "instructor-b", nil)
		if s, _ := h.do("GET", path, "instructor", nil); s != 200 {
			t.Fatalf("her center's instructor reading the attempt: %d", s)
		}
		h.expectError(403, "", "POST", path+"/extensions", "candidate", map[string]any{"seconds": 600})
		h.expectError(422, "seconds", "POST", path+"/extensions", "instructor", map[string]any{"seconds": -5})
		if s, b := h.do("POST", path+"/extensions", "instructor", map[string]any{"seconds": 600, "reason": "停电"}); s != 200 || !strings.Contains(string(b), `"extension_s":600`) {
			t.Fatalf("extension %d %s", s, b)
		}

		// Resume: the saved answer comes back with the paper.
		s, b = h.do("GET", path, "candidate", nil)
		if got := decode[attemptJSON](t, b).Answers[strconv.FormatInt(q.ID, 10)]; s != 200 || len(got.Choice) != 1 || got.Choice[0] != q.Options[0].Key {
			t.Fatalf("resume %d: answer %+v", s, got)
		}
		h.expectError(409, "", "GET", path+"/result", "candidate", nil)
		s, b = h.do("POST", path+"/submit", "candidate", nil)
		res := decode[exam.Result](t, b)
		if s != 200 || res.MaxScore != content.Pts(100) || res.PassScore != content.Pts(60) || res.Passed || len(res.Sections) != 3 {
			t.Fatalf("submit %d %s", s, b)
		}
		if s, b := h.do("POST", path+"/submit", "candidate", nil); s != 200 || decode[exam.Result](t, b).Score != res.Score {
			t.Fatalf("second submit %d %s", s, b)
		}
		h.expectError(409, "", "PUT", qpath, "candidate", map[string]any{"choice": []string{q.Options[0].Key}, "seq": 9})
		if s, b := h.do("GET", path+"/result", "candidate", nil); s != 200 || decode[exam.Result](t, b).Score != res.Score {
			t.Fatalf("result %d %s", s, b)
		}
		// Once closed, the review shows keys.
		if _, b := h.do("GET", path, "candidate", nil); !strings.Contains(string(b), `"answer_key"`) {
			t.Fatal("closed attempt shows no keys for review")
		}
		s, b = h.do("GET", "/api/v1/attempts", "candidate", nil)
		if list := decode[[]struct{ ID int64 }](t, b); s != 200 || len(list) != 1 || list[0].ID != a.ID {
			t.Fatalf("list %d %s", s, b)
		}
	})
}

func TestPracticeRevealsAnsweredKeysOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.QuickQuiz, "mode": "practice"})
	a := decode[attemptJSON](t, b)
	if s != 201 || a.Deadline != nil {
		t.Fatalf("practice start %d %s", s, b)
	}
	q := a.Sections[0].Questions[0]
	path := "/api/v1/attempts/" + strconv.FormatInt(a.ID, 10)
	h.do("PUT", path+"/answers/"+strconv.FormatInt(q.ID, 10), "candidate", map[string]any{"choice": []string{q.Options[0].Key}})
	_, b = h.do("GET", path, "candidate", nil)
	a = decode[attemptJSON](t, b)
	if len(a.Sections[0].Questions[0].Key) != 1 || len(a.Sections[0].Questions[1].Key) != 0 {
		t.Fatalf("practice keys: answered %v, unanswered %v", a.Sections[0].Questions[0].Key, a.Sections[0].Questions[1].Key)
	}
}

// TestSavesStopWhenTheSessionEnds: saves take who a token is from the server's memory,
// yet a logout or a disabled account on another server stops the very next save there,
// and nothing is stored.
func TestSavesStopWhenTheSessionEnds(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		d := h.srv.Deps
		d.Accounts = account.NewStore(h.g, time.Now) // a second server: a memory of its own
		other := &harness{t: t, g: h.g, srv: web.New(d), tokens: h.tokens}

		for _, end := range []struct {
			who  string
			stop func()
		}{
			{"candidate", func() {
				if s, b := h.do("DELETE", "/api/v1/session", "candidate", nil); s != 204 {
					t.Fatalf("logout: %d %s", s, b)
				}
			}},
			{"candidate2", func() {
				id := h.userID("candidate2")
				if s, b := h.do("PATCH", "/api/v1/users/"+itoa(id), "centeradmin", map[string]any{"disabled": true}); s != 200 {
					t.Fatalf("disable: %d %s", s, b)
				}
			}},
		} {
			a, path := h.startAndPath(end.who, exam.QuickQuiz)
			q := a.Sections[0].Questions[0]
			qpath := path + "/answers/" + itoa(q.ID)
			first := []string{q.Options[0].Key}
			if s, b := other.do("PUT", qpath, end.who, map[string]any{"choice": first}); s != 200 {
				t.Fatalf("%s: first save: %d %s", end.who, s, b)
			}
			end.stop()
			if s, b := other.do("PUT", qpath, end.who, map[string]any{"choice": []string{q.Options[1].Key}}); s != 401 {
				t.Fatalf("%s: save after the session ended: %d %s", end.who, s, b)
			}
			saved, err := h.srv.Exams.Answers(context.Background(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := saved[q.ID].Choice; !slices.Equal(got, first) {
				t.Fatalf("%s: stored %v after the session ended, want %v", end.who, got, first)
			}
		}
	})
}
