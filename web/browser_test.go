package web_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// The browser tests drive the real app, served on a real listener over SQLite, with a
// headless Chromium. The API's behaviour on both engines is covered by the other tests;
// these cover what only a browser shows: scripts, storage, the network going away.

// screenshotDir is where every main page is saved at phone and desktop widths.
const screenshotDir = "../testdata/out/screenshots"

// testClock is the exam engine's clock, moved by the tests instead of waiting.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time      { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) set(d time.Duration) { c.offset.Store(int64(d)) }

type browser struct {
	t     *testing.T
	h     *harness
	clock *testClock
	base  string
	ctx   context.Context
}

// chromium finds the browser: under CI=true a missing one fails the test, elsewhere the
// browser tests are skipped.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("CSMEXAM_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; the browser tests must run under CI=true (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; skipping the browser tests")
	return ""
}

func newBrowser(t *testing.T) *browser {
	path := chromium(t)
	clock := &testClock{}
	h := newHarnessAt(t, dbtest.SQLiteDSN(t), clock.now)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go h.srv.App.Listener(ln)
	t.Cleanup(func() { h.srv.App.Shutdown() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 800))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	// A guard against a hung browser, not a speed limit: parallel tests share two cores.
	ctx, cancelTime := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b := &browser{t: t, h: h, clock: clock, base: "http://" + ln.Addr().String(), ctx: ctx}
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	b.do("start the browser", err)
	b.failOnScriptErrors()
	b.viewport(1280, 800, false)
	return b
}

// failOnScriptErrors fails the test for every exception no page script caught.
func (b *browser) failOnScriptErrors() {
	var mu sync.Mutex
	var thrown []string
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				mu.Lock()
				thrown = append(thrown, fmt.Sprintf("%s (%s:%d)", m.Text, m.URL, m.Line+1))
				mu.Unlock()
			}
		}
	}()
	b.t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			b.t.Errorf("uncaught script error: %s", e)
		}
	})
}

func (b *browser) do(what string, err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// steps runs actions; an element that never appears fails the test in 20 s.
func (b *browser) steps(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	b.do(what, chromedp.Do(ctx, steps...))
}

// eval runs JavaScript in the page and decodes its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	b.do("evaluate "+expr, err)
	return v
}

