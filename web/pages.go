package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/account"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// The pages are server-rendered shells over the JSON API: templates render what the page
// needs at first paint, and the scripts in static/ call the API same-origin with the
// session cookie. Everything is embedded, so `make run` needs nothing but Go.

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// chinaTime is how the pages show times: the exam is Chinese, its candidates are in UTC+8.
var chinaTime = time.FixedZone("CST", 8*3600)

// asset is one embedded static file with its content hash, for cache busting.
type asset struct {
	body        []byte
	contentType string
	hash        string
}

// pageKit is everything parsed once at start-up: one template set per page, each with
// the layout, and the static files.
type pageKit struct {
	views  map[string]*template.Template
	assets map[string]asset
}

func loadPageKit() (*pageKit, error) {
	k := &pageKit{views: map[string]*template.Template{}, assets: map[string]asset{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		k.assets[strings.TrimPrefix(p, "static/")] = asset{body: b, contentType: mime.TypeByExtension(path.Ext(p)), hash: hex.EncodeToString(sum[:6])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	funcs := template.FuncMap{
		"static": func(name string) (string, error) {
			a, ok := k.assets[name]
			if !ok {
				return "", fmt.Errorf("no static file %s", name)
			}
			return "/static/" + name + "?v=" + a.hash, nil
		},
		"when": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.In(chinaTime).Format("2006-01-02 15:04")
			case *time.Time:
				if v != nil {
					return v.In(chinaTime).Format("2006-01-02 15:04")
				}
			}
			return ""
		},
		"minutes": func(s int) string { return fmt.Sprintf("%d 分钟", (s+59)/60) },
		"elapsed": func(s int64) string { return fmt.Sprintf("%d 分 %d 秒", s/60, s%60) },
		"has":     slices.Contains[[]string],
		"join":    strings.Join,
		"list":    func(v ...string) []string { return v },
		"part": func(parts []string, i int) string {
			if i < len(parts) {
				return parts[i]
			}
			return ""
		},
		"inc":         func(i int) int { return i + 1 },
		"typeTitle":   func(t any) string { return content.Type(fmt.Sprint(t)).Title() },
		"statusTitle": statusTitle,
		"percent": func(p, max content.Points) int {
			if max <= 0 {
				return 0
			}
			return int(p * 100 / max)
		},
		"shown": shownKeys,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(viewFiles, "views/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(viewFiles, "views/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if n == "views/layout.html" {
			continue
		}
		t, err := layout.Clone()
		if err == nil {
			t, err = t.ParseFS(viewFiles, n)
		}
		if err != nil {
			return nil, err
		}
		k.views[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return k, nil
}

func statusTitle(s exam.Status) string {
	switch s {
	case exam.InProgress:
		return "进行中"
	case exam.Submitted, exam.Graded:
		return "已评分"
	case exam.PendingReview:
		return "待阅卷"
	case exam.Abandoned:
		return "已作废"
	}
	return string(s)
}

// choiceTitle shows the true/false keys in words.
func choiceTitle(k string) string {
	switch k {
	case "T":
		return "正确"
	case "F":
		return "错误"
	}
	return k
}

// shownKeys names keys as the candidate saw them: a paper shuffles the options and shows
// them lettered A, B, C… in its order, so stored key "C" may have been shown as "A".
// True/false keys read 正确 and 错误.
func shownKeys(options []content.Option, keys []string) string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		name := choiceTitle(k)
		if name == k {
			for i, o := range options {
				if o.Key == k && i < 26 {
					name = string(rune('A' + i))
				}
			}
		}
		out = append(out, name)
	}
	return strings.Join(out, "、")
}

// page is what the layout needs, plus the page's own Data.
type page struct {
	Title string
	User  *account.User
	Nav   []navLink
	Data  any
}

type navLink struct {
	Href, Label string
	Active      bool
}

// navFor lists the sections a role works in.
func navFor(u *account.User, current string) []navLink {
	links := []navLink{{Href: "/", Label: "首页"}, {Href: "/syllabus", Label: "学习大纲"}}
	if u.Can(staffRoles...) {
		links = append(links, navLink{Href: "/questions", Label: "题库"}, navLink{Href: "/blueprints", Label: "试卷蓝图"},
			navLink{Href: "/grading", Label: "阅卷"}, navLink{Href: "/center", Label: "培训中心"})
	}
	for i := range links {
		l := &links[i]
		l.Active = l.Href == current || l.Href != "/" && strings.HasPrefix(current, l.Href+"/")
	}
	return links
}

// render writes the named page inside the layout.
func (s *Server) render(c *fiber.Ctx, status int, name, title string, data any) error {
	t, ok := s.pages.views[name]
	if !ok {
		return fmt.Errorf("no page template %s", name)
	}
	p := page{Title: title, User: currentUser(c), Data: data}
	if p.User != nil {
		p.Nav = navFor(p.User, c.Path())
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}

// isPage tells whether a request is for a page (HTML errors) rather than the API (JSON).
func isPage(c *fiber.Ctx) bool {
	p := c.Path()
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && !strings.HasPrefix(p, "/static/")
}

// renderErrorPage shows an error to a browser; an expired session goes back to login.
func (s *Server) renderErrorPage(c *fiber.Ctx, status int, message string) error {
	if status == fiber.StatusUnauthorized {
		return c.Redirect(loginURL(c), fiber.StatusSeeOther)
	}
	title := map[int]string{fiber.StatusForbidden: "无权访问", fiber.StatusNotFound: "页面不存在"}[status]
	if title == "" {
		title = "出错了"
	}
	return s.render(c, status, "error", title, fiber.Map{"Status": status, "Message": message})
}

func loginURL(c *fiber.Ctx) string {
	return "/login?next=" + url.QueryEscape(string(c.Request().RequestURI()))
}

// securityHeaders keeps every response from being framed, sniffed or running script from
// elsewhere; the pages have no inline script or style, so the policy needs no exceptions.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return c.Next()
}

func (s *Server) registerPageRoutes(r fiber.Router) {
	r.Get("/static/:name", s.serveStatic)
	r.Get("/login", s.loginPage)
	r.Post("/login", s.loginForm)
	r.Get("/", s.pageUser, s.dashboardPage)
	r.Get("/syllabus", s.pageUser, s.syllabusPage)
	r.Get("/syllabus/:code", s.pageUser, s.syllabusNodePage)
	r.Get("/exam/:id", s.pageUser, s.examPage)
	r.Get("/attempts/:id/result", s.pageUser, s.resultPage)
	staff := []fiber.Handler{s.pageUser, allow(staffRoles...)}
	r.Get("/questions", append(staff, s.questionsPage)...)
	r.Get("/questions/new", append(staff, s.questionFormPage)...)
	r.Get("/questions/:id", append(staff, s.questionPage)...)
	r.Get("/questions/:id/edit", append(staff, s.questionFormPage)...)
	r.Get("/blueprints", append(staff, s.blueprintsPage)...)
	r.Get("/blueprints/new", append(staff, s.blueprintFormPage)...)
	r.Get("/grading", append(staff, s.shellPage("grading", "阅卷"))...)
	r.Get("/center", append(staff, s.centerPage)...)
	r.Get("/center/:section", append(staff, s.centerPage)...)
}

// serveStatic answers an embedded file. A request carrying the current hash (as the
// templates write it) may be cached for good; any other revalidates.
func (s *Server) serveStatic(c *fiber.Ctx) error {
	a, ok := s.pages.assets[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	if c.Query("v") == a.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderETag, `"`+a.hash+`"`)
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+a.hash+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	return c.Send(a.body)
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
	return c.Next()
}

// centerSections are the training center's pages by path; the results are its front page.
var centerSections = map[string]string{"": "成绩", "cohorts": "班级", "assignments": "考试安排", "users": "用户"}

// centerPage is one section of the training center's desk; center.js loads and changes
// its data through the API. Accounts are managed by center admins only.
func (s *Server) centerPage(c *fiber.Ctx) error {
	section := utils.CopyString(c.Params("section"))
	title, ok := centerSections[section]
	if !ok {
		return fiber.ErrNotFound
	}
	manageUsers := currentUser(c).Can(accountAdmins...)
	if section == "users" && !manageUsers {
		return errs.New(errs.Forbidden, "只有中心管理员可以管理账号")
	}
	bps, err := s.Exams.Blueprints(c.UserContext(), currentUser(c).CenterID)
	if err != nil {
		return err
	}
	var exams []exam.Blueprint
	for _, bp := range bps {
		if bp.Mode == exam.ModeExam {
			exams = append(exams, bp)
		}
	}
	return s.render(c, fiber.StatusOK, "center", "培训中心 · "+title,
		fiber.Map{"Section": section, "ManageUsers": manageUsers, "Blueprints": exams})
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

type dashboardData struct {
	Staff    bool
	Exams    []exam.Blueprint
	Practice []exam.Blueprint
	Open     []attemptSummary
	History  []attemptSummary
}

func (s *Server) dashboardPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	bps, err := s.Exams.Blueprints(ctx, u.CenterID)
	if err != nil {
		return err
	}
	d := dashboardData{Staff: u.Can(staffRoles...)}
	for _, bp := range bps {
		if bp.Mode == exam.ModePractice {
			d.Practice = append(d.Practice, bp)
		} else {
			d.Exams = append(d.Exams, bp)
		}
	}
	as, err := s.Exams.Attempts(ctx, viewer(c))
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.CandidateID != u.ID { // staff see their center's attempts through the API; here only their own
			continue
		}
		if a.Status == exam.InProgress {
			d.Open = append(d.Open, summarize(a))
		} else {
			d.History = append(d.History, summarize(a))
		}
	}
	return s.render(c, fiber.StatusOK, "dashboard", "首页", d)
}

func (s *Server) syllabusTree(c *fiber.Ctx) ([]*content.Node, error) {
	nodes, err := s.Content.Syllabus(c.UserContext())
	if err != nil {
		return nil, err
	}
	return content.Tree(nodes), nil
}

func (s *Server) syllabusPage(c *fiber.Ctx) error {
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "syllabus", "学习大纲", tree)
}

