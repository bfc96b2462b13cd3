package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/web"
	"gorm.io/gorm"
)

// harness is the real app over a real database, with one user per role in center "a",
// an instructor in center "b", and their tokens.
type harness struct {
	t      testing.TB
	g      *gorm.DB
	srv    *web.Server
	tokens map[string]string
}

const testPassword = "a long test passphrase"

func newHarness(t testing.TB, dsn string) *harness {
	t.Helper()
	return newHarnessAt(t, dsn, time.Now)
}

// newHarnessAt is newHarness with the exam engine on the clock now.
func newHarnessAt(t testing.TB, dsn string, now func() time.Time) *harness {
	t.Helper()
	return newHarnessWith(t, dsn, now, nil)
}

// newHarnessWith is newHarnessAt with the exam engine's and the server's deps adjusted by
// adjust (when not nil) before they are built.
func newHarnessWith(t testing.TB, dsn string, now func() time.Time, adjust func(*exam.Deps, *web.Deps)) *harness {
	t.Helper()
	tokens := seeded.CopyInto(t, dsn)
	g := dbtest.Open(t, dsn)
	cs := content.NewStore(g, time.Now)
	as := account.NewStore(g, time.Now)
	h := &harness{t: t, g: g, tokens: maps.Clone(tokens)}
	ed := exam.Deps{Now: now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: as, Sessions: as}
	wd := web.Deps{Content: cs, Accounts: as, Ping: func(context.Context) error { return nil }, Logger: slog.New(slog.DiscardHandler)}
	if adjust != nil {
		adjust(&ed, &wd)
	}
	exams := exam.NewService(g, cs, ed)
	wd.Exams, wd.Grades = exams, grading.NewService(g, exams, cs, as, time.Now)
	h.srv = web.New(wd)
	return h
}

// harnessUsers are the users every harness has, each logged in.
var harnessUsers = []struct {
	name, center string
	role         account.Role
}{
	{"candidate", "a", account.Candidate}, {"candidate2", "a", account.Candidate}, {"instructor", "a", account.Instructor},
	{"centeradmin", "a", account.CenterAdmin}, {"admin", "a", account.Admin}, {"instructor-b", "b", account.Instructor},
}

// seeded is the database every harness starts as, seeded once per engine and test binary
// (the bundled bank and a dozen argon2id hashes take seconds under -race): migrated, the
// bundled pack loaded, the bundled blueprints synced, and harnessUsers logged in. Its value
// maps each username to the token of that session.
var seeded = dbtest.NewTemplate(func(ctx context.Context, g *gorm.DB) (map[string]string, error) {
	for _, migrate := range []func(context.Context, *gorm.DB) error{content.Migrate, account.Migrate, exam.Migrate, grading.Migrate} {
		if err := migrate(ctx, g); err != nil {
			return nil, err
		}
	}
	cs := content.NewStore(g, time.Now)
	p, err := pack.Bundled()
	if err != nil {
		return nil, err
	}
	if _, err := pack.Load(ctx, cs, p); err != nil {
		return nil, err
	}
	as := account.NewStore(g, time.Now)
	exams := exam.NewService(g, cs, exam.Deps{Now: time.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: as, Sessions: as})
	if err := exams.SyncBundled(ctx); err != nil {
		return nil, err
	}
	tokens := map[string]string{}
	for _, u := range harnessUsers {
		if _, err := as.CreateUser(ctx, account.NewUser{Username: u.name, Role: u.role, Center: u.center, Password: testPassword}); err != nil {
			return nil, err
		}
		token, _, err := as.Login(ctx, u.name, testPassword)
		if err != nil {
			return nil, fmt.Errorf("login %s: %w", u.name, err)
		}
		tokens[u.name] = token
	}
	return tokens, nil
})

// TestMain drops the MariaDB template after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	seeded.Drop()
	os.Exit(code)
}

