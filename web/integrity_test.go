package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/web"
)

// doFrom is h.do with extra request headers (a device id, a proxy's client address).
func (h *harness) doFrom(method, path, who string, body any, header map[string]string) (int, []byte) {
	h.t.Helper()
	var r io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	if tok := h.tokens[who]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.srv.App.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// strictBlueprint is a short exam of the instructor's center with policy.
func (h *harness) strictBlueprint(code string, policy map[string]any) {
	h.t.Helper()
	bp := map[string]any{"code": code, "title": "纪律测验", "mode": "exam", "duration_s": 900, "pass_score": 1,
		"sections": []map[string]any{{"type": "single", "count": 5, "points_each": 1}}, "overdue": "autosubmit", "integrity": policy}
	if s, b := h.do("POST", "/api/v1/blueprints", "instructor", bp); s != 201 {
		h.t.Fatalf("create blueprint %d %s", s, b)
	}
}

type focusJSON struct {
	FocusLosses  int    `json:"focus_losses"`
	WarnAt       int    `json:"warn_at"`
	SubmitAt     int    `json:"submit_at"`
	Status       string `json:"status"`
	SubmitReason string `json:"submit_reason"`
}

func focusEvent(kind string, seq int64) map[string]any {
	return map[string]any{"events": []map[string]any{{"kind": kind, "seq": seq, "at": time.Now().UTC()}}}
}

// firstKey is the key of the first option of q, a valid answer.
func firstKey(q questionJSON) []string { return []string{q.Options[0].Key} }

func TestFocusLossesCountedAndStrikePolicySubmits(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		h.strictBlueprint("strict", map[string]any{"warn_at": 2, "submit_at": 3})
		s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": "strict"})
		if s != 201 || !strings.Contains(string(b), `"record_focus":true`) || !strings.Contains(string(b), `"submit_at":3`) {
			t.Fatalf("start %d %s", s, b)
		}
		a := decode[attemptJSON](t, b)
		qs := a.questions()
		base := fmt.Sprintf("/api/v1/attempts/%d", a.ID)
		if s, b := h.do("PUT", base+"/answers/"+itoa(qs[0].ID), "candidate", map[string]any{"choice": firstKey(qs[0])}); s != 200 {
			t.Fatalf("save %d %s", s, b)
		}
		report := func(kind string, seq int64) focusJSON {
			t.Helper()
			s, b := h.do("POST", base+"/events", "candidate", focusEvent(kind, seq))
			if s != 200 {
				t.Fatalf("events %d %s", s, b)
			}
			return decode[focusJSON](t, b)
		}
		if f := report("hidden", 1); f.FocusLosses != 1 || f.Status != "in_progress" || f.WarnAt != 2 || f.SubmitAt != 3 {
			t.Fatalf("first departure %+v", f)
		}
		// The same batch sent again (its answer lost on the way) is counted once.
		if f := report("hidden", 1); f.FocusLosses != 1 {
			t.Fatalf("a batch sent again counted twice: %+v", f)
		}
		h.expectError(422, "events[0].kind", "POST", base+"/events", "candidate", focusEvent("sneeze", 9))
		h.expectError(404, "", "POST", base+"/events", "candidate2", focusEvent("blur", 9))
		if f := report("blur", 2); f.FocusLosses != 2 || f.Status != "in_progress" {
			t.Fatalf("second departure %+v", f)
		}
		// An answer acknowledged before the departure that reaches the limit is graded.
		if s, b := h.do("PUT", base+"/answers/"+itoa(qs[1].ID), "candidate", map[string]any{"choice": firstKey(qs[1])}); s != 200 {
			t.Fatalf("save %d %s", s, b)
		}
		want := exam.StrikeReason(3)
		if f := report("fullscreen_exit", 3); f.FocusLosses != 3 || f.Status == "in_progress" || f.SubmitReason != want {
			t.Fatalf("third departure did not submit: %+v", f)
		}
		// Final: no more saves, and the result explains itself.
		h.expectError(409, "", "PUT", base+"/answers/"+itoa(qs[2].ID), "candidate", map[string]any{"choice": firstKey(qs[2])})
		s, b = h.do("GET", base+"/result", "candidate", nil)
		res := decode[exam.Result](t, b)
		if s != 200 || res.SubmitReason != want {
			t.Fatalf("result %d %s", s, b)
		}
		answered := 0
		for _, it := range res.Items {
			if it.Answered {
				answered++
			}
		}
		if answered != 2 {
			t.Fatalf("%d answers graded, want the 2 saved", answered)
		}
		if f := report("hidden", 4); f.FocusLosses != 3 || f.Status == "in_progress" {
			t.Fatalf("a departure after the submit counted: %+v", f)
		}
		s, b = h.do("GET", base, "candidate", nil)
		if s != 200 || !strings.Contains(string(b), `"focus_losses":3`) || !strings.Contains(string(b), want) {
			t.Fatalf("attempt %d %s", s, b)
		}
		s, b = h.do("GET", base+"/events", "instructor", nil)
		evs := decode[struct{ Items []exam.AttemptEvent }](t, b).Items
		if s != 200 || len(evs) != 3 || evs[0].Kind != "hidden" || evs[2].Kind != "fullscreen_exit" || evs[0].ServerAt.IsZero() || evs[0].ClientAt == nil {
			t.Fatalf("events %d %s", s, b)
		}
		h.expectError(404, "", "GET", base+"/events", "instructor-b", nil)
		s, b = h.do("GET", "/api/v1/results", "instructor", nil)
		if s != 200 || !strings.Contains(string(b), `"focus_losses":3`) {
			t.Fatalf("results %d %s", s, b)
		}
		s, b = h.do("GET", "/api/v1/results?format=csv", "instructor", nil)
		if s != 200 || !strings.Contains(string(b), "切屏次数") || !strings.Contains(string(b), ",3,0,") {
			t.Fatalf("results csv %d %s", s, b)
		}
		_, page, _ := h.page(fmt.Sprintf("/attempts/%d/result", a.ID), "instructor")
		if !strings.Contains(page, want) || !strings.Contains(page, `id="integrity-events"`) {
			t.Fatal("the staff review does not show the reason and the events")
		}
	})
}

func TestIntegrityOffChangesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.QuickQuiz})
		if s != 201 || strings.Contains(string(b), `"integrity"`) {
			t.Fatalf("start %d %s", s, b)
		}
		a := decode[attemptJSON](t, b)
		base := fmt.Sprintf("/api/v1/attempts/%d", a.ID)
		// Any device, or none, saves; departures are not recorded; the device is never bound.
		for i, dev := range []string{"", "device-aaaaaaaa", "device-bbbbbbbb"} {
			q := a.questions()[i]
			if s, b := h.doFrom("PUT", base+"/answers/"+itoa(q.ID), "candidate", map[string]any{"choice": firstKey(q)}, map[string]string{"X-Device-Id": dev}); s != 200 {
				t.Fatalf("save from %q: %d %s", dev, s, b)
			}
			if s, b := h.doFrom("POST", base+"/device", "candidate", map[string]any{}, map[string]string{"X-Device-Id": dev}); s != 200 {
				t.Fatalf("device %q: %d %s", dev, s, b)
			}
		}
		s, b = h.do("POST", base+"/events", "candidate", focusEvent("hidden", 1))
		if f := decode[focusJSON](t, b); s != 200 || f.FocusLosses != 0 || f.Status != "in_progress" {
			t.Fatalf("events without a policy %d %s", s, b)
		}
		if s, b := h.doFrom("POST", base+"/submit", "candidate", map[string]any{}, map[string]string{"X-Device-Id": "device-cccccccc"}); s != 200 || strings.Contains(string(b), "submit_reason") {
			t.Fatalf("submit %d %s", s, b)
		}
		// A practice of a blueprint with a policy is self-study: it runs under none.
		h.strictBlueprint("strict", map[string]any{"submit_at": 1, "one_device": true, "allowed_networks": []string{"10.0.0.0/8"}})
		s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": "strict", "mode": "practice"})
		if s != 201 || strings.Contains(string(b), `"integrity"`) {
			t.Fatalf("practice %d %s", s, b)
		}
		base = fmt.Sprintf("/api/v1/attempts/%d", decode[attemptJSON](t, b).ID)
		s, b = h.do("POST", base+"/events", "candidate", focusEvent("hidden", 1))
		if f := decode[focusJSON](t, b); s != 200 || f.FocusLosses != 0 || f.Status != "in_progress" {
			t.Fatalf("events in practice %d %s", s, b)
		}
	})
}

