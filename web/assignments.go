package web

import (
	"cmp"
	"context"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
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
	g.Get("/:id/roster", allow(staffRoles...), s.assignmentRoster)
	g.Get("/:id/live", allow(staffRoles...), s.assignmentLive)
}

type assignmentRequest struct {
	Blueprint       string     `json:"blueprint"`
	Title           *string    `json:"title"`
	Cohort          int64      `json:"cohort"`
	OpensAt         *time.Time `json:"opens_at"`
	ClosesAt        *time.Time `json:"closes_at"`
	AttemptsAllowed *int       `json:"attempts_allowed"`
	// Integrity replaces the blueprint's 防作弊 policy (see exam.Integrity).
	Integrity *exam.Integrity `json:"integrity"`
}

func (r *assignmentRequest) input() exam.AssignmentInput {
	return exam.AssignmentInput{Blueprint: r.Blueprint, Title: r.Title, Cohort: r.Cohort, OpensAt: r.OpensAt, ClosesAt: r.ClosesAt, AttemptsAllowed: r.AttemptsAllowed,
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
	Title           *string         `json:"title"`
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
		exam.AssignmentInput{Title: req.Title, OpensAt: req.OpensAt, ClosesAt: req.ClosesAt, AttemptsAllowed: req.AttemptsAllowed, Integrity: req.Integrity})
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

// assignmentMembers loads assignment id (staff of its center only) and the candidates of
// its cohort.
func (s *Server) assignmentMembers(c *fiber.Ctx) (int64, []exam.Member, error) {
	id, err := pathID(c, "id", "考试安排")
	if err != nil {
		return 0, nil, err
	}
	ctx := c.UserContext()
	a, err := s.Exams.Assignment(ctx, viewer(c), id)
	if err != nil {
		return 0, nil, err
	}
	users, err := s.Accounts.Members(ctx, currentUser(c), a.Cohort)
	if err != nil {
		return 0, nil, err
	}
	members := make([]exam.Member, 0, len(users))
	for _, u := range users {
		if u.Role == account.Candidate {
			members = append(members, exam.Member{ID: u.ID, Username: u.Username, Name: u.Name})
		}
	}
	return id, members, nil
}

func (s *Server) assignmentRoster(c *fiber.Ctx) error {
	id, members, err := s.assignmentMembers(c)
	if err != nil {
		return err
	}
	roster, err := s.Exams.Roster(c.UserContext(), viewer(c), id, members)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": roster})
}

func (s *Server) assignmentLive(c *fiber.Ctx) error {
	id, members, err := s.assignmentMembers(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	live, err := s.Exams.Live(ctx, viewer(c), id, members)
	if err != nil {
		return err
	}
	if err := s.nameActors(ctx, live.Actions); err != nil {
		return err
	}
	return c.JSON(live)
}

// nameActors fills in who did each proctor action.
func (s *Server) nameActors(ctx context.Context, acts []exam.ProctorAction) error {
	ids := make([]int64, len(acts))
	for i := range acts {
		ids[i] = acts[i].Actor
	}
	users, err := s.Accounts.Users(ctx, ids)
	if err != nil {
		return err
	}
	for i := range acts {
		if u, ok := users[acts[i].Actor]; ok {
			acts[i].ActorName = cmp.Or(u.Name, u.Username)
		}
	}
	return nil
}
