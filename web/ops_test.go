package web_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/web"
)

// Tests of the hardening findings of issue 18 that the HTTP API shows.

// TestSaveSeqReusedForAnotherAnswer: a save repeating the stored seq with another choice
// is 409, not a 200 for an answer the server did not keep; the same answer again is the
// idempotent 200.
func TestSaveSeqReusedForAnotherAnswer(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", exam.L2Theory)
		q := a.Sections[0].Questions[0]
		qpath := path + "/answers/" + strconv.FormatInt(q.ID, 10)
		first := map[string]any{"choice": []string{q.Options[0].Key}, "seq": 5}
		for range 2 {
			if s, b := h.do("PUT", qpath, "candidate", first); s != 200 {
				t.Fatalf("save %d %s", s, b)
			}
		}
		h.expectError(409, "", "PUT", qpath, "candidate", map[string]any{"choice": []string{q.Options[1].Key}, "seq": 5})
		_, b := h.do("GET", path, "candidate", nil)
		if got := decode[attemptJSON](t, b).Answers[strconv.FormatInt(q.ID, 10)]; len(got.Choice) != 1 || got.Choice[0] != q.Options[0].Key {
			t.Fatalf("stored answer %+v", got)
		}
	})
}

// TestFrameworkErrorsAreJSONWithHeaders: requests the framework refuses before any
// route (over the body limit, an unreadable request) get our security headers and a JSON
// error, also where the path would be a page's.
func TestFrameworkErrorsAreJSONWithHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	addr := h.listen()
	for _, raw := range []string{
		"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12582912\r\n\r\n",
		"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
		"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
	} {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := conn.Write([]byte(raw)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || resp.Header.Get("Content-Security-Policy") == "" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			decode[apiError](t, body).Error == "" {
			t.Errorf("%q: %d %v %s", raw, resp.StatusCode, resp.Header, body)
		}
	}
}

// TestJSONBodyIsOneObject: a null body and data after the JSON value are refused with 400
// rather than read as an empty request or cut short.
func TestJSONBodyIsOneObject(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	a, path := h.startAndPath("candidate", exam.L2Theory)
	q := a.Sections[0].Questions[0]
	qpath := path + "/answers/" + strconv.FormatInt(q.ID, 10)
	h.expectError(400, "", "POST", "/api/v1/blueprints", "instructor", "null")
	h.expectError(400, "", "PUT", qpath, "candidate", " null ")
	h.expectError(400, "", "PUT", qpath, "candidate", `{"choice":["`+q.Options[0].Key+`"]} {"choice":["`+q.Options[1].Key+`"]}`)
	h.expectError(400, "", "PUT", qpath, "candidate", `{"choice":["`+q.Options[0].Key+`"]}]`)
	if s, b := h.do("PUT", qpath, "candidate", `{"choice":["`+q.Options[0].Key+`"]}`+"\n"); s != 200 {
		t.Fatalf("a body with a trailing newline: %d %s", s, b)
	}
}

