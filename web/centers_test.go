package web_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/xuri/excelize/v2"
)

type assignmentView struct {
	ID              int64
	Blueprint       string
	Cohort          int64
	OpensAt         time.Time `json:"opens_at"`
	ClosesAt        time.Time `json:"closes_at"`
	AttemptsAllowed int       `json:"attempts_allowed"`
	Extensions      map[string]int
	Status          string
	AttemptsUsed    int   `json:"attempts_used"`
	OpenAttempt     int64 `json:"open_attempt"`
	ExtraS          int   `json:"extra_s"`
}

type attemptHead struct {
	ID         int64
	Blueprint  string
	Status     exam.Status
	StartedAt  time.Time `json:"started_at"`
	Deadline   *time.Time
	ExtensionS int `json:"extension_s"`
}

// cohortOf makes a cohort in the caller's center with members and returns its id.
func (h *harness) cohortOf(who, name string, members ...any) int64 {
	h.t.Helper()
	s, b := h.do("POST", "/api/v1/cohorts", who, map[string]string{"name": name})
	if s != 201 {
		h.t.Fatalf("create cohort %d %s", s, b)
	}
	id := decode[account.Cohort](h.t, b).ID
	if s, b := h.do("PUT", fmt.Sprintf("/api/v1/cohorts/%d/members", id), who, map[string]any{"add": members}); s != 200 {
		h.t.Fatalf("members %d %s", s, b)
	}
	return id
}

func (h *harness) assign(who string, body map[string]any) assignmentView {
	h.t.Helper()
	s, b := h.do("POST", "/api/v1/assignments", who, body)
	if s != 201 {
		h.t.Fatalf("assign %d %s", s, b)
	}
	return decode[assignmentView](h.t, b)
}

func TestCohortsAndAssignmentsAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		cand := h.userID("candidate")

		// Cohorts: members by id or username, listed with the cohort.
		s, b := h.do("POST", "/api/v1/cohorts", "instructor", map[string]string{"name": "周末班"})
		k := decode[account.Cohort](t, b)
		if s != 201 || k.Name != "周末班" {
			t.Fatalf("create %d %s", s, b)
		}
		kpath := "/api/v1/cohorts/" + itoa(k.ID)
		s, b = h.do("PUT", kpath+"/members", "instructor", map[string]any{"add": []any{cand, "candidate2"}})
		view := decode[struct {
			account.Cohort
			Users []account.User
		}](t, b)
		if s != 200 || view.Members != 2 || len(view.Users) != 2 || view.Users[0].Username != "candidate" {
			t.Fatalf("members %d %s", s, b)
		}
		h.expectError(422, "add[0]", "PUT", kpath+"/members", "instructor", map[string]any{"add": []any{"instructor"}})
		h.expectError(400, "add[0]", "PUT", kpath+"/members", "instructor", map[string]any{"add": []any{true}})
		h.expectError(409, "", "POST", "/api/v1/cohorts", "centeradmin", map[string]string{"name": "周末班"})
		h.expectError(422, "name", "PATCH", kpath, "instructor", map[string]string{"name": " "})
		if s, b := h.do("PATCH", kpath, "instructor", map[string]string{"name": "周末一班"}); s != 200 || !strings.Contains(string(b), "周末一班") {
			t.Fatalf("rename %d %s", s, b)
		}
		h.expectError(403, "", "GET", "/api/v1/cohorts", "candidate", nil)

		// An assignment that opens tomorrow: candidates see it, starting is refused.
		now := time.Now().UTC()
		x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": k.ID,
			"opens_at": now.Add(24 * time.Hour), "closes_at": now.Add(48 * time.Hour)})
		if x.AttemptsAllowed != 1 {
			t.Fatalf("default attempts: %+v", x)
		}
		xpath := "/api/v1/assignments/" + itoa(x.ID)
		s, b = h.do("GET", "/api/v1/assignments", "candidate", nil)
		mine := decode[struct{ Items []assignmentView }](t, b).Items
		if s != 200 || len(mine) != 1 || mine[0].Status != "upcoming" {
			t.Fatalf("candidate's assignments %d %s", s, b)
		}
		s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID})
		if e := decode[apiError](t, b); s != 409 || !strings.Contains(e.Error, "尚未开放") || !strings.Contains(e.Error, "北京时间") {
			t.Fatalf("start before the window %d %s", s, b)
		}
		// The blueprint alone goes through the assignment too.
		if s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"blueprint": exam.QuickQuiz}); s != 409 {
			t.Fatalf("free start of an assigned blueprint %d %s", s, b)
		}
		// Staff are not bound by assignments.
		if s, b := h.do("POST", "/api/v1/attempts", "instructor", map[string]any{"blueprint": exam.QuickQuiz}); s != 201 {
			t.Fatalf("instructor start %d %s", s, b)
		}
		h.expectError(422, "closes_at", "PATCH", xpath, "instructor", map[string]any{"closes_at": now.Add(-48 * time.Hour)})
		h.expectError(422, "cohort", "POST", "/api/v1/assignments", "instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": 99999,
			"opens_at": now, "closes_at": now.Add(time.Hour)})
		h.expectError(403, "", "POST", "/api/v1/assignments", "candidate", map[string]any{})

		// Open it now, with two attempts; candidate gets ten minutes more.
		if s, b := h.do("PATCH", xpath, "centeradmin", map[string]any{"opens_at": now.Add(-time.Minute), "attempts_allowed": 2}); s != 200 {
			t.Fatalf("patch %d %s", s, b)
		}
		s, b = h.do("PUT", fmt.Sprintf("%s/extensions/%d", xpath, cand), "instructor", map[string]int{"seconds": 600})
		if got := decode[assignmentView](t, b); s != 200 || got.Extensions[itoa(cand)] != 600 {
			t.Fatalf("extension %d %s", s, b)
		}
		h.expectError(422, "seconds", "PUT", fmt.Sprintf("%s/extensions/%d", xpath, cand), "instructor", map[string]int{"seconds": -1})
		s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"blueprint": exam.QuickQuiz})
		at := decode[attemptHead](t, b)
		if s != 201 || at.ExtensionS != 600 || at.Deadline == nil || at.Deadline.Sub(at.StartedAt) != 1200*time.Second {
			t.Fatalf("assigned start %d %s", s, b)
		}
		s, b = h.do("GET", xpath, "candidate", nil)
		if st := decode[assignmentView](t, b); s != 200 || st.Status != "in_progress" || st.OpenAttempt != at.ID || st.ExtraS != 600 {
			t.Fatalf("candidate's view %d %s", s, b)
		}
		h.do("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", at.ID), "candidate", nil)
		s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID})
		if second := decode[attemptHead](t, b); s != 201 || second.ID == at.ID {
			t.Fatalf("second attempt %d %s", s, b)
		}
		h.do("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", decode[attemptHead](t, b).ID), "candidate", nil)
		s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID})
		if e := decode[apiError](t, b); s != 409 || !strings.Contains(e.Error, "已用完") {
			t.Fatalf("third attempt %d %s", s, b)
		}
		// Not in the cohort: the assignment does not exist for them.
		h.addUser("candidate-out", "a", account.Candidate)
		h.expectError(404, "", "POST", "/api/v1/attempts", "candidate-out", map[string]any{"assignment": x.ID})

		h.expectError(409, "", "DELETE", xpath, "instructor", nil)
		h.expectError(409, "", "DELETE", kpath, "instructor", nil)
		y := h.assign("instructor", map[string]any{"blueprint": exam.L2Theory, "cohort": k.ID, "opens_at": now, "closes_at": now.Add(time.Hour)})
		if s, _ := h.do("DELETE", "/api/v1/assignments/"+itoa(y.ID), "instructor", nil); s != 204 {
			t.Fatalf("delete unused assignment: %d", s)
		}
		s, b = h.do("GET", "/api/v1/assignments", "instructor", nil)
		if all := decode[struct{ Items []assignmentView }](t, b).Items; s != 200 || len(all) != 1 || all[0].AttemptsAllowed != 2 {
			t.Fatalf("staff list %d %s", s, b)
		}
		empty := h.cohortOf("instructor", "空班")
		if s, _ := h.do("DELETE", "/api/v1/cohorts/"+itoa(empty), "instructor", nil); s != 204 {
			t.Fatalf("delete cohort: %d", s)
		}
	})
}

