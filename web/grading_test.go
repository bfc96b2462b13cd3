package web_test

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

// caseExam creates (once) and names a paper of five 解析题 at 20 points each, as L2-skills
// was before it mirrored the skills paper's three forms: the grading tests need cases
// with material and several parts.
func (h *harness) caseExam() string {
	h.t.Helper()
	bp := map[string]any{"code": "case-exam", "title": "案例分析练习", "mode": "exam", "duration_s": 7200, "pass_score": 60,
		"sections": []map[string]any{{"type": "case", "form": "analysis", "count": 5, "points_each": 20}}, "overdue": "autosubmit"}
	if s, b := h.do("POST", "/api/v1/blueprints", "instructor", bp); s != 201 && s != 409 {
		h.t.Fatalf("blueprint case-exam: %d %s", s, b)
	}
	return "case-exam"
}

// questionCount is how many questions the paper holds over all its sections (the skills
// paper: 问题, 论述 and 解析题).
func (a attemptJSON) questionCount() int {
	n := 0
	for _, s := range a.Sections {
		n += len(s.Questions)
	}
	return n
}

// startAndPath starts an attempt of blueprint as who and returns it and its path.
func (h *harness) startAndPath(who, blueprint string) (attemptJSON, string) {
	h.t.Helper()
	s, b := h.do("POST", "/api/v1/attempts", who, map[string]string{"blueprint": blueprint})
	if s != 201 {
		h.t.Fatalf("start %s: %d %s", blueprint, s, b)
	}
	a := decode[attemptJSON](h.t, b)
	return a, "/api/v1/attempts/" + itoa(a.ID)
}

type pendingJSON struct {
	Items []struct {
		Attempt   int64
		Candidate struct{ Username string }
		Cases     []grading.CaseReview
	}
}

func TestCaseGradingAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", h.caseExam())
		cases := a.Sections[0].Questions
		if len(cases) != 5 {
			t.Fatalf("L2-skills paper: %d cases", len(cases))
		}
		// The candidate answers the first case with the first keyword of its first 采分点
		// (read from the bank as an instructor: the paper hides the rubric).
		_, b := h.do("GET", "/api/v1/questions/"+itoa(cases[0].ID), "instructor", nil)
		q := decode[content.Question](t, b)
		keyword := q.Parts[0].Rubric[0].Keywords[0]
		answer := "我认为：" + keyword + "。"
		if s, b := h.do("PUT", path+"/answers/"+itoa(q.ID), "candidate", map[string]any{"parts": []string{answer}}); s != 200 {
			t.Fatalf("save case: %d %s", s, b)
		}
		gradePath := path + "/grades/" + itoa(q.ID)
		fullMarks := func(q content.Question) []content.Points {
			var s []content.Points
			for _, p := range q.Parts {
				for _, r := range p.Rubric {
					s = append(s, r.Score)
				}
			}
			return s
		}
		h.expectError(409, "", "PUT", gradePath, "instructor", map[string]any{"scores": fullMarks(q), "comment": "好"})

		s, b := h.do("POST", path+"/submit", "candidate", nil)
		res := decode[exam.Result](t, b)
		if s != 200 || res.Status != exam.PendingReview || res.Score != 0 || !res.Items[0].Pending {
			t.Fatalf("submit: %d %s", s, b)
		}
		hit := res.Items[0].Parts[0].Points[0]
		if hit.Suggested != q.Parts[0].Rubric[0].Score || len(hit.Hits) == 0 || string([]rune(answer)[hit.Hits[0].Start:hit.Hits[0].End]) != keyword {
			t.Fatalf("suggestion for the first point: %+v", hit)
		}

		// The review queue: the center's staff see it with answers, suggestions and hits.
		s, b = h.do("GET", "/api/v1/grading/pending", "instructor", nil)
		pending := decode[pendingJSON](t, b)
		if s != 200 || len(pending.Items) != 1 || pending.Items[0].Attempt != a.ID || pending.Items[0].Candidate.Username != "candidate" || len(pending.Items[0].Cases) != a.questionCount() {
			t.Fatalf("pending: %d %s", s, b)
		}
		first := pending.Items[0].Cases[0]
		if first.QuestionID != q.ID || first.Parts[0].Answer != answer || first.Parts[0].Rubric[0].Suggested != q.Parts[0].Rubric[0].Score ||
			len(first.Parts[0].Rubric[0].Hits) == 0 || first.Parts[0].Rubric[0].Keywords[0] != keyword || first.Graded {
			t.Fatalf("pending case: %+v", first)
		}
		if _, b := h.do("GET", "/api/v1/grading/pending", "instructor-b", nil); len(decode[pendingJSON](t, b).Items) != 0 {
			t.Fatalf("center b sees center a's queue: %s", b)
		}
		h.expectError(403, "", "GET", "/api/v1/grading/pending", "candidate", nil)

		// Bad grades.
		scores := fullMarks(q)
		h.expectError(403, "", "PUT", gradePath, "candidate", map[string]any{"scores": scores})
		h.expectError(404, "", "PUT", gradePath, "instructor-b", map[string]any{"scores": scores})
		h.expectError(404, "", "PUT", path+"/grades/99999999", "instructor", map[string]any{"scores": scores})
		h.expectError(422, "scores", "PUT", gradePath, "instructor", map[string]any{"scores": scores[1:], "comment": "好"})
		h.expectError(422, "comment", "PUT", gradePath, "instructor", map[string]any{"scores": scores, "comment": "  "})
		over := append([]content.Points{scores[0] + content.Pts(0.5)}, scores[1:]...)
		h.expectError(422, "scores[0]", "PUT", gradePath, "instructor", map[string]any{"scores": over, "comment": "好"})
		neg := append(append([]content.Points{}, scores[:1]...), content.Pts(-1))
		neg = append(neg, scores[2:]...)
		h.expectError(422, "scores[1]", "PUT", gradePath, "instructor", map[string]any{"scores": neg, "comment": "好"})
		h.expectError(400, "scores", "PUT", gradePath, "instructor", `{"scores": "all"}`)

		// Grade the first case with full marks but one point, then the rest with nothing.
		scores[0] = 0
		s, b = h.do("PUT", gradePath, "centeradmin", map[string]any{"scores": scores, "comment": "第一问未答到要点"})
		res = decode[exam.Result](t, b)
		if s != 200 || res.Status != exam.PendingReview || res.Items[0].Pending || res.Items[0].Comment != "第一问未答到要点" {
			t.Fatalf("first grade: %d %s", s, b)
		}
		rawMax, raw := q.MaxPoints(), q.MaxPoints()-q.Parts[0].Rubric[0].Score
		want := grading.CaseScore(&q, []content.Points{raw}, content.Pts(20))
		if res.Items[0].Score != want || res.Score != want || rawMax == 0 {
			t.Fatalf("first case %s, total %s; want %s", res.Items[0].Score, res.Score, want)
		}
		for _, c := range pending.Items[0].Cases[1:] {
			zero := []content.Points{}
			for _, p := range c.Parts {
				for range p.Rubric {
					zero = append(zero, 0)
				}
			}
			s, b = h.do("PUT", path+"/grades/"+itoa(c.QuestionID), "instructor", map[string]any{"scores": zero, "comment": "未作答"})
			if s != 200 {
				t.Fatalf("grade %d: %d %s", c.QuestionID, s, b)
			}
		}
		res = decode[exam.Result](t, b)
		if res.Status != exam.Graded || res.Passed || res.Score != want {
			t.Fatalf("all graded: %s", b)
		}
		s, b = h.do("GET", path+"/result", "candidate", nil)
		if got := decode[exam.Result](t, b); s != 200 || got.Status != exam.Graded || got.Score != want || got.Items[0].Parts[0].Points[0].Score != 0 ||
			got.Items[0].Parts[0].Points[1].Score != q.Parts[0].Rubric[1].Score {
			t.Fatalf("result after review: %d %s", s, b)
		}
		if _, b := h.do("GET", "/api/v1/attempts", "candidate", nil); !strings.Contains(string(b), `"status":"graded"`) {
			t.Fatalf("attempt list: %s", b)
		}
		if _, b := h.do("GET", "/api/v1/grading/pending", "instructor", nil); len(decode[pendingJSON](t, b).Items) != 0 {
			t.Fatalf("graded attempt still pending: %s", b)
		}
		// A changed grade rescores the graded attempt.
		scores[0] = q.Parts[0].Rubric[0].Score
		s, b = h.do("PUT", gradePath, "instructor", map[string]any{"scores": scores, "comment": "复核：第一问得分"})
		if res := decode[exam.Result](t, b); s != 200 || res.Score != content.Pts(20) || res.Status != exam.Graded {
			t.Fatalf("regrading a case: %d %s", s, b)
		}
	})
}