// listen serves the app on a real loopback listener until the test ends; it returns the
// address.
func (h *harness) listen() string {
	h.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	go func() { _ = h.srv.App.Listener(ln) }()
	h.t.Cleanup(func() { _ = h.srv.App.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// TestFrozenDatabaseAnswers503: with the database frozen (its tables locked by another
// connection), requests end at their deadline with 503 and Retry-After instead of
// waiting; once it thaws, the journal's retry of the same save is stored.
//
// Not parallel: it bounds how long the refused save takes, which other tests' load would
// stretch.
func TestFrozenDatabaseAnswers503(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", exam.L2Theory)
		// The short deadline applies from here: a first start under -race on a busy
		// runner (the bank read cold) may itself take longer than it.
		h.srv.RequestTimeout = 500 * time.Millisecond
		q := a.Sections[0].Questions[0]
		qpath := path + "/answers/" + strconv.FormatInt(q.ID, 10)
		save := map[string]any{"choice": []string{q.Options[0].Key}, "seq": 1}

		thaw := freeze(t, h, dsn)
		start := time.Now()
		req := httptest.NewRequest("PUT", qpath, strings.NewReader(`{"choice":["`+q.Options[0].Key+`"],"seq":1}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+h.tokens["candidate"])
		resp, err := h.srv.App.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || decode[apiError](t, body).Error == "" {
			t.Fatalf("save with the database frozen: %d %v %s", resp.StatusCode, resp.Header, body)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Fatalf("the save waited %s for a frozen database", took)
		}
		thaw()
		if s, b := h.do("PUT", qpath, "candidate", save); s != 200 {
			t.Fatalf("the journal's retry after the thaw: %d %s", s, b)
		}
	})
}

// freeze stops the database's writes from another connection until thaw is called:
// MySQL's table locks, SQLite's write lock.
func freeze(t *testing.T, h *harness, dsn string) (thaw func()) {
	t.Helper()
	sqlDB, err := h.g.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	lock, unlock := "BEGIN IMMEDIATE", "ROLLBACK"
	if d, _ := db.ParseDSN(dsn); d.Dialect == db.MySQL {
		lock, unlock = "LOCK TABLES attempt_answers WRITE, attempts WRITE, sessions WRITE", "UNLOCK TABLES"
	}
	if _, err := conn.ExecContext(ctx, lock); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	thaw = func() {
		once.Do(func() {
			if _, err := conn.ExecContext(ctx, unlock); err != nil {
				t.Error(err)
			}
			conn.Close()
		})
	}
	t.Cleanup(thaw)
	return thaw
}

// TestReadinessDrains: /readyz turns 503 when the server drains for shutdown, while
// /healthz (liveness) stays 200.
func TestReadinessDrains(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	if s, _ := h.do("GET", "/readyz", "", nil); s != 200 {
		t.Fatalf("readyz %d", s)
	}
	h.srv.Drain()
	if s, _ := h.do("GET", "/readyz", "", nil); s != 503 {
		t.Fatalf("readyz while draining %d", s)
	}
	if s, _ := h.do("GET", "/healthz", "", nil); s != 200 {
		t.Fatalf("healthz while draining %d", s)
	}
}

// TestMetricsScraped: /metrics in Prometheus' text format counts requests per route
// pattern, group-commit batches, sweeps, and reports the save queue and the caches.
func TestMetricsScraped(t *testing.T) {
	t.Parallel()
	m := web.NewMetrics()
	h := newHarnessWith(t, dbtest.SQLiteDSN(t), time.Now, func(e *exam.Deps, d *web.Deps) {
		e.ObserveBatch, d.Metrics = m.ObserveBatch, m
	})
	m.WatchExams(h.srv.Exams)
	a, path := h.startAndPath("candidate", exam.L2Theory)
	for i, q := range a.Sections[0].Questions[:3] {
		if s, b := h.do("PUT", path+"/answers/"+strconv.FormatInt(q.ID, 10), "candidate", map[string]any{"choice": []string{q.Options[0].Key}, "seq": i + 1}); s != 200 {
			t.Fatalf("save %d %s", s, b)
		}
	}
	h.expectError(404, "", "GET", "/api/v1/attempts/999999", "candidate", nil)
	m.ObserveSweep(2, nil)
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	text := string(b)
	for _, want := range []string{
		`csmexam_http_requests_total{code="200",method="PUT",route="/api/v1/attempts/:id/answers/:question"} 3`,
		`csmexam_http_requests_total{code="404",method="GET",route="/api/v1/attempts/:id"} 1`,
		`csmexam_http_request_duration_seconds_count{method="PUT",route="/api/v1/attempts/:id/answers/:question"} 3`,
		`csmexam_commit_batch_writes_count{outcome="committed"}`,
		"csmexam_commit_queue_writes 0",
		"csmexam_cache_attempt_heads 1",
		`csmexam_sweeper_runs_total{outcome="ok"} 1`,
		"csmexam_sweeper_finalised_total 2",
		"go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}

// TestRequestLogNamesRequestUserAttempt: every line logged within a request names its
// request id, and once the session is known its user and attempt; saves are sampled, and
// JSON lines parse.
func TestRequestLogNamesRequestUserAttempt(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(web.RequestLogHandler(slog.NewJSONHandler(lockedWriter{&buf, &mu}, nil)))
	h := newHarnessWith(t, dbtest.SQLiteDSN(t), time.Now, func(_ *exam.Deps, d *web.Deps) { d.Logger, d.SaveLogSample = logger, 5 })
	a, path := h.startAndPath("candidate", exam.L2Theory)
	q := a.Sections[0].Questions[0]
	mu.Lock()
	buf.Reset()
	mu.Unlock()
	for i := range 10 {
		if s, b := h.do("PUT", path+"/answers/"+strconv.FormatInt(q.ID, 10), "candidate", map[string]any{"choice": []string{q.Options[0].Key}, "seq": i + 1}); s != 200 {
			t.Fatalf("save %d %s", s, b)
		}
	}
	h.do("GET", path, "candidate", nil)
	mu.Lock()
	defer mu.Unlock()
	saves, gets := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec struct {
			Msg       string `json:"msg"`
			Method    string `json:"method"`
			RequestID string `json:"request_id"`
			UserID    int64  `json:"user_id"`
			AttemptID int64  `json:"attempt_id"`
			Status    int    `json:"status"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if rec.RequestID == "" || rec.UserID == 0 || rec.AttemptID != a.ID || rec.Status != 200 {
			t.Errorf("line lacks request, user or attempt: %s", line)
		}
		switch rec.Method {
		case "PUT":
			saves++
		case "GET":
			gets++
		}
	}
	if saves != 2 || gets != 1 {
		t.Fatalf("access lines: %d saves (want 2 of 10), %d reads", saves, gets)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestIdleConnectionOutlivesClientKeepAlive reproduces the lost submits: a client that
// sends on a keep-alive connection the server has just closed for idling gets no answer
// (and a browser or Go client does not resend a POST by itself). So the server must idle
// longer than its clients and proxies: a connection idle for longer than a short server
// timeout is gone, and the default outlasts Chromium's 5-minute keep-alive.
//
// Not parallel: the server's half-second idle timer must fire within the client's second
// of idling, which other tests' load could delay.
func TestIdleConnectionOutlivesClientKeepAlive(t *testing.T) {
	if web.DefaultIdleTimeout <= 5*time.Minute {
		t.Fatalf("DefaultIdleTimeout %s: browsers keep idle connections up to 5 minutes", web.DefaultIdleTimeout)
	}
	submitAfterIdle := func(serverIdle, clientIdle time.Duration) error {
		h := newHarnessWith(t, dbtest.SQLiteDSN(t), time.Now, func(_ *exam.Deps, d *web.Deps) { d.IdleTimeout = serverIdle })
		_, path := h.startAndPath("candidate", exam.L2Theory)
		conn, err := net.Dial("tcp", h.listen())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		send := func(method, p string) error {
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			req := method + " " + p + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + h.tokens["candidate"] + "\r\nContent-Length: 0\r\n\r\n"
			if _, err := conn.Write([]byte(req)); err != nil {
				return err
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			return resp.Body.Close()
		}
		if err := send("GET", path); err != nil {
			t.Fatal(err)
		}
		time.Sleep(clientIdle)
		return send("POST", path+"/submit")
	}
	if err := submitAfterIdle(500*time.Millisecond, time.Second); err == nil {
		t.Fatal("a submit on a connection idle past the server's timeout was answered: the reproduction is broken")
	}
	if err := submitAfterIdle(0, time.Second); err != nil { // the default
		t.Fatalf("a submit after a second's idling: %v", err)
	}
}

// TestControlCharactersRefused: NUL, CR, LF, ESC and their kind are refused in names,
// one-line question fields, rubric keywords and extension reasons (and too long a reason),
// line feeds kept in multi-line question text, and a name stored before (straight into the
// database) is cleaned in reports.zip's entry names. Grading comments: TestGradingDeskAPI.
func TestControlCharactersRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	for _, bad := range []string{"张\x00三", "张\r三", "张\n三", "张\x1b[31m三", "张\u0085三"} {
		h.expectError(422, "name", "POST", "/api/v1/users", "centeradmin", map[string]any{"username": "zhang.san", "name": bad})
		h.expectError(422, "name", "POST", "/api/v1/cohorts", "instructor", map[string]any{"name": bad})
	}
	q := singleChoice("客户服务的特点\x00不包括哪一项？")
	h.expectError(422, "stem", "POST", "/api/v1/questions", "instructor", q)
	q = singleChoice("客户服务的特点不包括哪一项？\r\n请选择一项。")
	q["options"].([]map[string]string)[1]["text"] = "第二\n行"
	h.expectError(422, "options[1].text", "POST", "/api/v1/questions", "instructor", q)
	q = singleChoice("客户服务的特点不包括哪一项？\r\n请选择一项。")
	s, b := h.do("POST", "/api/v1/questions", "instructor", q)
	if s != 201 || !strings.Contains(string(b), `不包括哪一项？\n请选择一项。`) {
		t.Fatalf("a two-line stem: %d %s", s, b)
	}

	cs := map[string]any{"type": "case", "stem": "阅读案例，回答问题。", "unit": "JC.1.2.1", "difficulty": 3, "source": "讲师自编",
		"material": "某超市的客服中心只处理退换货。", "explanation": "考查服务观念。",
		"parts": []map[string]any{{"prompt": "存在什么问题？", "points": 5, "reference": "服务观念停留在售后。", "rubric": []map[string]any{
			{"point": "服务观念停留在售后", "score": 5, "keywords": []string{"售后", "退\x1b换"}}}}}}
	h.expectError(422, "parts[0].rubric[0].keywords[1]", "POST", "/api/v1/questions", "instructor", cs)
	rubric := cs["parts"].([]map[string]any)[0]["rubric"].([]map[string]any)[0]
	rubric["keywords"], rubric["synonyms"] = []string{"售后"}, []string{"售\x00后服务"}
	h.expectError(422, "parts[0].rubric[0].synonyms[0]", "POST", "/api/v1/questions", "instructor", cs)

	h.sit("candidate", exam.QuickQuiz)
	if err := h.g.Exec("UPDATE users SET name = ? WHERE username = ?", "坏\x00名\n字", "candidate").Error; err != nil {
		t.Fatal(err)
	}
	s, _, body := h.download("/api/v1/reports.zip", "instructor")
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if s != 200 || err != nil || len(zr.File) != 1 {
		t.Fatalf("zip %d %v", s, err)
	}
	if name := zr.File[0].Name; strings.ContainsFunc(name, unicode.IsControl) || !strings.Contains(name, "坏_名_字") {
		t.Fatalf("entry name %q", name)
	}

	a, path := h.startAndPath("candidate", exam.L2Theory)
	h.expectError(422, "reason", "POST", path+"/extensions", "instructor", map[string]any{"seconds": 600, "reason": "停电\r\n重启"})
	h.expectError(422, "reason", "POST", path+"/extensions", "instructor", map[string]any{"seconds": 600, "reason": strings.Repeat("停电", 300)})
	if _, b := h.do("GET", path, "candidate", nil); decode[attemptJSON](t, b).ID != a.ID || strings.Contains(string(b), `"extension_s":600`) {
		t.Fatalf("a refused extension was granted: %s", b)
	}
}
