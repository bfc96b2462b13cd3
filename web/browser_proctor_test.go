package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
)

// An assignment's own page and its live view (监考) in the browser.

// TestBrowserAssignmentPage: a center admin reads the roster (sortable), is refused an
// edit whose window closes before it opens (the field marked, nothing saved), saves a
// title and attempts, and adds and removes a candidate's extension; at 1280 and 360 px.
func TestBrowserAssignmentPage(t *testing.T) {
	b := newBrowser(t)
	h := b.h
	h.addUser("candidate3", "a", account.Candidate)
	k := h.cohortOf("instructor", "周六班", "candidate", "candidate2", "candidate3")
	now := time.Now().UTC()
	x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": k,
		"opens_at": now.Add(-time.Minute), "closes_at": now.Add(2 * time.Hour), "attempts_allowed": 3})
	done := h.startAssigned("candidate", x.ID)
	for n := range 6 {
		h.answer("candidate", done, n)
	}
	h.submitAs("candidate", done.ID)
	sitting := h.startAssigned("candidate3", x.ID)
	h.answer("candidate3", sitting, 0)

	b.login("centeradmin")
	b.open("/center/assignments")
	b.until("the assignment's link", fmt.Sprintf(`!!document.querySelector('a[href="/assignments/%d"]')`, x.ID))
	b.steps("open the assignment", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/assignments/%d"]`, x.ID))))
	b.until("the roster", `document.querySelectorAll("#roster-rows tr[data-user]").length === 3`)
	states := eval[string](b, `Array.from(document.querySelectorAll("#roster-rows tr")).map(r => r.dataset.user + ":" + r.children[1].textContent).join(",")`)
	if states != "candidate:已交卷,candidate2:未开始,candidate3:作答中" {
		t.Fatalf("roster %s", states)
	}
	if got := eval[string](b, `document.querySelector('#roster-rows tr[data-user="candidate"]').textContent`); !strings.Contains(got, "/ 10") || !strings.Contains(got, "格") {
		t.Fatalf("the submitted candidate's line lacks score or verdict: %s", got)
	}
	b.steps("sort by state", chromedp.Click(chromedp.CSS(`#roster-table button[data-sort=state]`)))
	b.until("sorted by state", `Array.from(document.querySelectorAll("#roster-rows tr")).map(r => r.dataset.user).join() === "candidate2,candidate3,candidate"`)
	b.shoot("assignment-roster")

	// A window that closes before it opens: refused, the field named and marked, nothing saved.
	b.steps("a wrong window",
		chromedp.SetValue(chromedp.CSS(`#assignment-edit input[name=title]`), "周六模考"),
		chromedp.SetValue(chromedp.CSS(`#assignment-edit input[name=closes_at]`), "2020-01-01T08:00"),
		chromedp.Click(chromedp.CSS(`#assignment-edit button[type=submit]`)))
	b.until("the refusal", `!document.querySelector("#edit-error").hidden && document.querySelector("#edit-error").textContent === "截止时间必须晚于开放时间" &&
		document.querySelector("#assignment-edit input[name=closes_at]").getAttribute("aria-invalid") === "true"`)
	b.shootAt("assignment-edit-refused", "#assignment-edit")
	if _, body := h.do("GET", "/api/v1/assignments/"+itoa(x.ID), "instructor", nil); decode[exam.Assignment](t, body).Title != "快速小测" {
		t.Fatalf("a refused edit saved something: %s", body)
	}
	b.steps("a right window",
		chromedp.SetValue(chromedp.CSS(`#assignment-edit input[name=closes_at]`), "2099-01-01T08:00"),
		chromedp.SetValue(chromedp.CSS(`#assignment-edit input[name=attempts_allowed]`), "2"),
		chromedp.Click(chromedp.CSS(`#assignment-edit button[type=submit]`)))
	b.until("saved", `!document.querySelector("#edit-saved").hidden && document.querySelector("#assignment-title").textContent === "周六模考"`)
	_, body := h.do("GET", "/api/v1/assignments/"+itoa(x.ID), "instructor", nil)
	if a := decode[exam.Assignment](t, body); a.Title != "周六模考" || a.AttemptsAllowed != 2 || a.ClosesAt.Format(time.RFC3339) != "2099-01-01T00:00:00Z" {
		t.Fatalf("after the edit: %s", body)
	}

	// An extension for candidate2, then removed.
	cand2 := itoa(h.userID("candidate2"))
	b.steps("extend candidate2",
		chromedp.SetValue(chromedp.CSS(`#extension-form select[name=user]`), cand2),
		chromedp.SetValue(chromedp.CSS(`#extension-form input[name=minutes]`), "15"),
		chromedp.Click(chromedp.CSS(`#extension-form button[type=submit]`)))
	b.until("the extension listed", `(document.querySelector('#extension-rows tr[data-user="candidate2"]') || {}).textContent === "candidate215 分钟取消延长"`)
	b.shootAt("assignment-extensions", "#extensions")
	b.steps("remove it", chromedp.Click(chromedp.CSS(`#extension-rows tr[data-user="candidate2"] button`)))
	b.until("the extension gone", `!document.querySelector('#extension-rows tr[data-user="candidate2"]')`)
	if _, body := h.do("GET", "/api/v1/assignments/"+itoa(x.ID), "instructor", nil); strings.Contains(string(body), "extensions") {
		t.Fatalf("the extension stayed: %s", body)
	}
}

