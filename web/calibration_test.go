package web_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/itemstats"
)

// TestObservedDifficulty: once 240 exams are graded, calibration gives the seeded
// questions an observed difficulty (their facility in the bands item analysis uses, over
// as many responses as it counts), which the question API and the bank page show beside
// the authored one; a blueprint asking for a target mean difficulty that only a
// question's observed level meets gets that question.
func TestObservedDifficulty(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		ctx := context.Background()
		wrong, _, _ := h.seedStats(240)
		if n, err := h.srv.Grades.Calibrate(ctx); err != nil || n < 40 {
			t.Fatalf("calibrate: %d changed, %v", n, err)
		}
		if n, err := h.srv.Grades.Calibrate(ctx); err != nil || n != 0 {
			t.Fatalf("calibrating again changed %d, %v", n, err)
		}

		status, body := h.do("GET", "/api/v1/stats/items?blueprint="+exam.L2Theory, "instructor", nil)
		if status != 200 {
			t.Fatalf("item stats %d %s", status, body)
		}
		analysed := map[int64]grading.ItemLine{}
		for _, it := range decode[grading.ItemAnalysis](t, body).Items {
			analysed[it.QuestionID] = it
		}
		bank, err := h.srv.Content.Bank(ctx, []int64{0})
		if err != nil {
			t.Fatal(err)
		}
		calibrated := map[int64]content.Question{}
		for _, q := range bank {
			if q.Calibrated == 0 {
				continue
			}
			calibrated[q.ID] = q
			line, ok := analysed[q.ID]
			if !ok || line.Facility == nil || q.ObservedN != line.N || q.Calibrated != itemstats.CalibratedDifficulty(*line.Facility) {
				t.Fatalf("question %d: observed %d over %d, item analysis %+v", q.ID, q.Calibrated, q.ObservedN, line)
			}
		}
		if len(calibrated) != len(analysed) {
			t.Fatalf("%d questions calibrated, %d analysed", len(calibrated), len(analysed))
		}

		// The question whose key is wrong is answered "right" by the weak only: hard.
		status, body = h.do("GET", "/api/v1/questions/"+itoa(wrong.ID), "instructor", nil)
		q := decode[content.Question](t, body)
		if status != 200 || q.Calibrated < 4 || q.Calibrated == q.Difficulty || q.ObservedN < itemstats.MinSittings {
			t.Fatalf("question %d: %d, authored %d, observed %d over %d", wrong.ID, status, q.Difficulty, q.Calibrated, q.ObservedN)
		}
		cell := fmt.Sprintf(`%d / %d<small class="muted">（%d）</small>`, q.Difficulty, q.Calibrated, q.ObservedN)
		if st, html, _ := h.page("/questions?unit="+q.Unit, "instructor"); st != 200 || !strings.Contains(html, cell) {
			t.Fatalf("bank page %d lacks %s", st, cell)
		}
		if st, html, _ := h.page("/questions/"+itoa(wrong.ID), "instructor"); st != 200 ||
			!strings.Contains(html, fmt.Sprintf("%d（实测，%d 人次）", q.Calibrated, q.ObservedN)) {
			t.Fatalf("question page %d lacks the observed difficulty", st)
		}

		// A question whose observed level no other single choice of its knowledge point
		// has, authored or observed, and which differs from its own authored level.
		level := func(q content.Question) int {
			if q.Calibrated > 0 {
				return q.Calibrated
			}
			return q.Difficulty
		}
		var pick *content.Question
		for id := range calibrated {
			c := calibrated[id]
			if c.Type != content.Single || c.Calibrated == c.Difficulty {
				continue
			}
			alone := true
			for _, o := range bank {
				if o.ID != c.ID && o.Type == content.Single && o.Unit == c.Unit && level(o) == c.Calibrated {
					alone = false
				}
			}
			if alone && (pick == nil || c.ID < pick.ID) {
				pick = &c
			}
		}
		if pick == nil {
			t.Fatal("no question's observed level stands alone in its knowledge point")
		}
		bp := map[string]any{"code": "observed-target", "title": "实测难度组卷", "mode": "exam", "duration_s": 900, "pass_score": 1,
			"sections": []map[string]any{{"type": "single", "count": 1, "points_each": 1}}, "overdue": "autosubmit",
			"scope": map[string]any{"units": []string{pick.Unit}}, "target_difficulty": pick.Calibrated, "tolerance": 0.4}
		if s, b := h.do("POST", "/api/v1/blueprints", "instructor", bp); s != 201 {
			t.Fatalf("blueprint %d %s", s, b)
		}
		a, _ := h.startAndPath("candidate", "observed-target")
		got := a.Sections[0].Questions[0].ID
		if got != pick.ID || math.Abs(float64(pick.Calibrated-pick.Difficulty)) < 1 {
			t.Fatalf("target %d drew question %d, want %d (authored %d)", pick.Calibrated, got, pick.ID, pick.Difficulty)
		}
	})
}