// Once an assignment's window has closed its blueprint is free again for the cohort:
// only a start naming the assignment is refused. A practice is never an assignment's.
func TestClosedAssignmentFreesBlueprint(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := &testClock{}
		h := newHarnessAt(t, dsn, clock.now)
		k := h.cohortOf("instructor", "夜班", h.userID("candidate"))
		now := time.Now().UTC()
		x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": k,
			"opens_at": now.Add(-time.Minute), "closes_at": now.Add(time.Hour)})
		xpath := "/api/v1/assignments/" + itoa(x.ID)
		h.expectError(422, "mode", "POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID, "mode": "practice"})
		type started struct {
			ID   int64
			Mode exam.Mode
		}
		start := func(body map[string]any, mode exam.Mode) int64 {
			t.Helper()
			s, b := h.do("POST", "/api/v1/attempts", "candidate", body)
			if at := decode[started](t, b); s != 201 || at.Mode != mode {
				t.Fatalf("start %v: %d %s", body, s, b)
			}
			return decode[started](t, b).ID
		}
		submit := func(id int64) {
			t.Helper()
			if s, b := h.do("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", id), "candidate", nil); s != 200 {
				t.Fatalf("submit %d %s", s, b)
			}
		}
		used := func(want int) {
			t.Helper()
			s, b := h.do("GET", xpath, "candidate", nil)
			if st := decode[assignmentView](t, b); s != 200 || st.AttemptsUsed != want {
				t.Fatalf("attempts used, want %d: %d %s", want, s, b)
			}
		}

		// While it is open, a practice stays outside it; an exam goes through it.
		submit(start(map[string]any{"blueprint": exam.QuickQuiz, "mode": "practice"}, exam.ModePractice))
		used(0)
		submit(start(map[string]any{"blueprint": exam.QuickQuiz}, exam.ModeExam))
		used(1)

		clock.set(2 * time.Hour)
		s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID})
		if e := decode[apiError](t, b); s != 409 || !strings.Contains(e.Error, "已截止") {
			t.Fatalf("assignment after its close %d %s", s, b)
		}
		free := start(map[string]any{"blueprint": exam.QuickQuiz, "mode": "exam"}, exam.ModeExam)
		// An exam started after the close is never taken for the assignment.
		h.expectError(409, "", "POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID})
		used(1)
		submit(free)
		submit(start(map[string]any{"blueprint": exam.QuickQuiz, "mode": "practice"}, exam.ModePractice))
		used(1)
		h.expectError(409, "", "POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": x.ID})
	})
}

// sit starts and submits an attempt of blueprint for who, answering the first question.
func (h *harness) sit(who, blueprint string) int64 {
	h.t.Helper()
	s, b := h.do("POST", "/api/v1/attempts", who, map[string]any{"blueprint": blueprint})
	if s != 201 {
		h.t.Fatalf("start %d %s", s, b)
	}
	at := decode[struct {
		ID       int64
		Sections []struct {
			Questions []struct {
				ID      int64
				Options []struct{ Key string }
			}
		}
	}](h.t, b)
	q := at.Sections[0].Questions[0]
	h.do("PUT", fmt.Sprintf("/api/v1/attempts/%d/answers/%d", at.ID, q.ID), who, map[string]any{"choice": []string{q.Options[0].Key}})
	if s, b := h.do("POST", fmt.Sprintf("/api/v1/attempts/%d/submit", at.ID), who, nil); s != 200 {
		h.t.Fatalf("submit %d %s", s, b)
	}
	return at.ID
}

// download sends a GET and returns status, headers' content type and body.
func (h *harness) download(path, who string) (int, string, []byte) {
	h.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens[who])
	resp, err := h.srv.App.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

type resultLine struct {
	Attempt   int64
	Username  string
	Name      string
	Cohort    string
	Blueprint string
	Score     float64
	MaxScore  float64 `json:"max_score"`
	Sections  []struct{ Type string }
	Chapters  []struct{ Code string }
}

