package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// benchClients is how many clients per CPU the HTTP benchmarks run: a class of
// candidates, not two.
const benchClients = 8

// BenchmarkSaveAnswer saves answers through the real app (app.Test: the full Fiber stack
// with auth, no network) from parallel clients on one L2-theory attempt. Run with
// `make bench`; each op is one PUT.
func BenchmarkSaveAnswer(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(engine, func(b *testing.B) {
			dsn := dbtest.DSN(b, engine)
			h := newHarness(b, dsn)
			_, body := h.do("POST", "/api/v1/attempts", "candidate", map[string]string{"blueprint": exam.L2Theory})
			a := decode[attemptJSON](b, body)
			var paths []string
			var keys []string
			for _, s := range a.Sections {
				for _, q := range s.Questions {
					paths = append(paths, "/api/v1/attempts/"+strconv.FormatInt(a.ID, 10)+"/answers/"+strconv.FormatInt(q.ID, 10))
					keys = append(keys, q.Options[0].Key)
				}
			}
			token := "Bearer " + h.tokens["candidate"]
			var n atomic.Int64
			b.SetParallelism(benchClients)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := int(n.Add(1)) % len(paths)
					payload, _ := json.Marshal(map[string]any{"choice": []string{keys[i]}})
					req := httptest.NewRequest("PUT", paths[i], strings.NewReader(string(payload)))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", token)
					resp, err := h.srv.App.Test(req, -1)
					if err != nil {
						b.Error(err)
						return
					}
					if resp.StatusCode != 200 {
						b.Errorf("save: status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
		})
	}
}

// BenchmarkStartAttempt starts L2-theory attempts through the real app from parallel
// clients, each op a distinct candidate's first POST /attempts: auth, blueprint, paper
// assembly from the full bank, the insert and the rendered paper.
func BenchmarkStartAttempt(b *testing.B) {
	for _, engine := range dbtest.Engines {
		b.Run(engine, func(b *testing.B) {
			h := newHarness(b, dbtest.DSN(b, engine))
			tokens := h.candidates("bench", b.N)
			payload := `{"blueprint":"` + exam.L2Theory + `"}`
			var n atomic.Int64
			b.SetParallelism(benchClients)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("POST", "/api/v1/attempts", strings.NewReader(payload))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+tokens[n.Add(1)-1])
					resp, err := h.srv.App.Test(req, -1)
					if err != nil {
						b.Error(err)
						return
					}
					if resp.StatusCode != 201 {
						b.Errorf("start: status %d", resp.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "starts/s")
		})
	}
}
