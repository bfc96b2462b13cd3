package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/examtest"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/itemstats"
	"github.com/xuri/excelize/v2"
)

// seedStats seeds n graded L2-theory sittings of center a's two candidates (one of them
// in a cohort) straight into the tables, one single-choice question's key wrong, and
// returns that question, the distractor the knowing candidates choose and the cohort.
func (h *harness) seedStats(n int) (wrong content.Question, distractor string, cohort int64) {
	h.t.Helper()
	ctx := context.Background()
	bank, err := h.srv.Content.Bank(ctx, []int64{0})
	if err != nil {
		h.t.Fatal(err)
	}
	// Fifty single-choice questions spread over the chapters, for a heat map with columns.
	var singles []content.Question
	for _, q := range bank {
		if q.Type == content.Single {
			singles = append(singles, q)
		}
	}
	var pool []content.Question
	for i := 0; len(pool) < 50 && i < len(singles); i++ {
		pool = append(pool, singles[i*len(singles)/50])
	}
	wrong = pool[0]
	for _, k := range wrong.OptionKeys() {
		if !slices.Contains(wrong.Answer, k) {
			distractor = k
			break
		}
	}
	cand, cand2 := h.userID("candidate"), h.userID("candidate2")
	var center int64
	if err := h.g.Table("users").Where("id = ?", cand).Pluck("center_id", &center).Error; err != nil {
		h.t.Fatal(err)
	}
	spec := examtest.Spec{Blueprint: exam.L2Theory, Center: center, Candidates: []int64{cand, cand2}, Sittings: n, Questions: pool,
		PerPaper: 30, PointsEach: 100, PassScore: 1800, Start: time.Now().Add(-time.Duration(n+60) * time.Minute), WrongKey: wrong.ID,
		WrongChoice: distractor, Seed: 3}
	if _, err := examtest.Seed(ctx, h.g, spec); err != nil {
		h.t.Fatal(err)
	}
	return wrong, distractor, h.cohortOf("instructor", "统计一班", "candidate")
}

