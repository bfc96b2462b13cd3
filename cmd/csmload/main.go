// Command csmload drives a class of candidates through csmexam's real HTTP API — login,
// a synchronized start, autosave, submit, score reports — the way the exam page does,
// retrying what the page retries, and prints throughput and latency per phase. After the
// run it checks every answer the server acknowledged against what the server kept, and
// that each attempt was finalised exactly once, so it serves both as the load tool for
// figures and as the judge of fault runs (a server killed, a database node stopped).
//
//	csmload --url http://127.0.0.1:8080 --admin demo-admin --candidates 1000 --saves 30
//
// The admin's password is read from CSMLOAD_ADMIN_PASSWORD. Candidates are created in the
// admin's center through the account import, named PREFIX-0001 … (a new prefix per run).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type config struct {
	url         string
	admin       string
	password    string
	candidates  int
	blueprint   string
	saves       int
	concurrency int
	reports     int
	prefix      string
	timeout     time.Duration
	retryFor    time.Duration
	think       time.Duration
	hooks       []hook
	cpuOf       []watched
}

// hook runs a shell command once the save phase has acknowledged a fraction of its saves:
// the fault runs kill a server or stop a database node mid-save this way.
type hook struct {
	at  float64
	cmd string
	ran atomic.Bool
}

type hookFlag struct{ hooks *[]hook }

func (h hookFlag) String() string { return "" }
func (h hookFlag) Set(v string) error {
	frac, cmd, ok := strings.Cut(v, ":")
	f, err := strconv.ParseFloat(frac, 64)
	if !ok || err != nil || f <= 0 || f >= 1 || cmd == "" {
		return fmt.Errorf("want FRACTION:COMMAND with 0 < FRACTION < 1, got %q", v)
	}
	*h.hooks = append(*h.hooks, hook{at: f, cmd: cmd})
	return nil
}

func main() {
	var cfg config
	flag.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "the server (or the load balancer) to drive")
	flag.StringVar(&cfg.admin, "admin", "demo-admin", "a center_admin or admin who creates the candidates (password in CSMLOAD_ADMIN_PASSWORD)")
	flag.IntVar(&cfg.candidates, "candidates", 200, "candidates in the class")
	flag.StringVar(&cfg.blueprint, "blueprint", "L2-theory", "the blueprint every candidate starts")
	flag.IntVar(&cfg.saves, "saves", 30, "answer saves per candidate")
	flag.IntVar(&cfg.concurrency, "concurrency", 0, "requests in flight at most (default: one per candidate)")
	flag.IntVar(&cfg.reports, "reports", 20, "score reports fetched after the submits")
	flag.StringVar(&cfg.prefix, "prefix", "", "username prefix of this run's candidates (default: load-TIME)")
	flag.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "one request's timeout")
	flag.DurationVar(&cfg.retryFor, "retry-for", 90*time.Second, "how long a request is retried through errors before it counts as failed")
	flag.DurationVar(&cfg.think, "think", 0, "pause between one candidate's saves")
	flag.Var(hookFlag{&cfg.hooks}, "at-save", "FRACTION:COMMAND run once when that fraction of saves is acknowledged (repeatable)")
	flag.Var(watchFlag{&cfg.cpuOf}, "cpu-of", "NAME=PID: report the CPU seconds that process (the server, the database) spent in each phase, beside the tool's own (repeatable; Linux)")
	flag.Parse()
	cfg.password = os.Getenv("CSMLOAD_ADMIN_PASSWORD")
	if cfg.password == "" {
		fail(errors.New("set CSMLOAD_ADMIN_PASSWORD to the admin's password"))
	}
	if cfg.prefix == "" {
		cfg.prefix = "load-" + time.Now().UTC().Format("150405")
	}
	if cfg.concurrency <= 0 {
		cfg.concurrency = cfg.candidates
	}
	r, err := run(context.Background(), &cfg)
	if err != nil {
		fail(err)
	}
	r.print(os.Stdout)
	if !r.ok() {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "csmload:", err)
	os.Exit(2)
}

// client is one HTTP client shared by the whole class, with a connection pool as large
// as the class so keep-alive connections are reused as a browser would.
type client struct {
	base     string
	http     *http.Client
	retryFor time.Duration
	sem      chan struct{}
}