func TestResultsExport(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		const evil = `=HYPERLINK("http://evil.example","点我")`
		s, b := h.do("POST", "/api/v1/users", "centeradmin", map[string]any{"username": "evil", "name": evil, "password": "a fine passphrase"})
		if s != 201 {
			t.Fatalf("create %d %s", s, b)
		}
		h.login("evil", "a fine passphrase")
		k := h.cohortOf("instructor", "+一班", "evil", "candidate")
		h.sit("evil", exam.QuickQuiz)
		h.sit("candidate", exam.QuickQuiz)
		h.sit("candidate2", exam.QuickQuiz)
		h.sit("candidate", exam.L2Theory)
		h.do("POST", "/api/v1/attempts", "candidate2", map[string]any{"blueprint": exam.L2Theory}) // open: no result
		h.addUser("cand-b", "b", account.Candidate)
		h.sit("cand-b", exam.QuickQuiz)

		s, b = h.do("GET", "/api/v1/results", "instructor", nil)
		lines := decode[struct{ Items []resultLine }](t, b).Items
		if s != 200 || len(lines) != 4 {
			t.Fatalf("json %d %s", s, b)
		}
		for _, l := range lines {
			if l.Username == "cand-b" || l.MaxScore == 0 || len(l.Sections) == 0 || len(l.Chapters) == 0 {
				t.Fatalf("line %+v", l)
			}
		}
		if lines[0].Name != evil || lines[0].Cohort != "+一班" {
			t.Fatalf("first line %+v", lines[0])
		}
		// Filters: blueprint, cohort, dates (Beijing days).
		count := func(q string) int {
			s, b := h.do("GET", "/api/v1/results?"+q, "centeradmin", nil)
			if s != 200 {
				t.Fatalf("%s: %d %s", q, s, b)
			}
			return len(decode[struct{ Items []resultLine }](t, b).Items)
		}
		today := time.Now().In(exam.Beijing).Format(time.DateOnly)
		tomorrow := time.Now().In(exam.Beijing).AddDate(0, 0, 1).Format(time.DateOnly)
		for q, want := range map[string]int{
			"blueprint=" + exam.L2Theory: 1, "cohort=" + itoa(k): 3, "cohort=" + itoa(k) + "&blueprint=" + exam.QuickQuiz: 2,
			"from=" + today + "&to=" + today: 4, "from=" + tomorrow: 0, "to=" + today: 4,
		} {
			if got := count(q); got != want {
				t.Errorf("%s: %d lines, want %d", q, got, want)
			}
		}
		s, b = h.do("GET", "/api/v1/results", "admin", nil)
		if n := len(decode[struct{ Items []resultLine }](t, b).Items); s != 200 || n != 5 {
			t.Fatalf("admin sees every center: %d lines", n)
		}
		if n := count("format=json"); n != 4 {
			t.Fatalf("format=json: %d", n)
		}
		h.expectError(422, "from", "GET", "/api/v1/results?from=yesterday", "instructor", nil)
		h.expectError(422, "format", "GET", "/api/v1/results?format=pdf", "instructor", nil)
		h.expectError(403, "", "GET", "/api/v1/results", "candidate", nil)

		// CSV: BOM, header, formulas defused.
		s, ctype, csvBody := h.download("/api/v1/results?format=csv&blueprint="+exam.QuickQuiz, "instructor")
		if s != 200 || !strings.HasPrefix(ctype, "text/csv") || !bytes.HasPrefix(csvBody, []byte("\xEF\xBB\xBF")) {
			t.Fatalf("csv %d %s %q", s, ctype, csvBody[:min(20, len(csvBody))])
		}
		text := string(csvBody[3:])
		if !strings.HasPrefix(text, "用户名,姓名,班级,试卷,开始时间,提交时间,得分,满分,是否合格,切屏次数,切换设备次数,单项选择题,判断题,多项选择题,") {
			t.Fatalf("csv header: %s", strings.SplitN(text, "\n", 2)[0])
		}
		if !strings.Contains(text, `'=HYPERLINK(""http://evil.example"",""点我"")`) || !strings.Contains(text, "'+一班") {
			t.Fatalf("formula not defused: %s", text)
		}

		// XLSX read back.
		s, ctype, xb := h.download("/api/v1/results?format=xlsx", "instructor")
		if s != 200 || !strings.Contains(ctype, "spreadsheetml") {
			t.Fatalf("xlsx %d %s", s, ctype)
		}
		f, err := excelize.OpenReader(bytes.NewReader(xb))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(rows) != 5 {
			t.Fatalf("xlsx rows %d %v", len(rows), err)
		}
		if rows[0][0] != "用户名" || rows[1][1] != "'"+evil || rows[1][3] != "快速小测" || rows[1][8] == "" {
			t.Fatalf("xlsx content %q", rows[:2])
		}
		// Scores are numbers (Excel sums them; a cell with no type is a number); names stay text.
		isText := func(cell string) bool {
			ct, err := f.GetCellType(f.GetSheetName(0), cell)
			if err != nil {
				t.Fatal(err)
			}
			return ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString
		}
		if isText("G2") || isText("H2") || isText("J2") || isText("L2") || !isText("A2") || !isText("E2") {
			t.Errorf("score cells must be numbers, the others text")
		}
		if len(rows[0]) < 15 || !strings.HasPrefix(rows[0][14], "JC.") && !strings.HasPrefix(rows[0][14], "L2.") {
			t.Fatalf("no chapter columns: %q", rows[0])
		}
	})
}