func TestAccessCodeAndAddressRange(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		// app.Test's requests come from 0.0.0.0: the proxy, whose header names the client.
		h := newHarnessWith(t, dsn, time.Now, func(_ *exam.Deps, d *web.Deps) {
			d.ProxyHeader, d.TrustedProxies = "X-Real-IP", []string{"0.0.0.0/0"}
		})
		// A code belongs to an assignment, not to a blueprint every cohort shares.
		h.expectError(422, "integrity.access_code", "POST", "/api/v1/blueprints", "instructor", map[string]any{"code": "coded", "title": "口令", "duration_s": 600,
			"pass_score": 1, "sections": []map[string]any{{"type": "single", "count": 2, "points_each": 1}}, "integrity": map[string]any{"access_code": "x"}})
		body := map[string]any{"blueprint": exam.QuickQuiz, "cohort": h.cohortOf("instructor", "考场班", "candidate"),
			"opens_at": time.Now().Add(-time.Minute), "closes_at": time.Now().Add(time.Hour),
			"integrity": map[string]any{"access_code": "bad code!"}}
		h.expectError(422, "integrity.access_code", "POST", "/api/v1/assignments", "instructor", body)
		body["integrity"] = map[string]any{"access_code": "x", "allowed_networks": []string{"10.8.0.0/33"}}
		h.expectError(422, "integrity.allowed_networks[0]", "POST", "/api/v1/assignments", "instructor", body)
		body["integrity"] = map[string]any{"access_code": "Room-301", "allowed_networks": []string{"10.8.0.0/16", "2001:db8::/32"}}
		x := h.assign("instructor", body)
		if s, b := h.do("GET", "/api/v1/assignments/"+itoa(x.ID), "instructor", nil); s != 200 || !strings.Contains(string(b), `"access_code":"Room-301"`) {
			t.Fatalf("staff read the code: %d %s", s, b)
		}
		s, b := h.do("GET", "/api/v1/assignments", "candidate", nil)
		if s != 200 || strings.Contains(string(b), "Room-301") || !strings.Contains(string(b), `"access_code_required":true`) {
			t.Fatalf("the candidate's assignments %d %s", s, b)
		}
		start := func(addr, code string) (int, []byte) {
			return h.doFrom("POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID, "access_code": code}, map[string]string{"X-Real-IP": addr})
		}
		s, b = start("10.9.1.1", "Room-301")
		if e := decode[apiError](t, b); s != 403 || e.Field != "address" || !strings.Contains(e.Error, "当前网络地址（10.9.1.1）不在本次考试允许的范围内") {
			t.Fatalf("outside the range %d %s", s, b)
		}
		s, b = start("10.8.3.4", "")
		if e := decode[apiError](t, b); s != 403 || e.Field != "access_code" {
			t.Fatalf("no code %d %s", s, b)
		}
		s, b = start("10.8.3.4", "Room-302")
		if e := decode[apiError](t, b); s != 403 || e.Field != "access_code" || e.Error != "考试口令不正确" {
			t.Fatalf("wrong code %d %s", s, b)
		}
		s, b = start("2001:db8::7", " Room-301 ")
		if s != 201 || strings.Contains(string(b), "Room-301") {
			t.Fatalf("right code from an allowed address %d %s", s, b)
		}
		id := decode[attemptJSON](t, b).ID
		// The exam page opens only from the allowed range too.
		page := func(addr string) int {
			req := httptest.NewRequest("GET", fmt.Sprintf("/exam/%d", id), nil)
			req.Header.Set("Authorization", "Bearer "+h.tokens["candidate"])
			req.Header.Set("X-Real-IP", addr)
			resp, err := h.srv.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode
		}
		if got := page("10.8.0.1"); got != 200 {
			t.Fatalf("exam page from the room: %d", got)
		}
		if got := page("203.0.113.9"); got != 403 {
			t.Fatalf("exam page from elsewhere: %d", got)
		}
		// Lifting the policy (a policy asking nothing) lets anyone in again.
		if s, b := h.do("PATCH", "/api/v1/assignments/"+itoa(x.ID), "instructor", map[string]any{"integrity": map[string]any{}}); s != 200 || strings.Contains(string(b), "Room-301") {
			t.Fatalf("lift the policy %d %s", s, b)
		}
	})
}

