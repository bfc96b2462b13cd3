package web

import (
	"encoding/json"
	"fmt"

	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
)

// Cohorts are kept by the staff of their center.
func (s *Server) registerCohortRoutes(r fiber.Router) {
	g := r.Group("/cohorts", s.authenticate, allow(staffRoles...))
	g.Get("/", s.listCohorts)
	g.Post("/", s.createCohort)
	g.Get("/:id", s.getCohort)
	g.Patch("/:id", s.renameCohort)
	g.Delete("/:id", s.deleteCohort)
	g.Put("/:id/members", s.changeMembers)
}

type cohortRequest struct {
	Name string `json:"name"`
}

// cohortView is a cohort with its members.
type cohortView struct {
	*account.Cohort
	Users []account.User `json:"users"`
}

func (s *Server) listCohorts(c *fiber.Ctx) error {
	ks, err := s.Accounts.Cohorts(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ks})
}

func (s *Server) createCohort(c *fiber.Ctx) error {
	var req cohortRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	k, err := s.Accounts.CreateCohort(c.UserContext(), currentUser(c), req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cohortView{Cohort: k, Users: []account.User{}})
}

func (s *Server) renderCohort(c *fiber.Ctx, k *account.Cohort) error {
	users, err := s.Accounts.Members(c.UserContext(), currentUser(c), k.ID)
	if err != nil {
		return err
	}
	return c.JSON(cohortView{Cohort: k, Users: users})
}

func (s *Server) getCohort(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "班级")
	if err != nil {
		return err
	}
	k, err := s.Accounts.Cohort(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	return s.renderCohort(c, k)
}

func (s *Server) renameCohort(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "班级")
	if err != nil {
		return err
	}
	var req cohortRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	k, err := s.Accounts.RenameCohort(c.UserContext(), currentUser(c), id, req.Name)
	if err != nil {
		return err
	}
	return s.renderCohort(c, k)
}

func (s *Server) deleteCohort(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "班级")
	if err != nil {
		return err
	}
	if err := s.Accounts.DeleteCohort(c.UserContext(), currentUser(c), id, s.Exams); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// membersRequest names users by id (a number) or username (a string).
type membersRequest struct {
	Add    []json.RawMessage `json:"add"`
	Remove []json.RawMessage `json:"remove"`
}

func memberRefs(field string, raw []json.RawMessage) ([]account.MemberRef, error) {
	refs := make([]account.MemberRef, len(raw))
	for i, r := range raw {
		if json.Unmarshal(r, &refs[i].ID) != nil && (json.Unmarshal(r, &refs[i].Username) != nil || refs[i].Username == "") {
			return nil, &badRequest{field: fmt.Sprintf("%s[%d]", field, i), message: "成员须为用户 id（数字）或用户名（字符串）"}
		}
	}
	return refs, nil
}

func (s *Server) changeMembers(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "班级")
	if err != nil {
		return err
	}
	var req membersRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	add, err := memberRefs("add", req.Add)
	if err != nil {
		return err
	}
	remove, err := memberRefs("remove", req.Remove)
	if err != nil {
		return err
	}
	k, err := s.Accounts.ChangeMembers(c.UserContext(), currentUser(c), id, add, remove)
	if err != nil {
		return err
	}
	return s.renderCohort(c, k)
}