type apiError struct {
	status int
	body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

// retryable says whether the exam page would try the request again: the network, a
// server going away (502/503/504 from the balancer), or a 500 while a node fails over.
func retryable(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status >= 500 || ae.status == http.StatusTooManyRequests
	}
	return err != nil
}

// do sends one request and decodes a 2xx JSON answer into out; it retries retryable
// failures with backoff for up to retryFor, counting the retries.
func (c *client) do(ctx context.Context, method, path, token string, body any, out any, retries *int) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(c.retryFor)
	backoff := 100 * time.Millisecond
	for {
		err := c.once(ctx, method, path, token, "application/json", payload, out)
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		*retries++
		time.Sleep(backoff + time.Duration(rand.Int64N(int64(backoff))))
		backoff = min(backoff*2, 3*time.Second)
	}
}

func (c *client) once(ctx context.Context, method, path, token, contentType string, payload []byte, out any) error {
	c.sem <- struct{}{}
	defer func() { <-c.sem }()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	if payload != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &apiError{status: resp.StatusCode, body: strings.TrimSpace(string(b))}
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw = b
		return nil
	}
	return json.Unmarshal(b, out)
}

// phase collects one phase's latencies and outcomes.
type phase struct {
	name     string
	mu       sync.Mutex
	lat      []time.Duration
	errs     int
	retries  int
	firstErr string
	started  time.Time
	took     time.Duration
	cpu      []float64 // seconds of CPU in the phase: the tool's, then each of cpuOf's
}

func (p *phase) record(d time.Duration, retries int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.retries += retries
	if err != nil {
		p.errs++
		if p.firstErr == "" {
			p.firstErr = err.Error()
		}
		return
	}
	p.lat = append(p.lat, d)
}

func (p *phase) time(cfg *config, f func()) {
	before := cpuSeconds(cfg.cpuOf)
	p.started = time.Now()
	f()
	p.took = time.Since(p.started)
	for i, after := range cpuSeconds(cfg.cpuOf) {
		p.cpu = append(p.cpu, after-before[i])
	}
}

