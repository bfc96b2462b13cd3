package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the server's Prometheus metrics (docs/OPERATIONS.md says what each means).
// cmd/csmexam serves them on their own address (--metrics-addr), never the public one.
type Metrics struct {
	Registry *prometheus.Registry

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	batches  *prometheus.HistogramVec
	sweeps   *prometheus.CounterVec
	swept    prometheus.Counter
}

// NewMetrics registers the request, group-commit and sweeper metrics, and the Go
// runtime's and the process's, in a registry of its own.
func NewMetrics() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "csmexam_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "csmexam_http_request_duration_seconds",
		Help:    "Time from a request's arrival to its answer, by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 15}}, []string{"route", "method"})
	m.batches = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "csmexam_commit_batch_writes",
		Help:    "Writes (answer saves, starts) per group-committed transaction, by outcome: committed, or split (the batch failed and each write ran alone).",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}}, []string{"outcome"})
	m.sweeps = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "csmexam_sweeper_runs_total",
		Help: "Sweeps of overdue attempts, by outcome (ok, error)."}, []string{"outcome"})
	m.swept = prometheus.NewCounter(prometheus.CounterOpts{Name: "csmexam_sweeper_finalised_total",
		Help: "Overdue attempts this server's sweeper finalised."})
	m.Registry.MustRegister(m.requests, m.latency, m.batches, m.sweeps, m.swept,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchExams reports the exam engine's save queue and caches at each scrape.
func (m *Metrics) WatchExams(s *exam.Service) {
	gauge := func(name, help string, read func() float64) {
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, read))
	}
	gauge("csmexam_commit_queue_writes", "Writes waiting for a group commit now.", func() float64 { return float64(s.QueueDepth()) })
	gauge("csmexam_cache_attempt_heads", "Open attempts whose paper this server keeps for saves.", func() float64 { return float64(s.CacheSizes().Heads) })
	gauge("csmexam_cache_attempt_head_bytes", "Estimated memory of the kept attempt heads (bounded by --attempt-cache-mb).", func() float64 { return float64(s.CacheSizes().HeadBytes) })
	gauge("csmexam_cache_question_versions", "Question versions kept for papers and grading.", func() float64 { return float64(s.CacheSizes().QuestionVersions) })
	gauge("csmexam_cache_bank_snapshots", "Centers whose question bank snapshot is kept for new papers.", func() float64 { return float64(s.CacheSizes().BankSnapshots) })
}

// ObserveBatch counts one group-committed batch of writes (exam.Deps.ObserveBatch).
func (m *Metrics) ObserveBatch(writes int, committed bool) {
	outcome := "committed"
	if !committed {
		outcome = "split"
	}
	m.batches.WithLabelValues(outcome).Observe(float64(writes))
}

// ObserveSweep counts one sweep and the attempts it finalised.
func (m *Metrics) ObserveSweep(finalised int, err error) {
	if err != nil {
		m.sweeps.WithLabelValues("error").Inc()
	} else {
		m.sweeps.WithLabelValues("ok").Inc()
	}
	m.swept.Add(float64(finalised))
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// countRequests times each request and counts it by its route's pattern (not its path:
// ids would make a series per attempt).
func (m *Metrics) countRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	// Labels outlive the request: copy them out of Fiber's reused buffers.
	route, method := utils.CopyString(c.Route().Path), utils.CopyString(c.Method())
	if route == "/" && c.Path() != "/" { // no route matched: the catch-all
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().StatusCode())).Inc()
	m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	return err
}