func (s *Server) syllabusNodePage(c *fiber.Ctx) error {
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	code := utils.CopyString(c.Params("code"))
	n := content.Find(tree, code)
	if n == nil {
		return errs.New(errs.NotFound, "大纲节点 %s 不存在", code)
	}
	// A chapter has a bundled practice blueprint when the bank can fill one.
	practice := ""
	if n.Kind == content.Chapter {
		if _, err := s.Exams.Blueprint(c.UserContext(), "practice-"+n.Code, currentUser(c).CenterID); err == nil {
			practice = "practice-" + n.Code
		}
	}
	return s.render(c, fiber.StatusOK, "syllabus_node", n.Title, fiber.Map{"Node": n, "Practice": practice})
}

// visibleAttempt loads the attempt named by :id as the current user may see it.
func (s *Server) visibleAttempt(c *fiber.Ctx) (*exam.Attempt, error) {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return nil, err
	}
	return s.Exams.Attempt(c.UserContext(), viewer(c), id)
}

// examPage is the shell of the exam; exam.js loads the attempt from the API, so a reload
// or another device shows the same state.
func (s *Server) examPage(c *fiber.Ctx) error {
	a, err := s.visibleAttempt(c)
	if err != nil {
		return err
	}
	if a.Status != exam.InProgress {
		return c.Redirect(fmt.Sprintf("/attempts/%d/result", a.ID), fiber.StatusSeeOther)
	}
	if a.CandidateID != currentUser(c).ID { // staff may read the attempt, not sit it
		return errs.New(errs.Forbidden, "只有考生本人可以作答")
	}
	return s.render(c, fiber.StatusOK, "exam", a.Rules.Title, a)
}

