package web_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
)

// fixedClock stands still until moved, so time left is exact.
type fixedClock struct{ at atomic.Int64 }

func newFixedClock() *fixedClock {
	c := &fixedClock{}
	c.at.Store(time.Now().UTC().Truncate(time.Second).UnixNano())
	return c
}
func (c *fixedClock) now() time.Time          { return time.Unix(0, c.at.Load()).UTC() }
func (c *fixedClock) move(d time.Duration)    { c.at.Add(int64(d)) }
func (c *fixedClock) moveTo(t time.Time)      { c.at.Store(t.UnixNano()) }
func (c *fixedClock) since(t time.Time) int64 { return int64(c.now().Sub(t) / time.Second) }

type rosterJSON struct {
	Items []struct {
		Candidate    exam.Member
		State        string
		AttemptsUsed int             `json:"attempts_used"`
		Attempt      int64           `json:"attempt"`
		BestScore    *content.Points `json:"best_score"`
		LastScore    *content.Points `json:"last_score"`
		Passed       *bool
		SubmittedAt  *time.Time `json:"submitted_at"`
	}
}

type liveJSON struct {
	ServerTime time.Time `json:"server_time"`
	Candidates []struct {
		Candidate     exam.Member
		State         string
		Attempt       int64
		Answered      int
		Questions     int
		TimeLeftS     *int64     `json:"time_left_s"`
		Deadline      *time.Time `json:"deadline"`
		LastSavedAt   *time.Time `json:"last_saved_at"`
		FocusLosses   *int       `json:"focus_losses"`
		DeviceChanges *int       `json:"device_changes"`
	}
	Actions []exam.ProctorAction
}

// startAssigned starts who's attempt of assignment id and returns it.
func (h *harness) startAssigned(who string, id int64) attemptJSON {
	h.t.Helper()
	s, b := h.do("POST", "/api/v1/attempts", who, map[string]any{"assignment": id})
	if s != 201 {
		h.t.Fatalf("start %s: %d %s", who, s, b)
	}
	return decode[attemptJSON](h.t, b)
}

// answer saves the first option of question n (from 0) of at as who; it returns the status.
func (h *harness) answer(who string, at attemptJSON, n int) (int, []byte) {
	h.t.Helper()
	q := at.questions()[n]
	return h.do("PUT", fmt.Sprintf("/api/v1/attempts/%d/answers/%d", at.ID, q.ID), who, map[string]any{"choice": []string{q.Options[0].Key}})
}

func (h *harness) submitAs(who string, id int64) {
	h.t.Helper()
	if s, b := h.do("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", id), who, nil); s != 200 {
		h.t.Fatalf("submit %d %s", s, b)
	}
}