func TestOneDevicePerAttempt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		h.strictBlueprint("one-device", map[string]any{"one_device": true})
		const first, second = "first-device-0001", "second-device-0002"
		from := func(dev string) map[string]string {
			return map[string]string{"X-Device-Id": dev, "User-Agent": "浏览器 " + dev}
		}
		s, b := h.doFrom("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": "one-device"}, from(first))
		if s != 201 {
			t.Fatalf("start %d %s", s, b)
		}
		a := decode[attemptJSON](t, b)
		qs := a.questions()
		base := fmt.Sprintf("/api/v1/attempts/%d", a.ID)
		save := func(dev string, i int) (int, []byte) {
			return h.doFrom("PUT", base+"/answers/"+itoa(qs[i].ID), "candidate", map[string]any{"choice": firstKey(qs[i])}, from(dev))
		}
		if s, b := save(first, 0); s != 200 {
			t.Fatalf("save on the first device %d %s", s, b)
		}
		if s, b := h.doFrom("POST", base+"/device", "candidate", map[string]any{}, from(first)); s != 200 {
			t.Fatalf("the first device again %d %s", s, b)
		}
		// Another device must confirm; until it does, nothing moves.
		s, b = h.doFrom("POST", base+"/device", "candidate", map[string]any{"switch": false}, from(second))
		if e := decode[apiError](t, b); s != 409 || e.Field != "device" || !strings.Contains(e.Error, "本场考试已在另一设备上进行，是否切换到本设备？") {
			t.Fatalf("a second device %d %s", s, b)
		}
		if s, b := save(second, 1); s != 409 {
			t.Fatalf("an unconfirmed device saved: %d %s", s, b)
		}
		if s, b := save(first, 1); s != 200 {
			t.Fatalf("the first device after a refused claim %d %s", s, b)
		}
		s, b = h.doFrom("POST", base+"/device", "candidate", map[string]any{"switch": true}, from(second))
		if s != 200 || !strings.Contains(string(b), `"device_switches":1`) {
			t.Fatalf("switch %d %s", s, b)
		}
		// The old device is told the exam moved; the new one saves.
		s, b = save(first, 2)
		if e := decode[apiError](t, b); s != 409 || e.Field != "device" || !strings.Contains(e.Error, "已切换到另一设备") {
			t.Fatalf("the old device after the switch %d %s", s, b)
		}
		if s, b := save(second, 2); s != 200 {
			t.Fatalf("the new device %d %s", s, b)
		}
		// A save naming no device is not from the attempt's device either.
		h.expectError(409, "device", "PUT", base+"/answers/"+itoa(qs[3].ID), "candidate", map[string]any{"choice": firstKey(qs[3])})
		if s, b := h.doFrom("POST", base+"/submit", "candidate", map[string]any{}, from(first)); s != 409 {
			t.Fatalf("the old device submitted: %d %s", s, b)
		}
		h.expectError(404, "", "POST", base+"/device", "candidate2", map[string]any{"switch": true})
		s, b = h.do("GET", base+"/events", "candidate", nil)
		evs := decode[struct{ Items []exam.AttemptEvent }](t, b).Items
		if s != 200 || len(evs) != 1 || evs[0].Kind != exam.EventDeviceSwitch || !strings.Contains(evs[0].Detail, "浏览器 "+second) {
			t.Fatalf("events %d %s", s, b)
		}
		if s, b := h.doFrom("POST", base+"/submit", "candidate", map[string]any{}, from(second)); s != 200 {
			t.Fatalf("submit from the new device %d %s", s, b)
		}
		s, b = h.do("GET", base, "candidate", nil)
		if !strings.Contains(string(b), `"device_switches":1`) || !strings.Contains(string(b), fmt.Sprintf(`"%d":`, qs[2].ID)) || strings.Contains(string(b), fmt.Sprintf(`"%d":`, qs[3].ID)) {
			t.Fatalf("attempt after the switch %d %s", s, b)
		}
	})
}

