package web_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// page fetches a page as who and returns status, body and the response's Location.
func (h *harness) page(path, who string) (int, string, string) {
	h.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if tok := h.tokens[who]; tok != "" {
		req.Header.Set("Cookie", "csm_session="+tok)
	}
	resp, err := h.srv.App.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// TestEveryPageRenders renders each page for the roles that use it and checks what must
// be on it, including the error pages a browser gets instead of JSON.
func TestEveryPageRenders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) { everyPageRenders(t, newHarness(t, dsn)) })
}

func everyPageRenders(t *testing.T, h *harness) {
	// A finished attempt for the result page, an open one for the exam page.
	s, b := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.QuickQuiz})
	done := decode[attemptJSON](t, b)
	if s != 201 {
		t.Fatalf("start %d %s", s, b)
	}
	q0 := done.Sections[0].Questions[0]
	h.do("PUT", "/api/v1/attempts/"+itoa(done.ID)+"/answers/"+itoa(q0.ID), "candidate", map[string]any{"choice": []string{q0.Options[0].Key}})
	if s, b := h.do("POST", "/api/v1/attempts/"+itoa(done.ID)+"/submit", "candidate", nil); s != 200 {
		t.Fatalf("submit %d %s", s, b)
	}
	s, b = h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.L2Theory})
	open := decode[attemptJSON](t, b)
	if s != 201 {
		t.Fatalf("start %d %s", s, b)
	}
	s, b = h.do("POST", "/api/v1/questions", "instructor", singleChoice("中心甲自编：客户服务的特点不包括哪一项？"))
	if s != 201 {
		t.Fatalf("question %d %s", s, b)
	}
	mine := itoa(decode[struct{ ID int64 }](t, b).ID)

	cases := []struct {
		path, who string
		status    int
		want      []string
	}{
		{"/login", "", 200, []string{"<form id=\"login-form\"", "用户名", "login.js"}},
		{"/", "candidate", 200, []string{"模拟考试", "二级理论知识模拟", "data-blueprint=\"L2-theory\"", "章节练习", "历史成绩", "快速小测", "/attempts/" + itoa(done.ID) + "/result", "继续作答", "错题本", "id=\"assignments\"", "id=\"wrongbook-practice\""}},
		{"/", "instructor", 200, []string{"题库", "试卷蓝图", "阅卷", "培训中心"}},
		{"/syllabus", "candidate", 200, []string{"学习大纲", "/syllabus/JC.1", "客户信息管理"}},
		{"/syllabus/JC.1", "candidate", 200, []string{"data-blueprint=\"practice-JC.1\"", "练习本章", "class=\"text\""}},
		{"/syllabus/L2.3.1", "candidate", 200, []string{"客户信息收集", "L2.3.1.1"}}, // a section the second edition filled
		{"/exam/" + itoa(open.ID), "candidate", 200, []string{"data-attempt=\"" + itoa(open.ID) + "\"", "答题卡", "交卷", "exam.js", "id=\"confirm\""}},
		{"/start?blueprint=L2-theory", "candidate", 200, []string{"考试须知", "共 <strong id=\"start-count\">180</strong> 题", "90 分钟", "id=\"begin\"", "start.js"}},
		{"/start?blueprint=nothing-here", "candidate", 404, nil},
		{"/exam/" + itoa(done.ID), "candidate", 303, nil},
		{"/exam/" + itoa(open.ID), "instructor", 403, []string{"只有考生本人可以作答"}},
		{"/attempts/" + itoa(done.ID) + "/result", "candidate", 200, []string{"成绩", "按题型", "按章节", "答题回顾", "解析", "/api/v1/attempts/" + itoa(done.ID) + "/report.pdf", "不合格"}},
		{"/attempts/" + itoa(open.ID) + "/result", "candidate", 303, nil},
		{"/attempts/" + itoa(done.ID) + "/result", "instructor", 200, []string{"答题回顾", "/api/v1/attempts/" + itoa(done.ID) + "/paper.pdf?part=sheet"}},
		{"/attempts/" + itoa(done.ID) + "/result", "candidate2", 404, []string{"页面不存在"}},
		{"/", "admin", 200, []string{"题库", "培训中心"}},
		{"/", "centeradmin", 200, []string{"培训中心"}},
		{"/questions", "instructor", 200, []string{"新建题目", "全部章节", "共 "}},
		{"/questions?q=中心甲", "instructor", 200, []string{"中心甲自编", "共 1 题", "/questions/" + mine}},
		{"/questions?type=truefalse&difficulty=2&unit=JC.1&q=服务", "instructor", 200, []string{"<option value=\"truefalse\" selected>", "<option value=\"2\" selected>"}},
		{"/questions?page=2&per_page=20", "admin", 200, []string{"rel=\"prev\"", "rel=\"next\"", "第 2 / "}},
		{"/questions/new", "instructor", 200, []string{"id=\"question-form\"", "案例材料", "JC.1.2.1", "question.js"}},
		{"/questions/" + mine, "instructor", 200, []string{"版本历史", "v1", "编辑"}},
		{"/questions/" + mine + "/edit", "centeradmin", 200, []string{"data-id=\"" + mine + "\"", "编辑题目"}},
		{"/blueprints", "instructor", 200, []string{"L2-theory", "二级理论知识模拟", "新建蓝图", "打印纸质试卷", "id=\"print-seed\"", "part=key", "blueprints.js"}},
		{"/blueprints/new", "instructor", 200, []string{"id=\"blueprint-form\"", "每题分值", "blueprint.js"}},
		{"/blueprints/new", "instructor", 200, []string{"name=\"target_difficulty\"", "name=\"tolerance\"", "id=\"preview-button\"", "预览"}},
		{"/blueprints/L2-theory/edit", "instructor", 403, []string{"内置试卷蓝图 L2-theory 为只读"}},
		{"/blueprints/nothing-here/edit", "instructor", 404, []string{"试卷蓝图 nothing-here 不存在"}},
		{"/questions/" + itoa(open.Sections[0].Questions[0].ID), "instructor", 200, []string{"id=\"copy-question\"", "复制到本中心题库", "origin.js"}},
		{"/questions", "centeradmin", 200, []string{"id=\"question-import\"", "/api/v1/questions/template.xlsx", "/api/v1/questions/export?format=csv&amp;own=1", "questions.js"}},
		{"/grading", "instructor", 200, []string{"id=\"grading-list\"", "grading.js"}},
		{"/center", "centeradmin", 200, []string{"id=\"results-filter\"", "导出 CSV", "导出 Excel", "下载全部成绩单", "<option value=\"quick-quiz\">", "href=\"/center/users\"", "center.js"}},
		{"/center", "instructor", 200, []string{"id=\"result-rows\"", "href=\"/center/cohorts\""}},
		{"/center/cohorts", "instructor", 200, []string{"id=\"cohort-form\"", "id=\"member-form\""}},
		{"/center/assignments", "centeradmin", 200, []string{"id=\"assignment-form\"", "datetime-local", "id=\"extension-form\"", "<option value=\"L2-theory\">"}},
		{"/center/users", "centeradmin", 200, []string{"id=\"user-form\"", "id=\"user-import\"", "批量导入考生", "id=\"user-rows\""}},
		{"/center/users", "instructor", 403, []string{"只有中心管理员可以管理账号"}},
		{"/center/nothing", "instructor", 404, []string{"页面不存在"}},
		{"/center/cohorts", "candidate", 403, []string{"无权访问"}},
		// A candidate gets a 403 page, not JSON, and no staff link.
		{"/questions", "candidate", 403, []string{"无权访问", "您的角色无权进行此操作", "<html"}},
		{"/questions/new", "candidate", 403, []string{"无权访问"}},
		{"/blueprints/new", "candidate", 403, []string{"无权访问"}},
		{"/grading", "candidate", 403, []string{"无权访问"}},
		{"/center", "candidate", 403, []string{"无权访问"}},
		// Other people's things are not there at all.
		{"/exam/" + itoa(open.ID), "candidate2", 404, []string{"页面不存在", "找不到这次作答"}},
		{"/questions/" + mine, "instructor-b", 404, []string{"题目 " + mine + " 不存在"}},
		{"/questions/" + itoa(open.Sections[0].Questions[0].ID) + "/edit", "instructor", 403, []string{"内置题库为只读"}},
		{"/syllabus/XX.9", "candidate", 404, []string{"大纲节点 XX.9 不存在"}},
		{"/no-such-page", "candidate", 404, []string{"找不到这个地址"}},
		{"/questions?type=essay", "instructor", 422, []string{"类型必须是"}},
	}
	for _, c := range cases {
		status, body, _ := h.page(c.path, c.who)
		if status != c.status {
			t.Errorf("%s as %s: status %d, want %d: %.300s", c.path, c.who, status, c.status, body)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s as %s: no %q in the page", c.path, c.who, w)
			}
		}
	}
	if _, body, _ := h.page("/", "candidate"); strings.Contains(body, `href="/questions"`) {
		t.Error("a candidate's navigation links to the question bank")
	}
}

func TestPagesNeedALogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	for _, p := range []string{"/", "/exam/1", "/questions?type=single"} {
		status, _, loc := h.page(p, "")
		if status != 303 || loc != "/login?next="+url.QueryEscape(p) {
			t.Errorf("%s without a session: %d to %q", p, status, loc)
		}
	}
	if status, _, loc := h.page("/login", "candidate"); status != 303 || loc != "/" {
		t.Errorf("login page while logged in: %d to %q", status, loc)
	}
	// The API keeps answering JSON.
	h.expectError(404, "", "GET", "/api/v1/nothing", "candidate", nil)
}

// TestLoginWithoutJavaScript: the login form posts to the page itself when its script
// does not run; it goes back only to a path on this site.
func TestLoginWithoutJavaScript(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	post := func(target, body, origin string) (int, string, string, string) {
		req := httptest.NewRequest("POST", target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := h.srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header.Get("Location"), resp.Header.Get("Set-Cookie")
	}
	form := "username=candidate&password=" + url.QueryEscape(testPassword)
	s, _, loc, cookie := post("/login?next=%2Fsyllabus", form, "http://example.com")
	if s != 303 || loc != "/syllabus" || !strings.Contains(cookie, "csm_session=") || !strings.Contains(cookie, "HttpOnly") {
		t.Fatalf("form login: %d to %q, cookie %q", s, loc, cookie)
	}
	// Browsers read "/\t/evil.example" and "/\\evil.example" as "//evil.example".
	for _, next := range []string{"%2F%2Fevil.example", "%2F%09%2Fevil.example%2Fx", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example"} {
		if s, _, loc, _ := post("/login?next="+next, form, ""); s != 303 || loc != "/" {
			t.Fatalf("login to another site (next=%s): %d to %q", next, s, loc)
		}
	}
	s, body, _, cookie := post("/login", "username=candidate&password=wrong+one", "")
	if s != 401 || cookie != "" || !strings.Contains(body, "用户名或密码不正确") || !strings.Contains(body, `value="candidate"`) {
		t.Fatalf("wrong password: %d, cookie %q", s, cookie)
	}
	if s, body, _, _ := post("/login", form, "http://evil.example"); s != 403 || !strings.Contains(body, "其他网站") {
		t.Fatalf("cross-site login form: %d", s)
	}
}

func TestStaticFilesAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	_, body, _ := h.page("/login", "")
	src := regexp.MustCompile(`/static/app\.js\?v=[0-9a-f]+`).FindString(body)
	if src == "" {
		t.Fatalf("no versioned app.js in the login page")
	}
	resp, err := h.srv.App.Test(httptest.NewRequest("GET", src, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(string(js), "window.csm") {
		t.Fatalf("app.js: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	req := httptest.NewRequest("GET", "/static/app.js", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, _ := h.srv.App.Test(req, -1); resp.StatusCode != 304 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("revalidation: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := h.srv.App.Test(httptest.NewRequest("GET", "/static/nothing.js", nil), -1); resp.StatusCode != 404 {
		t.Fatalf("missing static file: %d", resp.StatusCode)
	}
	resp, _ = h.srv.App.Test(httptest.NewRequest("GET", "/login", nil), -1)
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("security headers: %v", resp.Header)
	}
	// No page carries inline script or style: the policy would block it.
	if m := regexp.MustCompile(`<script>|<script [^>]*>[^<]|style=| on[a-z]+="`).FindString(body); m != "" {
		t.Fatalf("the login page has inline script or style: %s", m)
	}
}

// TestPagesEscape: text from the database is shown as text. Question text cannot hold
// markup (content refuses it), so a blueprint title carries the attack here.
func TestPagesEscape(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	bp := map[string]any{"code": "a-xss", "title": `周测<img src=x onerror=alert(1)>"'`, "mode": "exam", "duration_s": 600, "pass_score": 1,
		"sections": []map[string]any{{"type": "single", "count": 2, "points_each": 1}}, "overdue": "autosubmit"}
	if s, b := h.do("POST", "/api/v1/blueprints", "instructor", bp); s != 201 {
		t.Fatalf("blueprint %d %s", s, b)
	}
	_, body, _ := h.page("/", "candidate")
	if strings.Contains(body, "<img src=x") || !strings.Contains(body, "周测&lt;img src=x onerror=alert(1)&gt;&#34;&#39;") {
		t.Fatalf("blueprint title not escaped")
	}
	h.expectError(422, "stem", "POST", "/api/v1/questions", "instructor", singleChoice(`<script>alert(1)</script>客户服务`))
}

// BenchmarkPages renders the heaviest pages through the real app (app.Test, SQLite): the
// result of a submitted L2-theory paper (180 questions with review), the exam shell and
// a page of the question bank. Each op is one page.
func BenchmarkPages(b *testing.B) {
	h := newHarness(b, dbtest.SQLiteDSN(b))
	_, body := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.L2Theory})
	done := decode[attemptJSON](b, body)
	h.do("POST", "/api/v1/attempts/"+itoa(done.ID)+"/submit", "candidate", nil)
	_, body = h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.QuickQuiz})
	open := decode[attemptJSON](b, body)
	for _, p := range []struct{ name, path, who string }{
		{"result-L2-theory", "/attempts/" + itoa(done.ID) + "/result", "candidate"},
		{"exam", "/exam/" + itoa(open.ID), "candidate"},
		{"dashboard", "/", "candidate"},
		{"questions", "/questions?unit=JC.1", "instructor"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if s, _, _ := h.page(p.path, p.who); s != 200 {
					b.Fatalf("%s: %d", p.path, s)
				}
			}
		})
	}
}