// TestAssignmentEditAndRoster: an assignment edited from its page (errors name the field
// and save nothing), and its roster across candidates who have not started, are sitting
// and have submitted.
func TestAssignmentEditAndRoster(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := newFixedClock()
		h := newHarnessAt(t, dsn, clock.now)
		h.addUser("candidate3", "a", account.Candidate)
		k := h.cohortOf("instructor", "周六班", "candidate", "candidate2", "candidate3")
		now := clock.now()
		x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": k,
			"opens_at": now.Add(-time.Minute), "closes_at": now.Add(time.Hour), "attempts_allowed": 3})
		xpath := "/api/v1/assignments/" + itoa(x.ID)

		// candidate sits twice, candidate3 is sitting, candidate2 has not started.
		for range 2 {
			at := h.startAssigned("candidate", x.ID)
			h.answer("candidate", at, 0)
			h.submitAs("candidate", at.ID)
		}
		sitting := h.startAssigned("candidate3", x.ID)
		h.answer("candidate3", sitting, 0)

		s, b := h.do("GET", xpath+"/roster", "instructor", nil)
		roster := decode[rosterJSON](t, b)
		if s != 200 || len(roster.Items) != 3 {
			t.Fatalf("roster %d %s", s, b)
		}
		states := map[string]string{}
		for _, e := range roster.Items {
			states[e.Candidate.Username] = e.State
			switch e.Candidate.Username {
			case "candidate":
				if e.AttemptsUsed != 2 || e.BestScore == nil || e.LastScore == nil || e.Passed == nil || e.SubmittedAt == nil {
					t.Fatalf("submitted candidate's line: %+v", e)
				}
			case "candidate2":
				if e.AttemptsUsed != 0 || e.BestScore != nil || e.Attempt != 0 {
					t.Fatalf("candidate who has not started: %+v", e)
				}
			case "candidate3":
				if e.AttemptsUsed != 1 || e.Attempt != sitting.ID || e.BestScore != nil {
					t.Fatalf("sitting candidate's line: %+v", e)
				}
			}
		}
		if states["candidate"] != "submitted" || states["candidate2"] != "not_started" || states["candidate3"] != "in_progress" {
			t.Fatalf("roster states %v", states)
		}
		h.expectError(403, "", "GET", xpath+"/roster", "candidate", nil)
		h.expectError(404, "", "GET", xpath+"/roster", "instructor-b", nil)

		// Errors name the field and save nothing.
		h.expectError(422, "closes_at", "PATCH", xpath, "instructor", map[string]any{"title": "改了", "closes_at": now.Add(-2 * time.Minute)})
		h.expectError(422, "attempts_allowed", "PATCH", xpath, "instructor", map[string]any{"title": "改了", "attempts_allowed": 0})
		h.expectError(422, "title", "PATCH", xpath, "instructor", map[string]any{"title": strings.Repeat("题", 201)})
		s, b = h.do("PATCH", xpath, "instructor", map[string]any{"title": "改了", "attempts_allowed": 1})
		if e := decode[apiError](t, b); s != 422 || e.Field != "attempts_allowed" || !strings.Contains(e.Error, "2") {
			t.Fatalf("attempts below those used: %d %s", s, b)
		}
		s, b = h.do("GET", xpath, "instructor", nil)
		if a := decode[exam.Assignment](t, b); s != 200 || a.Title != "快速小测" || a.AttemptsAllowed != 3 || !a.ClosesAt.Equal(x.ClosesAt) {
			t.Fatalf("a refused edit changed the assignment: %d %s", s, b)
		}

		// A valid edit: a title of its own, two attempts, the window closing in a minute —
		// before candidate3's deadline, which it does not cut short.
		closes := now.Add(time.Minute)
		s, b = h.do("PATCH", xpath, "centeradmin", map[string]any{"title": " 周六模考 ", "attempts_allowed": 2, "closes_at": closes})
		a := decode[exam.Assignment](t, b)
		if s != 200 || a.Title != "周六模考" || a.OwnTitle != "周六模考" || a.BlueprintTitle != "快速小测" || a.AttemptsAllowed != 2 || !a.ClosesAt.Equal(closes) {
			t.Fatalf("edit %d %s", s, b)
		}
		clock.move(5 * time.Minute)
		if s, b := h.answer("candidate3", sitting, 1); s != 200 {
			t.Fatalf("a save after the window closed, before the attempt's deadline: %d %s", s, b)
		}
		h.expectError(409, "", "POST", "/api/v1/attempts", "candidate2", map[string]any{"assignment": x.ID})
		s, b = h.do("GET", xpath+"/roster", "instructor", nil)
		for _, e := range decode[rosterJSON](t, b).Items {
			if e.Candidate.Username == "candidate3" && e.State != "in_progress" {
				t.Fatalf("closing the window ended an attempt: %s", b)
			}
		}
		// An empty title shows the blueprint's again.
		if s, b := h.do("PATCH", xpath, "instructor", map[string]any{"title": ""}); s != 200 || decode[exam.Assignment](t, b).Title != "快速小测" {
			t.Fatalf("clear title %d %s", s, b)
		}

		// Per-candidate extensions: added and removed.
		ext := fmt.Sprintf("%s/extensions/%d", xpath, h.userID("candidate2"))
		if s, b := h.do("PUT", ext, "instructor", map[string]any{"seconds": 900}); s != 200 || !strings.Contains(string(b), `":900`) {
			t.Fatalf("extension %d %s", s, b)
		}
		if s, b := h.do("PUT", ext, "instructor", map[string]any{"seconds": 0}); s != 200 || strings.Contains(string(b), "extensions") {
			t.Fatalf("remove extension %d %s", s, b)
		}

		// The pages: the assignment's own and its live view, for staff only.
		if s, body, _ := h.page("/assignments/"+itoa(x.ID), "instructor"); s != 200 || !strings.Contains(body, `id="assignment-edit"`) || !strings.Contains(body, "周六班") {
			t.Fatalf("assignment page %d", s)
		}
		if s, body, _ := h.page("/assignments/"+itoa(x.ID)+"/live", "centeradmin"); s != 200 || !strings.Contains(body, `id="live-rows"`) {
			t.Fatalf("live page %d", s)
		}
		if s, _, _ := h.page("/assignments/"+itoa(x.ID), "candidate"); s != 403 {
			t.Fatalf("candidate on the assignment page: %d", s)
		}
		if s, _, _ := h.page("/assignments/"+itoa(x.ID)+"/live", "instructor-b"); s != 404 {
			t.Fatalf("another center on the live page: %d", s)
		}
	})
}

