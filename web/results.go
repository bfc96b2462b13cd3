package web

import (
	"fmt"
	"net/url"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

func (s *Server) registerResultRoutes(r fiber.Router) {
	r.Get("/results", s.authenticate, allow(staffRoles...), s.results)
}

// resultFilter reads the query of GET /results. Staff see their center; an admin every
// center, or one with ?center=CODE. A cohort or blueprint the caller's center lacks is 404.
func (s *Server) resultFilter(c *fiber.Ctx) (exam.ResultFilter, error) {
	ctx := c.UserContext()
	u := currentUser(c)
	f := exam.ResultFilter{Center: u.CenterID, Blueprint: utils.CopyString(c.Query("blueprint"))}
	if u.Role == account.Admin {
		f.Center = 0
		if code := c.Query("center"); code != "" {
			center, err := s.Accounts.CenterByCode(ctx, utils.CopyString(code))
			if err != nil {
				return f, err
			}
			f.Center = center.ID
		}
	}
	if f.Blueprint != "" && f.Center != 0 {
		if _, err := s.Exams.Blueprint(ctx, f.Blueprint, f.Center); err != nil {
			return f, err
		}
	}
	if c.Query("cohort") != "" {
		k, err := s.queryCohort(c)
		if err != nil {
			return f, err
		}
		members, err := s.Accounts.Members(ctx, u, k.ID)
		if err != nil {
			return f, err
		}
		f.Candidates = make([]int64, len(members))
		for i, m := range members {
			f.Candidates[i] = m.ID
		}
	}
	var err error
	if f.From, err = dayQuery(c, "from", false); err != nil {
		return f, err
	}
	f.To, err = dayQuery(c, "to", true)
	return f, err
}

// dayQuery reads a date (2026-11-23, Beijing time) or an RFC 3339 time. A date as the
// end of a range includes that whole day.
func dayQuery(c *fiber.Ctx, name string, end bool) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, exam.Beijing)
	if err != nil {
		return time.Time{}, content.Invalid(name, "%s 应为日期（如 2026-11-23）或 RFC 3339 时间", name)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// results answers GET /results as JSON, CSV (UTF-8 with BOM) or XLSX: one line per
// finalised exam attempt, oldest submission first.
func (s *Server) results(c *fiber.Ctx) error {
	kind := c.Query("format", "json")
	if kind != "json" && kind != "csv" && kind != "xlsx" {
		return content.Invalid("format", "format 必须是 json、csv 或 xlsx")
	}
	f, err := s.resultFilter(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	attempts, err := s.Exams.FinalAttempts(ctx, f)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(attempts))
	for _, a := range attempts {
		ids = append(ids, a.CandidateID)
	}
	users, err := s.Accounts.Users(ctx, ids)
	if err != nil {
		return err
	}
	cohorts, err := s.Accounts.CohortNames(ctx, ids)
	if err != nil {
		return err
	}
	lines := make([]grading.ResultLine, len(attempts))
	for i, a := range attempts {
		u := users[a.CandidateID]
		lines[i] = grading.NewResultLine(a, u.Username, u.Name, cohorts[a.CandidateID])
	}
	if kind == "json" {
		return c.JSON(fiber.Map{"items": lines})
	}
	header, rows := grading.ResultsTable(lines)
	name := fmt.Sprintf("成绩-%s.%s", s.Exams.Now().In(exam.Beijing).Format("20060102"), kind)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="results.%s"; filename*=UTF-8''%s`, kind, url.PathEscape(name)))
	if kind == "csv" {
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		return format.WriteCSV(c, header, rows)
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return format.WriteXLSX(c, "成绩", header, rows, grading.ResultScoreColumns(header)...)
}