// TestItemAnalysisReadsSubmittedExams: a paper sat and submitted through the API reaches
// item analysis through the per-item scores written at grading: one sitting, every
// question of the paper met once, the one answered with the option chosen.
func TestItemAnalysisReadsSubmittedExams(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		h.sit("candidate", exam.L2Theory)
		status, body := h.do("GET", "/api/v1/stats/items?blueprint="+exam.L2Theory, "instructor", nil)
		if status != 200 {
			t.Fatalf("item stats %d %s", status, body)
		}
		an := decode[grading.ItemAnalysis](t, body)
		chosen := 0
		for _, it := range an.Items {
			for _, o := range it.Options {
				chosen += o.Chosen
			}
		}
		if an.Paper.N != 1 || len(an.Items) != 180 || chosen != 1 {
			t.Fatalf("one sitting: n %d, %d items, %d options chosen", an.Paper.N, len(an.Items), chosen)
		}
	})
}

// TestItemAnalysisFollowsCaseGrades: a case awaiting its grade is left out of item
// analysis; once an instructor grades it (a rescore), its score is in.
func TestItemAnalysisFollowsCaseGrades(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		bp := h.caseExam()
		a, path := h.startAndPath("candidate", bp)
		_, b := h.do("GET", "/api/v1/questions/"+itoa(a.Sections[0].Questions[0].ID), "instructor", nil)
		q := decode[content.Question](t, b)
		if s, b := h.do("PUT", path+"/answers/"+itoa(q.ID), "candidate", map[string]any{"parts": []string{"我认为应当先倾听客户。"}}); s != 200 {
			t.Fatalf("save case: %d %s", s, b)
		}
		if s, b := h.do("POST", path+"/submit", "candidate", nil); s != 200 {
			t.Fatalf("submit: %d %s", s, b)
		}
		line := func() grading.ItemLine {
			status, body := h.do("GET", "/api/v1/stats/items?blueprint="+bp, "instructor", nil)
			if status != 200 {
				t.Fatalf("item stats %d %s", status, body)
			}
			for _, it := range decode[grading.ItemAnalysis](t, body).Items {
				if it.QuestionID == q.ID {
					return it
				}
			}
			t.Fatalf("case %d missing from the analysis", q.ID)
			return grading.ItemLine{}
		}
		if it := line(); it.N != 0 {
			t.Fatalf("a case awaiting its grade counted: n %d", it.N)
		}
		var full []content.Points
		for _, p := range q.Parts {
			for _, r := range p.Rubric {
				full = append(full, r.Score)
			}
		}
		if s, b := h.do("PUT", path+"/grades/"+itoa(q.ID), "instructor", map[string]any{"scores": full, "comment": "很好"}); s != 200 {
			t.Fatalf("grade: %d %s", s, b)
		}
		if it := line(); it.N != 1 || it.Facility == nil || *it.Facility != 1 {
			t.Fatalf("the graded case: n %d, facility %v", it.N, it.Facility)
		}
	})
}
