package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/exam"
)

// focusLosses waits until the server has counted n departures from attempt id's page.
func (b *browser) focusLosses(id int64, n int) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s, body := b.h.do("GET", "/api/v1/attempts/"+itoa(id), "candidate", nil)
		if s == 200 && decode[struct {
			FocusLosses int `json:"focus_losses"`
		}](b.t, body).FocusLosses == n {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the server did not count %d departures: %d %s", n, s, body[:min(len(body), 300)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Departures the page reports: a blurred window, and a hidden tab (the page's
// visibilityState made to read "hidden" while the event runs, as a switch of tabs does).
const (
	blurWindow = `(window.dispatchEvent(new Event('blur')), window.dispatchEvent(new Event('focus')), true)`
	hideTab    = `(() => {
		Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
		Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
		return true; })()`
)

// TestBrowserIntegrityStrikes: at 360 px the instructions list the rules that apply, the
// exam page notes and blocks copying, each departure (a blur, a hidden tab) reaches the
// server, the warning shows at the second, and the third submits the attempt, answers
// given just before included, landing on a result page that says why.
func TestBrowserIntegrityStrikes(t *testing.T) {
	b := newBrowser(t)
	// The instructor sets the rules in the blueprint editor.
	b.login("instructor")
	b.viewport(360, 740, true)
	b.open("/blueprints/new")
	b.steps("fill a strict blueprint",
		chromedp.SetValue(chromedp.CSS(`input[name=code]`), "strict"),
		chromedp.SetValue(chromedp.CSS(`input[name=title]`), "纪律测验"),
		chromedp.SetValue(chromedp.CSS(`input[name=pass_score]`), "1"),
		chromedp.SetValue(chromedp.CSS(`tr[data-type="single"] input.count`), "5"),
		chromedp.SetValue(chromedp.CSS(`tr[data-type="single"] input.points`), "1"),
		chromedp.SetValue(chromedp.CSS(`input[name=warn_at]`), "2"),
		chromedp.SetValue(chromedp.CSS(`input[name=submit_at]`), "3"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("input[name=block_copy]").checked = true`))
	b.shootAt("integrity-blueprint-form", "#integrity")
	b.viewport(360, 740, true)
	b.steps("save", chromedp.Click(chromedp.CSS(`#blueprint-form button[type=submit]`)))
	b.until("the blueprint list", `location.pathname === "/blueprints"`)
	s, body := b.h.do("GET", "/api/v1/blueprints/strict", "instructor", nil)
	if p := decode[exam.Blueprint](t, body).Integrity; s != 200 || p == nil || !p.RecordFocus || p.WarnAt != 2 || p.SubmitAt != 3 || !p.BlockCopy || p.OneDevice {
		t.Fatalf("the saved policy: %d %s", s, body)
	}
	b.switchUser("candidate")
	b.viewport(360, 740, true)
	b.open("/start?blueprint=strict")
	rules := eval[string](b, `document.querySelector("#integrity-rules").innerText`)
	for _, want := range []string{"离开考试页面", "达到 2 次时页面会提出警告", "达到 3 次时系统自动交卷", "限制复制"} {
		if !strings.Contains(rules, want) {
			t.Errorf("the instructions do not say %q:\n%s", want, rules)
		}
	}
	b.shootAt("integrity-instructions", "#integrity-rules")
	b.viewport(360, 740, true)
	b.steps("begin", chromedp.ScrollIntoView(chromedp.ID("begin")), chromedp.Click(chromedp.ID("begin")))
	b.until("the exam", `location.pathname.startsWith("/exam/") && !!document.querySelector("#question .option")`)
	id := int64(eval[float64](b, `Number(document.querySelector("#exam").dataset.attempt)`))

	if !eval[bool](b, `!document.querySelector("#copy-note").hidden && document.querySelector("#copy-note").innerText.includes("这只能起到提醒作用，不能完全防止")`) {
		t.Error("the exam page does not say that copying is limited, and that this only deters")
	}
	for _, kind := range []string{"copy", "cut", "contextmenu", "selectstart"} {
		if !eval[bool](b, `(() => { const e = new Event('`+kind+`', { bubbles: true, cancelable: true });
			document.querySelector("#question .stem").dispatchEvent(e); return e.defaultPrevented; })()`) {
			t.Errorf("%s is not prevented on the exam page", kind)
		}
	}

	b.answerCurrent()
	b.steps("leave by another window", chromedp.Evaluate[chromedp.Void](blurWindow))
	b.focusLosses(id, 1)
	if !eval[bool](b, `document.querySelector("#strike-warning").hidden`) {
		t.Error("a warning shows before the second departure")
	}
	b.steps("leave by another tab", chromedp.Evaluate[chromedp.Void](hideTab))
	b.focusLosses(id, 2)
	b.until("the warning", `!document.querySelector("#strike-warning").hidden`)
	if got := eval[string](b, `document.querySelector("#strike-warning").innerText`); !strings.Contains(got, "已离开考试页面 2 次，达到 3 次将自动交卷") {
		t.Errorf("warning %q", got)
	}
	b.shootAt("integrity-warning", "#strike-warning")
	b.viewport(360, 740, true)

	// An answer given right before the last departure is saved before it counts.
	b.steps("next question", chromedp.Click(chromedp.ID("next")))
	b.until("question 2", `location.hash === "#q=2"`)
	second := eval[string](b, `document.querySelector("#question").dataset.question`)
	b.steps("answer and leave at once", chromedp.Click(chromedp.CSS(`#question .option`)), chromedp.Evaluate[chromedp.Void](blurWindow))
	b.until("the result page", `location.pathname.endsWith("/result") && !!document.querySelector("#submit-reason")`)
	if got := eval[string](b, `document.querySelector("#submit-reason").innerText`); !strings.Contains(got, exam.StrikeReason(3)) {
		t.Errorf("the result page says %q", got)
	}
	if got := eval[string](b, `document.querySelector("#integrity-counts").innerText`); !strings.Contains(got, "3") {
		t.Errorf("the result page counts %q", got)
	}
	a := b.serverAttempt(id)
	if a.Status == "in_progress" || len(a.Answers) != 2 || a.Answers[second].Choice == nil {
		t.Fatalf("after the strike: %s with %d answers (%v)", a.Status, len(a.Answers), a.Answers)
	}
	b.shootAt("integrity-result", "#submit-reason")
}

// otherDevice is a second browser, with storage of its own, on b's server.
func (b *browser) otherDevice() *browser {
	b.t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(b.t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(b.t.TempDir()), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 800))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	b.t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	o := &browser{t: b.t, h: b.h, clock: b.clock, base: b.base, ctx: ctx}
	o.failOnScriptErrors()
	o.viewport(360, 740, true)
	return o
}

// TestBrowserDeviceSwitch: an attempt of a one-device exam opened on a second browser
// asks before it moves; once confirmed, the first browser's next answer is refused with
// a banner that says the exam moved and offers to switch back.
func TestBrowserDeviceSwitch(t *testing.T) {
	b := newBrowser(t)
	b.h.strictBlueprint("one-dev", map[string]any{"one_device": true})
	b.login("candidate")
	b.viewport(360, 740, true)
	b.open("/start?blueprint=one-dev")
	if rules := eval[string](b, `document.querySelector("#integrity-rules").innerText`); !strings.Contains(rules, "一次作答只能在一台设备上进行") {
		t.Errorf("the instructions do not state the one-device rule:\n%s", rules)
	}
	b.steps("begin", chromedp.ScrollIntoView(chromedp.ID("begin")), chromedp.Click(chromedp.ID("begin")))
	b.until("the exam", `location.pathname.startsWith("/exam/") && !!document.querySelector("#question .option")`)
	id := int64(eval[float64](b, `Number(document.querySelector("#exam").dataset.attempt)`))
	b.answerCurrent()

	o := b.otherDevice()
	o.login("candidate")
	o.viewport(360, 740, true)
	o.open(fmt.Sprintf("/exam/%d", id))
	o.until("the question to switch", `document.querySelector("#device-dialog").open`)
	if got := eval[string](o, `document.querySelector("#device-dialog").innerText`); !strings.Contains(got, "本场考试已在另一设备上进行，是否切换到本设备？") {
		t.Errorf("the dialog says %q", got)
	}
	if a := b.serverAttempt(id); len(a.Answers) != 1 {
		t.Fatalf("%d answers before the switch", len(a.Answers))
	}
	o.save("integrity-device-ask-phone", capture(o))
	o.steps("switch here", chromedp.Click(chromedp.ID("device-switch")))
	o.until("the paper on the new device", `!document.querySelector("#device-dialog").open && !!document.querySelector("#question .option")`)

	b.steps("next question", chromedp.Click(chromedp.ID("next")))
	b.until("question 2", `location.hash === "#q=2"`)
	b.steps("answer on the old device", chromedp.Click(chromedp.CSS(`#question .option`)))
	b.until("the moved banner", `!document.querySelector("#device-moved").hidden`)
	if got := eval[string](b, `document.querySelector("#device-moved").innerText`); !strings.Contains(got, "已切换到另一设备") || !strings.Contains(got, "切换回本设备") {
		t.Errorf("the old device says %q", got)
	}
	if got := eval[string](b, `document.querySelector("#q-status").innerText`); !strings.Contains(got, "未保存") {
		t.Errorf("the refused answer reads %q", got)
	}
	b.save("integrity-device-moved-phone", capture(b))
	s, body := b.h.do("GET", "/api/v1/attempts/"+itoa(id), "candidate", nil)
	if s != 200 || !strings.Contains(string(body), `"device_switches":1`) || len(decode[attemptJSON](t, body).Answers) != 1 {
		t.Fatalf("after the switch: %d %s", s, body[:min(len(body), 400)])
	}
}

func capture(b *browser) []byte {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	b.do("screenshot", err)
	return png
}

// TestBrowserAccessCode: the instructor sets an assignment's own rules in its form; at
// 360 px the candidate's instructions list them with a box for the code, a wrong code is
// refused in words, the right one starts the exam.
func TestBrowserAccessCode(t *testing.T) {
	b := newBrowser(t)
	b.h.cohortOf("instructor", "考场班", "candidate")
	b.login("instructor")
	b.viewport(360, 740, true)
	b.open("/center/assignments")
	b.until("the form", `!!document.querySelector("#assignment-form select[name=cohort] option")`)
	b.steps("open the rules", chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector("#assignment-form");
		f.blueprint.value = "quick-quiz"; document.querySelector("#assignment-integrity").open = true; })()`))
	b.until("the rules", `document.querySelector("#assignment-integrity").open`)
	b.steps("set a code and a strike limit",
		chromedp.SetValue(chromedp.CSS(`#assignment-form input[name=access_code]`), "Room-301"),
		chromedp.SetValue(chromedp.CSS(`#assignment-form input[name=submit_at]`), "5"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#assignment-form").opens_at.value = csm.beijingInput(new Date(Date.now() - 60000))`))
	b.shootAt("integrity-assignment-form", "#assignment-integrity")
	b.viewport(360, 740, true)
	b.steps("publish", chromedp.Click(chromedp.CSS(`#assignment-form button[type=submit]`)))
	b.until("the assignment with its code", `/口令 Room-301/.test(document.querySelector("#assignment-rows").innerText)`)
	id := eval[string](b, `document.querySelector("#assignment-rows [data-assignment]").dataset.assignment`)

	b.switchUser("candidate")
	b.viewport(360, 740, true)
	b.open("/start?assignment=" + id)
	rules := eval[string](b, `document.querySelector("#integrity-rules").innerText`)
	for _, want := range []string{"考试口令", "达到 5 次时系统自动交卷"} {
		if !strings.Contains(rules, want) {
			t.Errorf("the instructions do not say %q:\n%s", want, rules)
		}
	}
	if strings.Contains(eval[string](b, `document.documentElement.outerHTML`), "Room-301") {
		t.Fatal("the start page gives the code away")
	}
	b.steps("a wrong code", chromedp.SetValue(chromedp.ID("access-code"), "Room-302"), chromedp.Click(chromedp.ID("begin")))
	b.until("the refusal", `document.querySelector("#begin-error").innerText.includes("考试口令不正确")`)
	b.shootAt("integrity-access-code", "#begin-error")
	b.viewport(360, 740, true)
	// Wrong codes past the free ones make the start wait, the right code too; the page
	// says how long. The server's clock then moves past the wait.
	for i := range exam.AccessCodePairRule.Free {
		b.steps(fmt.Sprintf("wrong code %d", i+2), chromedp.Evaluate[chromedp.Void](`document.querySelector("#begin-error").textContent = ""`), chromedp.Click(chromedp.ID("begin")))
		b.until("the refusal", `document.querySelector("#begin-error").innerText.includes("考试口令不正确")`)
	}
	b.steps("the right code while blocked", chromedp.SetValue(chromedp.ID("access-code"), "Room-301"), chromedp.Click(chromedp.ID("begin")))
	b.until("the wait", `/考试口令错误次数过多，请 \d 秒后再试/.test(document.querySelector("#begin-error").innerText)`)
	b.shootAt("integrity-access-code-throttled", "#begin-error")
	b.viewport(360, 740, true)
	b.clock.set(exam.AccessCodePairRule.BaseDelay)
	b.steps("the right code after the wait", chromedp.Click(chromedp.ID("begin")))
	b.until("the exam", `location.pathname.startsWith("/exam/") && !!document.querySelector("#question .option")`)
}