// do sends a request as the user named by who ("" for none) and returns status and body.
func (h *harness) do(method, path, who string, body any) (int, []byte) {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	if tok := h.tokens[who]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else if who != "" {
		req.Header.Set("Authorization", "Bearer "+who)
	}
	resp, err := h.srv.App.Test(req, -1)
	if err != nil {
		h.t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

type apiError struct {
	Error string `json:"error"`
	Field string `json:"field"`
}

// expectError sends a request and checks its status and that the body is
// {"error": …, "field": field}.
func (h *harness) expectError(status int, field string, method, path, who string, reqBody any) {
	h.t.Helper()
	gotStatus, body := h.do(method, path, who, reqBody)
	if gotStatus != status {
		h.t.Fatalf("status %d, want %d: %s", gotStatus, status, body)
	}
	e := decode[apiError](h.t, body)
	if e.Error == "" || e.Field != field {
		h.t.Fatalf("error body %s, want field %q", body, field)
	}
}

func TestHealthAndOpenAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	if s, b := h.do("GET", "/healthz", "", nil); s != 200 || !strings.Contains(string(b), "ok") {
		t.Fatalf("healthz %d %s", s, b)
	}
	s, b := h.do("GET", "/api/v1/openapi.json", "", nil)
	doc := decode[map[string]any](t, b)
	if s != 200 || doc["openapi"] == nil || doc["paths"].(map[string]any)["/api/v1/questions/{id}"] == nil {
		t.Fatalf("openapi %d", s)
	}
	// Every API route the app serves is documented, with its method (parameters compared
	// by place, not name).
	docParam, routeParam := regexp.MustCompile(`\{\w+\}`), regexp.MustCompile(`:\w+`)
	documented := map[string]bool{}
	for p, ops := range doc["paths"].(map[string]any) {
		for m := range ops.(map[string]any) {
			documented[strings.ToUpper(m)+" "+docParam.ReplaceAllString(p, "{}")] = true
		}
	}
	for _, r := range h.srv.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" || r.Path == "/api/v1/openapi.json" {
			continue
		}
		if route := r.Method + " " + strings.TrimSuffix(routeParam.ReplaceAllString(r.Path, "{}"), "/"); !documented[route] {
			t.Errorf("openapi.json lacks %s", route)
		}
	}
	down := web.New(web.Deps{Ping: func(context.Context) error { return errors.New("connection refused") }})
	resp, _ := down.App.Test(httptest.NewRequest("GET", "/readyz", nil), -1)
	if resp.StatusCode != 503 {
		t.Fatalf("readyz with the database down: %d", resp.StatusCode)
	}
	if resp, _ := down.App.Test(httptest.NewRequest("GET", "/healthz", nil), -1); resp.StatusCode != 200 {
		t.Fatalf("healthz (liveness) with the database down: %d", resp.StatusCode)
	}
	h.expectError(404, "", "GET", "/api/v1/nothing-here", "", nil)
}

func TestSessions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		// The cookie is for pages: HttpOnly, SameSite.
		req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"candidate","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, _ := h.srv.App.Test(req, -1)
		cookie := resp.Header.Get("Set-Cookie")
		if resp.StatusCode != 200 || !strings.Contains(cookie, "csm_session=") || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(strings.ToLower(cookie), "samesite=lax") {
			t.Fatalf("login: %d, cookie %q", resp.StatusCode, cookie)
		}
		req = httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Cookie", strings.Split(cookie, ";")[0])
		resp, _ = h.srv.App.Test(req, -1)
		body, _ := io.ReadAll(resp.Body)
		if me := decode[account.User](t, body); resp.StatusCode != 200 || me.Username != "candidate" || me.Role != account.Candidate || me.Center != "a" {
			t.Fatalf("me by cookie: %d %s", resp.StatusCode, body)
		}
		s, b := h.do("GET", "/api/v1/me", "instructor", nil)
		if me := decode[account.User](t, b); s != 200 || me.Role != account.Instructor {
			t.Fatalf("me by bearer: %d %s", s, b)
		}
		h.expectError(401, "", "POST", "/api/v1/session", "", map[string]string{"username": "candidate", "password": "wrong one"})
		h.expectError(400, "", "POST", "/api/v1/session", "", `{"username":`)
		h.expectError(400, "username", "POST", "/api/v1/session", "", `{"password":"x"}`)
		h.expectError(401, "", "GET", "/api/v1/me", "", nil)
		h.expectError(401, "", "GET", "/api/v1/me", "not-a-token", nil)
		if s, _ := h.do("DELETE", "/api/v1/session", "candidate", nil); s != 204 {
			t.Fatalf("logout %d", s)
		}
		h.expectError(401, "", "GET", "/api/v1/me", "candidate", nil)
	})
}

