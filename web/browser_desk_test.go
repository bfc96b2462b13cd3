package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// The staff's desk in the browser: the grading queue, the training center's pages and
// the question import.

// switchUser logs the browser out and in again as user.
func (b *browser) switchUser(user string) {
	b.t.Helper()
	b.steps("log out", chromedp.Click(chromedp.ID("logout")))
	b.until("the login page", `location.pathname === "/login"`)
	b.login(user)
}

// fetchHead fetches path in the page (with its cookie) and returns the Content-Type and
// the first bytes in hex.
func (b *browser) fetchHead(path string) (string, string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(async r => [
		String(r.status), r.headers.get("Content-Type") || "",
		Array.from(new Uint8Array(await r.arrayBuffer()).slice(0, 4)).map(x => x.toString(16).padStart(2, "0")).join("")])`, path), chromedp.EvalAwaitPromise))
	b.do("fetch "+path, err)
	if got[0] != "200" {
		b.t.Fatalf("GET %s in the browser: %s", path, got[0])
	}
	return got[1], got[2]
}

// TestBrowserGrading: a candidate's case answer reaches the grading queue with the
// rubric's keywords marked where the server found them (offsets in runes: the answer
// begins with a character outside the BMP), the instructor confirms the suggested scores
// with a comment, the attempt leaves the queue and the candidate's result shows the grade.
func TestBrowserGrading(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	caseBP := map[string]any{"code": "a-case", "title": "案例小测", "mode": "exam", "duration_s": 1800, "pass_score": 1,
		"sections": []map[string]any{{"type": "case", "count": 1, "points_each": 20}}, "overdue": "autosubmit"}
	if s, body := b.h.do("POST", "/api/v1/blueprints", "instructor", caseBP); s != 201 {
		t.Fatalf("blueprint %d %s", s, body)
	}
	a, path := b.h.startAndPath("candidate", "a-case")
	qid := a.Sections[0].Questions[0].ID
	_, body := b.h.do("GET", "/api/v1/questions/"+itoa(qid), "instructor", nil)
	q := decode[content.Question](t, body)
	keyword := q.Parts[0].Rubric[0].Keywords[0]
	parts := make([]string, len(q.Parts))
	parts[0] = "𠮷野家的做法说明：" + keyword + "。"
	if s, body := b.h.do("PUT", path+"/answers/"+itoa(qid), "candidate", map[string]any{"parts": parts}); s != 200 {
		t.Fatalf("answer %d %s", s, body)
	}
	if s, body := b.h.do("POST", path+"/submit", "candidate", nil); s != 200 || decode[exam.Result](t, body).Status != exam.PendingReview {
		t.Fatalf("submit %d %s", s, body)
	}

	b.login("instructor")
	b.open("/grading")
	item := fmt.Sprintf(`document.querySelector('.grading-item[data-attempt="%d"]')`, a.ID)
	b.until("the attempt in the queue", `!!`+item+` && `+item+`.querySelectorAll("input[type=number]").length > 0`)
	marks := eval[[]string](b, `Array.from(`+item+`.querySelector(".part .answer-text").querySelectorAll("mark")).map(m => m.textContent)`)
	found := false
	for _, m := range marks {
		found = found || m == keyword
	}
	if !found {
		t.Fatalf("marked %q, want the keyword %q", marks, keyword)
	}
	if v := eval[string](b, item+`.querySelector("input[type=number]").value`); v != q.Parts[0].Rubric[0].Score.String() {
		t.Fatalf("the first score is prefilled with %q, want the suggestion %s", v, q.Parts[0].Rubric[0].Score)
	}
	b.shoot("grading")
	b.steps("comment and confirm",
		chromedp.SendKeys(chromedp.CSS(`.grading-item textarea`), "要点抓得准，第二问可再展开。"),
		chromedp.Click(chromedp.CSS(`.grading-item .save-grade`)))
	b.until("the attempt leaves the queue", `!`+item+` && document.querySelector(".done").textContent.includes("已阅完") && !document.querySelector("#grading-empty").hidden`)
	if st := b.serverAttempt(a.ID).Status; st != string(exam.Graded) {
		t.Fatalf("attempt status %s after grading", st)
	}

	b.switchUser("candidate")
	b.open("/attempts/" + itoa(a.ID) + "/result")
	b.until("the graded result with the comment", `document.querySelector(".comment").textContent.includes("要点抓得准") && !document.body.innerText.includes("待阅卷")`)
	typ, head := b.fetchHead(eval[string](b, `document.querySelector("#pdf-link").getAttribute("href")`))
	if typ != "application/pdf" || head != "25504446" { // %PDF
		t.Fatalf("the PDF link answers %q starting %s", typ, head)
	}
	b.shoot("result-graded")
}

// TestBrowserCenter: a center admin creates accounts (one by one and from a file),
// a cohort with a candidate, an assignment open now and one opening later, and an
// extension; the candidate sees both on the dashboard, is refused the early one with the
// server's reason and sits the open one; the results page lists it and exports CSV.
func TestBrowserCenter(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.login("centeradmin")

	// Accounts: one by hand with a generated password, then a file with a wrong row
	// checked, and a right one imported.
	b.open("/center/users")
	b.until("the accounts", `!!document.querySelector('#user-rows tr[data-user="candidate"]')`)
	b.steps("create an account",
		chromedp.SendKeys(chromedp.CSS(`#user-form input[name=username]`), "li.ming"),
		chromedp.SendKeys(chromedp.CSS(`#user-form input[name=name]`), "李明"),
		chromedp.Click(chromedp.CSS(`#user-form button[type=submit]`)))
	b.until("the generated password shown", `!document.querySelector("#new-passwords").hidden && document.querySelector('#password-rows tr[data-user="li.ming"] code').textContent.length >= 8 && !!document.querySelector('#user-rows tr[data-user="li.ming"]')`)
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	os.WriteFile(bad, []byte("用户名,姓名,密码\nwang.fang,王芳,\nzhao.lei,赵磊,123\n"), 0o644)
	os.WriteFile(good, []byte("用户名,姓名,密码,班级\nwang.fang,王芳,,十一月二级班\n"), 0o644)
	b.steps("check a file with a weak password", chromedp.SetUploadFiles(chromedp.CSS(`#user-import input[type=file]`), []string{bad}),
		chromedp.Click(chromedp.CSS(`#user-import button[data-dry="1"]`)))
	b.until("the row report", `Array.from(document.querySelectorAll("#user-import-report table.report tbody td")).map(c => c.textContent).slice(0, 2).join("|") === "3|密码"`)
	b.shoot("center-users")
	b.steps("import a right file", chromedp.SetUploadFiles(chromedp.CSS(`#user-import input[type=file]`), []string{good}),
		chromedp.Click(chromedp.CSS(`#user-import button[data-dry="0"]`)))
	b.until("imported with its password", `document.querySelector("#user-import-report").textContent.includes("已导入 1 个账号") && !!document.querySelector('#password-rows tr[data-user="wang.fang"]') && !!document.querySelector('#user-rows tr[data-user="wang.fang"]')`)
	b.steps("disable wang.fang", chromedp.Click(chromedp.CSS(`#user-rows tr[data-user="wang.fang"] button.toggle`)))
	b.until("disabled", `document.querySelector('#user-rows tr[data-user="wang.fang"]').textContent.includes("已停用")`)
	// A reset asks first, then shows the new password once.
	b.steps("reset candidate2's password", chromedp.Click(chromedp.CSS(`#user-rows tr[data-user="candidate2"] button.reset`)))
	b.until("the question", `document.querySelector('#user-rows tr[data-user="candidate2"] button.reset').textContent === "确认重置？" && !document.querySelector('#password-rows tr[data-user="candidate2"]')`)
	b.steps("confirm the reset", chromedp.Click(chromedp.CSS(`#user-rows tr[data-user="candidate2"] button.reset`)))
	b.until("the new password", `document.querySelector('#password-rows tr[data-user="candidate2"] code').textContent.length >= 8`)
	if s, _ := b.h.do("GET", "/api/v1/me", "candidate2", nil); s != 401 {
		t.Fatalf("candidate2's old session answers %d after the reset", s)
	}

	// A cohort with the candidate.
	b.open("/center/cohorts")
	b.until("the cohorts", `!!document.querySelector('#cohort-rows tr[data-cohort]')`) // the import made one
	b.steps("create a cohort",
		chromedp.SendKeys(chromedp.CSS(`#cohort-form input[name=name]`), "周末班"),
		chromedp.Click(chromedp.CSS(`#cohort-form button[type=submit]`)))
	b.until("the new cohort open", `document.querySelector("#cohort-name").textContent === "周末班" && !document.querySelector("#cohort-detail").hidden`)
	b.steps("add the candidate",
		chromedp.SendKeys(chromedp.CSS(`#member-form input[name=usernames]`), "candidate"),
		chromedp.Click(chromedp.CSS(`#member-form button[type=submit]`)))
	b.until("the member listed", `!!document.querySelector('#member-rows tr[data-user="candidate"]')`)
	b.steps("add another by mistake",
		chromedp.SendKeys(chromedp.CSS(`#member-form input[name=usernames]`), "candidate2"),
		chromedp.Click(chromedp.CSS(`#member-form button[type=submit]`)))
	b.until("two members", `document.querySelectorAll("#member-rows tr[data-user]").length === 2`)
	b.steps("remove them", chromedp.Click(chromedp.CSS(`#member-rows tr[data-user="candidate2"] button`)))
	b.until("one member, counted", `document.querySelectorAll("#member-rows tr[data-user]").length === 1 && Array.from(document.querySelectorAll("#cohort-rows tr")).some(r => r.textContent.includes("周末班") && r.children[1].textContent === "1")`)
	b.shoot("center-cohorts")

	// Assignments: the quick quiz open since an hour ago, the theory exam from the next
	// hour (the form's default); an extension for the candidate.
	b.open("/center/assignments")
	b.until("the cohort picker", `Array.from(document.querySelectorAll("#assignment-form select[name=cohort] option")).some(o => o.textContent === "周末班")`)
	selectCohort := `const f = document.querySelector("#assignment-form"); f.cohort.value = Array.from(f.cohort.options).find(o => o.textContent === "周末班").value;`
	b.steps("assign the theory exam later", chromedp.Evaluate[chromedp.Void](`{`+selectCohort+` f.blueprint.value = "L2-theory"; }`),
		chromedp.Click(chromedp.CSS(`#assignment-form button[type=submit]`)))
	b.until("the first assignment", `document.querySelectorAll("#assignment-rows tr[data-assignment]").length === 1`)
	b.steps("assign the quick quiz now", chromedp.Evaluate[chromedp.Void](`{`+selectCohort+` f.blueprint.value = "quick-quiz";
		f.opens_at.value = csm.beijingInput(new Date(Date.now() - 3600e3)); f.attempts_allowed.value = "2"; }`),
		chromedp.Click(chromedp.CSS(`#assignment-form button[type=submit]`)))
	b.until("two assignments", `document.querySelectorAll("#assignment-rows tr[data-assignment]").length === 2`)
	b.steps("extend for the candidate", chromedp.Click(chromedp.CSS(`#assignment-rows tr[data-assignment]:last-child button`)))
	b.until("the extension form", `!document.querySelector("#extension").hidden && document.querySelector("#extension-form select").options.length === 1`)
	b.steps("save 10 minutes", chromedp.Click(chromedp.CSS(`#extension-form button[type=submit]`)))
	b.until("the extension counted", `document.querySelector("#extension").hidden && document.querySelector("#assignment-rows").textContent.includes("1 人延时")`)
	b.shoot("center-assignments")

	// The candidate: the early one refused with the window, the open one started.
	_, body := b.h.do("GET", "/api/v1/assignments", "centeradmin", nil)
	assignments := map[string]string{}
	for _, a := range decode[struct{ Items []exam.Assignment }](t, body).Items {
		assignments[a.Blueprint] = fmt.Sprintf(`#assignment-list li[data-assignment="%d"]`, a.ID)
	}
	early, open := assignments["L2-theory"], assignments["quick-quiz"]
	b.switchUser("candidate")
	b.until("two assignments on the dashboard", `document.querySelectorAll("#assignment-list li.assignment").length === 2`)
	b.shoot("dashboard-assignments")
	b.steps("start the early one", chromedp.Click(chromedp.CSS(early+` button`)))
	b.until("the server's reason", `document.querySelector('`+early+` .error-message').textContent.includes("尚未开放")`)
	b.steps("start the open one", chromedp.Click(chromedp.CSS(open+` a.button`)))
	b.until("the instructions", `location.pathname === "/start" && !!document.querySelector("#begin")`)
	b.steps("begin", chromedp.Click(chromedp.ID("begin")))
	b.until("the exam", `location.pathname.startsWith("/exam/") && !!document.querySelector("#question .stem")`)
	var id int64
	fmt.Sscanf(b.path(), "/exam/%d", &id)
	if s, body := b.h.do("POST", "/api/v1/attempts/"+itoa(id)+"/submit", "candidate", nil); s != 200 {
		t.Fatalf("submit %d %s", s, body)
	}
	b.open("/")
	b.until("one of two attempts used", `document.querySelector('`+open+`').textContent.includes("已作答 1 / 2 次")`)

	// Results: the attempt listed; the CSV export is CSV with a BOM.
	b.switchUser("centeradmin")
	b.open("/center")
	b.until("the result listed", `!!document.querySelector('#result-rows tr[data-attempt="`+itoa(id)+`"]')`)
	// The filter's cohorts load apart from the results.
	b.until("the cohort in the filter", `Array.from(document.querySelector("#results-filter").cohort.options).some(o => o.textContent === "周末班")`)
	b.steps("filter by the cohort", chromedp.Evaluate[chromedp.Void](`{ const f = document.querySelector("#results-filter"); f.cohort.value = Array.from(f.cohort.options).find(o => o.textContent === "周末班").value; }`),
		chromedp.Click(chromedp.CSS(`#results-filter button[type=submit]`)))
	b.until("the filtered export link", `document.querySelector("#export-csv").getAttribute("href").includes("&cohort=") && document.querySelectorAll("#result-rows tr[data-attempt]").length === 1`)
	b.shoot("center-results")
	typ, head := b.fetchHead(eval[string](b, `document.querySelector("#export-csv").getAttribute("href")`))
	if !strings.HasPrefix(typ, "text/csv") || !strings.HasPrefix(head, "efbbbf") {
		t.Fatalf("CSV export answers %q starting %s", typ, head)
	}
	if typ, head := b.fetchHead(eval[string](b, `document.querySelector("#bulk-pdf").getAttribute("href")`)); typ != "application/zip" || head != "504b0304" {
		t.Fatalf("reports.zip answers %q starting %s", typ, head)
	}
}