// until waits for a JavaScript condition to hold; what says what is awaited. A page that
// navigates meanwhile ends one poll; the next poll runs in the new page.
func (b *browser) until(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		if err == nil {
			return
		}
		if time.Now().Before(deadline) && b.ctx.Err() == nil {
			time.Sleep(50 * time.Millisecond) // the page is between documents
			continue
		}
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 600) : ""`))
		b.t.Fatalf("waiting for %s (%s): %v\nat %s\n%s", what, expr, err, loc, body)
	}
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.steps("open "+path, chromedp.Navigate(b.base+path))
}

func (b *browser) path() string {
	return eval[string](b, `location.pathname`)
}

// login logs user in through the form. Every login also proves that a next the browser
// reads as another site ("/\t/evil.example/" is "//evil.example/" to it) lands here.
func (b *browser) login(user string) {
	b.t.Helper()
	b.open("/login?next=" + url.QueryEscape("/\t/evil.example/"))
	b.steps("log in as "+user,
		chromedp.SetValue(chromedp.CSS(`input[name=username]`), user),
		chromedp.SetValue(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	b.until("the dashboard after login", `location.origin === `+strconv.Quote(b.base)+` && location.pathname === "/" && !!document.querySelector("h1")`)
}

func (b *browser) viewport(w, h int64, phone bool) {
	b.t.Helper()
	if phone {
		b.steps("phone viewport", chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	} else {
		b.steps("desktop viewport", chromedp.EmulateViewport(w, h))
	}
}

// shoot saves the page at phone (360×740) and desktop (1280×800) widths.
func (b *browser) shoot(name string) { b.t.Helper(); b.shootAt(name, "") }

// shootAt is shoot with the element of the CSS selector at (the middle of) each
// picture, scrolled there after each resize; "" leaves the page where it is.
func (b *browser) shootAt(name, selector string) {
	b.t.Helper()
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, v := range []struct {
		suffix string
		w, h   int64
		phone  bool
	}{{"phone", 360, 740, true}, {"desktop", 1280, 800, false}} {
		b.viewport(v.w, v.h, v.phone)
		if selector != "" {
			eval[bool](b, fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: "center"}), true)`, selector))
		}
		// Let the layout settle after the resize; the picture is for people, not assertions.
		b.until("layout after resize", `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		b.do("screenshot "+name, err)
		b.save(name+"-"+v.suffix, png)
	}
}

// save writes a screenshot as name.png in screenshotDir.
func (b *browser) save(name string, png []byte) {
	b.t.Helper()
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// offline cuts the network for every request (offline true), or only for requests
// matching pattern; online restores it.
func (b *browser) network(offline bool, pattern string) {
	b.t.Helper()
	b.networkIn(b.ctx, offline, pattern)
}

// networkIn is network for the target of ctx: a page, or a service worker, whose
// requests the page's conditions leave be.
func (b *browser) networkIn(ctx context.Context, offline bool, pattern string) {
	b.t.Helper()
	var rules []*network.Conditions
	if offline || pattern != "" {
		rules = []*network.Conditions{{URLPattern: pattern, Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	}
	_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
	b.do("network conditions", err)
	_, err = chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
	b.do("navigator.onLine", err)
}

// answerCurrent picks the question's first option with a tap and waits until the page
// says the server has it.
func (b *browser) answerCurrent() {
	b.t.Helper()
	b.steps("choose an option", chromedp.Click(chromedp.CSS(`#question .option`)))
	b.until("the saved mark", `document.querySelector("#q-status").classList.contains("saved")`)
}

func (b *browser) goTo(n int) {
	b.t.Helper()
	b.steps(fmt.Sprintf("answer sheet cell %d", n), chromedp.Click(chromedp.CSS(fmt.Sprintf(`#sheet-cells .cell[data-n="%d"]`, n))))
	b.until(fmt.Sprintf("question %d", n), fmt.Sprintf(`location.hash === "#q=%d"`, n))
}

func (b *browser) serverAttempt(id int64) attemptJSON {
	b.t.Helper()
	s, body := b.h.do("GET", "/api/v1/attempts/"+itoa(id), "candidate", nil)
	if s != 200 {
		b.t.Fatalf("attempt %d: %d %s", id, s, body)
	}
	return decode[attemptJSON](b.t, body)
}