// resultItem is one question of the review: what was asked, answered and scored.
type resultItem struct {
	N        int
	Q        questionView
	Answer   exam.Answer
	Score    *exam.ItemScore
	Answered bool
}

func (s *Server) resultPage(c *fiber.Ctx) error {
	a, err := s.visibleAttempt(c)
	if err != nil {
		return err
	}
	if a.Status == exam.InProgress {
		return c.Redirect(fmt.Sprintf("/exam/%d", a.ID), fiber.StatusSeeOther)
	}
	v, err := s.attemptView(c.UserContext(), a)
	if err != nil {
		return err
	}
	scores := map[int64]*exam.ItemScore{}
	if a.Result != nil {
		for i := range a.Result.Items {
			scores[a.Result.Items[i].QuestionID] = &a.Result.Items[i]
		}
	}
	var items []resultItem
	for _, sec := range v.Sections {
		for _, q := range sec.Questions {
			ans, answered := v.Answers[fmt.Sprint(q.ID)]
			items = append(items, resultItem{N: len(items) + 1, Q: q, Answer: ans, Answered: answered, Score: scores[q.ID]})
		}
	}
	return s.render(c, fiber.StatusOK, "result", a.Rules.Title+" 成绩", fiber.Map{"Attempt": v, "Items": items})
}