// TestBrowserLiveView: the live view follows a candidate's saves without a reload; a
// proctor extends one attempt and closes another from it, each with a reason; the closed
// candidate's exam page then shows the result with 监考老师已收卷 and the reason.
func TestBrowserLiveView(t *testing.T) {
	b := newBrowser(t)
	h := b.h
	k := h.cohortOf("instructor", "晚班", "candidate", "candidate2")
	now := time.Now().UTC()
	x := h.assign("instructor", map[string]any{"blueprint": exam.QuickQuiz, "cohort": k,
		"opens_at": now.Add(-time.Minute), "closes_at": now.Add(2 * time.Hour)})
	at := h.startAssigned("candidate", x.ID)
	h.answer("candidate", at, 0)
	other := h.startAssigned("candidate2", x.ID)

	b.login("instructor")
	b.open(fmt.Sprintf("/assignments/%d/live", x.ID))
	row := `document.querySelector('#live-rows tr[data-user="candidate"]')`
	b.until("the candidate sitting", row+` && `+row+`.querySelector(".answered").textContent === "1 / 10" && `+row+`.querySelector(".time-left").textContent.includes("分")`)
	eval[bool](b, `(window.notReloaded = true)`)
	h.answer("candidate", at, 1)
	h.answer("candidate", at, 2)
	b.until("the saves shown by the poll, without a reload", `window.notReloaded === true && `+row+`.querySelector(".answered").textContent === "3 / 10"`)
	b.shoot("live")

	// Extend candidate2 by 5 minutes.
	row2 := `document.querySelector('#live-rows tr[data-user="candidate2"]')`
	b.steps("extend candidate2", chromedp.Click(chromedp.CSS(`#live-rows tr[data-user="candidate2"] button[data-action=extend]`)))
	b.until("the dialog", `document.querySelector("#proctor-dialog").open`)
	b.steps("minutes and reason",
		chromedp.SetValue(chromedp.CSS(`#proctor-form input[name=minutes]`), "5"),
		chromedp.SendKeys(chromedp.CSS(`#proctor-form input[name=reason]`), "电脑死机重启"),
		chromedp.Click(chromedp.ID("proctor-submit")))
	b.until("the extension shown", `!document.querySelector("#proctor-dialog").open && `+row2+`.querySelector(".time-left").textContent.includes("已延长 5 分钟") &&
		document.querySelector('#action-rows tr[data-kind="extend"]').textContent.includes("电脑死机重启")`)
	if a := b.serverAttempt(at.ID); a.Status != "in_progress" {
		t.Fatalf("extending candidate2 touched candidate: %s", a.Status)
	}
	_, body := h.do("GET", "/api/v1/attempts/"+itoa(other.ID), "candidate2", nil)
	was, _ := time.Parse(time.RFC3339Nano, *other.Deadline)
	if d := decode[attemptHead](t, body).Deadline; d == nil || d.Sub(was) != 5*time.Minute {
		t.Fatalf("candidate2's deadline did not move by 5 minutes from %s: %s", was, body)
	}

	// Close candidate's attempt: a reason is required; the dialog asks once.
	b.steps("close candidate's attempt", chromedp.Click(chromedp.CSS(`#live-rows tr[data-user="candidate"] button[data-action=close]`)))
	b.until("the dialog", `document.querySelector("#proctor-dialog").open && document.querySelector("#proctor-minutes").hidden`)
	b.shootAt("live-close-dialog", "#proctor-dialog")
	b.steps("reason and confirm",
		chromedp.SendKeys(chromedp.CSS(`#proctor-form input[name=reason]`), "考生使用手机"),
		chromedp.Click(chromedp.ID("proctor-submit")))
	b.until("the attempt closed", `!document.querySelector("#proctor-dialog").open && `+row+`.dataset.state === "submitted" && !`+row+`.querySelector("button") &&
		document.querySelector('#action-rows tr[data-kind="close"]').textContent.includes("考生使用手机")`)
	if a := b.serverAttempt(at.ID); a.Status != string(exam.Graded) {
		t.Fatalf("closed attempt status %s", a.Status)
	}
	s, body := h.do("GET", "/api/v1/assignments/"+itoa(x.ID)+"/live", "centeradmin", nil)
	closes := 0
	for _, a := range decode[liveJSON](t, body).Actions {
		if a.Kind == exam.ProctorClose {
			closes++
			if a.Actor != h.userID("instructor") || a.Reason != "考生使用手机" || a.Attempt != at.ID {
				t.Fatalf("close record %+v", a)
			}
		}
	}
	if s != 200 || closes != 1 {
		t.Fatalf("live after the close %d %s", s, body)
	}
	b.shoot("live-after")
	b.open("/attempts/" + itoa(at.ID) + "/result")
	b.until("the proctor log on the staff's result page", `document.querySelector("#proctor-actions").textContent.includes("考生使用手机")`)
	b.shootAt("result-proctor-log", "#proctor-actions")

	// The candidate's exam page goes to the result, which says who closed it and why.
	b.switchUser("candidate")
	b.open("/exam/" + itoa(at.ID))
	b.until("the result with the proctor's close", `location.pathname.endsWith("/result") && !!document.querySelector("#proctor-closed") &&
		document.querySelector("#proctor-closed").textContent.includes("监考老师已收卷") && document.querySelector("#proctor-closed").textContent.includes("考生使用手机")`)
	if eval[bool](b, `!!document.querySelector("#proctor-actions")`) {
		t.Fatal("the candidate sees the staff's proctor log")
	}
	b.shoot("result-closed-by-proctor")
}

