// Command csmexam runs the 客户服务管理师 mock-exam platform: `serve` for the web
// server, and operator commands (`user add`, `import`, `export`).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/web"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"gorm.io/gorm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}))
}

// env is the process's surroundings, so tests can run the real wiring.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// ready, when set, is told the address once the server listens.
	ready func(addr string)
}

const usage = `csmexam — 客户服务管理师 mock-exam platform

Usage:
  csmexam serve [--addr 127.0.0.1:8080] [--db DSN]
  csmexam user add --db DSN --role ROLE --center CODE [--name 显示名] USERNAME   (password on stdin)
  csmexam import --db DSN [--center CODE] [--dry-run] [--format moodle|qti21|qti30] FILE   (.xlsx .csv .json .yaml .gift .xml .zip .txt)
  csmexam export --db DSN --format xlsx|csv|gift|json|moodle|qti21|qti30 [--center CODE] OUT   (OUT - is stdout)
  csmexam backup --db sqlite:PATH OUT          (a consistent copy while servers run)
  csmexam paper --db DSN [--center CODE] --blueprint CODE [--seed N] [--part paper|key|sheet] -o OUT.pdf
                                               (a printable 试卷, 参考答案及评分标准 or 答题卡; OUT - is stdout)

DSN: sqlite:PATH (default sqlite:data/csmexam.db) or mysql://USER:PASS@tcp(HOST:PORT)/DB?parseTime=true
Environment: CSMEXAM_DB, CSMEXAM_ADDR.
`

// run executes one command and returns the exit code.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], e)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			err = errors.New("usage: csmexam user add --db DSN --role ROLE --center CODE [--name NAME] USERNAME")
		} else {
			err = userAdd(ctx, args[2:], e)
		}
	case "import":
		err = importCmd(ctx, args[1:], e)
	case "export":
		err = exportCmd(ctx, args[1:], e)
	case "backup":
		err = backupCmd(ctx, args[1:], e)
	case "paper":
		err = paperCmd(ctx, args[1:], e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return 0
	default:
		fmt.Fprint(e.stderr, usage)
		err = fmt.Errorf("unknown command %q", args[0])
	}
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stderr, "csmexam %s: %v\n", args[0], err)
		}
		return 1
	}
	return 0
}

// openDB opens and migrates the database named by dsn.
func openDB(ctx context.Context, dsn string) (*gorm.DB, error) {
	g, err := db.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	for _, m := range []func(context.Context, *gorm.DB) error{content.Migrate, account.Migrate, exam.Migrate, grading.Migrate} {
		if err := m(ctx, g); err != nil {
			db.Close(g)
			return nil, err
		}
	}
	return g, nil
}

