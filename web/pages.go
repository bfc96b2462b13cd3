package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
)

// The pages are server-rendered shells over the JSON API: templates render what the page
// needs at first paint, and the scripts in static/ call the API same-origin with the
// session cookie. Everything is embedded, so `make run` needs nothing but Go.

func (s *Server) registerPageRoutes(r fiber.Router) {
	r.Get("/static/:name", s.serveStatic)
	r.Get("/login", s.loginPage)
	r.Post("/login", s.loginForm)
	r.Get("/", s.pageUser, s.dashboardPage)
	r.Get("/syllabus", s.pageUser, s.syllabusPage)
	r.Get("/syllabus/:code", s.pageUser, s.syllabusNodePage)
	r.Get("/start", s.pageUser, s.startPage)
	r.Get("/exam/sw.js", s.examServiceWorker)
	r.Get("/exam/:id", s.pageUser, s.examPage)
	r.Get("/attempts/:id/result", s.pageUser, s.resultPage)
	staff := []fiber.Handler{s.pageUser, allow(staffRoles...)}
	r.Get("/questions", append(staff, s.questionsPage)...)
	r.Get("/questions/new", append(staff, s.questionFormPage)...)
	r.Get("/questions/:id", append(staff, s.questionPage)...)
	r.Get("/questions/:id/edit", append(staff, s.questionFormPage)...)
	r.Get("/blueprints", append(staff, s.blueprintsPage)...)
	r.Get("/blueprints/new", append(staff, s.blueprintFormPage)...)
	r.Get("/blueprints/:code/edit", append(staff, s.blueprintFormPage)...)
	r.Get("/grading", append(staff, s.shellPage("grading", "阅卷"))...)
	r.Get("/center", append(staff, s.centerPage)...)
	r.Get("/center/:section", append(staff, s.centerPage)...)
	r.Get("/assignments/:id", append(staff, s.assignmentPage("assignment", " · 考试安排"))...)
	r.Get("/assignments/:id/live", append(staff, s.assignmentPage("live", " · 监考"))...)
	r.Get("/stats/items", append(staff, s.itemStatsPage)...)
	r.Get("/stats/class", append(staff, s.classStatsPage)...)
}

// shellPage is a page whose script loads everything from the API.
func (s *Server) shellPage(name, title string) fiber.Handler {
	return func(c *fiber.Ctx) error { return s.render(c, fiber.StatusOK, name, title, nil) }
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if _, err := s.Accounts.Authenticate(c.UserContext(), tokenOf(c)); err == nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	return s.render(c, fiber.StatusOK, "login", "登录", nil)
}

// loginForm is the login without JavaScript (login.js posts to the API instead).
func (s *Server) loginForm(c *fiber.Ctx) error {
	username := strings.TrimSpace(c.FormValue("username"))
	_, _, err := s.openSession(c, username, c.FormValue("password"))
	if errors.Is(err, account.ErrUnauthorized) {
		return s.render(c, fiber.StatusUnauthorized, "login", "登录", fiber.Map{"Error": "用户名或密码不正确", "Username": username})
	}
	if err != nil {
		return err
	}
	return c.Redirect(localPath(c.Query("next")), fiber.StatusSeeOther)
}

// localPath is next when it is a path on this site, else the dashboard: a login link
// must not send anyone elsewhere. Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
// "/\t/evil.example" would become "//evil.example": any control character or backslash
// is refused outright.
func localPath(next string) string {
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