// TestBrowserQuestionImport: a file with a wrong row is refused by the check with the row
// and column named, and import stays off; a right file passes the check and is imported.
func TestBrowserQuestionImport(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	header := "题型,题干,选项A,选项B,选项C,答案,难度,知识点\n"
	os.WriteFile(bad, []byte(header+"单选题,导入自编：客户服务的核心是（ ）。,客户,产品,价格,D,2,JC.1.2.1\n"), 0o644)
	os.WriteFile(good, []byte(header+"单选题,导入自编：客户服务的核心是（ ）。,客户,产品,价格,A,2,JC.1.2.1\n判断题,导入自编：客户服务只是售后服务。,,,,错,1,JC.1.2.1\n"), 0o644)
	b.login("instructor")
	b.open("/questions")
	b.steps("open the files panel", chromedp.Click(chromedp.CSS(`#files summary`)))
	typ, head := b.fetchHead(eval[string](b, `document.querySelector("#template-link").getAttribute("href")`))
	if !strings.Contains(typ, "spreadsheetml") || head != "504b0304" {
		t.Fatalf("the template answers %q starting %s", typ, head)
	}
	b.steps("check a wrong file", chromedp.SetUploadFiles(chromedp.CSS(`#question-import input[type=file]`), []string{bad}),
		chromedp.Click(chromedp.ID("import-check")))
	b.until("the row report", `Array.from(document.querySelectorAll("#import-report table.report tbody td")).map(c => c.textContent).slice(0, 2).join("|") === "2|答案" && document.querySelector("#import-run").disabled`)
	b.shoot("questions-import")
	b.steps("check a right file", chromedp.SetUploadFiles(chromedp.CSS(`#question-import input[type=file]`), []string{good}),
		chromedp.Click(chromedp.ID("import-check")))
	b.until("the check passed", `document.querySelector("#import-report").textContent.includes("检查通过：共 2 道题") && !document.querySelector("#import-run").disabled`)
	b.steps("import", chromedp.Click(chromedp.ID("import-run")))
	b.until("imported", `document.querySelector("#import-report").textContent.includes("已导入 2 道题")`)
	b.open("/questions?q=导入自编")
	b.until("listed", `document.querySelectorAll("table.questions tbody tr a").length === 2`)
}
