package web

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/report"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// registerGradingRoutes registers grading's routes but POST /questions/{id}/regrade, which
// the staff-only /questions group carries.
func (s *Server) registerGradingRoutes(r fiber.Router) {
	staff := allow(staffRoles...)
	r.Put("/attempts/:id/grades/:question", s.authenticate, staff, s.gradeCase)
	r.Get("/attempts/:id/report.pdf", s.authenticate, s.attemptReport)
	r.Get("/grading/pending", s.authenticate, staff, s.pendingReviews)
	r.Post("/grading/accept", s.authenticate, staff, s.acceptSuggestions)
	r.Get("/wrongbook", s.authenticate, s.wrongBook)
	r.Post("/wrongbook/practice", s.authenticate, s.practiceWrong)
	r.Delete("/wrongbook/unanswered", s.authenticate, s.clearUnanswered)
	// No login: whoever holds a printed report (an employer, say) checks it.
	r.Get("/reports/verify/:code", s.verifyReport)
}

func (s *Server) verifyReport(c *fiber.Ctx) error {
	v, err := s.Grades.Verify(c.UserContext(), utils.CopyString(c.Params("code")))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// gradeRequest is an instructor's grade of one case: a score per 采分点 in rubric order
// across the case's parts, and a comment.
type gradeRequest struct {
	Scores  []content.Points `json:"scores"`
	Comment string           `json:"comment"`
}

func (s *Server) gradeCase(c *fiber.Ctx) error {
	id, qid, err := attemptQuestion(c)
	if err != nil {
		return err
	}
	var req gradeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := s.Grades.SetGrade(c.UserContext(), viewer(c), id, qid, grading.CaseGrade{Scores: req.Scores, Comment: req.Comment})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) pendingReviews(c *fiber.Ctx) error {
	q, err := s.Grades.Pending(c.UserContext(), viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(q)
}

// acceptRequest lists the cases whose suggestions an instructor accepts at once.
type acceptRequest struct {
	Items []grading.CaseRef `json:"items"`
}

// acceptSuggestions answers like any error, plus the failed items when some failed.
func (s *Server) acceptSuggestions(c *fiber.Ctx) error {
	var req acceptRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	done, err := s.Grades.AcceptSuggestions(c.UserContext(), viewer(c), req.Items)
	var be *grading.BatchError
	if errors.As(err, &be) {
		status, body := s.describe(c, err)
		return c.Status(status).JSON(fiber.Map{"error": body.Error, "field": body.Field, "items": be.Items})
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": done})
}

func (s *Server) regradeQuestion(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "题目")
	if err != nil {
		return err
	}
	res, err := s.Grades.Regrade(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) wrongBook(c *fiber.Ctx) error {
	book, err := s.Grades.WrongBook(c.UserContext(), viewer(c), utils.CopyString(c.Query("chapter")))
	if err != nil {
		return err
	}
	return c.JSON(book)
}

func (s *Server) clearUnanswered(c *fiber.Ctx) error {
	if err := s.Grades.ClearUnanswered(c.UserContext(), viewer(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// practiceRequest starts a practice of the 错题本: of its wrong questions (list "wrong"
// or empty) or of its 未作答 list ("unanswered").
type practiceRequest struct {
	Chapter string `json:"chapter"`
	Count   int    `json:"count"`
	List    string `json:"list"`
}

// defaultPracticeCount is a 错题本 practice's size when the request names none.
const defaultPracticeCount = 20

func (s *Server) practiceWrong(c *fiber.Ctx) error {
	req := practiceRequest{Count: defaultPracticeCount}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.List != "" && req.List != "wrong" && req.List != "unanswered" {
		return content.Invalid("list", "list 必须是 wrong 或 unanswered")
	}
	a, err := s.Grades.PracticeWrong(c.UserContext(), viewer(c), req.Chapter, req.Count, req.List == "unanswered")
	if err != nil {
		return err
	}
	return s.renderAttempt(c, fiber.StatusCreated, a)
}

func (s *Server) attemptReport(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	rep, err := s.Grades.Report(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.Encode(&buf, rep); err != nil {
		return fmt.Errorf("encode the report of attempt %d: %w", id, err)
	}
	// An ASCII name for old clients, the Chinese one (RFC 6266) for the rest.
	name := fmt.Sprintf("成绩单-%s-%s-%d.pdf", rep.Blueprint, rep.Candidate, id)
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="csmexam-report-%d.pdf"; filename*=UTF-8''%s`, id, extValue(name)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(buf.Bytes())
}

// extValue percent-encodes s as an RFC 5987 header value: every byte but the few
// characters the grammar allows bare.
func extValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