// TestTenancy: every endpoint that takes an id answers 404 to another center for center
// a's object, for staff and candidates of center b alike, and the objects exist (center
// a reads them).
func TestTenancy(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		h.addUser("admin-b", "b", account.CenterAdmin)
		h.addUser("candidate-b", "b", account.Candidate)

		// Center a's objects.
		s, b := h.do("POST", "/api/v1/questions", "instructor", singleChoice("中心甲私有题：客户服务的特点不包括哪一项？"))
		if s != 201 {
			t.Fatalf("question %d %s", s, b)
		}
		q := itoa(decode[struct{ ID int64 }](t, b).ID)
		_, b = h.do("GET", "/api/v1/blueprints/"+exam.QuickQuiz, "instructor", nil)
		bp := decode[map[string]any](t, b)
		bp["code"], bp["title"] = "a-private", "中心甲自建试卷"
		if s, b := h.do("POST", "/api/v1/blueprints", "instructor", bp); s != 201 {
			t.Fatalf("blueprint %d %s", s, b)
		}
		cand := itoa(h.userID("candidate"))
		kid := h.cohortOf("instructor", "甲班", "candidate")
		now := time.Now().UTC()
		xid := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": kid, "opens_at": now.Add(-time.Hour), "closes_at": now.Add(time.Hour)}).ID
		k, x := itoa(kid), itoa(xid)
		s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"assignment": xid})
		at := decode[struct {
			ID       int64
			Sections []struct{ Questions []struct{ ID int64 } }
		}](t, b)
		if s != 201 {
			t.Fatalf("attempt %d %s", s, b)
		}
		a, aq := itoa(at.ID), itoa(at.Sections[0].Questions[0].ID)
		xb := itoa(h.assign("admin-b", map[string]any{"blueprint": exam.QuickQuiz, "cohort": h.cohortOf("admin-b", "乙班"), "opens_at": now, "closes_at": now.Add(time.Hour)}).ID)

		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/v1/questions/" + q, nil},
			{"GET", "/api/v1/questions/" + q + "/versions", nil},
			{"PUT", "/api/v1/questions/" + q, singleChoice("改")},
			{"DELETE", "/api/v1/questions/" + q, nil},
			{"GET", "/api/v1/blueprints/a-private", nil},
			{"GET", "/api/v1/attempts/" + a, nil},
			{"GET", "/api/v1/attempts/" + a + "/result", nil},
			{"PUT", "/api/v1/attempts/" + a + "/answers/" + aq, map[string]any{"choice": []string{"A"}}},
			{"POST", "/api/v1/attempts/" + a + "/submit", nil},
			{"POST", "/api/v1/attempts/" + a + "/extensions", map[string]any{"seconds": 60}},
			{"GET", "/api/v1/attempts/" + a + "/report.pdf", nil},
			{"PUT", "/api/v1/attempts/" + a + "/grades/" + aq, map[string]any{"scores": []int{1}}},
			{"POST", "/api/v1/questions/" + q + "/regrade", nil},
			{"GET", "/api/v1/users/" + cand, nil},
			{"PATCH", "/api/v1/users/" + cand, map[string]any{"disabled": true}},
			{"POST", "/api/v1/users/" + cand + "/password", nil},
			{"GET", "/api/v1/users?cohort=" + k, nil},
			{"GET", "/api/v1/cohorts/" + k, nil},
			{"PATCH", "/api/v1/cohorts/" + k, map[string]any{"name": "乙的"}},
			{"DELETE", "/api/v1/cohorts/" + k, nil},
			{"PUT", "/api/v1/cohorts/" + k + "/members", map[string]any{"add": []string{"candidate-b"}}},
			{"GET", "/api/v1/assignments/" + x, nil},
			{"PATCH", "/api/v1/assignments/" + x, map[string]any{"attempts_allowed": 9}},
			{"DELETE", "/api/v1/assignments/" + x, nil},
			{"PUT", "/api/v1/assignments/" + x + "/extensions/" + cand, map[string]any{"seconds": 60}},
			{"PUT", "/api/v1/assignments/" + xb + "/extensions/" + cand, map[string]any{"seconds": 60}},
			{"POST", "/api/v1/attempts", map[string]any{"assignment": xid}},
			{"GET", "/api/v1/results?cohort=" + k, nil},
			{"GET", "/api/v1/results?blueprint=a-private", nil},
			{"GET", "/api/v1/reports.zip?cohort=" + k, nil},
		} {
			who := "admin-b"
			switch {
			case strings.HasPrefix(c.path, "/api/v1/questions") || strings.HasSuffix(c.path, "/extensions") || strings.Contains(c.path, "/grades/"):
				who = "instructor-b"
			case strings.HasPrefix(c.path, "/api/v1/attempts") && !strings.HasSuffix(c.path, "/extensions"):
				who = "candidate-b"
			}
			if s, b := h.do(c.method, c.path, who, c.body); s != 404 {
				t.Errorf("%s %s as %s: %d %s, want 404", c.method, c.path, who, s, b)
			}
			if c.method == "GET" && !strings.Contains(c.path, "?") && !strings.HasSuffix(c.path, ".pdf") {
				owner := "centeradmin"
				if strings.HasPrefix(c.path, "/api/v1/attempts") {
					owner = "candidate"
				}
				if s, b := h.do("GET", c.path, owner, nil); s != 200 && !(strings.HasSuffix(c.path, "/result") && s == 409) {
					t.Errorf("GET %s as %s: %d %s", c.path, owner, s, b)
				}
			}
		}
		// Nothing of center a changed.
		if s, _ := h.do("GET", "/api/v1/me", "candidate", nil); s != 200 {
			t.Fatal("center b ended center a's candidate's session")
		}
	})
}

