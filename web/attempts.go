package web

import (
	"errors"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

func (s *Server) registerAttemptRoutes(r fiber.Router) {
	g := r.Group("/attempts")
	g.Post("/", s.authenticate, s.startAttempt)
	g.Get("/", s.authenticate, s.listAttempts)
	g.Get("/:id", s.authenticate, s.getAttempt)
	g.Put("/:id/answers/:question", s.recallSession, s.saveAnswer)
	g.Post("/:id/submit", s.authenticate, s.submitAttempt)
	g.Get("/:id/result", s.authenticate, s.attemptResult)
	g.Get("/:id/clock", s.authenticate, s.attemptClock)
	g.Post("/:id/extensions", s.authenticate, allow(staffRoles...), s.extendAttempt)
	g.Post("/:id/close", s.authenticate, allow(staffRoles...), s.closeAttempt)
	g.Post("/:id/events", s.authenticate, s.reportEvents)
	g.Get("/:id/events", s.authenticate, s.listEvents)
	g.Post("/:id/device", s.authenticate, s.claimDevice)
}

type startRequest struct {
	Blueprint  string `json:"blueprint"`
	Mode       string `json:"mode"`
	Assignment int64  `json:"assignment"`
	AccessCode string `json:"access_code"`
}

func (s *Server) startAttempt(c *fiber.Ctx) error {
	var req startRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.Exams.Start(c.UserContext(), viewer(c), exam.StartRequest{Blueprint: req.Blueprint, Mode: exam.Mode(req.Mode), Assignment: req.Assignment,
		Entry: exam.Entry{Addr: c.IP(), AccessCode: req.AccessCode}, Device: deviceOf(c)})
	if err != nil {
		return err
	}
	return s.renderAttempt(c, fiber.StatusCreated, a)
}

// attemptSummary is one line of the attempt list.
type attemptSummary struct {
	ID          int64          `json:"id"`
	Blueprint   string         `json:"blueprint"`
	Title       string         `json:"title"`
	Mode        exam.Mode      `json:"mode"`
	Status      exam.Status    `json:"status"`
	StartedAt   time.Time      `json:"started_at"`
	Deadline    *time.Time     `json:"deadline,omitempty"`
	SubmittedAt *time.Time     `json:"submitted_at,omitempty"`
	Score       content.Points `json:"score"`
	MaxScore    content.Points `json:"max_score"`
	Passed      bool           `json:"passed"`
}

func (s *Server) listAttempts(c *fiber.Ctx) error {
	as, err := s.Exams.Attempts(c.UserContext(), viewer(c))
	if err != nil {
		return err
	}
	out := make([]attemptSummary, 0, len(as))
	for _, a := range as {
		out = append(out, summarize(a))
	}
	return c.JSON(out)
}

func summarize(a exam.Attempt) attemptSummary {
	sum := attemptSummary{ID: a.ID, Blueprint: a.Rules.Code, Title: a.Rules.Title, Mode: a.Mode, Status: a.Status,
		StartedAt: a.StartedAt, Deadline: a.Deadline, SubmittedAt: a.SubmittedAt, MaxScore: a.Rules.MaxScore}
	if a.Result != nil {
		sum.Score, sum.Passed = a.Result.Score, a.Result.Passed
	}
	return sum
}

// attemptQuestion reads the attempt and question ids of /attempts/{id}/…/{question}.
func attemptQuestion(c *fiber.Ctx) (id, question int64, err error) {
	if id, err = pathID(c, "id", "作答"); err != nil {
		return 0, 0, err
	}
	question, err = pathID(c, "question", "题目")
	return id, question, err
}

func (s *Server) getAttempt(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	a, err := s.Exams.Attempt(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return s.renderAttempt(c, fiber.StatusOK, a)
}

// answerRequest is one saved answer; seq orders writes from one client (a newer tab or
// device sends a higher one).
type answerRequest struct {
	Choice []string `json:"choice"`
	Text   string   `json:"text"`
	Parts  []string `json:"parts"`
	Seq    int64    `json:"seq"`
}

func (s *Server) saveAnswer(c *fiber.Ctx) error {
	id, qid, err := attemptQuestion(c)
	if err != nil {
		return err
	}
	var req answerRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Seq < 0 {
		return content.Invalid("seq", "seq 不能为负数")
	}
	parts := req.Parts
	if req.Text != "" && len(parts) == 0 {
		parts = []string{req.Text}
	}
	token := tokenOf(c)
	w := exam.Writer{Candidate: currentUser(c).ID, Session: account.TokenHash(token), Device: utils.CopyString(c.Get(deviceHeader))}
	savedAt, err := s.Exams.Save(c.UserContext(), w, id, qid, exam.Answer{Choice: req.Choice, Parts: parts, Seq: req.Seq})
	if errors.Is(err, account.ErrUnauthorized) {
		s.Accounts.Forget(token)
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"saved_at": savedAt})
}

func (s *Server) submitAttempt(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	res, err := s.Exams.SubmitFrom(c.UserContext(), currentUser(c).ID, id, utils.CopyString(c.Get(deviceHeader)))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) attemptResult(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	a, err := s.Exams.Attempt(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	if a.Result == nil {
		return exam.ErrNotSubmitted
	}
	return c.JSON(a.Result)
}

type extensionRequest struct {
	Seconds int    `json:"seconds"`
	Reason  string `json:"reason"`
}

func (s *Server) extendAttempt(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	var req extensionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.Exams.Extend(c.UserContext(), viewer(c), id, req.Seconds, req.Reason)
	if err != nil {
		return err
	}
	return s.renderAttempt(c, fiber.StatusOK, a)
}

type closeRequest struct {
	Reason string `json:"reason"`
}

// closeAttempt is a proctor submitting one attempt for its candidate.
func (s *Server) closeAttempt(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	var req closeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := s.Exams.CloseAttempt(c.UserContext(), viewer(c), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// attemptClock is what the exam page polls: a proctor's extension or close reaches the
// candidate through it.
func (s *Server) attemptClock(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	clock, err := s.Exams.ClockOf(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(clock)
}