func serve(ctx context.Context, args []string, e env) error {
	cfg, err := parseServe(args, e.getenv, e.stderr)
	if err != nil {
		return err
	}
	logger := newLogger(e.stderr, cfg.LogFormat)
	g, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close(g)
	// The segmenter's dictionary takes seconds to load: beside the start-up, not in the
	// first reviewer's request. Nothing is logged: the load may outlive serve.
	go grading.LoadDictionary()
	if db.DialectOf(g) == db.MySQL { // SQLite keeps its own pool: one writer at a time
		if err := db.SetPool(g, cfg.DBPool); err != nil {
			return err
		}
	}
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	metrics := web.NewMetrics()
	metrics.Registry.MustRegister(collectors.NewDBStatsCollector(sqlDB, "csmexam"))

	contents := content.NewStore(g, time.Now)
	accounts := account.NewStore(g, time.Now)
	exams := exam.NewService(g, contents, exam.Deps{Now: time.Now, Seed: rand.Int64, Grade: grading.Grade, Cohorts: accounts, Sessions: accounts,
		HeadCacheBytes: int64(cfg.AttemptCacheMB) << 20, ObserveBatch: metrics.ObserveBatch})
	metrics.WatchExams(exams)
	var demo []demoAccount
	// Servers starting at once (on different nodes of a Galera cluster, say) write the
	// bundled rows one after the other: each later one finds them there and changes nothing.
	err = db.WithLock(ctx, g, "bundled", func() error {
		demo, err = writeBundled(ctx, contents, exams, accounts, logger)
		return err
	})
	if err != nil {
		return err
	}

	grades := grading.NewService(g, exams, contents, accounts, time.Now)
	srv := web.New(web.Deps{
		Content: contents, Accounts: accounts, Exams: exams, Logger: logger,
		ProxyHeader: cfg.ProxyHeader, TrustedProxies: cfg.TrustedProxies,
		Grades:         grades,
		Ping:           sqlDB.PingContext,
		RequestTimeout: cfg.RequestTimeout, IdleTimeout: cfg.IdleTimeout, SaveLogSample: cfg.SaveLogSample, Metrics: metrics,
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := "http://" + ln.Addr().String()
	printWelcome(e.stdout, url, demo)
	logger.Info("csmexam is serving", "url", url, "db", db.Redact(cfg.DB))
	if cfg.MetricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.MetricsAddr, metrics, logger)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	if e.ready != nil {
		e.ready(ln.Addr().String())
	}

	// Every server sweeps; finalising is a conditional update, so each overdue attempt is
	// closed exactly once whichever server gets there first.
	sweepCtx, stopSweeper := context.WithCancel(ctx)
	defer stopSweeper()
	go exams.RunSweeper(sweepCtx, cfg.SweepInterval, func(n int, err error) {
		metrics.ObserveSweep(n, err)
		if err != nil {
			logger.Error("sweeper", "err", err)
		} else if n > 0 {
			logger.Info("overdue attempts finalised", "count", n)
		}
	})

	// Observed difficulty: one server at a time recomputes it (the "calibrate" lock).
	go grades.RunCalibration(sweepCtx, cfg.CalibrateInterval, func(changed int, err error) {
		if err != nil {
			logger.Error("calibration", "err", err)
		} else if changed > 0 {
			logger.Info("observed difficulty recomputed", "changed", changed)
		}
	})

	// Expired throttle states (of logins, of access codes) are deleted apart from the
	// guesses, which would otherwise queue behind one another's range deletes.
	go db.Every(sweepCtx, time.Minute, func() {
		for _, prune := range []func(context.Context) (int64, error){accounts.PruneThrottles, exams.PruneThrottles} {
			if _, err := prune(sweepCtx); err != nil {
				logger.Error("throttle pruning", "err", err)
			}
		}
	})

	served := make(chan error, 1)
	go func() { served <- srv.App.Listener(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests (answer saves) finish. Readiness answers 503
	// from now, so a proxy still checking sends no new requests here.
	srv.Drain()
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	if err := srv.App.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return <-served
}

// newLogger logs as text or JSON lines; lines logged within a request name it (web.RequestLogHandler).
func newLogger(w io.Writer, format string) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if format == "json" {
		h = slog.NewJSONHandler(w, nil)
	}
	return slog.New(web.RequestLogHandler(h))
}

// serveMetrics serves /metrics on addr, apart from the public listener, until the
// returned stop is called.
func serveMetrics(addr string, m *web.Metrics, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server", "err", err)
		}
	}()
	logger.Info("metrics are served", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() { _ = hs.Close() }, nil
}

// demoAccount is one generated login, shown once.
type demoAccount struct {
	Role     account.Role
	Username string
	Password string
}

const demoCenter = "demo"

// createDemoAccounts gives an empty database one account per role in a demo center, with
// generated passwords (never a fixed default). It does nothing when any user exists.
// writeBundled loads the bundled curriculum and blueprints and, into an empty database,
// the demo accounts, which it returns.
func writeBundled(ctx context.Context, contents *content.Store, exams *exam.Service, accounts *account.Store, logger *slog.Logger) ([]demoAccount, error) {
	p, err := pack.Bundled()
	if err != nil {
		return nil, err
	}
	res, err := pack.Load(ctx, contents, p)
	if err != nil {
		return nil, fmt.Errorf("load the bundled curriculum: %w", err)
	}
	logger.Info("curriculum loaded", "nodes", res.Nodes, "added", res.Added, "updated", res.Updated, "unchanged", res.Unchanged)
	if err := exams.SyncBundled(ctx); err != nil {
		return nil, fmt.Errorf("write the bundled blueprints: %w", err)
	}
	return createDemoAccounts(ctx, accounts)
}

func createDemoAccounts(ctx context.Context, accounts *account.Store) ([]demoAccount, error) {
	n, err := accounts.CountUsers(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	// The center's name heads its score reports; the code is only a login detail.
	if _, err := accounts.EnsureCenter(ctx, demoCenter, "演示培训中心"); err != nil {
		return nil, err
	}
	var out []demoAccount
	for _, r := range account.Roles {
		d := demoAccount{Role: r, Username: "demo-" + strings.ReplaceAll(string(r), "_", "-"), Password: account.GeneratePassword()}
		_, err := accounts.CreateUser(ctx, account.NewUser{Username: d.Username, Name: "演示" + r.Title(), Role: r, Center: demoCenter, Password: d.Password})
		if errors.Is(err, account.ErrConflict) {
			return nil, nil // another server, starting at the same moment, made them
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func printWelcome(w io.Writer, url string, demo []demoAccount) {
	fmt.Fprintf(w, "\ncsmexam is running: %s\n", url)
	if len(demo) == 0 {
		fmt.Fprintf(w, "Log in with an existing account, or create one:\n  echo 'PASSWORD' | csmexam user add --role candidate --center demo USERNAME\n\n")
		return
	}
	fmt.Fprintf(w, "First start: demo accounts were created in center %q. Passwords are shown only now:\n", demoCenter)
	for _, d := range demo {
		fmt.Fprintf(w, "  %-14s %-22s %s\n", d.Role, d.Username, d.Password)
	}
	fmt.Fprintf(w, "API: curl -X POST %s/api/v1/session -d '{\"username\":\"%s\",\"password\":\"…\"}' -H 'Content-Type: application/json'\n\n", url, demo[0].Username)
}

func userAdd(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("csmexam user add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn := fs.String("db", firstNonEmpty(e.getenv("CSMEXAM_DB"), db.DefaultDSN), "database DSN (env CSMEXAM_DB)")
	role := fs.String("role", "", "candidate, instructor, center_admin or admin")
	center := fs.String("center", "", "training center code (created if missing)")
	name := fs.String("name", "", "display name (显示名)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give exactly one USERNAME after the flags")
	}
	if *role == "" || *center == "" {
		return errors.New("--role and --center are required")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || line == "") {
		return errors.New("read the password from stdin: got no line")
	}
	password := strings.TrimRight(line, "\r\n")
	if _, err := db.ParseDSN(*dsn); err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	g, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close(g)
	u, err := account.NewStore(g, time.Now).CreateUser(ctx, account.NewUser{
		Username: fs.Arg(0), Name: *name, Role: account.Role(*role), Center: *center, Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %s %q (%s) in center %s\n", u.Role, u.Username, u.Name, u.Center)
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
