package web_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// Tests of the hardening findings of issue 18 that the HTTP API shows.

// TestSaveSeqReusedForAnotherAnswer: a save repeating the stored seq with another choice
// is 409, not a 200 for an answer the server did not keep; the same answer again is the
// idempotent 200.
func TestSaveSeqReusedForAnotherAnswer(t *testing.T) {
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
