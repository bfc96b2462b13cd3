package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/web"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// addUser creates a user directly in the store and logs them in through the API.
func (h *harness) addUser(name, center string, role account.Role) int64 {
	h.t.Helper()
	u, err := h.srv.Accounts.CreateUser(context.Background(), account.NewUser{Username: name, Role: role, Center: center, Password: testPassword})
	if err != nil {
		h.t.Fatal(err)
	}
	h.login(name, testPassword)
	return u.ID
}

func (h *harness) login(name, password string) {
	h.t.Helper()
	status, body := h.do("POST", "/api/v1/session", "", map[string]string{"username": name, "password": password})
	if status != 200 {
		h.t.Fatalf("login %s: %d %s", name, status, body)
	}
	h.tokens[name] = decode[struct{ Token string }](h.t, body).Token
}

type createdUser struct {
	account.User
	Password string
}

func TestUsersAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)

		// A center admin creates a candidate; a generated password comes back once and works.
		s, b := h.do("POST", "/api/v1/users", "centeradmin", map[string]any{"username": "zhang.san", "name": "张三"})
		u := decode[createdUser](t, b)
		if s != 201 || u.Center != "a" || u.Role != account.Candidate || u.Password == "" {
			t.Fatalf("create %d %s", s, b)
		}
		h.login("zhang.san", u.Password)
		h.expectError(403, "", "POST", "/api/v1/users", "instructor", map[string]any{"username": "x1"})
		h.expectError(403, "", "POST", "/api/v1/users", "centeradmin", map[string]any{"username": "x2", "role": "admin"})
		h.expectError(409, "", "POST", "/api/v1/users", "centeradmin", map[string]any{"username": "zhang.san"})
		h.expectError(422, "password", "POST", "/api/v1/users", "centeradmin", map[string]any{"username": "x3", "password": "password1"})
		s, b = h.do("POST", "/api/v1/users", "admin", map[string]any{"username": "wang.b", "role": "center_admin", "center": "b", "password": "a fine passphrase"})
		if created := decode[createdUser](t, b); s != 201 || created.Center != "b" || created.Password != "" {
			t.Fatalf("admin creates in b: %d %s", s, b)
		}

		// Lists stay in the center; filters by role and text.
		s, b = h.do("GET", "/api/v1/users?role=candidate&q=zhang", "instructor", nil)
		list := decode[struct {
			Items []account.User
			Total int
		}](t, b)
		if s != 200 || list.Total != 1 || list.Items[0].Username != "zhang.san" {
			t.Fatalf("list %d %s", s, b)
		}
		if _, b := h.do("GET", "/api/v1/users", "wang.b", nil); strings.Contains(string(b), "zhang.san") {
			t.Fatal("center b lists center a's users")
		}
		h.expectError(422, "role", "GET", "/api/v1/users?role=boss", "centeradmin", nil)
		h.expectError(403, "", "GET", "/api/v1/users", "candidate", nil)

		// Disable: the candidate's session ends at once; enable again and rename.
		path := "/api/v1/users/" + itoa(u.ID)
		if s, b := h.do("PATCH", path, "centeradmin", map[string]any{"disabled": true}); s != 200 || !decode[account.User](t, b).Disabled {
			t.Fatalf("disable %d %s", s, b)
		}
		h.expectError(401, "", "GET", "/api/v1/me", "zhang.san", nil)
		if s, b := h.do("PATCH", path, "centeradmin", map[string]any{"disabled": false, "name": "张三丰"}); s != 200 || decode[account.User](t, b).Name != "张三丰" {
			t.Fatalf("enable %d %s", s, b)
		}
		// Reset: a generated password, returned once; the old one and old sessions end.
		h.login("zhang.san", u.Password)
		s, b = h.do("POST", path+"/password", "centeradmin", nil)
		pw := decode[struct{ Password string }](t, b).Password
		if s != 200 || pw == "" || pw == u.Password {
			t.Fatalf("reset %d %s", s, b)
		}
		h.expectError(401, "", "GET", "/api/v1/me", "zhang.san", nil)
		h.expectError(401, "", "POST", "/api/v1/session", "", map[string]string{"username": "zhang.san", "password": u.Password})
		h.login("zhang.san", pw)
		if s, b := h.do("POST", path+"/password", "centeradmin", map[string]string{"password": "my own new passphrase"}); s != 200 || decode[struct{ Password string }](t, b).Password != "" {
			t.Fatalf("reset to a given password %d %s", s, b)
		}
		h.login("zhang.san", "my own new passphrase")
		h.expectError(422, "password", "POST", path+"/password", "centeradmin", map[string]string{"password": "short"})
		h.expectError(403, "", "PATCH", "/api/v1/users/"+itoa(h.userID("admin")), "centeradmin", map[string]any{"disabled": true})
		h.expectError(409, "", "PATCH", "/api/v1/users/"+itoa(h.userID("centeradmin")), "centeradmin", map[string]any{"disabled": true})
	})
}

