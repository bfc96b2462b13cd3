package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
)

// syncBuffer is a bytes.Buffer safe to write from the server goroutine and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func testEnv(stdin string) (env, *syncBuffer, *syncBuffer) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	return env{stdin: strings.NewReader(stdin), stdout: out, stderr: errOut, getenv: func(string) string { return "" }}, out, errOut
}

// startServe runs `csmexam serve` on port 0 and returns its base URL and a stop function
// that sends the shutdown signal and waits for the exit code.
func startServe(t *testing.T, dsn string) (string, *syncBuffer, func() int) {
	t.Helper()
	e, out, errOut := testEnv("")
	ready := make(chan string, 1)
	e.ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, e) }()
	select {
	case addr := <-ready:
		return "http://" + addr, out, func() int { cancel(); return <-done }
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errOut)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start: %s", errOut)
	}
	return "", nil, nil
}

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) call(method, path string, body any, into any) int {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if into != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, into); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

func (c *client) login(user, password string) {
	c.t.Helper()
	var res struct{ Token string }
	if s := c.call("POST", "/api/v1/session", map[string]string{"username": user, "password": password}, &res); s != 200 {
		c.t.Fatalf("login %s: %d", user, s)
	}
	c.token = res.Token
}

// TestEndToEnd runs the program's real wiring: serve on a new database (demo accounts
// printed once), user add, log in, read the syllabus, create and edit a question and
// read both versions, then a graceful stop; a restart loads nothing twice.
func TestEndToEnd(t *testing.T) {
	dsn := dbtest.SQLiteDSN(t)
	base, out, stop := startServe(t, dsn)

	m := regexp.MustCompile(`demo-instructor\s+(\S+)`).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), base) {
		t.Fatalf("welcome does not show the URL and the demo instructor's password:\n%s", out)
	}
	c := &client{t: t, base: base}
	c.login("demo-instructor", m[1])

	e, userOut, userErr := testEnv("a long passphrase for li\n")
	if code := run(context.Background(), []string{"user", "add", "--db", dsn, "--role", "candidate", "--center", "bj01", "--name", "李明", "liming"}, e); code != 0 {
		t.Fatalf("user add: %d %s", code, userErr)
	}
	if !strings.Contains(userOut.String(), "liming") {
		t.Fatalf("user add printed %q", userOut)
	}
	cand := &client{t: t, base: base}
	cand.login("liming", "a long passphrase for li")
	var me struct{ Name, Role, Center string }
	if s := cand.call("GET", "/api/v1/me", nil, &me); s != 200 || me.Name != "李明" || me.Role != "candidate" || me.Center != "bj01" {
		t.Fatalf("me: %d %+v", s, me)
	}
	var syl struct {
		Nodes []struct {
			Code     string
			Children []json.RawMessage
		}
	}
	if s := cand.call("GET", "/api/v1/syllabus", nil, &syl); s != 200 || len(syl.Nodes) != 2 || len(syl.Nodes[1].Children) < 8 {
		t.Fatalf("syllabus: %d %+v", s, syl)
	}

	q := map[string]any{"type": "truefalse", "stem": "E2E：客户服务只发生在产品售出之后。", "unit": "JC.1.1.2", "difficulty": 1,
		"answer": []string{"F"}, "explanation": "售前、售中、售后都有客户服务。", "source": "讲师自编"}
	var created struct{ ID, Version int }
	if s := c.call("POST", "/api/v1/questions", q, &created); s != 201 || created.Version != 1 {
		t.Fatalf("create: %d %+v", s, created)
	}
	q["stem"] = "E2E：客户服务仅指产品售出之后的服务。"
	path := "/api/v1/questions/" + itoa(created.ID)
	var edited struct{ Version int }
	if s := c.call("PUT", path, q, &edited); s != 200 || edited.Version != 2 {
		t.Fatalf("edit: %d %+v", s, edited)
	}
	var v1, v2 struct{ Stem string }
	c.call("GET", path+"?version=1", nil, &v1)
	c.call("GET", path, nil, &v2)
	if v1.Stem != "E2E：客户服务只发生在产品售出之后。" || v2.Stem != "E2E：客户服务仅指产品售出之后的服务。" {
		t.Fatalf("versions: %q / %q", v1.Stem, v2.Stem)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d after shutdown", code)
	}

	// A restart finds its accounts and bank: no new demo passwords, nothing re-added.
	base, out, stop = startServe(t, dsn)
	if strings.Contains(out.String(), "demo-instructor") {
		t.Fatalf("second start printed demo passwords again:\n%s", out)
	}
	c.base = base
	c.login("demo-instructor", m[1])
	var list struct{ Total int }
	c.call("GET", "/api/v1/questions?q=E2E：", nil, &list)
	if list.Total != 1 {
		t.Fatalf("after restart: %d matching questions", list.Total)
	}
	stop()
}

