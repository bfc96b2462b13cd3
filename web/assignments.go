package web

import (
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
)

// Assignments are set by the staff of a center; candidates read their own.
func (s *Server) registerAssignmentRoutes(r fiber.Router) {
	g := r.Group("/assignments", s.authenticate)
	g.Get("/", s.listAssignments)
	g.Post("/", allow(staffRoles...), s.createAssignment)
	g.Get("/:id", s.getAssignment)
	g.Patch("/:id", allow(staffRoles...), s.patchAssignment)
	g.Delete("/:id", allow(staffRoles...), s.deleteAssignment)
	g.Put("/:id/extensions/:user", allow(staffRoles...), s.setAssignmentExtension)
}

type assignmentRequest struct {
	Blueprint       string     `json:"blueprint"`
	Cohort          int64      `json:"cohort"`
	OpensAt         *time.Time `json:"opens_at"`
	ClosesAt        *time.Time `json:"closes_at"`
	AttemptsAllowed *int       `json:"attempts_allowed"`
	// Integrity replaces the blueprint's 防作弊 policy (see exam.Integrity).
	Integrity *exam.Integrity `json:"integrity"`
}

func (r *assignmentRequest) input() exam.AssignmentInput {
	return exam.AssignmentInput{Blueprint: r.Blueprint, Cohort: r.Cohort, OpensAt: r.OpensAt, ClosesAt: r.ClosesAt, AttemptsAllowed: r.AttemptsAllowed,
		Integrity: r.Integrity}
}

func (s *Server) listAssignments(c *fiber.Ctx) error {
	u := currentUser(c)
	if u.Can(staffRoles...) {
		as, err := s.Exams.Assignments(c.UserContext(), viewer(c))
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"items": as})
	}
	as, err := s.Exams.MyAssignments(c.UserContext(), viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": as})
}

func (s *Server) createAssignment(c *fiber.Ctx) error {
	var req assignmentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	// The cohort is named in the body: one the center lacks is a wrong field, not a path.
	if k, err := s.Accounts.Cohort(c.UserContext(), u, req.Cohort); err != nil || k.CenterID != u.CenterID {
		return content.Invalid("cohort", "班级 %d 不存在", req.Cohort)
	}
	a, err := s.Exams.CreateAssignment(c.UserContext(), viewer(c), req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *Server) getAssignment(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "考试安排")
	if err != nil {
		return err
	}
	if currentUser(c).Can(staffRoles...) {
		a, err := s.Exams.Assignment(c.UserContext(), viewer(c), id)
		if err != nil {
			return err
		}
		return c.JSON(a)
	}
	st, err := s.Exams.MyAssignment(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

type assignmentPatchRequest struct {
	OpensAt         *time.Time      `json:"opens_at"`
	ClosesAt        *time.Time      `json:"closes_at"`
	AttemptsAllowed *int            `json:"attempts_allowed"`
	Integrity       *exam.Integrity `json:"integrity"`
}

func (s *Server) patchAssignment(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "考试安排")
	if err != nil {
		return err
	}
	var req assignmentPatchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.Exams.UpdateAssignment(c.UserContext(), viewer(c), id,
		exam.AssignmentInput{OpensAt: req.OpensAt, ClosesAt: req.ClosesAt, AttemptsAllowed: req.AttemptsAllowed, Integrity: req.Integrity})
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) deleteAssignment(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "考试安排")
	if err != nil {
		return err
	}
	if err := s.Exams.DeleteAssignment(c.UserContext(), viewer(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type assignmentExtensionRequest struct {
	Seconds int `json:"seconds"`
}

func (s *Server) setAssignmentExtension(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "考试安排")
	if err != nil {
		return err
	}
	uid, err := pathID(c, "user", "用户")
	if err != nil {
		return err
	}
	var req assignmentExtensionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	if _, err := s.Exams.Assignment(ctx, viewer(c), id); err != nil {
		return err
	}
	// An admin acting on their center's assignment reaches only that center's users.
	if u, err := s.Accounts.UserFor(ctx, currentUser(c), uid); err != nil || u.CenterID != currentUser(c).CenterID {
		return errs.New(errs.NotFound, "用户 %d 不存在", uid)
	}
	a, err := s.Exams.SetExtension(ctx, viewer(c), id, uid, req.Seconds)
	if err != nil {
		return err
	}
	return c.JSON(a)
}