// TestBrowserCandidateExam: login, start, answer, reload, lose the network, answer,
// reload with unsent answers, reconnect, submit, result.
func TestBrowserCandidateExam(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open("/exam/1")
	b.until("the login page", `location.pathname === "/login" && location.search === "?next=%2Fexam%2F1"`)
	b.steps("a wrong password",
		chromedp.SetValue(chromedp.CSS(`input[name=username]`), "candidate"),
		chromedp.SetValue(chromedp.CSS(`input[name=password]`), "not the password"),
		chromedp.Click(chromedp.CSS(`#login-form button[type=submit]`)))
	b.until("the refusal", `!document.querySelector("#login-error").hidden && document.querySelector("#login-error").textContent === "用户名或密码不正确"`)
	b.login("candidate")
	b.shoot("dashboard-candidate")
	b.steps("start the quick quiz", chromedp.Click(chromedp.CSS(`a[data-blueprint="quick-quiz"]`)))
	b.until("the instructions", `location.pathname === "/start" && !!document.querySelector("#begin")`)
	b.steps("begin", chromedp.Click(chromedp.ID("begin")))
	b.until("the exam page", `location.pathname.startsWith("/exam/") && !!document.querySelector("#question .stem")`)
	var id int64
	fmt.Sscanf(b.path(), "/exam/%d", &id)
	if left := eval[string](b, `document.querySelector("#timer").textContent`); !strings.HasPrefix(left, "09:") && left != "10:00" {
		t.Fatalf("timer shows %q for a 10-minute quiz", left)
	}

	// Answer three questions: by tap, by tap, by keyboard; flag the second.
	b.answerCurrent()
	b.steps("next", chromedp.Click(chromedp.ID("next")))
	b.until("question 2", `location.hash === "#q=2"`)
	b.answerCurrent()
	b.steps("flag", chromedp.Click(chromedp.ID("flag")))
	b.steps("next by keyboard", chromedp.KeyEvent(kb.ArrowRight))
	b.until("question 3", `location.hash === "#q=3"`)
	// Options are lettered as shown (A first, whatever the stored key); T answers 正确.
	key := "a"
	if eval[string](b, `document.querySelector("#question .option span").textContent`) == "正确" {
		key = "t"
	}
	b.steps("answer by keyboard", chromedp.KeyEvent(key))
	b.until("the keyboard answer saved", `document.querySelector("#question input").checked && document.querySelector("#q-status").classList.contains("saved")`)
	b.shoot("exam")
	b.steps("open the answer sheet", chromedp.Evaluate[chromedp.Void](`document.querySelector("#toggle-sheet").click()`))
	b.shoot("exam-sheet")
	b.steps("close the answer sheet", chromedp.Evaluate[chromedp.Void](`document.querySelector("#toggle-sheet").click()`))

	// A reload shows what the server holds, and the flag kept in this browser.
	b.steps("reload", chromedp.Reload())
	b.until("the reloaded exam", `document.querySelectorAll("#sheet-cells .cell.answered").length === 3`)
	if !eval[bool](b, `document.querySelector('#sheet-cells .cell[data-n="2"]').classList.contains("flagged")`) {
		t.Fatal("the flag on question 2 did not survive the reload")
	}
	b.goTo(1)
	if !eval[bool](b, `!!document.querySelector("#question input:checked")`) {
		t.Fatal("question 1 shows no answer after the reload")
	}

	// Offline: the answer stays in the journal, the banner says so.
	b.goTo(4)
	b.network(true, "")
	b.steps("choose offline", chromedp.Click(chromedp.CSS(`#question .option`)))
	b.until("the unsaved mark and the offline banner", `document.querySelector("#q-status").classList.contains("pending") && !document.querySelector("#offline-banner").hidden`)
	q4 := eval[string](b, `document.querySelector("#question").dataset.question`)
	if !eval[bool](b, fmt.Sprintf(`!!JSON.parse(localStorage.getItem("csm-journal-%d"))["%s"]`, id, q4)) {
		t.Fatal("the offline answer is not in the local journal")
	}
	b.shoot("exam-offline")

	// Saves still fail, but the page loads: a reload shows the journaled answer and
	// replays it when the saves go through again.
	b.goTo(5)
	b.steps("choose offline again", chromedp.Click(chromedp.CSS(`#question .option`)))
	b.until("question 5 unsaved", `document.querySelector("#q-status").classList.contains("pending")`)
	b.network(false, "*://*:*/api/v1/attempts/*/answers/*")
	b.steps("reload with unsent answers", chromedp.Reload())
	b.until("the journaled answers shown after reload", `document.querySelectorAll("#sheet-cells .cell.answered").length === 5 && document.querySelectorAll("#sheet-cells .cell.unsaved").length === 2`)
	if got := b.serverAttempt(id).Answers; len(got) != 3 {
		t.Fatalf("the server has %d answers before reconnecting, want 3", len(got))
	}
	b.network(false, "")
	b.until("the journal replayed", `document.querySelectorAll("#sheet-cells .cell.unsaved").length === 0 && document.querySelector("#offline-banner").hidden && localStorage.getItem("csm-journal-`+itoa(id)+`") === "{}"`)
	if got := b.serverAttempt(id).Answers; len(got) != 5 || got[q4].SavedAt.IsZero() {
		t.Fatalf("after reconnecting the server has %d answers (%v)", len(got), got)
	}

	// Submit: the confirmation lists the unanswered questions.
	b.steps("submit", chromedp.Click(chromedp.ID("submit")))
	b.until("the confirmation", `document.querySelector("#confirm").open`)
	if s := eval[string](b, `document.querySelector("#confirm-summary").textContent`); !strings.Contains(s, "还有 5 题未作答") {
		t.Fatalf("confirmation says %q", s)
	}
	if n := eval[int](b, `document.querySelectorAll("#confirm-unanswered .cell").length`); n != 5 {
		t.Fatalf("confirmation lists %d unanswered questions", n)
	}
	b.shoot("exam-confirm")
	b.steps("confirm", chromedp.Click(chromedp.ID("confirm-submit")))
	b.until("the result page", `location.pathname === "/attempts/`+itoa(id)+`/result" && !!document.querySelector("#score")`)
	if a := b.serverAttempt(id); a.Status != string(exam.Graded) && a.Status != string(exam.Submitted) {
		t.Fatalf("attempt status %s after submit", a.Status)
	}
	if n := eval[int](b, `document.querySelectorAll(".index-cells .cell").length`); n != 10 {
		t.Fatalf("the index shows %d questions", n)
	}
	b.open("/attempts/" + itoa(id) + "/result?show=all")
	b.until("all of the review", `document.querySelectorAll(".review-item").length === 10`)
	if !eval[bool](b, `!!document.querySelector(".review-item .explanation")`) {
		t.Fatal("the review shows no explanation")
	}
	href := eval[string](b, `document.querySelector("#pdf-link").getAttribute("href")`)
	if href != "/api/v1/attempts/"+itoa(id)+"/report.pdf" {
		t.Fatalf("PDF link %q", href)
	}
	typ, head := b.fetchHead(href)
	if typ != "application/pdf" || head != "25504446" { // %PDF
		t.Fatalf("the PDF link answers %q starting %s", typ, head)
	}
	b.shoot("result")
	b.open("/")
	b.until("the history", `document.body.innerText.includes("历史成绩") && !!document.querySelector('a[href="/attempts/`+itoa(id)+`/result"]')`)

	// The five unanswered questions are on the 未作答 list (any wrong ones in the 错题本);
	// practising them opens an untimed paper of them.
	b.until("the unanswered list", `!document.querySelector("#unanswered").hidden && document.querySelector("#unanswered-count").textContent === "5"`)
	b.steps("scroll to the list", chromedp.ScrollIntoView(chromedp.ID("unanswered")))
	b.shoot("dashboard-wrongbook")
	b.steps("practise the unanswered", chromedp.Click(chromedp.ID("unanswered-practice")))
	b.until("the practice of the unanswered", `location.pathname.startsWith("/exam/") && document.querySelector("#timer").hidden && document.querySelectorAll("#sheet-cells .cell").length === 5`)
}

