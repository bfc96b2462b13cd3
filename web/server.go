// Package web is the HTTP face of csmexam: the JSON API under /api/v1 and the pages.
// Handlers parse, call a domain service, render; one error handler maps domain errors to
// status codes.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// Deps are the services the server calls.
type Deps struct {
	Content  *content.Store
	Accounts *account.Store
	Exams    *exam.Service
	Grades   *grading.Service
	// Ping tells whether the database answers (for /healthz).
	Ping   func(ctx context.Context) error
	Logger *slog.Logger
	// ProxyHeader names the header holding the client's address behind a reverse proxy,
	// believed only from TrustedProxies; empty: the connection's address.
	ProxyHeader    string
	TrustedProxies []string
	// RequestTimeout is each request's deadline (see withDeadline); 0: none.
	RequestTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long; 0: DefaultIdleTimeout.
	IdleTimeout time.Duration
	// SaveLogSample logs one answer save in this many (others all); 0 or 1: every one.
	SaveLogSample int
	// Metrics counts requests per route; nil: not counted.
	Metrics *Metrics
}

// Server is the Fiber app with its services.
type Server struct {
	App *fiber.App
	Deps
	pages    *pageKit
	draining atomic.Bool   // shutting down: not ready
	saves    atomic.Uint64 // answer saves seen, for log sampling

	questionJSON questionPieceCache // for attemptJSON
}

// BodyLimit caps every request body; larger ones get 413 before a handler runs. It leaves
// room for a question or candidate file of the importers' largest size plus its multipart
// envelope; JSON bodies are held to the smaller JSONLimit by decodeJSON.
const BodyLimit = format.MaxFileBytes + 1<<20

// JSONLimit caps a JSON request body: no answer, question or blueprint comes near it.
const JSONLimit = 2 << 20

// New builds the app with every route registered.
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	kit, err := loadPageKit()
	if err != nil { // the templates are embedded: a broken one is a build mistake
		panic(fmt.Errorf("web: %w", err))
	}
	if d.IdleTimeout <= 0 {
		d.IdleTimeout = DefaultIdleTimeout
	}
	s := &Server{Deps: d, pages: kit}
	s.App = fiber.New(fiber.Config{
		AppName:               "csmexam",
		BodyLimit:             BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           d.IdleTimeout,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		// c.IP(), which login throttling counts by, reads ProxyHeader only from these.
		ProxyHeader:             d.ProxyHeader,
		EnableTrustedProxyCheck: len(d.TrustedProxies) > 0,
		TrustedProxies:          d.TrustedProxies,
		EnableIPValidation:      true,
	})
	// One panicking handler must not take down every exam in progress on this server.
	s.App.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		s.Logger.ErrorContext(c.UserContext(), "panic", "method", c.Method(), "path", c.Path(), "panic", e, "stack", string(debug.Stack()))
	}}))
	s.App.Use(securityHeaders)
	if d.Metrics != nil { // outside the request log, which answers errors: it sees the status
		s.App.Use(d.Metrics.countRequests)
	}
	s.App.Use(s.logRequests)
	// Login throttling counts by client address: every login path gets it from the context.
	s.App.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(account.WithClientAddr(c.UserContext(), c.IP()))
		return c.Next()
	})
	s.App.Use(s.withDeadline)
	s.App.Get("/healthz", s.health)
	s.App.Get("/readyz", s.ready)
	api := s.App.Group("/api/v1")
	api.Get("/openapi.json", serveOpenAPI)
	s.registerSessionRoutes(api)
	s.registerSyllabusRoutes(api)
	s.registerQuestionRoutes(api)
	s.registerBlueprintRoutes(api)
	s.registerPaperRoutes(api)
	s.registerAttemptRoutes(api)
	s.registerUserRoutes(api)
	s.registerCohortRoutes(api)
	s.registerAssignmentRoutes(api)
	s.registerResultRoutes(api)
	s.registerReportZipRoutes(api)
	s.registerGradingRoutes(api)
	s.registerStatsRoutes(api)
	s.registerPageRoutes(s.App)
	s.App.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s
}
