package web

import (
	"context"
	"net/url"
	"strings"

	"github.com/csmexam/csmexam/content/account"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/gofiber/fiber/v2"
)

// sessionCookie carries the session token for pages; API clients send it as a bearer token.
const sessionCookie = "csm_session"

const userKey = "user"

func (s *Server) registerSessionRoutes(r fiber.Router) {
	r.Post("/session", s.login)
	r.Delete("/session", s.authenticate, s.logout)
	r.Get("/me", s.authenticate, s.me)
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token string        `json:"token"`
	User  *account.User `json:"user"`
}

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Username) == "" {
		return &badRequest{field: "username", message: "请输入用户名"}
	}
	token, u, err := s.openSession(c, strings.TrimSpace(req.Username), req.Password)
	if err != nil {
		return err
	}
	return c.JSON(loginResponse{Token: token, User: u})
}

// openSession logs the user in and sets the page cookie. Every login opens a new session
// with a new token, so a token planted before login (session fixation) is worthless. A
// browser's login must come from this site: another site's form would otherwise log the
// visitor into the other site's account (browsers send Origin with every cross-site
// POST; API clients send none).
func (s *Server) openSession(c *fiber.Ctx, username, password string) (string, *account.User, error) {
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != c.BaseURL() {
		return "", nil, errs.New(errs.Forbidden, "登录请求来自其他网站，已拒绝")
	}
	token, u, err := s.Accounts.Login(c.UserContext(), username, password)
	if err != nil {
		return "", nil, err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: c.Protocol() == "https",
	})
	return token, u, nil
}

func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.Accounts.Logout(c.UserContext(), tokenOf(c)); err != nil {
		return err
	}
	c.ClearCookie(sessionCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error { return c.JSON(currentUser(c)) }

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
