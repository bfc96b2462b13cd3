package web_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/account"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"golang.org/x/crypto/argon2"
)

// candidates creates n candidates of center "a" named prefix0000… and logs each in
// through the account store, returning their bearer tokens. The users are inserted in
// bulk with a cheap argon2id hash (the store reads the parameters from each hash), so
// thousands of logins take seconds instead of the minutes real parameters would.
func (h *harness) candidates(prefix string, n int) []string {
	h.t.Helper()
	ctx := context.Background()
	c, err := h.srv.Accounts.EnsureCenter(ctx, "a", "")
	if err != nil {
		h.t.Fatal(err)
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	b64 := base64.RawStdEncoding
	hash := fmt.Sprintf("$argon2id$v=%d$m=8,t=1,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt),
		b64.EncodeToString(argon2.IDKey([]byte(testPassword), salt, 1, 8, 1, 32)))
	now := time.Now().UTC()
	rows := make([]map[string]any, n)
	for i := range rows {
		rows[i] = map[string]any{"center_id": c.ID, "username": fmt.Sprintf("%s%05d", prefix, i), "name": "考生", "role": string(account.Candidate),
			"password_hash": hash, "disabled": false, "created_at": now, "updated_at": now}
	}
	if err := h.g.Table("users").CreateInBatches(rows, 500).Error; err != nil {
		h.t.Fatal(err)
	}
	tokens := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				tok, _, err := h.srv.Accounts.Login(ctx, fmt.Sprintf("%s%05d", prefix, i), testPassword)
				if err != nil {
					errs <- err
					return
				}
				tokens[i] = tok
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		h.t.Fatal(err)
	}
	return tokens
}

// waveSize is a class-start wave: every candidate of a large exam session presses
// "start" within the same moment.
const waveSize = 5000

// TestStartWave sends waveSize starts from distinct candidates at once to the real
// server on a real listener: every request is on the wire before the first answer is
// read. None may fail (no pool exhaustion, no SQLITE_BUSY), and each candidate ends up
// with exactly one attempt.
func TestStartWave(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		setup := time.Now()
		tokens := h.candidates("wave", waveSize)
		t.Logf("%d candidates logged in in %v", waveSize, time.Since(setup).Round(time.Millisecond))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go h.srv.App.Listener(ln)
		t.Cleanup(func() { h.srv.App.Shutdown() })

		wave := time.Now()
		body := fmt.Sprintf(`{"blueprint":%q}`, exam.L2Theory)
		conns := make([]net.Conn, len(tokens))
		for i := range conns {
			if conns[i], err = net.Dial("tcp", ln.Addr().String()); err != nil {
				t.Fatalf("dial %d: %v", i, err)
			}
			defer conns[i].Close()
			// Not a timing assertion: a guard so a hung server fails the test instead of the run.
			conns[i].SetDeadline(time.Now().Add(5 * time.Minute))
		}
		for i, c := range conns {
			req := fmt.Sprintf("POST /api/v1/attempts HTTP/1.1\r\nHost: wave\r\nAuthorization: Bearer %s\r\n"+
				"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", tokens[i], len(body), body)
			if _, err := c.Write([]byte(req)); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}

		ids := make([]int64, len(conns))
		fails := make(chan string, len(conns))
		var wg sync.WaitGroup
		const readers = 8
		for r := range readers {
			wg.Go(func() {
				for i := r; i < len(conns); i += readers {
					resp, err := http.ReadResponse(bufio.NewReader(conns[i]), nil)
					if err != nil {
						fails <- fmt.Sprintf("candidate %d: %v", i, err)
						continue
					}
					a, err := leadingFields(resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != 201 || a.Status != string(exam.InProgress) {
						fails <- fmt.Sprintf("candidate %d: %d %v %s", i, resp.StatusCode, err, a.Error)
						continue
					}
					ids[i] = a.ID
				}
			})
		}
		wg.Wait()
		t.Logf("%d starts answered in %v", waveSize, time.Since(wave).Round(time.Millisecond))
		close(fails)
		nfail := 0
		for f := range fails {
			if nfail++; nfail <= 5 {
				t.Error(f)
			}
		}
		if nfail > 0 {
			t.Fatalf("%d of %d starts failed", nfail, len(conns))
		}

		seen := make(map[int64]bool, len(ids))
		for _, id := range ids {
			seen[id] = true
		}
		var stored struct{ Attempts, Candidates int64 }
		if err := h.g.Raw("SELECT COUNT(*) AS attempts, COUNT(DISTINCT candidate_id) AS candidates FROM attempts WHERE blueprint = ?",
			exam.L2Theory).Scan(&stored).Error; err != nil {
			t.Fatal(err)
		}
		if len(seen) != waveSize || stored.Attempts != waveSize || stored.Candidates != waveSize {
			t.Fatalf("%d distinct attempt ids answered, %d attempts stored for %d candidates; want %d of each",
				len(seen), stored.Attempts, stored.Candidates, waveSize)
		}
	})
}

type startAnswer struct {
	ID     int64
	Status string
	Error  string
}

// leadingFields reads id and status (or error) from the top of an attempt's JSON and
// stops there: the paper after them is large, and 5,000 of them decoded whole would
// make the test time its own client.
func leadingFields(r io.Reader) (startAnswer, error) {
	var a startAnswer
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil {
		return a, err
	}
	for dec.More() && (a.ID == 0 || a.Status == "") && a.Error == "" {
		key, err := dec.Token()
		if err != nil {
			return a, err
		}
		var v any = new(json.RawMessage)
		switch key {
		case "id":
			v = &a.ID
		case "status":
			v = &a.Status
		case "error":
			v = &a.Error
		}
		if err := dec.Decode(v); err != nil {
			return a, err
		}
	}
	return a, nil
}
