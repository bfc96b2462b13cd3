package web_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// TestBlueprintsFillableByTheBank: a blueprint the bank cannot fill is refused on save
// with each shortage named; one the bank stops filling is flagged for staff, left off
// the candidate's dashboard, and refused at start and on its instructions page. An exam
// assigned to the candidate's cohort is listed once, with the assignments.
func TestBlueprintsFillableByTheBank(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		clock := &testClock{}
		h := newHarnessAt(t, dsn, clock.now)
		blueprint := func(code string, singles int) map[string]any {
			return map[string]any{"code": code, "title": "JC.1.2.1 专项", "mode": "exam", "duration_s": 600, "pass_score": 1,
				"scope":    map[string]any{"units": []string{"JC.1.2.1"}},
				"sections": []map[string]any{{"type": "single", "count": singles, "points_each": 1}, {"type": "truefalse", "count": 400, "points_each": 1}}}
		}
		s, body := h.do("POST", "/api/v1/blueprints", "instructor", blueprint("jc121", 300))
		e := decode[apiError](t, body)
		single := regexp.MustCompile(`单选题：需要 300 道，范围内只有 (\d+) 道`).FindStringSubmatch(e.Error)
		if s != 422 || e.Field != "sections" || single == nil || !regexp.MustCompile(`判断题：需要 400 道，范围内只有 \d+ 道`).MatchString(e.Error) {
			t.Fatalf("an unfillable blueprint saved: %d %s", s, body)
		}
		have, _ := strconv.Atoi(single[1])

		// The center's own question makes have+1 singles fillable.
		s, body = h.do("POST", "/api/v1/questions", "instructor", singleChoice("中心甲自编：客户服务的特点不包括哪一项？"))
		if s != 201 {
			t.Fatalf("question %d %s", s, body)
		}
		q := strconv.FormatInt(decode[struct{ ID int64 }](t, body).ID, 10)
		fits := blueprint("jc121", have+1)
		fits["sections"] = fits["sections"].([]map[string]any)[:1]
		if s, body := h.do("POST", "/api/v1/blueprints", "instructor", fits); s != 201 {
			t.Fatalf("a fillable blueprint: %d %s", s, body)
		}
		h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": h.cohortOf("instructor", "周末班", "candidate"),
			"opens_at": clock.now(), "closes_at": clock.now().Add(time.Hour)})
		_, home, _ := h.page("/", "candidate")
		if n := strings.Count(home, `data-blueprint="jc121"`); n != 1 {
			t.Fatalf("the fillable blueprint is listed %d times", n)
		}
		if strings.Contains(home, `data-blueprint="quick-quiz"`) || !strings.Contains(home, `data-blueprint="L2-theory"`) {
			t.Fatal("the assigned quick quiz is listed among the free exams too, or the others are missing")
		}

		// A question leaves the bank: the blueprint is short by one.
		if s, body := h.do("DELETE", "/api/v1/questions/"+q, "instructor", nil); s != 204 && s != 200 {
			t.Fatalf("delete %d %s", s, body)
		}
		clock.set(3 * time.Second) // past the bank snapshot's recheck
		shortage := "单选题：需要 " + strconv.Itoa(have+1) + " 道，范围内只有 " + strconv.Itoa(have) + " 道"
		if _, home, _ := h.page("/", "candidate"); strings.Contains(home, `data-blueprint="jc121"`) {
			t.Fatal("an unfillable blueprint is offered on the dashboard")
		}
		listed := func(who string) bool {
			_, b := h.do("GET", "/api/v1/blueprints", who, nil)
			return slices.ContainsFunc(decode[[]exam.Blueprint](t, b), func(bp exam.Blueprint) bool { return bp.Code == "jc121" })
		}
		if listed("candidate") || !listed("instructor") {
			t.Fatal("the API lists an unfillable blueprint to a candidate, or hides it from staff")
		}
		if _, list, _ := h.page("/blueprints", "instructor"); !strings.Contains(list, "题库不足") || !strings.Contains(list, shortage) {
			t.Fatal("the blueprints page does not flag the unfillable blueprint")
		}
		s, body = h.do("POST", "/api/v1/attempts", "candidate", map[string]any{"blueprint": "jc121"})
		if e := decode[apiError](t, body); s != 422 || !strings.Contains(e.Error, shortage) {
			t.Fatalf("starting the unfillable blueprint: %d %s", s, body)
		}
		if _, page, _ := h.page("/start?blueprint=jc121", "candidate"); !strings.Contains(page, shortage) || !regexp.MustCompile(`id="begin"[^>]* disabled`).MatchString(page) {
			t.Fatal("the instructions page offers to start an unfillable blueprint")
		}
	})
}