// TestBrowserTimerAutoSubmits: the countdown runs on the server's clock (here more than
// an hour ahead of the device's), warns at 5 minutes and in the last minute, and submits
// at the deadline. The test moves the server's clock and reloads instead of waiting.
//
// Not parallel: the page must load and show the last-minute warning within the 12 s of
// real time it has left, which other tests' load could stretch.
func TestBrowserTimerAutoSubmits(t *testing.T) {
	b := newBrowser(t)
	sprint := map[string]any{"code": "a-sprint", "title": "十分钟冲刺", "mode": "exam", "duration_s": 600, "pass_score": 1,
		"sections": []map[string]any{{"type": "single", "count": 3, "points_each": 1}}, "overdue": "autosubmit"}
	if s, body := b.h.do("POST", "/api/v1/blueprints", "instructor", sprint); s != 201 {
		t.Fatalf("blueprint %d %s", s, body)
	}
	b.clock.set(time.Hour)
	s, body := b.h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": "a-sprint"})
	if s != 201 {
		t.Fatalf("start %d %s", s, body)
	}
	id := decode[attemptJSON](t, body).ID
	timer := `document.querySelector("#timer").textContent`
	warning := `document.querySelector("#time-warning")`

	// 4 min 58 s left by the server's clock.
	b.clock.set(time.Hour + 302*time.Second)
	b.login("candidate")
	b.open("/exam/" + itoa(id))
	b.until("the five-minute warning", `!`+warning+`.hidden && `+warning+`.textContent.includes("5 分钟")`)
	if left := eval[string](b, timer); !strings.HasPrefix(left, "04:") {
		t.Fatalf("timer shows %q with 4:58 left; it must count from the server's time, not the device's", left)
	}
	b.answerCurrent()

	// 12 s left (time enough for a slow machine to load the page): the last-minute
	// warning, then the page submits by itself.
	b.clock.set(time.Hour + 588*time.Second)
	b.steps("reload", chromedp.Reload())
	b.until("the last-minute warning", `!`+warning+`.hidden && `+warning+`.textContent.includes("1 分钟")`)
	if left := eval[string](b, timer); left > "00:12" || !eval[bool](b, `document.querySelector("#timer").classList.contains("low")`) {
		t.Fatalf("timer shows %q with 12 s left", left)
	}
	b.shoot("exam-last-minute")
	b.until("the automatic submit", `location.pathname === "/attempts/`+itoa(id)+`/result"`)
	a := b.serverAttempt(id)
	if a.Status != string(exam.Graded) || len(a.Answers) != 1 {
		t.Fatalf("after the deadline: status %s with %d answers", a.Status, len(a.Answers))
	}
}

