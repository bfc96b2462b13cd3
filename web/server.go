// Package web is the HTTP face of csmexam: the JSON API under /api/v1 and the pages.
// Handlers parse, call a domain service, render; one error handler maps domain errors to
// status codes.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
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
}

// Server is the Fiber app with its services.
type Server struct {
	App *fiber.App
	Deps
	pages *pageKit
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
	s := &Server{Deps: d, pages: kit}
	s.App = fiber.New(fiber.Config{
		AppName:               "csmexam",
		BodyLimit:             BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
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
		s.Logger.Error("panic", "method", c.Method(), "path", c.Path(), "panic", e, "stack", string(debug.Stack()))
	}}))
	s.App.Use(securityHeaders)
	// Login throttling counts by client address: every login path gets it from the context.
	s.App.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(account.WithClientAddr(c.UserContext(), c.IP()))
		return c.Next()
	})
	s.App.Get("/healthz", s.health)
	api := s.App.Group("/api/v1")
	api.Get("/openapi.json", serveOpenAPI)
	s.registerSessionRoutes(api)
	s.registerSyllabusRoutes(api)
	s.registerQuestionRoutes(api)
	s.registerBlueprintRoutes(api)
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

func (s *Server) health(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		s.Logger.Error("health check: database does not answer", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
