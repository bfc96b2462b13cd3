package web_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/csmexam/csmexam/exam"
)

// mockWithGaps sits a mock of blueprint through the API as candidate: the first wrong
// questions answered wrong, the next right ones answered right, the rest left unanswered,
// and submits it. It returns the attempt's id and its questions in order.
func (h *harness) mockWithGaps(blueprint string, wrong, right int) (int64, []questionJSON) {
	h.t.Helper()
	a, path := h.startAndPath("candidate", blueprint)
	qs := a.questions()
	for i, q := range qs[:wrong+right] {
		choice := h.keyOf(q.ID)
		if i < wrong {
			choice = h.missOf(q.ID, q.Options)
		}
		if s, b := h.do("PUT", path+"/answers/"+itoa(q.ID), "candidate", map[string]any{"choice": choice}); s != 200 {
			h.t.Fatalf("answer %d: %d %s", q.ID, s, b)
		}
	}
	if s, b := h.do("POST", path+"/submit", "candidate", nil); s != 200 {
		h.t.Fatalf("submit: %d %s", s, b)
	}
	return a.ID, qs
}

// TestBrowserResultPage: the result page of a 180-question mock with 20 wrong answers,
// 3 right and the rest unanswered, on a phone and a desktop: summary first, the chapter
// chart with its table for screen readers, the index, only the wrong answers by default,
// collapsed until opened, and the unanswered or all of them on request.
func TestBrowserResultPage(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	id, qs := b.h.mockWithGaps(exam.L2Theory, 20, 3)
	b.login("candidate")
	b.viewport(360, 740, true)
	b.open("/attempts/" + itoa(id) + "/result")
	b.until("the result page", `!!document.querySelector("#score")`)
	wrongOnly := eval[int](b, `document.documentElement.scrollHeight`)
	if !eval[bool](b, `document.querySelector("#summary").getBoundingClientRect().top < document.querySelector("#chapter-chart").getBoundingClientRect().top &&
		document.querySelector("#chapter-chart").getBoundingClientRect().top < document.querySelector("#index").getBoundingClientRect().top &&
		document.querySelector("#index").getBoundingClientRect().top < document.querySelector("#review-list").getBoundingClientRect().top`) {
		t.Fatal("the result page is not summary, chart, index, review in that order")
	}
	if got := eval[string](b, `document.querySelector(".tally").innerText`); got != "答对 3 · 答错 20 · 未作答 157" {
		t.Fatalf("tally %q", got)
	}
	// The chart is drawn on the server, hidden from screen readers, which read the table.
	if !eval[bool](b, `document.querySelectorAll("#chapter-chart .chart-bar").length > 3 && document.querySelector("#chapter-chart").getAttribute("aria-hidden") === "true" &&
		document.querySelectorAll(".sr-only table tbody tr").length === document.querySelectorAll("#chapter-chart .chart-bar").length &&
		document.querySelector(".sr-only").getBoundingClientRect().width <= 1`) {
		t.Fatalf("chapter chart or its table for screen readers: %v", eval[[]float64](b, `[document.querySelectorAll("#chapter-chart .chart-bar").length, document.querySelectorAll(".sr-only table tbody tr").length, document.querySelector(".sr-only").getBoundingClientRect().width]`))
	}
	// The index: every question, coloured by outcome.
	counts := eval[map[string]int](b, `({all: document.querySelectorAll(".index-cells .cell").length, right: document.querySelectorAll(".index-cells .cell.right").length,
		wrong: document.querySelectorAll(".index-cells .cell.wrong").length, unanswered: document.querySelectorAll(".index-cells .cell.unanswered").length})`)
	if counts["all"] != len(qs) || counts["right"] != 3 || counts["wrong"] != 20 || counts["unanswered"] != len(qs)-23 {
		t.Fatalf("index cells: %v", counts)
	}
	if eval[string](b, `getComputedStyle(document.querySelector(".index-cells .cell.wrong")).backgroundColor`) == eval[string](b, `getComputedStyle(document.querySelector(".index-cells .cell.right")).backgroundColor`) {
		t.Fatal("wrong and right cells look the same")
	}
	// Only the wrong answers by default, collapsed.
	if n := eval[int](b, `document.querySelectorAll("#review-list details.wrong").length`); n != 20 || eval[int](b, `document.querySelectorAll("#review-list details").length`) != 20 ||
		eval[int](b, `document.querySelectorAll("#review-list details[open]").length`) != 0 ||
		eval[string](b, `document.querySelector(".filters-nav [aria-current]").dataset.show`) != "wrong" {
		t.Fatalf("the default filter shows %d wrong items", n)
	}
	b.shoot("result-wrong-only") // ends at 1280 px
	desktop := eval[int](b, `document.documentElement.scrollHeight`)
	b.viewport(360, 740, true)
	eval[bool](b, `document.querySelector("#chapters-title").scrollIntoView(), true`)
	b.shoot("result-chart-index")
	b.viewport(360, 740, true)
	// Opening one shows the options, the two answers and the explanation.
	b.steps("open the first item", chromedp.Click(chromedp.CSS(`#review-list details summary`)))
	b.until("the item open", `document.querySelector("#review-list details").open && document.querySelector("#review-list details .review-options li.key") !== null`)
	b.shoot("result-item-open")
	b.viewport(360, 740, true)
	// An unanswered question from the index: the page switches to all and opens it.
	b.steps("index cell of an unanswered question", chromedp.Click(chromedp.CSS(`.index-cells .cell[data-n="100"]`)))
	b.until("question 100 open", `location.search === "?show=all" && location.hash === "#q100" && document.querySelector("#q100 details").open`)
	all := eval[int](b, `document.documentElement.scrollHeight`)
	if n := eval[int](b, `document.querySelectorAll("#review-list details").length`); n != len(qs) {
		t.Fatalf("all shows %d items", n)
	}
	b.open("/attempts/" + itoa(id) + "/result?show=unanswered")
	b.until("the unanswered", `document.querySelectorAll("#review-list details.unanswered").length === 157 && document.querySelectorAll("#review-list details").length === 157`)
	t.Logf("%d questions; page height: %d px at 360 px and %d px at 1280 px wrong only (the default), %d px at 360 px all (collapsed)", len(qs), wrongOnly, desktop, all)
}

