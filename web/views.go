package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
)

// The view engine: templates and static files, embedded and parsed once at start-up,
// the functions templates call, and render, which every page handler ends with.

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

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
				return v.In(content.Beijing).Format("2006-01-02 15:04")
			case *time.Time:
				if v != nil {
					return v.In(content.Beijing).Format("2006-01-02 15:04")
				}
			}
			return ""
		},
		// whenExact is when to the second, for records such as an attempt's events.
		"whenExact": func(t time.Time) string { return t.In(content.Beijing).Format("2006-01-02 15:04:05") },
		"minutes":   func(s int) string { return fmt.Sprintf("%d 分钟", (s+59)/60) },
		"elapsed":   func(s int64) string { return fmt.Sprintf("%d 分 %d 秒", s/60, s%60) },
		"has":       slices.Contains[[]string],
		"join":      strings.Join,
		"list":      func(v ...string) []string { return v },
		"part": func(parts []string, i int) string {
			if i < len(parts) {
				return parts[i]
			}
			return ""
		},
		"inc":         func(i int) int { return i + 1 },
		"typeTitle":   func(t any) string { return content.Type(fmt.Sprint(t)).Title() },
		"statusTitle": statusTitle,
		"bankLetters": bankLetters,
		"percent": func(p, max content.Points) int {
			pct, _ := content.Percent(p, max)
			return pct
		},
		"fig":    figure,
		"images": imageViews,
		"pct":    percentOf,
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

// figure shows a statistic with digits decimals; an undefined one (nil) as a dash.
func figure(f *float64, digits int) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f, 'f', digits, 64)
}

// percentOf shows a share (0…1) as a whole percentage; an undefined one as a dash.
func percentOf(f *float64) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", *f*100)
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

// bankLetters names a question's options in the bank's own order, as staff read the
// bank where no paper has shuffled them.
func bankLetters(q content.Question) exam.Letters {
	return exam.LettersOf(exam.Item{Options: q.OptionKeys()}, q.Type)
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
			navLink{Href: "/grading", Label: "阅卷"}, navLink{Href: "/center", Label: "培训中心"}, navLink{Href: "/stats/items", Label: "统计"})
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
