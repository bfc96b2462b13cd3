package web

import (
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Blueprints are read by everyone signed in; staff create their center's own.
func (s *Server) registerBlueprintRoutes(r fiber.Router) {
	r.Get("/blueprints", s.authenticate, s.listBlueprints)
	r.Get("/blueprints/:code", s.authenticate, s.getBlueprint)
	r.Post("/blueprints", s.authenticate, allow(staffRoles...), s.createBlueprint)
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