// TestBrowserWrongBookAndPracticeLock: after a quick quiz with 3 wrong answers, 2 right
// and 5 unanswered, the dashboard shows 3 in the 错题本 and 5 on the 未作答 list, which
// clears; the 错题本's practice says why each question is there, and an answer, once its
// key shows, is locked and marked by the key, on a phone and a desktop.
func TestBrowserWrongBookAndPracticeLock(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.h.mockWithGaps(exam.QuickQuiz, 3, 2)
	b.login("candidate")
	b.viewport(360, 740, true)
	b.until("the 错题本 and the 未作答 list", `!document.querySelector("#wrongbook").hidden && !document.querySelector("#unanswered").hidden`)
	if got := eval[[]string](b, `[document.querySelector("#wrongbook-count").textContent, document.querySelector("#wrongbook-due").textContent, document.querySelector("#unanswered-count").textContent]`); !slices.Equal(got, []string{"3", "3", "5"}) {
		t.Fatalf("wrong, due, unanswered: %v", got)
	}
	if !strings.Contains(eval[string](b, `document.querySelector("#wrongbook-rule").textContent`), "在两次不同的练习中都答对才移出") {
		t.Fatal("the page does not say when a question leaves the book")
	}
	eval[bool](b, `document.querySelector("#wrongbook").scrollIntoView(), true`)
	b.shoot("wrongbook-dashboard")
	b.viewport(360, 740, true)
	eval[bool](b, `document.querySelector("table.history").scrollIntoView(), true`)
	b.shoot("dashboard-history")
	b.viewport(360, 740, true)
	// Clearing the 未作答 list asks twice.
	b.steps("clear, once", chromedp.Click(chromedp.CSS(`#unanswered-clear`)))
	b.until("the clear button armed", `document.querySelector("#unanswered-clear").classList.contains("armed")`)
	b.steps("clear, twice", chromedp.Click(chromedp.CSS(`#unanswered-clear`)))
	b.until("the list gone", `document.querySelector("#unanswered").hidden`)
	b.open("/")
	b.until("the dashboard again", `!document.querySelector("#wrongbook").hidden`)
	if !eval[bool](b, `document.querySelector("#unanswered").hidden`) {
		t.Fatal("the cleared 未作答 list is back")
	}

	// The practice of the book: each question says why it was chosen.
	b.steps("practise the book", chromedp.Click(chromedp.CSS(`#wrongbook-practice`)))
	b.until("the practice", `location.pathname.startsWith("/exam/") && !!document.querySelector("#question .option")`)
	if got := eval[string](b, `document.querySelector("#question .reason").textContent`); !strings.HasPrefix(got, "选题原因：到期复习：答错 1 次") {
		t.Fatalf("reason %q", got)
	}
	qid, _ := strconv.ParseInt(eval[string](b, `document.querySelector("#question").dataset.question`), 10, 64)
	key := b.h.keyOf(qid)
	miss := eval[int](b, fmt.Sprintf(`Array.from(document.querySelectorAll("#question .option input")).findIndex(x => !%s.includes(x.value))`, jsList(key)))
	multiple := eval[bool](b, `document.querySelector("#question .option input").type === "checkbox"`)
	b.steps("a wrong answer", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#question .option:nth-child(%d)`, miss+1))))
	if multiple {
		b.steps("confirm it", chromedp.Click(chromedp.CSS(`#confirm-answer`)))
	}
	b.until("the key shown and the answer locked", `document.querySelector("#reveal.wrong") !== null && !document.querySelector("#reveal").hidden &&
		Array.from(document.querySelectorAll("#question .option input")).every(x => x.disabled)`)
	if !eval[bool](b, `document.querySelectorAll("#question .option.key").length > 0 && document.querySelectorAll("#question .option.miss").length === 1 &&
		getComputedStyle(document.querySelector("#question .option.miss")).backgroundColor !== getComputedStyle(document.querySelector("#question .option.key")).backgroundColor`) {
		t.Fatal("the options are not marked by the key")
	}
	b.shoot("practice-locked")
	b.viewport(360, 740, true)
	// A tap on the key changes nothing, here or on the server; a reload keeps the lock.
	b.steps("tap the key", chromedp.Click(chromedp.CSS(`#question .option.key`)))
	b.open(eval[string](b, `location.pathname`))
	b.until("the locked answer after a reload", `document.querySelector("#question .option.miss input:checked") !== null &&
		Array.from(document.querySelectorAll("#question .option input")).every(x => x.disabled)`)
	attempt := eval[string](b, `location.pathname.split("/")[2]`)
	id, _ := strconv.ParseInt(attempt, 10, 64)
	if got := b.serverAttempt(id).Answers[itoa(qid)].Choice; slices.Equal(got, key) || len(got) == 0 {
		t.Fatalf("the server holds %v (key %v)", got, key)
	}
}

// jsList writes strs as a JavaScript array literal.
func jsList(strs []string) string {
	q := make([]string, len(strs))
	for i, s := range strs {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ",") + "]"
}