// TestBrowserInstructorAndRoles: an instructor writes a choice question and a case
// analysis, edits one, adds a blueprint; a candidate practises and is kept out of the
// instructor's pages.
func TestBrowserInstructorAndRoles(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.login("instructor")
	b.shoot("dashboard-instructor")

	// A single-choice question; the first save lacks the answer and is refused by field.
	b.open("/questions/new")
	b.until("the editor", `document.querySelectorAll(".option-row").length === 4`)
	b.steps("fill the question",
		chromedp.SetValue(chromedp.CSS(`select[name=unit]`), "JC.1.2.1"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=stem]`), "浏览器自编：客户服务的特点不包括（ ）。"),
		chromedp.SendKeys(chromedp.CSS(`.option-row:nth-child(1) input[type=text]`), "层次性"),
		chromedp.SendKeys(chromedp.CSS(`.option-row:nth-child(2) input[type=text]`), "垄断性"),
		chromedp.SendKeys(chromedp.CSS(`.option-row:nth-child(3) input[type=text]`), "多样性"),
		chromedp.SendKeys(chromedp.CSS(`.option-row:nth-child(4) input[type=text]`), "系统性"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=explanation]`), "垄断性不是客户服务的特点。"),
		chromedp.Click(chromedp.CSS(`#question-form button[type=submit]`)))
	b.until("the refusal", `!document.querySelector("#form-error").hidden && document.querySelector("#form-error").textContent.includes("答案") && !!document.querySelector("#options.invalid")`)
	b.steps("tick the key and save", chromedp.Click(chromedp.CSS(`.option-row:nth-child(2) .right`)), chromedp.Click(chromedp.CSS(`#question-form button[type=submit]`)))
	b.until("the question page", `/^\/questions\/\d+$/.test(location.pathname)`)
	qpath := b.path()
	b.open("/questions?q=浏览器自编")
	b.until("the new question listed", `document.querySelector("table.questions tbody").innerText.includes("浏览器自编：客户服务的特点不包括")`)
	b.shoot("questions")

	// Edit it: the editor loads the current version and the history shows both.
	b.open(qpath + "/edit")
	b.until("the loaded editor", `document.querySelector("textarea[name=stem]").value.startsWith("浏览器自编")`)
	b.steps("edit the stem",
		chromedp.SetValue(chromedp.CSS(`textarea[name=stem]`), "浏览器自编（修订）：下列哪一项不是客户服务的特点？"),
		chromedp.Click(chromedp.CSS(`#question-form button[type=submit]`)))
	b.until("the history with two versions", `location.pathname === "`+qpath+`" && document.querySelectorAll(".versions > li").length === 2 && document.body.innerText.includes("修订")`)
	b.shoot("question")

	// A case analysis with a part and its rubric.
	b.open("/questions/new")
	b.until("the editor", `!!document.querySelector("select[name=type]")`)
	b.steps("switch to case", chromedp.SetValue(chromedp.CSS(`select[name=type]`), "case"))
	b.steps("show the case fields", chromedp.Evaluate[chromedp.Void](`document.querySelector("select[name=type]").dispatchEvent(new Event("change"))`))
	b.until("the case fields", `!document.querySelector("#case-fields").hidden && document.querySelectorAll(".part-edit").length === 1`)
	b.steps("fill the case",
		chromedp.SetValue(chromedp.CSS(`select[name=unit]`), "JC.1.2.1"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=stem]`), "阅读案例，回答问题。"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=material]`), "某连锁超市的客服中心只处理退换货，其他部门互不配合。"),
		chromedp.SendKeys(chromedp.CSS(`.part-edit .prompt`), "该超市的客户服务存在什么问题？"),
		chromedp.SendKeys(chromedp.CSS(`.part-edit .points`), "10"),
		chromedp.SendKeys(chromedp.CSS(`.part-edit .reference`), "服务观念停留在售后，缺少部门协作。"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .point`), "服务观念停留在售后"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .score`), "5"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row .keywords`), "售后"),
		chromedp.Click(chromedp.CSS(`.part-edit > button:not(.link)`)))
	b.until("a second rubric row", `document.querySelectorAll(".rubric-row").length === 2`)
	b.steps("fill the second row",
		chromedp.SendKeys(chromedp.CSS(`.rubric-row:nth-child(2) .point`), "缺少部门协作"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row:nth-child(2) .score`), "5"),
		chromedp.SendKeys(chromedp.CSS(`.rubric-row:nth-child(2) .keywords`), "协作、配合"))
	b.shoot("question-new-case")
	b.steps("save the case", chromedp.Click(chromedp.CSS(`#question-form button[type=submit]`)))
	b.until("the case question page", `/^\/questions\/\d+$/.test(location.pathname) && document.querySelector("table.rubric").tBodies[0].rows.length === 2 && document.body.innerText.includes("协作、配合")`)

	// A true/false question: the answer is a choice of 正确 or 错误.
	b.open("/questions/new")
	b.until("the editor", `!!document.querySelector("select[name=type]")`)
	b.steps("switch to true/false", chromedp.SetValue(chromedp.CSS(`select[name=type]`), "truefalse"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("select[name=type]").dispatchEvent(new Event("change"))`))
	b.until("the true/false fields", `!document.querySelector("#truefalse-fields").hidden && document.querySelector("#choice-fields").hidden`)
	b.steps("fill the true/false question",
		chromedp.SetValue(chromedp.CSS(`select[name=unit]`), "JC.1.2.1"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=stem]`), "浏览器自编：客户服务只是售后服务。"),
		chromedp.Click(chromedp.CSS(`input[name=tf][value=F]`)),
		chromedp.Click(chromedp.CSS(`#question-form button[type=submit]`)))
	b.until("the true/false question page", `/^\/questions\/\d+$/.test(location.pathname) && document.body.innerText.includes("答案：错误")`)

	// A blueprint from the editor.
	b.open("/blueprints/new")
	b.until("the blueprint editor", `!!document.querySelector("#blueprint-form")`)
	b.steps("fill the blueprint",
		chromedp.SendKeys(chromedp.CSS(`input[name=code]`), "a-weekly"),
		chromedp.SendKeys(chromedp.CSS(`input[name=title]`), "中心甲周测"),
		chromedp.SetValue(chromedp.CSS(`input[name=minutes]`), "15"),
		chromedp.SetValue(chromedp.CSS(`input[name=pass_score]`), "6"),
		chromedp.SetValue(chromedp.CSS(`.section-row[data-type=single] .count`), "10"),
		chromedp.SetValue(chromedp.CSS(`.section-row[data-type=single] .points`), "1"))
	b.steps("recount", chromedp.Evaluate[chromedp.Void](`document.querySelector("#blueprint-form").dispatchEvent(new Event("input"))`))
	b.until("the total", `document.querySelector("#max-score").textContent === "10"`)
	b.shoot("blueprint-new")
	b.steps("save the blueprint", chromedp.Click(chromedp.CSS(`#blueprint-form button[type=submit]`)))
	b.until("the blueprint listed", `location.pathname === "/blueprints" && document.body.innerText.includes("中心甲周测")`)
	b.shoot("blueprints")
	b.open("/grading")
	b.until("the empty grading queue", `!document.querySelector("#grading-empty").hidden`)

	// The candidate: the syllabus, a practice that reveals the key, and no way in.
	b.steps("log out", chromedp.Click(chromedp.ID("logout")))
	b.until("the login page", `location.pathname === "/login"`)
	b.shoot("login")
	b.login("candidate")
	b.open("/syllabus")
	b.until("the syllabus", `!!document.querySelector('a[href="/syllabus/JC.1"]')`)
	b.shoot("syllabus")
	b.open("/syllabus/JC.1")
	b.until("the chapter", `!!document.querySelector(".study .text")`)
	b.shoot("syllabus-chapter")
	b.steps("practise the chapter", chromedp.Click(chromedp.CSS(`button[data-blueprint="practice-JC.1"]`)))
	b.until("the practice", `location.pathname.startsWith("/exam/") && !!document.querySelector("#question .stem")`)
	if eval[bool](b, `!document.querySelector("#timer").hidden`) {
		t.Fatal("practice shows a timer")
	}
	b.answerCurrent()
	b.until("the key revealed", `!document.querySelector("#reveal").hidden && document.querySelector("#reveal").textContent.includes("答案")`)
	b.shoot("practice")
	for _, p := range []string{"/questions", qpath + "/edit", "/blueprints/new", "/grading", "/center"} {
		b.open(p)
		b.until("the 403 page for "+p, `document.querySelector("h1").textContent === "无权访问" && !document.querySelector('nav a[href="/questions"]')`)
	}
	b.shoot("forbidden")
}

