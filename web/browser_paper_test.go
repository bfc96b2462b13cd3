package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/exam"
)

// TestBrowserPrintPaper: an instructor prints a paper from the blueprints page — the seed
// field offers a random seed, 换一个种子 draws another, a typed seed and a chosen
// blueprint go into the 试卷, 参考答案 and 答题卡 links, which download PDFs — and prints
// a candidate's attempt from its result page; the candidate's own result page has no
// such links. The form fits a 360 px phone.
func TestBrowserPrintPaper(t *testing.T) {
	b := newBrowser(t)
	_, path := b.h.startAndPath("candidate", exam.QuickQuiz)
	if s, body := b.h.do("POST", path+"/submit", "candidate", nil); s != 200 {
		t.Fatalf("submit %d %s", s, body)
	}

	b.login("instructor")
	b.open("/blueprints")
	b.until("the print form", `!!document.getElementById("print-form")`)
	hrefs := func() []string {
		return eval[[]string](b, `Array.from(document.querySelectorAll(".print-actions a")).map(a => a.getAttribute("href"))`)
	}
	seed := eval[string](b, `document.getElementById("print-seed").value`)
	if !regexp.MustCompile(`^[1-9]\d{5}$`).MatchString(seed) {
		t.Fatalf("the seed field offers %q, want six digits", seed)
	}
	first := eval[string](b, `document.getElementById("print-code").value`)
	for i, part := range []string{"paper", "key", "sheet"} {
		if want := "/api/v1/blueprints/" + first + "/paper.pdf?seed=" + seed + "&part=" + part; hrefs()[i] != want {
			t.Fatalf("link %d: %q, want %q", i, hrefs()[i], want)
		}
	}
	b.steps("another seed", chromedp.Click(chromedp.ID("print-new-seed")))
	if again := eval[string](b, `document.getElementById("print-seed").value`); again == seed || !strings.Contains(hrefs()[0], "seed="+again) {
		t.Fatalf("换一个种子: %q (was %q), links %v", again, seed, hrefs())
	}
	eval[bool](b, `(s => (s.value = "quick-quiz", s.dispatchEvent(new Event("change", {bubbles: true})), true))(document.getElementById("print-code"))`)
	eval[bool](b, `(document.getElementById("print-seed").value = "", true)`)
	b.steps("type seed 7", chromedp.SendKeys(chromedp.ID("print-seed"), "7"))
	want := []string{"/api/v1/blueprints/quick-quiz/paper.pdf?seed=7&part=paper", "/api/v1/blueprints/quick-quiz/paper.pdf?seed=7&part=key", "/api/v1/blueprints/quick-quiz/paper.pdf?seed=7&part=sheet"}
	if got := hrefs(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("links %v, want %v", got, want)
	}
	for _, h := range want {
		if ct, head := b.fetchHead(h); ct != "application/pdf" || head != "25504446" {
			t.Fatalf("%s: %s %s", h, ct, head)
		}
	}
	b.shootAt("blueprints-print", "#print")
	b.viewport(360, 740, true)
	b.noSideScroll("blueprints page")

	b.viewport(1280, 800, false)
	b.open(path[len("/api/v1"):] + "/result")
	b.until("the print links of the attempt", `!!document.getElementById("print-key")`)
	if ct, head := b.fetchHead(eval[string](b, `document.getElementById("print-key").getAttribute("href")`)); ct != "application/pdf" || head != "25504446" {
		t.Fatalf("the attempt's key: %s %s", ct, head)
	}
	b.shootAt("result-print", ".print-actions")

	b.switchUser("candidate")
	b.open(path[len("/api/v1"):] + "/result")
	b.until("the result page", `!!document.getElementById("summary")`)
	if eval[bool](b, `!!document.querySelector(".print-actions")`) {
		t.Fatal("a candidate's result page offers to print the paper and its key")
	}
}