// userID looks a harness user up by username.
func (h *harness) userID(name string) int64 {
	h.t.Helper()
	status, body := h.do("GET", "/api/v1/me", name, nil)
	if status != 200 {
		h.t.Fatalf("me %s: %d", name, status)
	}
	return decode[account.User](h.t, body).ID
}

func TestUsersImport(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		// Errors name the row and the column; nothing is created.
		bad := "用户名,姓名,密码,班级\r\nstu01,学生一,,一班\r\ncandidate,重名,,\r\nstu03,学生三,123456789,\r\n"
		s, b := h.upload("/api/v1/users/import", "centeradmin", "students.csv", []byte(bad))
		rep := decode[importReport](t, b)
		if s != 422 || rep.Error == "" || rep.Imported != 0 || len(rep.Errors) != 2 ||
			rep.Errors[0].Row != 3 || rep.Errors[0].Field != "用户名" || rep.Errors[1].Row != 4 || rep.Errors[1].Field != "密码" {
			t.Fatalf("bad import %d %s", s, b)
		}
		h.expectError(401, "", "POST", "/api/v1/session", "", map[string]string{"username": "stu01", "password": "x"})

		// A CSV saved by Excel on Chinese Windows (GB18030), dry run first.
		gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("用户名,姓名,密码,班级\r\nstu01,学生一,,一班\r\nstu02,学生二,a fine passphrase,一班\r\n")
		s, b = h.upload("/api/v1/users/import?dry_run=1", "centeradmin", "students.csv", []byte(gbk))
		if rep := decode[importReport](t, b); s != 200 || rep.Valid != 2 || rep.Imported != 0 {
			t.Fatalf("dry run %d %s", s, b)
		}
		s, b = h.upload("/api/v1/users/import", "centeradmin", "students.csv", []byte(gbk))
		rep = decode[importReport](t, b)
		if s != 201 || rep.Imported != 2 || len(rep.Passwords) != 1 || rep.Passwords[0].Username != "stu01" {
			t.Fatalf("import %d %s", s, b)
		}
		h.login("stu01", rep.Passwords[0].Password)
		h.login("stu02", "a fine passphrase")
		s, b = h.do("GET", "/api/v1/users/"+itoa(h.userID("stu01")), "centeradmin", nil)
		if u := decode[account.User](t, b); s != 200 || u.Name != "学生一" {
			t.Fatalf("imported user %d %s", s, b)
		}
		s, b = h.do("GET", "/api/v1/cohorts", "instructor", nil)
		cohorts := decode[struct{ Items []account.Cohort }](t, b).Items
		if len(cohorts) != 1 || cohorts[0].Name != "一班" || cohorts[0].Members != 2 {
			t.Fatalf("cohorts after import: %s", b)
		}

		// XLSX works the same.
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]string{"用户名", "姓名"})
		for i := range 30 {
			f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &[]string{"x" + strconv.Itoa(i+10), "学员" + strconv.Itoa(i)})
		}
		var xb bytes.Buffer
		f.WriteTo(&xb)
		s, b = h.upload("/api/v1/users/import", "centeradmin", "班级名单.xlsx", xb.Bytes())
		if rep := decode[importReport](t, b); s != 201 || rep.Imported != 30 || len(rep.Passwords) != 30 {
			t.Fatalf("xlsx import %d %s", s, b)
		}
		h.expectError(422, "file", "POST", "/api/v1/users/import", "centeradmin", nil)
		if s, _ := h.upload("/api/v1/users/import", "centeradmin", "list.txt", []byte("x")); s != 422 {
			t.Fatalf("txt import: %d", s)
		}
		if s, _ := h.upload("/api/v1/users/import", "instructor", "students.csv", []byte(bad)); s != 403 {
			t.Fatalf("instructor import: %d", s)
		}
	})
}