// TestLiveViewShowsIntegrityCounts: the 监考 view shows each sitting candidate's
// departures and device switches under an assignment's policy that records them, and
// none (null) for a policy that records nothing.
func TestLiveViewShowsIntegrityCounts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": h.cohortOf("instructor", "监考班", "candidate", "candidate2"),
			"opens_at": time.Now().Add(-time.Minute), "closes_at": time.Now().Add(time.Hour),
			"integrity": map[string]any{"record_focus": true, "one_device": true}})
		from := func(dev string) map[string]string { return map[string]string{"X-Device-Id": dev} }
		s, b := h.doFrom("POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID}, from("phone-0001"))
		if s != 201 {
			t.Fatalf("start %d %s", s, b)
		}
		base := fmt.Sprintf("/api/v1/attempts/%d", decode[attemptJSON](t, b).ID)
		for seq, kind := range []string{"hidden", "blur"} {
			if s, b := h.doFrom("POST", base+"/events", "candidate", focusEvent(kind, int64(seq+1)), from("phone-0001")); s != 200 {
				t.Fatalf("event %s: %d %s", kind, s, b)
			}
		}
		if s, b := h.doFrom("POST", base+"/device", "candidate", map[string]any{"switch": true}, from("laptop-0002")); s != 200 {
			t.Fatalf("switch %d %s", s, b)
		}
		type counts struct {
			Candidate     struct{ Username string }
			FocusLosses   *int `json:"focus_losses"`
			DeviceChanges *int `json:"device_changes"`
		}
		s, b = h.do("GET", fmt.Sprintf("/api/v1/assignments/%d/live", x.ID), "instructor", nil)
		if s != 200 {
			t.Fatalf("live %d %s", s, b)
		}
		seen := 0
		for _, c := range decode[struct{ Candidates []counts }](t, b).Candidates {
			switch c.Candidate.Username {
			case "candidate":
				if c.FocusLosses == nil || *c.FocusLosses != 2 || c.DeviceChanges == nil || *c.DeviceChanges != 1 {
					t.Fatalf("the sitting candidate's counts: %s", b)
				}
				seen++
			case "candidate2": // not started: nothing to count
				if c.FocusLosses != nil || c.DeviceChanges != nil {
					t.Fatalf("counts of a candidate who has not started: %s", b)
				}
				seen++
			}
		}
		if seen != 2 {
			t.Fatalf("the cohort in the live view: %s", b)
		}
	})
}

// TestAccessCodeThrottleAPI: past the free wrong access codes a start is 429 with
// Retry-After and the wait in words, the right code too, also through a second server on
// the same database; after the wait the right code starts.
func TestAccessCodeThrottleAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := &testClock{}
		h := newHarnessAt(t, dsn, clock.now)
		x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": h.cohortOf("instructor", "考场班", "candidate"),
			"opens_at": time.Now().Add(-time.Minute), "closes_at": time.Now().Add(time.Hour), "integrity": map[string]any{"access_code": "Room-301"}})
		// A second server: its own exam service over the same database and clock.
		d := h.srv.Deps
		d.Exams = exam.NewService(h.g, d.Content, exam.Deps{Now: clock.now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: d.Accounts, Sessions: d.Accounts})
		other := web.New(d)
		start := func(srv *web.Server, code string) (*http.Response, apiError) {
			body, _ := json.Marshal(map[string]any{"assignment": x.ID, "access_code": code})
			req := httptest.NewRequest("POST", "/api/v1/attempts", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+h.tokens["candidate"])
			resp, err := srv.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			var e apiError
			json.Unmarshal(b, &e)
			return resp, e
		}
		for i := range exam.AccessCodePairRule.Free + 1 {
			if resp, e := start(h.srv, "Room-302"); resp.StatusCode != 403 || e.Field != "access_code" {
				t.Fatalf("wrong code %d: %d %+v", i+1, resp.StatusCode, e)
			}
		}
		for _, srv := range []*web.Server{h.srv, other} {
			for _, code := range []string{"Room-302", "Room-301"} {
				resp, e := start(srv, code)
				if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || e.Error != "考试口令错误次数过多，请 2 秒后再试" {
					t.Fatalf("blocked start with %s: %d %q %+v", code, resp.StatusCode, resp.Header.Get("Retry-After"), e)
				}
			}
		}
		clock.set(exam.AccessCodePairRule.BaseDelay)
		if resp, e := start(other, "Room-301"); resp.StatusCode != 201 {
			t.Fatalf("right code after the wait: %d %+v", resp.StatusCode, e)
		}
	})
}
