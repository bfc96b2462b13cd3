package web

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
)

// Middleware: the headers every response carries, and the checks that admit a request
// (a session for the API and for pages, a role, a same-origin write).

// securityHeaders keeps every response from being framed, sniffed or running script from
// elsewhere; the pages have no inline script or style, so the policy needs no exceptions.
// It marks the request as routed: handleError sets the headers itself on the framework's
// errors about requests that never got this far (an oversized or unreadable request).
func securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	c.Locals(routedKey, true)
	return c.Next()
}

// routed reports whether the request passed securityHeaders, i.e. was read whole.
func routed(c *fiber.Ctx) bool {
	r, _ := c.Locals(routedKey).(bool)
	return r
}

func setSecurityHeaders(c *fiber.Ctx) {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
}

// pageUser is authenticate for pages: no session sends the browser to the login page.
func (s *Server) pageUser(c *fiber.Ctx) error {
	u, err := s.Accounts.Authenticate(c.UserContext(), tokenOf(c))
	if errors.Is(err, account.ErrUnauthorized) {
		return c.Redirect(loginURL(c), fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	c.Locals(userKey, u)
	noteUser(c, u.ID)
	return c.Next()
}

func loginURL(c *fiber.Ctx) string {
	return "/login?next=" + url.QueryEscape(string(c.Request().RequestURI()))
}

// tokenOf reads the bearer token, else the session cookie.
func tokenOf(c *fiber.Ctx) string {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	return c.Cookies(sessionCookie)
}

// authenticate lets the request through with its user, or answers 401. A request that
// changes something with the session cookie must come from our own pages (see sameOrigin).
func (s *Server) authenticate(c *fiber.Ctx) error {
	return s.admit(c, s.Accounts.Authenticate)
}

// recallSession is authenticate for the answer saves of an exam, the hottest write: it
// takes who the token belongs to from this server's recent memory (account.Recall), and
// the save's own statement proves the session still live (exam.Writer.Session), so a
// logout or a disabled account still stops the next save on every server.
func (s *Server) recallSession(c *fiber.Ctx) error {
	return s.admit(c, s.Accounts.Recall)
}

func (s *Server) admit(c *fiber.Ctx, check func(ctx context.Context, token string) (*account.User, error)) error {
	u, err := check(c.UserContext(), tokenOf(c))
	if err != nil {
		return err
	}
	if c.Get(fiber.HeaderAuthorization) == "" && !safeMethod(c.Method()) && !sameOrigin(c) {
		return errs.New(errs.Forbidden, "请求来源不是本站页面，已拒绝")
	}
	c.Locals(userKey, u)
	noteUser(c, u.ID)
	return c.Next()
}

// allow lets through users holding one of roles (after authenticate), else 403.
func allow(roles ...account.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !currentUser(c).Can(roles...) {
			return errs.New(errs.Forbidden, "您的角色无权进行此操作")
		}
		return c.Next()
	}
}

func currentUser(c *fiber.Ctx) *account.User {
	u, _ := c.Locals(userKey).(*account.User)
	return u
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// sameOrigin guards cookie-authenticated writes against cross-site request forgery
// beyond what SameSite=Lax does: the browser's Origin (else Referer) must name this host,
// or the request carries X-Requested-With, which no other site can add without a CORS
// preflight we never grant. Bearer-token clients are not at risk and skip this.
func sameOrigin(c *fiber.Ctx) bool {
	if c.Get("X-Requested-With") != "" {
		return true
	}
	from := c.Get(fiber.HeaderOrigin)
	if from == "" || from == "null" {
		from = c.Get(fiber.HeaderReferer)
	}
	u, err := url.Parse(from)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, string(c.Request().Host()))
}
