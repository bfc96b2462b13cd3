package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/web"
)

// Config is everything the server is told at start: defaults, then the environment,
// then flags.
type Config struct {
	Addr            string
	DB              string
	ShutdownTimeout time.Duration
	// SweepInterval is how often overdue attempts are finalised.
	SweepInterval time.Duration
	// CalibrateInterval is how often the questions' observed difficulty is recomputed.
	CalibrateInterval time.Duration
	// ProxyHeader names the header a reverse proxy puts the client's address in (e.g.
	// X-Real-IP); it is believed only from TrustedProxies. Login throttling counts by
	// that address.
	ProxyHeader    string
	TrustedProxies []string
	// RequestTimeout is each request's deadline; past it the answer is 503 with
	// Retry-After (web.withDeadline).
	RequestTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long; it must exceed the
	// keep-alive of every client and proxy in front (web.DefaultIdleTimeout).
	IdleTimeout time.Duration
	// DBPool is the database connection pool (db.Pool); servers × DBPool.MaxOpen must stay
	// under MySQL's max_connections.
	DBPool db.Pool
	// AttemptCacheMB bounds the cache of open attempts' papers (exam.DefaultHeadCacheBytes).
	AttemptCacheMB int
	// MetricsAddr serves /metrics on its own address; empty: no metrics.
	MetricsAddr string
	// LogFormat is text or json.
	LogFormat string
	// SaveLogSample logs one answer save in this many.
	SaveLogSample int
}

// DefaultConfig is what `csmexam serve` uses with no flags and no environment.
func DefaultConfig() Config {
	return Config{Addr: "127.0.0.1:8080", DB: db.DefaultDSN, ShutdownTimeout: 20 * time.Second, SweepInterval: 5 * time.Second,
		CalibrateInterval: 10 * time.Minute,
		RequestTimeout:    web.DefaultRequestTimeout, IdleTimeout: web.DefaultIdleTimeout, DBPool: db.DefaultPool(db.MySQL),
		AttemptCacheMB: exam.DefaultHeadCacheBytes >> 20, LogFormat: "text", SaveLogSample: 100}
}

// fromEnv applies CSMEXAM_DB and CSMEXAM_ADDR.
func (c *Config) fromEnv(getenv func(string) string) {
	if v := getenv("CSMEXAM_DB"); v != "" {
		c.DB = v
	}
	if v := getenv("CSMEXAM_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("CSMEXAM_PROXY_HEADER"); v != "" {
		c.ProxyHeader = v
	}
	if v := getenv("CSMEXAM_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies = strings.Split(v, ",")
	}
	if v := getenv("CSMEXAM_METRICS_ADDR"); v != "" {
		c.MetricsAddr = v
	}
	if v := getenv("CSMEXAM_LOG_FORMAT"); v != "" {
		c.LogFormat = v
	}
}

// Validate says which setting is wrong and why.
func (c Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return fmt.Errorf("--addr %q: expected HOST:PORT, e.g. 127.0.0.1:8080", c.Addr)
	}
	if _, err := db.ParseDSN(c.DB); err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	if c.ShutdownTimeout <= 0 {
		return errors.New("--shutdown-timeout must be positive")
	}
	if c.SweepInterval <= 0 {
		return errors.New("--sweep-interval must be positive")
	}
	if c.CalibrateInterval <= 0 {
		return errors.New("--calibrate-interval must be positive")
	}
	if c.RequestTimeout <= 0 || c.IdleTimeout <= 0 {
		return errors.New("--request-timeout and --idle-timeout must be positive")
	}
	if c.DBPool.MaxOpen < 1 || c.DBPool.MaxIdleTime <= 0 {
		return errors.New("--db-pool and --db-idle-time must be positive")
	}
	if c.AttemptCacheMB < 1 {
		return errors.New("--attempt-cache-mb must be at least 1")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: text or json", c.LogFormat)
	}
	if c.SaveLogSample < 1 {
		return errors.New("--save-log-sample must be at least 1 (1 logs every save)")
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			return fmt.Errorf("--metrics-addr %q: expected HOST:PORT, e.g. 127.0.0.1:9090", c.MetricsAddr)
		}
		if c.MetricsAddr == c.Addr {
			return errors.New("--metrics-addr must differ from --addr: metrics stay off the public port")
		}
	}
	if c.ProxyHeader != "" && len(c.TrustedProxies) == 0 {
		return errors.New("--proxy-header needs --trusted-proxies: otherwise any client could claim any address")
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("--trusted-proxies: %q is neither an IP address nor a CIDR range", p)
			}
		}
	}
	return nil
}

// parseServe reads `serve` flags over the defaults and environment.
func parseServe(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	cfg := DefaultConfig()
	cfg.fromEnv(getenv)
	fs := flag.NewFlagSet("csmexam serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (env CSMEXAM_ADDR)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database: sqlite:PATH or mysql://USER:PASS@tcp(HOST:PORT)/DB (env CSMEXAM_DB)")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "how long in-flight requests may finish after SIGTERM")
	fs.DurationVar(&cfg.SweepInterval, "sweep-interval", cfg.SweepInterval, "how often overdue attempts are finalised")
	fs.DurationVar(&cfg.CalibrateInterval, "calibrate-interval", cfg.CalibrateInterval, "how often the questions' observed difficulty is recomputed from finalised exams")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", cfg.RequestTimeout, "each request's deadline; past it the answer is 503 with Retry-After")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "close keep-alive connections idle this long; keep it above the proxy's and clients' keep-alive")
	fs.IntVar(&cfg.DBPool.MaxOpen, "db-pool", cfg.DBPool.MaxOpen, "database connections per server (MySQL: servers × this < max_connections)")
	fs.DurationVar(&cfg.DBPool.MaxIdleTime, "db-idle-time", cfg.DBPool.MaxIdleTime, "close database connections idle this long")
	fs.IntVar(&cfg.AttemptCacheMB, "attempt-cache-mb", cfg.AttemptCacheMB, "memory for the papers of open attempts, in MiB")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve Prometheus /metrics on this address, e.g. 127.0.0.1:9090 (env CSMEXAM_METRICS_ADDR); empty: off")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "text or json (env CSMEXAM_LOG_FORMAT)")
	fs.IntVar(&cfg.SaveLogSample, "save-log-sample", cfg.SaveLogSample, "log one answer save in this many (errors always)")
	fs.StringVar(&cfg.ProxyHeader, "proxy-header", cfg.ProxyHeader, "header with the client address set by a reverse proxy, e.g. X-Real-IP (env CSMEXAM_PROXY_HEADER)")
	fs.Func("trusted-proxies", "comma-separated addresses or CIDR ranges of the reverse proxies (env CSMEXAM_TRUSTED_PROXIES)", func(v string) error {
		cfg.TrustedProxies = strings.Split(v, ",")
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	return cfg, cfg.Validate()
}