func TestUserAddErrors(t *testing.T) {
	dsn := dbtest.SQLiteDSN(t)
	add := func(stdin string, args ...string) (int, string) {
		e, _, errOut := testEnv(stdin)
		code := run(context.Background(), append([]string{"user", "add", "--db", dsn}, args...), e)
		return code, errOut.String()
	}
	if code, msg := add("a fine passphrase\n", "--role", "admin", "--center", "hq", "boss"); code != 0 {
		t.Fatalf("first add: %d %s", code, msg)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"another passphrase\n", []string{"--role", "admin", "--center", "hq", "boss"}, "已被使用"},
		{"a fine passphrase\n", []string{"--role", "teacher", "--center", "hq", "t1"}, "role"},
		{"short\n", []string{"--role", "candidate", "--center", "hq", "t2"}, "password"},
		{"password123\n", []string{"--role", "candidate", "--center", "hq", "t3"}, "password"},
		{"", []string{"--role", "candidate", "--center", "hq", "t4"}, "stdin"},
		{"a fine passphrase\n", []string{"--role", "candidate", "t5"}, "--center"},
		{"a fine passphrase\n", []string{"--role", "candidate", "--center", "hq"}, "USERNAME"},
	} {
		code, msg := add(c.stdin, c.args...)
		if code == 0 || !strings.Contains(msg, c.want) {
			t.Errorf("user add %v: exit %d, %q; want an error mentioning %q", c.args, code, msg, c.want)
		}
	}
}

func TestServeRefusesBadSettings(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--db", "postgres://x"}, "sqlite:PATH or mysql://"},
		{[]string{"serve", "--db", "mysql://root@localhost/x"}, "tcp(HOST:PORT)"},
		{[]string{"serve", "--db", "mysql://root:s3cret@tcp(h:1)/"}, "root:***@"},
		{[]string{"serve", "--addr", "8080"}, "HOST:PORT"},
		{[]string{"serve", "--db", "mysql://root:@tcp(127.0.0.1:1)/nothing"}, "does not answer"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		e, _, errOut := testEnv("")
		if code := run(context.Background(), c.args, e); code == 0 || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want mention of %q", c.args, code, errOut, c.want)
		}
	}
}

func TestConfigFromEnvAndFlags(t *testing.T) {
	env := map[string]string{"CSMEXAM_DB": "sqlite:/tmp/env.db", "CSMEXAM_ADDR": "127.0.0.1:9000"}
	cfg, err := parseServe(nil, func(k string) string { return env[k] }, os.Stderr)
	if err != nil || cfg.DB != "sqlite:/tmp/env.db" || cfg.Addr != "127.0.0.1:9000" {
		t.Fatalf("env: %+v %v", cfg, err)
	}
	cfg, err = parseServe([]string{"--addr", "0.0.0.0:8081"}, func(k string) string { return env[k] }, os.Stderr)
	if err != nil || cfg.Addr != "0.0.0.0:8081" || cfg.DB != "sqlite:/tmp/env.db" {
		t.Fatalf("flags over env: %+v %v", cfg, err)
	}
	if d := DefaultConfig(); d.Validate() != nil || d.Addr != "127.0.0.1:8080" || d.DB != "sqlite:data/csmexam.db" {
		t.Fatalf("defaults: %+v", d)
	}
	if got := db.Redact("mysql://csm:secret@tcp(db:3306)/csmexam"); strings.Contains(got, "secret") {
		t.Fatalf("redact: %s", got)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
