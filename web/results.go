package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

func (s *Server) registerResultRoutes(r fiber.Router) {
	r.Get("/results", s.authenticate, allow(staffRoles...), s.results)
}

// resultFilter reads the query of GET /results into what the caller may export (see
// grading.Service.ResultFilter).
func (s *Server) resultFilter(c *fiber.Ctx) (exam.ResultFilter, error) {
	q := grading.ResultQuery{Center: utils.CopyString(c.Query("center")), Blueprint: utils.CopyString(c.Query("blueprint"))}
	if c.Query("cohort") != "" {
		k, err := s.queryCohort(c)
		if err != nil {
			return exam.ResultFilter{}, err
		}
		q.Cohort = k.ID
	}
	if v := c.Query("assignment"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return exam.ResultFilter{}, content.Invalid("assignment", "assignment 应为考试安排的编号")
		}
		q.Assignment = id
	}
	var err error
	if q.From, err = dayQuery(c, "from", false); err != nil {
		return exam.ResultFilter{}, err
	}
	if q.To, err = dayQuery(c, "to", true); err != nil {
		return exam.ResultFilter{}, err
	}
	return s.Grades.ResultFilter(c.UserContext(), currentUser(c), q)
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
	lines, err := s.Grades.Results(c.UserContext(), f)
	if err != nil {
		return err
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