func TestReportsZip(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		k := h.cohortOf("instructor", "一班", "candidate")
		h.sit("candidate", exam.QuickQuiz)
		h.sit("candidate2", exam.QuickQuiz)
		h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"blueprint": exam.L2Theory}) // open: no report
		h.addUser("cand-b", "b", account.Candidate)
		h.sit("cand-b", exam.QuickQuiz)

		s, ctype, body := h.download("/api/v1/reports.zip", "instructor")
		if s != 200 || ctype != "application/zip" {
			t.Fatalf("zip %d %s %s", s, ctype, body)
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		day := time.Now().In(exam.Beijing).Format("20060102")
		if len(zr.File) != 2 {
			t.Fatalf("%d reports, want 2", len(zr.File))
		}
		for i, want := range []string{"成绩单-candidate-candidate-" + day, "成绩单-candidate2-candidate2-" + day} {
			f := zr.File[i]
			if !strings.HasPrefix(f.Name, want) || !strings.HasSuffix(f.Name, ".pdf") {
				t.Fatalf("entry %q, want %s…", f.Name, want)
			}
			r, _ := f.Open()
			pdf, _ := io.ReadAll(r)
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("%s is not a PDF", f.Name)
			}
		}
		s, _, body = h.download("/api/v1/reports.zip?cohort="+itoa(k), "centeradmin")
		if zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); s != 200 || err != nil || len(zr.File) != 1 {
			t.Fatalf("cohort filter: %d %v", s, err)
		}
		h.expectError(404, "", "GET", "/api/v1/reports.zip?cohort="+itoa(k), "instructor-b", nil)
		h.expectError(403, "", "GET", "/api/v1/reports.zip", "candidate", nil)
	})
}