// TestQuestionDifficultyFilter: the list (API and page) keeps one difficulty level.
func TestQuestionDifficultyFilter(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		_, b := h.do("GET", "/api/v1/questions?unit=JC.1&per_page=200", "instructor", nil)
		all := decode[struct {
			Items []content.Question
			Total int
		}](t, b)
		s, b := h.do("GET", "/api/v1/questions?unit=JC.1&difficulty=3&per_page=200", "instructor", nil)
		three := decode[struct {
			Items []content.Question
			Total int
		}](t, b)
		if s != 200 || three.Total == 0 || three.Total >= all.Total || len(three.Items) != three.Total {
			t.Fatalf("difficulty 3: %d, %d of %d", s, three.Total, all.Total)
		}
		for _, q := range three.Items {
			if q.Difficulty != 3 {
				t.Fatalf("question %d has difficulty %d", q.ID, q.Difficulty)
			}
		}
		h.expectError(422, "difficulty", "GET", "/api/v1/questions?difficulty=6", "instructor", nil)
		if _, body, _ := h.page("/questions?unit=JC.1&difficulty=3", "instructor"); !strings.Contains(body, fmt.Sprintf("共 %d 题", three.Total)) {
			t.Fatalf("the page does not count %d questions", three.Total)
		}
	})
}
