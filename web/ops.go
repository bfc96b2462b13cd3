package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Operating the server: liveness and readiness, each request's deadline, and the request
// log whose lines carry the request id, the user and the attempt.

// DefaultIdleTimeout is how long a keep-alive connection may idle before the server
// closes it. Clients must give up an idle connection before the server does: a request
// sent on a connection the server is closing at that moment is lost, and a client does
// not resend a POST (a submit) on its own. Browsers keep idle connections up to 5 minutes
// (Chromium) and HAProxy and nginx far less, so the server waits longer than any of them.
const DefaultIdleTimeout = 10 * time.Minute

// DefaultRequestTimeout is how long a request may wait for the database before it is
// answered 503: long enough for a wave of submits on a busy database, short enough that
// a frozen database does not pile up every request of every candidate.
const DefaultRequestTimeout = 15 * time.Second

// retryAfterBusy is the Retry-After of a 503: the exam page's journal retries on its own.
const retryAfterBusy = 3

// errBusy is a request that ran out of its deadline, nearly always waiting for the
// database: 503, come back later. The answer of a save may still land after it; a save
// repeated with the same seq is idempotent.
var errBusy = errors.New("数据库繁忙，请稍后重试")

// health is liveness: the process answers. A load balancer restarts nothing on it; it
// routes by readiness.
func (s *Server) health(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// ready is readiness: the database answers and the server is not shutting down.
func (s *Server) ready(c *fiber.Ctx) error {
	if s.draining.Load() {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "shutting down"})
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		s.Logger.ErrorContext(ctx, "readiness: database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

// Drain makes /readyz answer 503, so a load balancer stops sending new requests before
// the server shuts down; requests still arriving are served.
func (s *Server) Drain() { s.draining.Store(true) }

// withDeadline gives the request RequestTimeout for its work; a request that ran out of
// it, and failed, is errBusy. Downloads that stream after the handler returns (reports.zip)
// and file imports and exports keep the connection's own timeouts instead.
func (s *Server) withDeadline(c *fiber.Ctx) error {
	if s.RequestTimeout <= 0 || longRequest(c.Path()) {
		return c.Next()
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), s.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	err := c.Next()
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return busyError{cause: err}
	}
	return err
}

type busyError struct{ cause error }

func (e busyError) Error() string   { return "request deadline: " + e.cause.Error() }
func (e busyError) Unwrap() []error { return []error{errBusy, e.cause} }

func longRequest(path string) bool {
	for _, suffix := range []string{"/reports.zip", "/import", "/export", "/template.xlsx"} {
		if strings.HasSuffix(path, suffix) {
			return true
		}
	}
	return false
}

// requestInfo is what every log line of a request names. It is filled as the request
// goes: the id at once, the user once the session is checked.
type requestInfo struct {
	id      string
	user    atomic.Int64
	attempt int64
}

type requestInfoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return ri
}

// attemptPath finds the attempt a request is about: the API's and the pages' attempt
// routes, and the exam page.
var attemptPath = regexp.MustCompile(`^(?:/api/v1)?/(?:attempts|exam)/(\d+)(?:/|$)`)

// saveRoute is the answer save, the one route whose access lines are sampled.
var saveRoute = regexp.MustCompile(`^/api/v1/attempts/\d+/answers/`)

// logRequests puts the request's id (the proxy's X-Request-ID, else a new one) into its
// context for every log line, answers it in X-Request-ID, and logs one access line per
// request. Answer saves, a class's steady stream, are logged one in SaveLogSample unless
// they fail with a server error.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	ri := &requestInfo{id: utils.CopyString(c.Get(fiber.HeaderXRequestID))}
	if ri.id == "" || len(ri.id) > 64 {
		ri.id = newRequestID()
	}
	if m := attemptPath.FindStringSubmatch(c.Path()); m != nil {
		ri.attempt, _ = strconv.ParseInt(m[1], 10, 64)
	}
	c.Set(fiber.HeaderXRequestID, ri.id)
	c.SetUserContext(context.WithValue(c.UserContext(), requestInfoKey{}, ri))
	err := c.Next()
	if err != nil { // answered here, so that the line below has the status
		if herr := s.App.Config().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	if status < 500 && saveRoute.MatchString(c.Path()) && !s.sampleSave() {
		return nil
	}
	s.Logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
		slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Int("status", status),
		slog.Duration("duration", time.Since(start)))
	return nil
}

// sampleSave reports whether this answer save gets an access line.
func (s *Server) sampleSave() bool {
	if s.SaveLogSample <= 1 {
		return true
	}
	return s.saves.Add(1)%uint64(s.SaveLogSample) == 0
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RequestLogHandler wraps h so that every record logged with a request's context names
// the request id, the user and the attempt.
func RequestLogHandler(h slog.Handler) slog.Handler { return requestLogHandler{h} }

type requestLogHandler struct{ slog.Handler }

func (h requestLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if ri := infoOf(ctx); ri != nil {
		r.AddAttrs(slog.String("request_id", ri.id))
		if u := ri.user.Load(); u != 0 {
			r.AddAttrs(slog.Int64("user_id", u))
		}
		if ri.attempt != 0 {
			r.AddAttrs(slog.Int64("attempt_id", ri.attempt))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestLogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestLogHandler{h.Handler.WithAttrs(as)}
}

func (h requestLogHandler) WithGroup(name string) slog.Handler {
	return requestLogHandler{h.Handler.WithGroup(name)}
}

// noteUser names the request's user on its log lines from now on.
func noteUser(c *fiber.Ctx, userID int64) {
	if ri := infoOf(c.UserContext()); ri != nil {
		ri.user.Store(userID)
	}
}