type questionsData struct {
	Items      []content.Question
	Total      int64
	Chapters   []*content.Node
	Query      map[string]string
	Page, Last int
	Prev, Next string
}

func (s *Server) questionsPage(c *fiber.Ctx) error {
	f, err := questionFilter(c)
	if err != nil {
		return err
	}
	items, total, err := s.Content.ListQuestions(c.UserContext(), f)
	if err != nil {
		return err
	}
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	d := questionsData{Items: items, Total: total, Page: f.Offset/f.Limit + 1, Last: int((total + int64(f.Limit) - 1) / int64(f.Limit)),
		Query: map[string]string{"unit": f.Unit, "type": string(f.Type), "difficulty": c.Query("difficulty"), "q": f.Text}}
	for _, lvl := range tree {
		d.Chapters = append(d.Chapters, lvl.Children...)
	}
	pageLink := func(n int) string {
		q := url.Values{}
		for k, v := range d.Query {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("page", fmt.Sprint(n))
		return "/questions?" + q.Encode()
	}
	if d.Page > 1 {
		d.Prev = pageLink(d.Page - 1)
	}
	if d.Page < d.Last {
		d.Next = pageLink(d.Page + 1)
	}
	return s.render(c, fiber.StatusOK, "questions", "题库", d)
}

func (s *Server) questionPage(c *fiber.Ctx) error {
	q, err := s.visibleQuestion(c)
	if err != nil {
		return err
	}
	vs, err := s.Content.QuestionVersions(c.UserContext(), q.ID)
	if err != nil {
		return err
	}
	editable := canEdit(currentUser(c), q) == nil
	return s.render(c, fiber.StatusOK, "question", fmt.Sprintf("题目 %d", q.ID), fiber.Map{"Q": q, "Versions": vs, "Editable": editable})
}

// questionFormPage is the editor for a new question and for an existing one (question.js
// loads it from the API); the knowledge points are rendered for the unit picker.
func (s *Server) questionFormPage(c *fiber.Ctx) error {
	var id int64
	title := "新建题目"
	if c.Params("id") != "" {
		q, err := s.visibleQuestion(c)
		if err != nil {
			return err
		}
		if err := canEdit(currentUser(c), q); err != nil {
			return err
		}
		id, title = q.ID, fmt.Sprintf("编辑题目 %d", q.ID)
	}
	nodes, err := s.Content.Syllabus(c.UserContext())
	if err != nil {
		return err
	}
	var points []content.Node
	for _, n := range nodes {
		if n.Kind == content.Point {
			points = append(points, n)
		}
	}
	return s.render(c, fiber.StatusOK, "question_form", title, fiber.Map{"ID": id, "Points": points, "Types": content.Types})
}

func (s *Server) blueprintsPage(c *fiber.Ctx) error {
	bps, err := s.Exams.Blueprints(c.UserContext(), currentUser(c).CenterID)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "blueprints", "试卷蓝图", bps)
}

func (s *Server) blueprintFormPage(c *fiber.Ctx) error {
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	var chapters []*content.Node
	for _, lvl := range tree {
		chapters = append(chapters, lvl.Children...)
	}
	return s.render(c, fiber.StatusOK, "blueprint_form", "新建试卷蓝图", fiber.Map{"Chapters": chapters, "Types": content.Types})
}
