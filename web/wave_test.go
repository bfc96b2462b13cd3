package web_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
)

// candidates creates n candidates of center "a" named prefix00000…, each with an open
// session, straight in the database, and returns their bearer tokens. CreateUser and
// Login would cost two argon2id hashes per candidate: minutes for a wave. The store
// keeps a session under the SHA-256 of its token; were that to change, every request
// of these candidates would fail with 401.
func (h *harness) candidates(prefix string, n int) []string {
	h.t.Helper()
	c, err := h.srv.Accounts.EnsureCenter(context.Background(), "a", "")
	if err != nil {
		h.t.Fatal(err)
	}
	now := time.Now().UTC()
	users := make([]map[string]any, n)
	for i := range users {
		users[i] = map[string]any{"center_id": c.ID, "username": fmt.Sprintf("%s%05d", prefix, i), "name": "考生",
			"role": string(account.Candidate), "password_hash": "-", "disabled": false, "created_at": now, "updated_at": now}
	}
	if err := h.g.Table("users").CreateInBatches(users, 500).Error; err != nil {
		h.t.Fatal(err)
	}
	var ids []struct {
		ID       int64
		Username string
	}
	if err := h.g.Table("users").Select("id, username").Where("username LIKE ?", prefix+"%").Find(&ids).Error; err != nil {
		h.t.Fatal(err)
	}
	index := make(map[string]int64, len(ids))
	for _, u := range ids {
		index[u.Username] = u.ID
	}
	tokens := make([]string, n)
	sessions := make([]map[string]any, n)
	for i := range tokens {
		raw := make([]byte, 32)
		rand.Read(raw)
		tokens[i] = base64.RawURLEncoding.EncodeToString(raw)
		sum := sha256.Sum256([]byte(tokens[i]))
		sessions[i] = map[string]any{"token_hash": hex.EncodeToString(sum[:]), "user_id": index[fmt.Sprintf("%s%05d", prefix, i)],
			"created_at": now, "last_seen": now, "expires_at": now.Add(account.IdleTimeout)}
	}
	if err := h.g.Table("sessions").CreateInBatches(sessions, 500).Error; err != nil {
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
//
// Not parallel: the wave loads both cores by itself, and its connections' 5-minute hang
// guard is wall time that other tests' load would eat (under a parallel run on a loaded
// machine it did).
func TestStartWave(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		setup := time.Now()
		tokens := h.candidates("wave", waveSize)
		t.Logf("%d candidates with sessions made in %v", waveSize, time.Since(setup).Round(time.Millisecond))
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
