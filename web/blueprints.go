package web

import (
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Blueprints are read by everyone signed in; staff create their center's own, preview a
// draft, edit theirs as versions, retire, restore and delete them.
func (s *Server) registerBlueprintRoutes(r fiber.Router) {
	staff := allow(staffRoles...)
	r.Get("/blueprints", s.authenticate, s.listBlueprints)
	r.Get("/blueprints/:code", s.authenticate, s.getBlueprint)
	r.Post("/blueprints", s.authenticate, staff, s.createBlueprint)
	r.Post("/blueprints/preview", s.authenticate, staff, s.previewBlueprint)
	r.Put("/blueprints/:code", s.authenticate, staff, s.updateBlueprint)
	r.Delete("/blueprints/:code", s.authenticate, staff, s.deleteBlueprint)
	r.Post("/blueprints/:code/retire", s.authenticate, staff, s.retireBlueprint)
	r.Post("/blueprints/:code/restore", s.authenticate, staff, s.restoreBlueprint)
}

func (s *Server) listBlueprints(c *fiber.Ctx) error {
	bps, err := s.Exams.Listed(c.UserContext(), viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(bps)
}

func (s *Server) getBlueprint(c *fiber.Ctx) error {
	bp, err := s.Exams.Blueprint(c.UserContext(), utils.CopyString(c.Params("code")), currentUser(c).CenterID)
	if err != nil {
		return err
	}
	return c.JSON(bp)
}

func (s *Server) createBlueprint(c *fiber.Ctx) error {
	var bp exam.Blueprint
	if err := decodeJSON(c, &bp); err != nil {
		return err
	}
	u := currentUser(c)
	if err := s.Exams.CreateBlueprint(c.UserContext(), &bp, u.BankViewer().OwnerCenter(), u.ID); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(bp)
}

// previewRequest is a draft blueprint and the seed its sample paper is drawn with (1
// when none is given, so the same draft previews the same paper).
type previewRequest struct {
	exam.Blueprint
	Seed *int64 `json:"seed"`
}

func (s *Server) previewBlueprint(c *fiber.Ctx) error {
	var req previewRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	seed := int64(1)
	if req.Seed != nil {
		seed = *req.Seed
	}
	p, err := s.Exams.PreviewBlueprint(c.UserContext(), &req.Blueprint, currentUser(c).BankViewer().OwnerCenter(), seed)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// updateBlueprint saves the next version; the body's "version", when given, is the
// version the editor started from (a save by someone else since is 409).
func (s *Server) updateBlueprint(c *fiber.Ctx) error {
	var bp exam.Blueprint
	if err := decodeJSON(c, &bp); err != nil {
		return err
	}
	u := currentUser(c)
	expect := bp.Version
	if err := s.Exams.UpdateBlueprint(c.UserContext(), utils.CopyString(c.Params("code")), &bp, u.BankViewer().OwnerCenter(), u.ID, expect); err != nil {
		return err
	}
	return c.JSON(bp)
}

func (s *Server) deleteBlueprint(c *fiber.Ctx) error {
	if err := s.Exams.DeleteBlueprint(c.UserContext(), utils.CopyString(c.Params("code")), currentUser(c).BankViewer().OwnerCenter()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) retireBlueprint(c *fiber.Ctx) error {
	bp, err := s.Exams.RetireBlueprint(c.UserContext(), utils.CopyString(c.Params("code")), currentUser(c).BankViewer().OwnerCenter())
	if err != nil {
		return err
	}
	return c.JSON(bp)
}

func (s *Server) restoreBlueprint(c *fiber.Ctx) error {
	bp, err := s.Exams.RestoreBlueprint(c.UserContext(), utils.CopyString(c.Params("code")), currentUser(c).BankViewer().OwnerCenter())
	if err != nil {
		return err
	}
	return c.JSON(bp)
}
