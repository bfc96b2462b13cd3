package web

import (
	"context"
	"fmt"
	"html/template"
	"net/url"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/itemstats"
	"github.com/gofiber/fiber/v2"
)

// The statistics of finalised exam attempts, as JSON or XLSX under /api/v1/stats, and as
// pages with server-drawn charts under /stats. Both read the query of GET /results
// (blueprint, center, cohort, assignment, from, to), so staff see their own center only.

// registerStatsRoutes registers the statistics for staff and, for everyone, their own
// weak points and the practice of them.
func (s *Server) registerStatsRoutes(r fiber.Router) {
	r.Get("/stats/items", s.authenticate, allow(staffRoles...), statsHandler(s, s.Grades.ItemAnalysis, "item-analysis", "题目分析"))
	r.Get("/stats/class", s.authenticate, allow(staffRoles...), statsHandler(s, s.Grades.ClassStats, "class-statistics", "班级统计"))
	r.Get("/weakpoints", s.authenticate, s.weakPoints)
	r.Post("/weakpoints/practice", s.authenticate, s.practiceWeak)
}

func (s *Server) weakPoints(c *fiber.Ctx) error {
	points, _, err := s.Grades.WeakPoints(c.UserContext(), viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": points})
}

// practiceWeak starts (or returns the open) 薄弱点练习: 201 with the attempt's id, the weak
// points and why each question was chosen.
func (s *Server) practiceWeak(c *fiber.Ctx) error {
	p, err := s.Grades.PracticeWeak(c.UserContext(), viewer(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

// statsFormat is the format query of a statistics endpoint: json (default) or xlsx.
func statsFormat(c *fiber.Ctx) (string, error) {
	kind := c.Query("format", "json")
	if kind != "json" && kind != "xlsx" {
		return "", content.Invalid("format", "format 必须是 json 或 xlsx")
	}
	return kind, nil
}

// sendWorkbook answers sheets as an XLSX download named name (and a dated Chinese name).
func (s *Server) sendWorkbook(c *fiber.Ctx, name, title string, sheets []format.Sheet) error {
	local := fmt.Sprintf("%s-%s.xlsx", title, s.Exams.Now().In(exam.Beijing).Format("20060102"))
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.xlsx"; filename*=UTF-8''%s`, name, url.PathEscape(local)))
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return format.WriteWorkbook(c, sheets)
}

// workbookView is a statistic that also comes as an XLSX workbook.
type workbookView interface{ Sheets() []format.Sheet }

// statsHandler answers the statistic compute makes of the request's result filter, as
// JSON or (format=xlsx) as a workbook named name and, for people, title.
func statsHandler[T workbookView](s *Server, compute func(context.Context, exam.ResultFilter) (T, error), name, title string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		kind, err := statsFormat(c)
		if err != nil {
			return err
		}
		f, err := s.resultFilter(c)
		if err != nil {
			return err
		}
		v, err := compute(c.UserContext(), f)
		if err != nil {
			return err
		}
		if kind == "xlsx" {
			return s.sendWorkbook(c, name, title, v.Sheets())
		}
		return c.JSON(v)
	}
}

// statsForm is the filter form of the statistics pages: the choices and what was chosen.
type statsForm struct {
	Blueprints  []exam.Blueprint
	Cohorts     []account.Cohort
	Assignments []exam.Assignment
	Blueprint   string
	Cohort      string
	Assignment  string
	From, To    string
	Query       string // the chosen filter as a query string, for the XLSX link
}

func (s *Server) statsForm(c *fiber.Ctx) (*statsForm, error) {
	u := currentUser(c)
	ctx := c.UserContext()
	bps, err := s.Exams.Blueprints(ctx, u.CenterID)
	if err != nil {
		return nil, err
	}
	form := &statsForm{Blueprint: c.Query("blueprint"), Cohort: c.Query("cohort"), Assignment: c.Query("assignment"), From: c.Query("from"), To: c.Query("to")}
	for _, bp := range bps {
		if bp.Mode == exam.ModeExam {
			form.Blueprints = append(form.Blueprints, bp)
		}
	}
	if form.Cohorts, err = s.Accounts.Cohorts(ctx, u); err != nil {
		return nil, err
	}
	if form.Assignments, err = s.Exams.Assignments(ctx, viewer(c)); err != nil {
		return nil, err
	}
	q := url.Values{}
	for k, v := range map[string]string{"blueprint": form.Blueprint, "cohort": form.Cohort, "assignment": form.Assignment, "from": form.From, "to": form.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	form.Query = q.Encode()
	return form, nil
}

// itemRow is one question of the item-analysis page with its option chart.
type itemRow struct {
	grading.ItemLine
	FlagTitles []string
	KeyWrong   bool
	Chart      template.HTML
}

func (s *Server) itemStatsPage(c *fiber.Ctx) error {
	form, err := s.statsForm(c)
	if err != nil {
		return err
	}
	data := fiber.Map{"View": "items", "Form": form, "MinN": itemstats.MinSittings}
	if form.Blueprint != "" {
		f, err := s.resultFilter(c)
		if err != nil {
			return err
		}
		an, err := s.Grades.ItemAnalysis(c.UserContext(), f)
		if err != nil {
			return err
		}
		rows := make([]itemRow, len(an.Items))
		for i, it := range an.Items {
			r := itemRow{ItemLine: it}
			for _, fl := range it.Flags {
				r.FlagTitles = append(r.FlagTitles, grading.FlagTitles[fl])
				r.KeyWrong = r.KeyWrong || fl == itemstats.FlagKeyMaybeWrong
			}
			if len(it.Options) > 0 {
				r.Chart = optionChart(it.Options)
			}
			rows[i] = r
		}
		data["Analysis"], data["Rows"] = an, rows
	}
	return s.render(c, fiber.StatusOK, "stats", "题目分析", data)
}

// classRow is one candidate of the class page with their trend chart.
type classRow struct {
	grading.CandidateLine
	Chart  template.HTML
	Recent []grading.TrendPoint // the last ten sittings, for the table
}

func (s *Server) classStatsPage(c *fiber.Ctx) error {
	form, err := s.statsForm(c)
	if err != nil {
		return err
	}
	data := fiber.Map{"View": "class", "Form": form}
	if form.Blueprint != "" {
		f, err := s.resultFilter(c)
		if err != nil {
			return err
		}
		cs, err := s.Grades.ClassStats(c.UserContext(), f)
		if err != nil {
			return err
		}
		rows := make([]classRow, len(cs.Candidates))
		for i, cl := range cs.Candidates {
			rows[i] = classRow{CandidateLine: cl, Chart: trendChart(cl.Trend, cs.PassScore, cs.MaxScore), Recent: cl.Trend[max(0, len(cl.Trend)-10):]}
		}
		data["Class"], data["Rows"] = cs, rows
		if cs.N > 0 {
			data["Histogram"], data["Heatmap"] = histogramChart(cs), heatmapChart(cs)
		}
	}
	return s.render(c, fiber.StatusOK, "stats", "班级统计", data)
}