// TestBrowserExamFollowsExtension: a candidate's exam page, seconds before its deadline,
// asks the server before submitting at the deadline; a proctor's extension given meanwhile
// keeps the attempt open, the countdown follows it and the candidate is told.
func TestBrowserExamFollowsExtension(t *testing.T) {
	b := newBrowser(t)
	a, path := b.h.startAndPath("candidate", exam.QuickQuiz)
	b.login("candidate")
	b.clock.set(600*time.Second - 8*time.Second) // the page loads with 8 seconds left
	b.open("/exam/" + itoa(a.ID))
	b.until("the countdown near its end", `/^00:0\d$/.test(document.querySelector("#timer").textContent)`)
	if s, body := b.h.do("POST", path+"/extensions", "instructor", map[string]any{"seconds": 300, "reason": "停电"}); s != 200 {
		t.Fatalf("extend %d %s", s, body)
	}
	b.until("the extension shown", `document.querySelector("#time-warning").textContent.includes("监考老师已延长考试时间") && /^0[45]:\d\d$/.test(document.querySelector("#timer").textContent)`)
	if st := b.serverAttempt(a.ID).Status; st != "in_progress" {
		t.Fatalf("the page submitted at the old deadline: %s", st)
	}
	b.answerCurrent()
	b.shoot("exam-extended")
}
