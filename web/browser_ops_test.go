package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/exam"
)

// TestBrowserSubmitRetries: a submit lost on the way (a keep-alive connection closed
// under it: the browser's fetch fails) is sent again by the page, which then shows the
// result; the server finalised the attempt once.
func TestBrowserSubmitRetries(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	s, body := b.h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.QuickQuiz})
	if s != 201 {
		t.Fatalf("start %d %s", s, body)
	}
	open := decode[attemptJSON](t, body).ID
	b.login("candidate")
	b.open("/exam/" + itoa(open))
	b.until("the first question", `!!document.querySelector("#question .option")`)
	b.answerCurrent()
	// The first submit request fails as a reset connection does; the rest go through.
	b.until("a fetch that loses the first submit", `(() => {
		const real = window.fetch;
		window.lostSubmits = 0;
		window.fetch = function (path, init) {
			if (String(path).endsWith("/submit") && window.lostSubmits === 0) {
				window.lostSubmits++;
				return Promise.reject(new TypeError("Failed to fetch"));
			}
			return real.apply(this, arguments);
		};
		return true;
	})()`)
	b.steps("submit", chromedp.Click(chromedp.ID("submit")))
	b.steps("confirm", chromedp.Click(chromedp.ID("confirm-submit")))
	b.until("the result page after the resent submit", `location.pathname === "/attempts/`+itoa(open)+`/result"`)
	a := b.serverAttempt(open)
	if a.Status != string(exam.Graded) || len(a.Answers) != 1 {
		t.Fatalf("after the submit: status %s with %d answers", a.Status, len(a.Answers))
	}
}