func (p *phase) percentile(q float64) time.Duration {
	if len(p.lat) == 0 {
		return 0
	}
	s := slices.Clone(p.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// errSkipped marks a candidate who sits a phase out (only the first few fetch reports).
var errSkipped = errors.New("skipped")

// candidate is one simulated candidate and what the server acknowledged to them.
type candidate struct {
	username string
	token    string
	attempt  attemptBody
	acked    map[int64]ackedSave // question → the last acknowledged save
	result   json.RawMessage
}

type ackedSave struct {
	seq    int64
	choice []string
}

type attemptBody struct {
	ID       int64 `json:"id"`
	Status   string
	Sections []struct {
		Type      string `json:"type"`
		Questions []struct {
			ID      int64 `json:"id"`
			Type    string
			Options []struct {
				Key string `json:"key"`
			} `json:"options"`
		} `json:"questions"`
	} `json:"sections"`
	Answers map[string]struct {
		Choice []string `json:"choice"`
		Seq    int64    `json:"seq"`
	} `json:"answers"`
}

type report struct {
	cfg       *config
	phases    []*phase
	saves     int
	lost      int
	lostFirst string
	finalised int
	twice     int
	notOnce   string
}

func (r *report) ok() bool {
	for _, p := range r.phases {
		if p.errs > 0 {
			return false
		}
	}
	return r.lost == 0 && r.twice == 0 && r.finalised == r.cfg.candidates
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "class of %d on %s, blueprint %s, %d saves each\n", r.cfg.candidates, r.cfg.url, r.cfg.blueprint, r.cfg.saves)
	fmt.Fprintf(w, "%-8s %8s %7s %8s %9s %10s %9s %9s\n", "phase", "requests", "errors", "retries", "seconds", "per second", "p50 ms", "p99 ms")
	for _, p := range r.phases {
		n := len(p.lat) + p.errs
		fmt.Fprintf(w, "%-8s %8d %7d %8d %9.2f %10.0f %9.1f %9.1f\n", p.name, n, p.errs, p.retries, p.took.Seconds(),
			float64(len(p.lat))/max(p.took.Seconds(), 1e-9), ms(p.percentile(0.5)), ms(p.percentile(0.99)))
		if p.firstErr != "" {
			fmt.Fprintf(w, "         first error: %s\n", p.firstErr)
		}
	}
	r.printCPU(w)
	fmt.Fprintf(w, "acknowledged answers checked: %d, lost: %d\n", r.saves, r.lost)
	if r.lostFirst != "" {
		fmt.Fprintf(w, "  first lost: %s\n", r.lostFirst)
	}
	fmt.Fprintf(w, "attempts finalised exactly once: %d of %d (finalised otherwise: %d)\n", r.finalised, r.cfg.candidates, r.twice)
	if r.notOnce != "" {
		fmt.Fprintf(w, "  first: %s\n", r.notOnce)
	}
	if r.ok() {
		fmt.Fprintln(w, "RESULT: PASS")
	} else {
		fmt.Fprintln(w, "RESULT: FAIL")
	}
}

// printCPU gives each phase's CPU per request: the tool's and each watched process's.
func (r *report) printCPU(w io.Writer) {
	if len(r.phases) == 0 || r.phases[0].cpu == nil {
		return
	}
	fmt.Fprintf(w, "%-8s %12s", "CPU ms per request:", "csmload")
	for _, p := range r.cfg.cpuOf {
		fmt.Fprintf(w, " %12s", p.name)
	}
	fmt.Fprintf(w, " %12s\n", "all")
	for _, p := range r.phases {
		n := float64(max(len(p.lat), 1))
		fmt.Fprintf(w, "%-19s", p.name)
		all := 0.0
		for _, c := range p.cpu {
			fmt.Fprintf(w, " %12.3f", c*1000/n)
			all += c
		}
		fmt.Fprintf(w, " %12.3f\n", all*1000/n)
	}
}

// watched is a process whose CPU the report gives per phase.
type watched struct {
	name string
	pid  int
}

type watchFlag struct{ procs *[]watched }

func (f watchFlag) String() string { return "" }
func (f watchFlag) Set(v string) error {
	name, pid, ok := strings.Cut(v, "=")
	n, err := strconv.Atoi(pid)
	if !ok || err != nil || name == "" {
		return fmt.Errorf("want NAME=PID, got %q", v)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d/stat", n)); err != nil {
		return fmt.Errorf("process %d: %w", n, err)
	}
	*f.procs = append(*f.procs, watched{name: name, pid: n})
	return nil
}

// cpuSeconds reads the user and system CPU of this process and of procs from /proc
// (nil without procs: the report then leaves CPU out). A process gone reads as 0.
func cpuSeconds(procs []watched) []float64 {
	if len(procs) == 0 {
		return nil
	}
	out := []float64{procCPU("self")}
	for _, p := range procs {
		out = append(out, procCPU(strconv.Itoa(p.pid)))
	}
	return out
}

// procCPU is utime+stime of /proc/PID/stat in seconds (Linux counts in 1/100 s).
func procCPU(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count fields after its closing paren.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func run(ctx context.Context, cfg *config) (*report, error) {
	tr := &http.Transport{MaxIdleConns: cfg.candidates + 16, MaxIdleConnsPerHost: cfg.candidates + 16, IdleConnTimeout: 90 * time.Second}
	c := &client{base: strings.TrimRight(cfg.url, "/"), http: &http.Client{Transport: tr, Timeout: cfg.timeout},
		retryFor: cfg.retryFor, sem: make(chan struct{}, cfg.concurrency)}
	r := &report{cfg: cfg}

	var admin struct{ Token string }
	var retries int
	if err := c.do(ctx, "POST", "/api/v1/session", "", map[string]string{"username": cfg.admin, "password": cfg.password}, &admin, &retries); err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	class, password, err := enrol(ctx, c, admin.Token, cfg)
	if err != nil {
		return nil, err
	}

	// Every phase runs the class in parallel; a candidate who failed a phase sits out the rest.
	each := func(p *phase, f func(k *candidate) (int, error)) {
		r.phases = append(r.phases, p)
		p.time(cfg, func() {
			var wg sync.WaitGroup
			for _, k := range class {
				if k.token == "" && p.name != "login" {
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					t := time.Now()
					n, err := f(k)
					if err != errSkipped {
						p.record(time.Since(t), n, err)
					}
				}()
			}
			wg.Wait()
		})
	}

	each(&phase{name: "login"}, func(k *candidate) (int, error) {
		var out struct{ Token string }
		n := 0
		err := c.do(ctx, "POST", "/api/v1/session", "", map[string]string{"username": k.username, "password": password}, &out, &n)
		k.token = out.Token
		return n, err
	})

	// The start is synchronized: every candidate waits at the gate, then all press start.
	gate := make(chan struct{})
	go func() { time.Sleep(200 * time.Millisecond); close(gate) }()
	each(&phase{name: "start"}, func(k *candidate) (int, error) {
		<-gate
		n := 0
		err := c.do(ctx, "POST", "/api/v1/attempts", k.token, map[string]string{"blueprint": cfg.blueprint, "mode": "exam"}, &k.attempt, &n)
		if err != nil {
			k.token = ""
		}
		return n, err
	})

	saves := &phase{name: "save"}
	r.phases = append(r.phases, saves)
	var acked atomic.Int64
	total := int64(cfg.saves * len(class))
	saves.time(cfg, func() {
		var wg sync.WaitGroup
		for _, k := range class {
			if k.token == "" {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				saveAll(ctx, c, cfg, k, saves, func() { runHooks(cfg, acked.Add(1), total) })
			}()
		}
		wg.Wait()
	})

	each(&phase{name: "submit"}, func(k *candidate) (int, error) {
		n := 0
		var raw []byte
		err := c.do(ctx, "POST", "/api/v1/attempts/"+strconv.FormatInt(k.attempt.ID, 10)+"/submit", k.token, nil, &raw, &n)
		k.result = raw
		return n, err
	})

	var fetched atomic.Int64
	each(&phase{name: "report"}, func(k *candidate) (int, error) {
		if fetched.Add(1) > int64(cfg.reports) {
			return 0, errSkipped
		}
		n := 0
		var pdf []byte
		err := c.do(ctx, "GET", "/api/v1/attempts/"+strconv.FormatInt(k.attempt.ID, 10)+"/report.pdf", k.token, nil, &pdf, &n)
		if err == nil && !bytes.HasPrefix(pdf, []byte("%PDF")) {
			err = errors.New("report is not a PDF")
		}
		return n, err
	})

	verify(ctx, c, class, r)
	return r, nil
}

// enrolChunk is how many candidates one import request creates: the server hashes each
// password (argon2id, some 30 ms of a core), so a class of 1,000 in one request outlasts
// a request's timeout on a busy 2-core machine.
const enrolChunk = 50

// enrol creates the class through the account import, enrolChunk candidates a request,
// and returns it with the password every candidate logs in with. An import is all or
// nothing, so a chunk sent again after a timeout that finds its usernames taken (409) was
// created by the first try (the import reports taken usernames as 422).
func enrol(ctx context.Context, c *client, token string, cfg *config) ([]*candidate, string, error) {
	password := fmt.Sprintf("Klass-%x-pass", rand.Uint64())
	class := make([]*candidate, cfg.candidates)
	for i := range class {
		class[i] = &candidate{username: fmt.Sprintf("%s-%04d", cfg.prefix, i+1), acked: map[int64]ackedSave{}}
	}
	for from := 0; from < len(class); from += enrolChunk {
		var csv strings.Builder
		csv.WriteString("username,name,password\n")
		for i := from; i < min(from+enrolChunk, len(class)); i++ {
			fmt.Fprintf(&csv, "%s,考生%04d,%s\n", class[i].username, i+1, password)
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, err := mw.CreateFormFile("file", "class.csv")
		if err != nil {
			return nil, "", err
		}
		if _, err := io.WriteString(fw, csv.String()); err != nil {
			return nil, "", err
		}
		if err := mw.Close(); err != nil {
			return nil, "", err
		}
		for try := 0; ; try++ {
			err = c.once(ctx, "POST", "/api/v1/users/import", token, mw.FormDataContentType(), body.Bytes(), nil)
			var ae *apiError
			if try > 0 && errors.As(err, &ae) && (ae.status == http.StatusConflict || ae.status == http.StatusUnprocessableEntity) {
				err = nil
			}
			if err == nil || !retryable(err) || try == 5 {
				break
			}
			time.Sleep(time.Second)
		}
		if err != nil {
			return nil, "", fmt.Errorf("creating candidates %d to %d: %w", from+1, min(from+enrolChunk, len(class)), err)
		}
	}
	return class, password, nil
}

// saveAll sends one candidate's saves one after another, as the exam page does: each
// save carries the next seq, and a failed one is sent again with the same seq, which the
// server takes as the same write.
func saveAll(ctx context.Context, c *client, cfg *config, k *candidate, p *phase, acked func()) {
	type question struct {
		id      int64
		options []string
		multi   bool
	}
	var qs []question
	for _, s := range k.attempt.Sections {
		for _, q := range s.Questions {
			if len(q.Options) == 0 {
				continue
			}
			keys := make([]string, len(q.Options))
			for i, o := range q.Options {
				keys[i] = o.Key
			}
			qs = append(qs, question{id: q.ID, options: keys, multi: s.Type == "multiple"})
		}
	}
	if len(qs) == 0 {
		return
	}
	for seq := int64(1); seq <= int64(cfg.saves); seq++ {
		q := qs[rand.IntN(len(qs))]
		choice := []string{q.options[rand.IntN(len(q.options))]}
		if q.multi && len(q.options) > 1 {
			choice = append(choice, q.options[(slices.Index(q.options, choice[0])+1)%len(q.options)])
			slices.Sort(choice)
		}
		t := time.Now()
		n := 0
		path := fmt.Sprintf("/api/v1/attempts/%d/answers/%d", k.attempt.ID, q.id)
		err := c.do(ctx, "PUT", path, k.token, map[string]any{"choice": choice, "seq": seq}, nil, &n)
		p.record(time.Since(t), n, err)
		if err == nil {
			k.acked[q.id] = ackedSave{seq: seq, choice: choice}
			acked()
		}
		if cfg.think > 0 {
			time.Sleep(cfg.think)
		}
	}
}

func runHooks(cfg *config, done, total int64) {
	for i := range cfg.hooks {
		h := &cfg.hooks[i]
		if float64(done) >= h.at*float64(total) && h.ran.CompareAndSwap(false, true) {
			go func() {
				out, err := exec.Command("sh", "-c", h.cmd).CombinedOutput()
				fmt.Fprintf(os.Stderr, "csmload: at %.0f%% of saves ran %q: %v %s\n", h.at*100, h.cmd, err, strings.TrimSpace(string(out)))
			}()
		}
	}
}

// verify reads every attempt back: each acknowledged answer must be there (the stored
// seq no older than the last acknowledged one, and the same choice when equal), the
// attempt must be closed, a second submit must return the same result, and the
// candidate must have exactly one attempt.
func verify(ctx context.Context, c *client, class []*candidate, r *report) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, k := range class {
		if k.attempt.ID == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			id := strconv.FormatInt(k.attempt.ID, 10)
			var back attemptBody
			err := c.do(ctx, "GET", "/api/v1/attempts/"+id, k.token, nil, &back, &n)
			var again []byte
			if err == nil {
				err = c.do(ctx, "POST", "/api/v1/attempts/"+id+"/submit", k.token, nil, &again, &n)
			}
			var list []json.RawMessage
			if err == nil {
				err = c.do(ctx, "GET", "/api/v1/attempts", k.token, nil, &list, &n)
			}
			mu.Lock()
			defer mu.Unlock()
			r.saves += len(k.acked)
			if err != nil {
				r.twice++
				if r.notOnce == "" {
					r.notOnce = fmt.Sprintf("%s: %v", k.username, err)
				}
				return
			}
			for q, s := range k.acked {
				got, ok := back.Answers[strconv.FormatInt(q, 10)]
				if !ok || got.Seq < s.seq || (got.Seq == s.seq && !slices.Equal(got.Choice, s.choice)) {
					r.lost++
					if r.lostFirst == "" {
						r.lostFirst = fmt.Sprintf("%s attempt %d question %d: acknowledged seq %d %v, stored seq %d %v", k.username, k.attempt.ID, q, s.seq, s.choice, got.Seq, got.Choice)
					}
				}
			}
			switch {
			case back.Status == "in_progress":
				r.twice++
				if r.notOnce == "" {
					r.notOnce = fmt.Sprintf("%s: attempt %d still in progress", k.username, k.attempt.ID)
				}
			case !sameResult(k.result, again) || len(list) != 1:
				r.twice++
				if r.notOnce == "" {
					r.notOnce = fmt.Sprintf("%s: attempt %d: a second submit changed the result, or %d attempts", k.username, k.attempt.ID, len(list))
				}
			default:
				r.finalised++
			}
		}()
	}
	wg.Wait()
}

// sameResult compares two submit answers by what a candidate reads: score and status.
func sameResult(a, b []byte) bool {
	var x, y struct {
		Attempt int64
		Status  string
		Score   json.Number
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return x == y
}