// TestStatsAPI: through the API an instructor finds the question whose key is wrong
// flagged, with its editor's link on the page; the class statistics count the cohort's
// sittings only; both export as XLSX with one sheet per view and a native chart; another
// center's instructor sees none of it; a candidate may not ask.
func TestStatsAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		wrong, distractor, cohort := h.seedStats(240)

		status, body := h.do("GET", "/api/v1/stats/items?blueprint="+exam.L2Theory, "instructor", nil)
		if status != 200 {
			t.Fatalf("item stats %d %s", status, body)
		}
		an := decode[grading.ItemAnalysis](t, body)
		if an.Paper.N != 240 || an.PassScore != 18 {
			t.Fatalf("paper %+v pass %v", an.Paper, an.PassScore)
		}
		found := false
		for _, it := range an.Items {
			if it.QuestionID != wrong.ID {
				continue
			}
			found = true
			if !slices.Contains(it.Flags, "key_may_be_wrong") {
				t.Errorf("the wrong key is not flagged: %+v", it)
			}
			for _, o := range it.Options {
				if o.Option == distractor && o.Key {
					t.Errorf("distractor %s reported as the key", distractor)
				}
			}
		}
		if !found {
			t.Fatalf("question %d missing from the analysis", wrong.ID)
		}

		for _, path := range []string{"/stats/items", "/stats/class"} {
			if st, html, _ := h.page(path, "centeradmin"); st != 200 || !strings.Contains(html, "请选择试卷后查看") {
				t.Fatalf("%s without a blueprint: %d", path, st)
			}
		}
		st, html, _ := h.page("/stats/items?blueprint="+exam.L2Theory, "instructor")
		if st != 200 || !strings.Contains(html, `href="/questions/`+itoa(wrong.ID)+`/edit"`) || !strings.Contains(html, "答案可能有误") || !strings.Contains(html, "<svg") {
			t.Fatalf("item page %d lacks the flag, its editor link or a chart", st)
		}

		status, body = h.do("GET", "/api/v1/stats/class?blueprint="+exam.L2Theory+"&cohort="+itoa(cohort), "instructor", nil)
		if status != 200 {
			t.Fatalf("class stats %d %s", status, body)
		}
		cs := decode[grading.ClassStats](t, body)
		if cs.N != 120 || len(cs.Candidates) != 1 || len(cs.Candidates[0].Trend) != 120 || len(cs.Histogram) != grading.HistogramBins || len(cs.Chapters) == 0 {
			t.Fatalf("class stats n %d, candidates %d, bins %d, chapters %d", cs.N, len(cs.Candidates), len(cs.Histogram), len(cs.Chapters))
		}
		sum := 0
		for _, b := range cs.Histogram {
			sum += b.Count
		}
		if sum != cs.N {
			t.Errorf("histogram holds %d of %d sittings", sum, cs.N)
		}
		st, html, _ = h.page("/stats/class?blueprint="+exam.L2Theory+"&cohort="+itoa(cohort), "instructor")
		if st != 200 || strings.Count(html, "<svg") < 3 || !strings.Contains(html, "合格线") {
			t.Fatalf("class page %d: %d charts", st, strings.Count(html, "<svg"))
		}

		for path, want := range map[string][]string{
			"/api/v1/stats/items?format=xlsx&blueprint=" + exam.L2Theory: {"试卷", "题目", "选项"},
			"/api/v1/stats/class?format=xlsx&blueprint=" + exam.L2Theory: {"成绩分布", "掌握度", "历次成绩"},
		} {
			st, kind, b := h.download(path, "instructor")
			if st != 200 || !strings.Contains(kind, "spreadsheetml") {
				t.Fatalf("%s: %d %s", path, st, kind)
			}
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.GetSheetList(); !slices.Equal(got, want) {
				t.Errorf("%s: sheets %v, want %v", path, got, want)
			}
			if !bytes.Contains(b, []byte("xl/charts/chart1.xml")) {
				t.Errorf("%s: no native chart in the workbook", path)
			}
			f.Close()
		}
		// The item workbook charts every flagged question's options, the wrong key's first.
		var flagged []int64
		for _, it := range an.Items {
			if len(it.Options) > 0 && len(it.Flags) > 0 && !slices.Equal(it.Flags, []itemstats.Flag{itemstats.FlagTooFew}) {
				flagged = append(flagged, it.QuestionID)
			}
		}
		_, _, b := h.download("/api/v1/stats/items?format=xlsx&blueprint="+exam.L2Theory, "instructor")
		titles := chartTitles(t, b)
		if len(flagged) < 2 || len(titles) != min(len(flagged), grading.MaxOptionCharts) || !strings.HasPrefix(titles[0], "第 "+itoa(wrong.ID)+" 题") {
			t.Fatalf("%d flagged questions, charts %q", len(flagged), titles)
		}
		for _, id := range flagged[:len(titles)] {
			if !slices.ContainsFunc(titles, func(s string) bool { return strings.HasPrefix(s, "第 "+itoa(id)+" 题") }) {
				t.Errorf("flagged question %d has no chart", id)
			}
		}

		status, body = h.do("GET", "/api/v1/stats/items?blueprint="+exam.L2Theory, "instructor-b", nil)
		var other grading.ItemAnalysis
		if status != 200 || json.Unmarshal(body, &other) != nil || other.Paper.N != 0 {
			t.Fatalf("another center's instructor: %d %s", status, body)
		}
		h.expectError(403, "", "GET", "/api/v1/stats/items?blueprint="+exam.L2Theory, "candidate", nil)
		h.expectError(422, "blueprint", "GET", "/api/v1/stats/class", "instructor", nil)
		h.expectError(422, "format", "GET", "/api/v1/stats/items?format=pdf&blueprint="+exam.L2Theory, "instructor", nil)
	})
}

// chartTitles are the titles of a workbook's native charts, in the order of their parts.
func chartTitles(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := 1; ; i++ {
		f, err := zr.Open(fmt.Sprintf("xl/charts/chart%d.xml", i))
		if err != nil {
			return out
		}
		x, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`<a:t>([^<]*)</a:t>`).FindSubmatch(x)
		if m == nil {
			t.Fatalf("chart %d has no title", i)
		}
		out = append(out, string(m[1]))
	}
}
