package web_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// noSideScroll fails unless the page fits the viewport's width: charts and tables must
// scale or scroll inside their own boxes on a phone.
func (b *browser) noSideScroll(what string) {
	b.t.Helper()
	if w := eval[[]int](b, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		b.t.Errorf("%s: the page is %d px wide in a %d px viewport", what, w[0], w[1])
	}
}

// TestBrowserStats: an instructor opens the item analysis of a seeded blueprint, finds
// the wrong-keyed question flagged with a link to its editor and its option chart, sorts
// the table by discrimination, then the class page of a cohort with its histogram, heat
// map and trends; both fit a 360 px phone. Screenshots in testdata/out/screenshots.
func TestBrowserStats(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	wrong, _, cohort := b.h.seedStats(240)
	b.login("instructor")

	b.open("/stats/items?blueprint=" + exam.L2Theory)
	b.until("the item table", `document.querySelectorAll("#item-table tbody tr").length > 10`)
	row := `document.querySelector('#item-table a[href="/questions/` + itoa(wrong.ID) + `/edit"]')`
	b.until("the wrong key flagged with its editor link", `!!`+row+` && `+row+`.closest("tr").textContent.includes("答案可能有误")`)
	chart := `document.querySelector("#q` + itoa(wrong.ID) + `-` + strconv.Itoa(wrong.Version) + ` svg.chart")`
	b.until("its option chart", `!!`+chart+` && `+chart+`.querySelectorAll("rect").length >= 8`)
	b.steps("sort by discrimination", chromedp.Click(chromedp.CSS(`#item-table th:nth-child(5)`)))
	sorted := eval[[]float64](b, `Array.from(document.querySelectorAll("#item-table tbody tr td:nth-child(5)")).map(td => parseFloat(td.dataset.value)).filter(v => !isNaN(v))`)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] < sorted[i-1] {
			t.Fatalf("discrimination not ascending after a click: %v", sorted)
		}
	}
	if len(sorted) == 0 || sorted[0] >= 0 {
		t.Fatalf("the wrong key's negative discrimination should come first: %v", sorted)
	}
	b.shoot("stats-items")
	b.viewport(360, 740, true)
	b.noSideScroll("item analysis")
	b.steps("scroll to the flagged question's chart", chromedp.ScrollIntoView(chromedp.ID("q"+itoa(wrong.ID)+"-"+strconv.Itoa(wrong.Version))))
	b.shootHere("stats-options")

	b.open("/stats/class?blueprint=" + exam.L2Theory + "&cohort=" + itoa(cohort))
	b.until("the histogram with its pass line", `!!document.querySelector("#class-summary svg.chart line[stroke-dasharray]")`)
	b.until("the heat map and the trends", `document.querySelectorAll("#class-mastery svg rect").length >= 3 && !!document.querySelector("#class-trends svg polyline")`)
	b.shoot("stats-class")
	b.viewport(360, 740, true)
	b.noSideScroll("class page")
	b.steps("scroll to the heat map", chromedp.ScrollIntoView(chromedp.ID("class-mastery")))
	b.shootHere("stats-class-mastery")

	// The bank shows the observed difficulty beside the authored one, with its responses.
	if _, err := b.h.srv.Grades.Calibrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.viewport(1280, 800, false)
	b.open("/questions?unit=" + wrong.Unit)
	cell := `Array.from(document.querySelectorAll("td[data-label='难度 标注/实测（人次）']")).map(td => td.textContent)`
	b.until("the observed difficulty in the bank", cell+`.some(t => /^\d \/ \d（\d+）$/.test(t))`)
	b.shoot("bank-observed-difficulty")
	b.noSideScroll("bank page")
}

// shootHere saves what a phone shows now, scrolled where the test left it.
func (b *browser) shootHere(name string) {
	b.t.Helper()
	b.until("layout", `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	b.do("screenshot "+name, err)
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+"-phone.png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestBrowserWeakPractice: a candidate with seeded mocks sees their weakest knowledge
// points on the dashboard, asks for 薄弱点练习, reads why each question was chosen and
// starts it; every question of the practice lies beneath one of the weak points.
func TestBrowserWeakPractice(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.h.seedStats(60)
	b.login("candidate")
	b.until("the weak points", `!document.querySelector("#weakpoints").hidden && document.querySelectorAll("#weak-list li").length > 0`)
	units := eval[[]string](b, `Array.from(document.querySelectorAll("#weak-list li")).map(li => li.dataset.unit)`)
	b.steps("ask for the practice", chromedp.Click(chromedp.ID("weak-practice")))
	b.until("the picks with their reasons", `!document.querySelector("#weak-picks").hidden && Array.from(document.querySelectorAll("#weak-pick-list li")).every(li => li.textContent.includes("掌握度"))`)
	b.shoot("weak-practice")
	b.steps("start it", chromedp.Click(chromedp.ID("weak-start")))
	b.until("the practice paper", `location.pathname.startsWith("/exam/") && document.querySelectorAll(".options").length > 0`)
	id, _ := strconv.ParseInt(strings.TrimPrefix(b.path(), "/exam/"), 10, 64)
	a := b.serverAttempt(id)
	n := 0
	for _, sec := range a.Sections {
		for _, q := range sec.Questions {
			n++
			_, body := b.h.do("GET", "/api/v1/questions/"+itoa(q.ID), "instructor", nil)
			unit := decode[content.Question](t, body).Unit
			if !slices.ContainsFunc(units, func(u string) bool { return content.Beneath(unit, u) }) {
				t.Errorf("question %d (%s) is beneath none of the weak points %v", q.ID, unit, units)
			}
		}
	}
	if n == 0 {
		t.Fatal("the practice holds no questions")
	}
	// The paper says why each question was chosen: its point's mastery in plain words.
	_, body := b.h.do("GET", "/api/v1/attempts/"+itoa(id), "candidate", nil)
	reasons := decode[struct{ Reasons map[string]string }](t, body).Reasons
	if len(reasons) != n {
		t.Fatalf("%d reasons for %d questions", len(reasons), n)
	}
	for q, r := range reasons {
		if !strings.HasPrefix(r, "知识点「") || !strings.Contains(r, "掌握度") || !strings.Contains(r, "题答对") {
			t.Errorf("question %s: reason %q", q, r)
		}
	}
	b.viewport(360, 740, true)
	b.until("the reason on the paper", `(document.querySelector("#question .reason") || {}).textContent?.startsWith("选题原因：知识点「")`)
	b.noSideScroll("weak-point practice paper")
	b.shootHere("weak-practice-paper")
}