func TestSyllabus(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		s, b := h.do("GET", "/api/v1/syllabus", "candidate", nil)
		tree := decode[struct{ Nodes []*content.Node }](t, b)
		if s != 200 || len(tree.Nodes) != 2 || tree.Nodes[0].Code != "JC" || tree.Nodes[1].Code != "L2" {
			t.Fatalf("syllabus %d: %d roots", s, len(tree.Nodes))
		}
		chapter := tree.Nodes[0].Children[0]
		if chapter.Kind != content.Chapter || len(chapter.Children) == 0 || chapter.Children[0].Children[0].Kind != content.Point || chapter.Children[0].Children[0].Text == "" {
			t.Fatalf("chapter %s is not a tree down to points with texts", chapter.Code)
		}
		s, b = h.do("GET", "/api/v1/syllabus/L2.3", "candidate", nil)
		// The second edition filled L2.3: its sections have study texts and knowledge points.
		if n := decode[content.Node](t, b); s != 200 || n.Title != "客户信息管理" || n.Children[0].Text == content.PendingText ||
			len(n.Children[0].Children) == 0 || n.Children[0].Children[0].Kind != content.Point {
			t.Fatalf("L2.3: %d %s", s, b)
		}
		h.expectError(404, "", "GET", "/api/v1/syllabus/XX.9", "candidate", nil)
		h.expectError(401, "", "GET", "/api/v1/syllabus", "", nil)
	})
}

func singleChoice(stem string) map[string]any {
	return map[string]any{
		"type": "single", "stem": stem, "unit": "JC.1.2.1", "difficulty": 2, "source": "讲师自编",
		"options":     []map[string]string{{"key": "A", "text": "层次性"}, {"key": "B", "text": "垄断性"}, {"key": "C", "text": "多样性"}},
		"answer":      []string{"B"},
		"explanation": "垄断性不是客户服务的特点。",
	}
}

func TestQuestionsAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		h.expectError(403, "", "GET", "/api/v1/questions", "candidate", nil)
		h.expectError(401, "", "GET", "/api/v1/questions", "", nil)

		s, b := h.do("GET", "/api/v1/questions?unit=JC.1&type=truefalse&per_page=5", "instructor", nil)
		list := decode[struct {
			Items []content.Question
			Total int
		}](t, b)
		if s != 200 || len(list.Items) != 5 || list.Total < 20 {
			t.Fatalf("list %d: %d items of %d", s, len(list.Items), list.Total)
		}
		for _, q := range list.Items {
			if q.Type != content.TrueFalse || !strings.HasPrefix(q.Unit, "JC.1.") || q.Options[0].Key != "T" {
				t.Fatalf("filtered item %+v", q)
			}
		}
		h.expectError(422, "page", "GET", "/api/v1/questions?page=0", "instructor", nil)
		h.expectError(422, "per_page", "GET", "/api/v1/questions?per_page=1000", "instructor", nil)
		h.expectError(422, "type", "GET", "/api/v1/questions?type=essay", "instructor", nil)

		// Create, then edit: two versions, both readable.
		s, b = h.do("POST", "/api/v1/questions", "instructor", singleChoice("中心甲自编：客户服务的特点不包括哪一项？"))
		created := decode[content.Question](t, b)
		if s != 201 || created.ID == 0 || created.Version != 1 {
			t.Fatalf("create %d %s", s, b)
		}
		path := "/api/v1/questions/" + itoa(created.ID)
		edit := singleChoice("中心甲自编：下列哪一项不是客户服务的特点？")
		edit["version"] = 1
		s, b = h.do("PUT", path, "instructor", edit)
		if v := decode[content.Question](t, b); s != 200 || v.Version != 2 {
			t.Fatalf("edit %d %s", s, b)
		}
		h.expectError(409, "", "PUT", path, "centeradmin", edit)
		s, b = h.do("GET", path+"?version=1", "instructor", nil)
		if v := decode[content.Question](t, b); s != 200 || v.Stem != "中心甲自编：客户服务的特点不包括哪一项？" {
			t.Fatalf("v1 %d %s", s, b)
		}
		s, b = h.do("GET", path+"/versions", "centeradmin", nil)
		if vs := decode[struct{ Items []content.Question }](t, b); s != 200 || len(vs.Items) != 2 {
			t.Fatalf("versions %d %s", s, b)
		}
		s, b = h.do("GET", "/api/v1/questions?q=中心甲自编", "instructor", nil)
		if l := decode[struct{ Total int }](t, b); s != 200 || l.Total != 1 {
			t.Fatalf("search %d %s", s, b)
		}

		// Another center cannot see it at all.
		h.expectError(404, "", "GET", path, "instructor-b", nil)
		h.expectError(404, "", "PUT", path, "instructor-b", edit)
		h.expectError(404, "", "DELETE", path, "instructor-b", nil)
		if _, b := h.do("GET", "/api/v1/questions?q=中心甲自编", "instructor-b", nil); decode[struct{ Total int }](t, b).Total != 0 {
			t.Fatal("center b lists center a's question")
		}

		// The bundled bank is read-only to centers, editable by an admin.
		bundledID := list.Items[0].ID
		bundledPath := "/api/v1/questions/" + itoa(bundledID)
		tf := map[string]any{"type": "truefalse", "stem": list.Items[0].Stem, "unit": list.Items[0].Unit, "difficulty": 3,
			"answer": list.Items[0].Answer, "explanation": list.Items[0].Explanation, "source": list.Items[0].Source}
		h.expectError(403, "", "PUT", bundledPath, "instructor", tf)
		if s, b := h.do("PUT", bundledPath, "admin", tf); s != 200 || decode[content.Question](t, b).Difficulty != 3 {
			t.Fatalf("admin edit of bundled %d %s", s, b)
		}

		// Validation names the field; unreadable bodies are 400; nothing is stored.
		bad := singleChoice("缺少答案")
		bad["answer"] = []string{"E"}
		h.expectError(422, "answer[0]", "POST", "/api/v1/questions", "instructor", bad)
		bad = singleChoice("难度越界")
		bad["difficulty"] = 7
		h.expectError(422, "difficulty", "POST", "/api/v1/questions", "instructor", bad)
		bad = singleChoice("类型未知")
		bad["type"] = "essay"
		h.expectError(422, "type", "POST", "/api/v1/questions", "instructor", bad)
		bad = singleChoice("知识点未知")
		bad["unit"] = "JC.99.1.1"
		h.expectError(422, "unit", "POST", "/api/v1/questions", "instructor", bad)
		h.expectError(400, "difficulty", "POST", "/api/v1/questions", "instructor", `{"type":"single","difficulty":"hard"}`)
		h.expectError(400, "", "POST", "/api/v1/questions", "instructor", `{"type":`)
		h.expectError(400, "colour", "POST", "/api/v1/questions", "instructor", `{"colour":"red"}`)
		if _, b := h.do("GET", "/api/v1/questions?q=越界", "instructor", nil); decode[struct{ Total int }](t, b).Total != 0 {
			t.Fatal("an invalid question was stored")
		}

		// Case analysis: rubric must add up to the part's points.
		cs := map[string]any{"type": "case", "stem": "阅读案例，回答问题。", "unit": "JC.1.2.1", "difficulty": 4, "source": "讲师自编",
			"material": "某连锁超市的客服中心只处理退换货……", "explanation": "考查客户服务的系统性。",
			"parts": []map[string]any{{"prompt": "存在什么问题？", "points": 10, "reference": "……", "rubric": []map[string]any{
				{"point": "服务观念停留在售后", "score": 5, "keywords": []string{"售后"}},
				{"point": "缺少部门协作", "score": 4.5, "keywords": []string{"协作", "配合"}}}}}}
		h.expectError(422, "parts[0].rubric", "POST", "/api/v1/questions", "instructor", cs)
		cs["parts"].([]map[string]any)[0]["rubric"].([]map[string]any)[1]["score"] = 5
		if s, b := h.do("POST", "/api/v1/questions", "instructor", cs); s != 201 || decode[content.Question](t, b).Parts[0].Rubric[1].Score != content.Pts(5) {
			t.Fatalf("case create %d %s", s, b)
		}

		// Delete retires it.
		if s, _ := h.do("DELETE", path, "instructor", nil); s != 204 {
			t.Fatalf("delete %d", s)
		}
		h.expectError(404, "", "GET", path, "instructor", nil)
		h.expectError(404, "", "GET", "/api/v1/questions/abc", "instructor", nil)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOversizeBody goes through a real listener: fasthttp refuses the body before the app
// sees it, and the app's error handler must still answer in JSON. The request announces a
// body over the limit and sends none, so the server's early answer races no upload.
func TestOversizeBody(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go h.srv.App.Listener(ln)
	t.Cleanup(func() { h.srv.App.Shutdown() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/questions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		h.tokens["instructor"], web.BodyLimit+1)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || decode[apiError](t, b).Error == "" {
		t.Fatalf("oversize body: %d %s", resp.StatusCode, b)
	}
}

// TestOversizeJSON: uploads may be large, JSON bodies may not.
func TestOversizeJSON(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	body := `{"stem":"` + strings.Repeat("长", web.JSONLimit/3) + `"}`
	status, b := h.do("POST", "/api/v1/questions", "instructor", body)
	if status != 413 || decode[apiError](t, b).Error != "请求体过大" {
		t.Fatalf("oversize JSON: %d %s", status, b)
	}
}