func TestGradesRefuseObjectiveQuestions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	a, path := h.startAndPath("candidate", exam.QuickQuiz)
	h.do("POST", path+"/submit", "candidate", nil)
	h.expectError(422, "question_id", "PUT", path+"/grades/"+itoa(a.Sections[0].Questions[0].ID), "instructor", map[string]any{"scores": []int{1}})
}

func TestRegradeAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", exam.L2Theory)
		item := a.Sections[0].Questions[0]
		chosen := item.Options[0].Key
		h.do("PUT", path+"/answers/"+itoa(item.ID), "candidate", map[string]any{"choice": []string{chosen}})
		_, b := h.do("POST", path+"/submit", "candidate", nil)
		before := decode[exam.Result](t, b)
		was := before.Items[0]
		if was.QuestionID != item.ID {
			t.Fatalf("first item %d, want %d", was.QuestionID, item.ID)
		}
		// The key is corrected (by an admin: a bundled question) so that the candidate's
		// choice flips from right to wrong or back.
		_, b = h.do("GET", "/api/v1/questions/"+itoa(item.ID), "admin", nil)
		q := decode[map[string]any](t, b)
		newKey := chosen
		if was.Correct {
			newKey = item.Options[1].Key
		}
		q["answer"] = []string{newKey}
		if s, b := h.do("PUT", "/api/v1/questions/"+itoa(item.ID), "admin", q); s != 200 {
			t.Fatalf("correct the key: %d %s", s, b)
		}
		rpath := "/api/v1/questions/" + itoa(item.ID) + "/regrade"
		h.expectError(403, "", "POST", rpath, "candidate", nil)
		h.expectError(404, "", "POST", "/api/v1/questions/99999999/regrade", "instructor", nil)
		// Another center regrades only its own attempts: none.
		s, b := h.do("POST", rpath, "instructor-b", nil)
		if r := decode[grading.Regraded](t, b); s != 200 || len(r.Attempts) != 0 {
			t.Fatalf("center b's regrade: %d %s", s, b)
		}
		s, b = h.do("POST", rpath, "instructor", nil)
		r := decode[grading.Regraded](t, b)
		delta := content.Pts(0.5)
		if was.Correct {
			delta = -delta
		}
		if s != 200 || r.Version != 2 || r.Changed != 1 || len(r.Attempts) != 1 || r.Attempts[0].Attempt != a.ID ||
			r.Attempts[0].OldVersion != 1 || r.Attempts[0].NewScore-r.Attempts[0].OldScore != delta {
			t.Fatalf("regrade: %d %s", s, b)
		}
		s, b = h.do("GET", path+"/result", "candidate", nil)
		after := decode[exam.Result](t, b)
		if s != 200 || after.Score != before.Score+delta || after.Items[0].Correct == was.Correct || len(after.History) != 1 ||
			after.History[0].NewVersion != 2 || after.History[0].QuestionID != item.ID || after.Sections[0].Score != before.Sections[0].Score+delta {
			t.Fatalf("result after regrade (before %s): %d %s", before.Score, s, b)
		}
		// Again: nothing left on the old version.
		if _, b := h.do("POST", rpath, "instructor", nil); len(decode[grading.Regraded](t, b).Attempts) != 0 {
			t.Fatalf("second regrade: %s", b)
		}
		// The attempt still shows the version it was given, with the key it had then.
		_, b = h.do("GET", path, "candidate", nil)
		if got := decode[attemptJSON](t, b).Sections[0].Questions[0].Key; len(got) != 1 || was.Correct && got[0] != chosen || !was.Correct && got[0] == chosen {
			t.Fatalf("review shows key %v", got)
		}
		// A center's own question is not another center's to regrade.
		_, b = h.do("POST", "/api/v1/questions", "instructor", singleChoice("中心甲自编：客户服务的特点不包括哪一项？"))
		own := decode[content.Question](t, b)
		h.expectError(404, "", "POST", "/api/v1/questions/"+itoa(own.ID)+"/regrade", "instructor-b", nil)
	})
}

func TestReportAPIRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", exam.QuickQuiz)
		h.expectError(409, "", "GET", path+"/report.pdf", "candidate", nil)
		h.expectError(404, "", "GET", "/api/v1/reports/verify/"+itoa(a.ID)+"-00000000", "", nil)
		_, b := h.do("POST", path+"/submit", "candidate", nil)
		res := decode[exam.Result](t, b)

		// The verify code of its report checks out without a login; an altered one does not.
		_, b = h.do("GET", "/api/v1/attempts", "candidate", nil)
		submitted := decode[[]struct {
			SubmittedAt time.Time `json:"submitted_at"`
		}](t, b)[0].SubmittedAt
		code := grading.VerifyCode(a.ID, res.Score, submitted)
		s, b := h.do("GET", "/api/v1/reports/verify/"+strings.ToLower(code), "", nil)
		v := decode[grading.Verification](t, b)
		if s != 200 || v.Attempt != a.ID || v.Score != res.Score || v.Blueprint != "快速小测" || v.Candidate != "candidate" || v.Center != "a" {
			t.Fatalf("verify %s: %d %s", code, s, b)
		}
		h.expectError(404, "", "GET", "/api/v1/reports/verify/"+grading.VerifyCode(a.ID, res.Score+content.Pts(10), submitted), "", nil)
		h.expectError(404, "", "GET", "/api/v1/reports/verify/not-a-code", "", nil)
		h.expectError(404, "", "GET", path+"/report.pdf", "candidate2", nil)
		h.expectError(404, "", "GET", path+"/report.pdf", "instructor-b", nil)
		h.expectError(404, "", "GET", "/api/v1/attempts/99999999/report.pdf", "candidate", nil)
		h.expectError(401, "", "GET", path+"/report.pdf", "", nil)
	})
}

// TestParallelGradesAllCount: instructors grading the cases of one attempt at the same
// moment (other servers, other tabs) each rescore under the attempt's row lock, so the
// last rescore sees every grade.
func TestParallelGradesAllCount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", h.caseExam())
		h.do("POST", path+"/submit", "candidate", nil)
		_, b := h.do("GET", "/api/v1/grading/pending", "instructor", nil)
		cases := decode[pendingJSON](t, b).Items[0].Cases
		errs := make(chan string, len(cases))
		for i, c := range cases {
			go func() {
				var full []content.Points
				for _, p := range c.Parts {
					for _, r := range p.Rubric {
						full = append(full, r.MaxScore)
					}
				}
				who := []string{"instructor", "centeradmin", "admin"}[i%3]
				if s, b := h.do("PUT", path+"/grades/"+itoa(c.QuestionID), who, map[string]any{"scores": full, "comment": "要点齐全"}); s != 200 {
					errs <- string(b)
					return
				}
				errs <- ""
			}()
		}
		for range cases {
			if e := <-errs; e != "" {
				t.Fatal(e)
			}
		}
		_, b = h.do("GET", path+"/result", "candidate", nil)
		if r := decode[exam.Result](t, b); r.Status != exam.Graded || r.Score != content.Pts(100) || !r.Passed || r.Attempt != a.ID {
			t.Fatalf("after parallel grades: %s", b)
		}
	})
}

// pdfText extracts a PDF's text with poppler's pdftotext (apt: poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	return string(out)
}

func TestReportPDF(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", exam.QuickQuiz)
		q := a.Sections[0].Questions[0]
		h.do("PUT", path+"/answers/"+itoa(q.ID), "candidate", map[string]any{"choice": []string{q.Options[0].Key}})
		_, b := h.do("POST", path+"/submit", "candidate", nil)
		res := decode[exam.Result](t, b)
		for _, who := range []string{"candidate", "instructor"} {
			req := httptest.NewRequest("GET", path+"/report.pdf", nil)
			req.Header.Set("Authorization", "Bearer "+h.tokens[who])
			resp, err := h.srv.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			pdf, _ := io.ReadAll(resp.Body)
			disp := resp.Header.Get("Content-Disposition")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) ||
				!strings.Contains(disp, `filename="csmexam-report-`+itoa(a.ID)+`.pdf"`) || !strings.Contains(disp, "filename*=UTF-8''%E6%88%90%E7%BB%A9%E5%8D%95-") {
				t.Fatalf("report as %s: %d %q %q %.40q", who, resp.StatusCode, resp.Header.Get("Content-Type"), disp, pdf)
			}
			text := pdfText(t, pdf)
			for _, want := range []string{"快速小测", "candidate", res.Score.String()} {
				if !strings.Contains(text, want) {
					t.Fatalf("the report does not show %q:\n%s", want, text)
				}
			}
		}
	})
}