// TestLoginThrottleAPI: the failure past the free ones makes the next login wait.
//
// The throttle tests are not parallel: the store runs on the real clock, and the 2 s wait
// after a failure must outlast the next login, which other tests' load could delay.
func TestLoginThrottleAPI(t *testing.T) {
	h := newHarness(t, dbtest.SQLiteDSN(t))
	for range account.PairRule.Free + 1 {
		h.expectError(401, "", "POST", "/api/v1/session", "", map[string]string{"username": "candidate", "password": "guess"})
	}
	req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"candidate","password":"`+testPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, _ := h.srv.App.Test(req, -1)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(body), "秒后再试") {
		t.Fatalf("throttled login: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	cookie := "csm_session=" + h.tokens["instructor"]
	send := func(headers map[string]string) int {
		req := httptest.NewRequest("POST", "http://exam.example.com/api/v1/cohorts", strings.NewReader(`{"name":"班`+strconv.Itoa(len(headers))+headers["Origin"]+headers["Referer"]+`"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := h.srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	for _, c := range []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"cookie, no origin", map[string]string{"Cookie": cookie}, 403},
		{"cookie, other site", map[string]string{"Cookie": cookie, "Origin": "https://evil.example"}, 403},
		{"cookie, other site referer", map[string]string{"Cookie": cookie, "Referer": "https://evil.example/x"}, 403},
		{"cookie, same origin (fetch from our pages)", map[string]string{"Cookie": cookie, "Origin": "http://exam.example.com"}, 201},
		{"cookie, same-origin referer", map[string]string{"Cookie": cookie, "Referer": "http://exam.example.com/cohorts"}, 201},
		{"cookie, custom header", map[string]string{"Cookie": cookie, "X-Requested-With": "fetch"}, 201},
		{"bearer", map[string]string{"Authorization": "Bearer " + h.tokens["instructor"]}, 201},
	} {
		if got := send(c.headers); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// Reads by cookie need no origin.
	req := httptest.NewRequest("GET", "/api/v1/cohorts", nil)
	req.Header.Set("Cookie", cookie)
	if resp, _ := h.srv.App.Test(req, -1); resp.StatusCode != 200 {
		t.Fatalf("cookie GET: %d", resp.StatusCode)
	}
	// Another site's form (text/plain, shaped as JSON) must not log the visitor into an
	// account of the attacker's choosing; our own pages and API clients log in.
	login := func(origin string) (int, string) {
		req := httptest.NewRequest("POST", "http://exam.example.com/api/v1/session", strings.NewReader(`{"username":"candidate","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "text/plain")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := h.srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Set-Cookie")
	}
	if s, cookie := login("https://evil.example"); s != 403 || cookie != "" {
		t.Fatalf("cross-site login: %d, cookie %q", s, cookie)
	}
	for _, origin := range []string{"http://exam.example.com", ""} {
		if s, _ := login(origin); s != 200 {
			t.Fatalf("login with Origin %q: %d", origin, s)
		}
	}
}

// behindProxy is the harness's app behind a trusted proxy that names the client in
// X-Real-IP; its login posts a login from one client and returns the status.
func behindProxy(t *testing.T, h *harness) (login func(from, username, password string) int) {
	d := h.srv.Deps
	d.ProxyHeader, d.TrustedProxies = "X-Real-IP", []string{"0.0.0.0/0"}
	srv := web.New(d)
	return func(from, username, password string) int {
		req := httptest.NewRequest("POST", "/api/v1/session", strings.NewReader(`{"username":"`+username+`","password":"`+password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Real-IP", from)
		resp, err := srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
}

// Behind a trusted proxy, throttling counts by the client's address from the proxy
// header: an attacker's failures do not lock the candidate out. Not parallel (see
// TestLoginThrottleAPI).
func TestLoginThrottleBehindProxy(t *testing.T) {
	login := behindProxy(t, newHarness(t, dbtest.SQLiteDSN(t)))
	for range account.PairRule.Free + 1 {
		if s := login("203.0.113.9", "candidate", "guess"); s != 401 {
			t.Fatalf("failure: %d", s)
		}
	}
	if s := login("203.0.113.9", "candidate", testPassword); s != 429 {
		t.Fatalf("attacker's address: %d", s)
	}
	if s := login("198.51.100.7", "candidate", testPassword); s != 200 {
		t.Fatalf("candidate's own address: %d", s)
	}
}

// A classroom behind one NAT address: someone there fails past the address's cap under
// made-up usernames; a candidate in the same room still logs in with the right password.
// Not parallel (see TestLoginThrottleAPI).
func TestLoginThrottleClassroomBehindProxy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		login := behindProxy(t, newHarness(t, dsn))
		const classroom = "203.0.113.9"
		// Failures well past the cap, so that its block (32 s, on the real clock the
		// harness runs on) outlasts the rest of the test.
		for i := range account.AddressRule.Free + 5 {
			if s := login(classroom, fmt.Sprintf("nobody%d", i), "guess"); s != 401 {
				t.Fatalf("failure %d: %d", i, s)
			}
		}
		if s := login(classroom, "nobody0", "guess"); s != 429 {
			t.Fatalf("failing username from a capped address: %d", s)
		}
		if s := login(classroom, "candidate", testPassword); s != 200 {
			t.Fatalf("candidate in the classroom: %d", s)
		}
	})
}