// TestBrowserCaseAnswer: a case analysis is answered in text boxes, saved while typing
// pauses or the box is left, and read back after a reload.
func TestBrowserCaseAnswer(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	s, body := b.h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.L2Skills})
	if s != 201 {
		t.Fatalf("start %d %s", s, body)
	}
	a := decode[attemptJSON](t, body)
	b.login("candidate")
	b.open("/exam/" + itoa(a.ID))
	// The skills paper's first item may be a 问题 or 论述 item, which has no material.
	b.until("the case", `document.querySelectorAll("#question textarea").length > 0`)
	b.steps("write an answer",
		chromedp.SendKeys(chromedp.CSS(`#question textarea`), "服务观念停留在售后，缺少部门之间的协作。"),
		chromedp.Click(chromedp.ID("flag"))) // leaving the box saves at once
	b.until("the saved answer", `document.querySelector("#q-status").classList.contains("saved")`)
	b.shoot("exam-case")
	b.steps("reload", chromedp.Reload())
	b.until("the answer read back", `(document.querySelector("#question textarea") || {}).value === "服务观念停留在售后，缺少部门之间的协作。"`)
	got := b.serverAttempt(a.ID).Answers[itoa(a.Sections[0].Questions[0].ID)]
	if len(got.Parts) == 0 || got.Parts[0] != "服务观念停留在售后，缺少部门之间的协作。" {
		t.Fatalf("the server has %+v", got)
	}
}