// TestLiveProctoring: the live view counts answers and time left on the server's clock; a
// proctor's extension lets a save in after the old deadline; a proctor's close grades the
// attempt once, is recorded with who and why, and is what the candidate's next save and
// poll are told.
func TestLiveProctoring(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := newFixedClock()
		h := newHarnessAt(t, dsn, clock.now)
		k := h.cohortOf("instructor", "晚班", "candidate", "candidate2")
		now := clock.now()
		x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": k,
			"opens_at": now.Add(-time.Minute), "closes_at": now.Add(time.Hour)})
		live := "/api/v1/assignments/" + itoa(x.ID) + "/live"
		at := h.startAssigned("candidate", x.ID)
		started := clock.now()
		clock.move(90 * time.Second)
		for n := range 3 {
			if s, b := h.answer("candidate", at, n); s != 200 {
				t.Fatalf("save %d %s", s, b)
			}
		}
		saved := clock.now()
		clock.move(30 * time.Second)

		view := func() liveJSON {
			t.Helper()
			s, b := h.do("GET", live, "instructor", nil)
			if s != 200 {
				t.Fatalf("live %d %s", s, b)
			}
			return decode[liveJSON](t, b)
		}
		entry := func(v liveJSON, who string) int {
			for i, e := range v.Candidates {
				if e.Candidate.Username == who {
					return i
				}
			}
			t.Fatalf("%s not in the live view", who)
			return -1
		}
		v := view()
		c := v.Candidates[entry(v, "candidate")]
		if c.State != "in_progress" || c.Attempt != at.ID || c.Answered != 3 || c.Questions != 10 ||
			c.TimeLeftS == nil || *c.TimeLeftS != 600-clock.since(started) || c.LastSavedAt == nil || !c.LastSavedAt.Equal(saved) {
			t.Fatalf("sitting candidate: %+v", c)
		}
		if c.FocusLosses != nil || c.DeviceChanges != nil {
			t.Fatalf("integrity counts before anything records them: %+v", c)
		}
		if c2 := v.Candidates[entry(v, "candidate2")]; c2.State != "not_started" || c2.Attempt != 0 {
			t.Fatalf("candidate who has not started: %+v", c2)
		}
		h.expectError(403, "", "GET", live, "candidate", nil)
		h.expectError(404, "", "GET", live, "instructor-b", nil)

		// Extend: the deadline moves; a save after the old one is taken.
		apath := "/api/v1/attempts/" + itoa(at.ID)
		oldDeadline := *c.Deadline
		s, b := h.do("POST", apath+"/extensions", "instructor", map[string]any{"seconds": 600, "reason": "机器故障"})
		if s != 200 {
			t.Fatalf("extend %d %s", s, b)
		}
		clock.moveTo(oldDeadline.Add(time.Minute))
		if s, b := h.answer("candidate", at, 3); s != 200 {
			t.Fatalf("a save after the old deadline, before the new: %d %s", s, b)
		}
		s, b = h.do("GET", apath+"/clock", "candidate", nil)
		if ck := decode[exam.AttemptClock](t, b); s != 200 || ck.Status != exam.InProgress || !ck.Deadline.Equal(oldDeadline.Add(10*time.Minute)) {
			t.Fatalf("candidate's clock after the extension: %d %s", s, b)
		}
		v = view()
		if c := v.Candidates[entry(v, "candidate")]; c.Answered != 4 || *c.TimeLeftS != 9*60 {
			t.Fatalf("after the extension: %+v", c)
		}

		// Close: a reason is required; the attempt is graded once, and recorded.
		h.expectError(422, "reason", "POST", apath+"/close", "instructor", map[string]any{"reason": "  "})
		h.expectError(403, "", "POST", apath+"/close", "candidate", map[string]any{"reason": "我自己"})
		h.expectError(404, "", "POST", apath+"/close", "instructor-b", map[string]any{"reason": "别的中心"})
		s, b = h.do("POST", apath+"/close", "centeradmin", map[string]any{"reason": "考生违规使用手机"})
		first := decode[exam.Result](t, b)
		if s != 200 || first.Status != exam.Graded {
			t.Fatalf("close %d %s", s, b)
		}
		clock.move(time.Minute)
		s, b = h.do("POST", apath+"/close", "instructor", map[string]any{"reason": "再收一次"})
		if again := decode[exam.Result](t, b); s != 200 || again.Score != first.Score || again.TimeUsedS != first.TimeUsedS {
			t.Fatalf("close again %d %s", s, b)
		}
		// The candidate's submit afterwards returns the same result as well.
		s, b = h.do("POST", apath+"/submit", "candidate", nil)
		if res := decode[exam.Result](t, b); s != 200 || res.TimeUsedS != first.TimeUsedS {
			t.Fatalf("submit after close %d %s", s, b)
		}

		v = view()
		if c := v.Candidates[entry(v, "candidate")]; c.State != "submitted" || c.TimeLeftS != nil {
			t.Fatalf("closed attempt in the live view: %+v", c)
		}
		var kinds []string
		for _, a := range v.Actions {
			kinds = append(kinds, string(a.Kind))
			if a.Attempt != at.ID || a.Candidate != h.userID("candidate") {
				t.Fatalf("action of another attempt: %+v", a)
			}
		}
		if len(v.Actions) != 2 || strings.Join(kinds, ",") != "extend,close" {
			t.Fatalf("proctor actions %+v", v.Actions)
		}
		if e := v.Actions[0]; e.Seconds != 600 || e.Reason != "机器故障" || e.Actor != h.userID("instructor") || e.ActorName == "" {
			t.Fatalf("extension record %+v", e)
		}
		if c := v.Actions[1]; c.Reason != "考生违规使用手机" || c.Actor != h.userID("centeradmin") || c.At.IsZero() {
			t.Fatalf("close record %+v", c)
		}

		// The candidate's next save and poll are told.
		s, b = h.answer("candidate", at, 4)
		if e := decode[apiError](t, b); s != 409 || !strings.Contains(e.Error, "监考老师已收卷") || !strings.Contains(e.Error, "考生违规使用手机") {
			t.Fatalf("save after the close %d %s", s, b)
		}
		s, b = h.do("GET", apath+"/clock", "candidate", nil)
		if ck := decode[exam.AttemptClock](t, b); s != 200 || ck.Status != exam.Graded || ck.Closed == nil || ck.Closed.Reason != "考生违规使用手机" {
			t.Fatalf("candidate's clock after the close: %d %s", s, b)
		}
		h.expectError(404, "", "GET", apath+"/clock", "candidate2", nil)

		// The result page: the candidate reads why; staff read the whole record.
		_, body, _ := h.page("/attempts/"+itoa(at.ID)+"/result", "candidate")
		if !strings.Contains(body, "监考老师已收卷") || !strings.Contains(body, "考生违规使用手机") || strings.Contains(body, `id="proctor-actions"`) {
			t.Fatalf("candidate's result page: %s", body)
		}
		_, body, _ = h.page("/attempts/"+itoa(at.ID)+"/result", "instructor")
		if !strings.Contains(body, `id="proctor-actions"`) || !strings.Contains(body, "机器故障") || !strings.Contains(body, "延长 10 分钟") {
			t.Fatalf("staff's result page: %s", body)
		}
	})
}
