package web

import (
	"strings"

	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
)

// sessionCookie carries the session token for pages; API clients send it as a bearer token.
const sessionCookie = "csm_session"

const userKey = "user"

// routedKey marks a request that reached the middleware (see securityHeaders).
const routedKey = "routed"

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
