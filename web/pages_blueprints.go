package web

import (
	"github.com/csmexam/csmexam/content"
	"github.com/gofiber/fiber/v2"
)

func (s *Server) blueprintsPage(c *fiber.Ctx) error {
	center := currentUser(c).CenterID
	bps, err := s.Exams.Blueprints(c.UserContext(), center)
	if err != nil {
		return err
	}
	// Blueprints the bank cannot fill now are flagged here and offered to no candidate.
	unfillable, err := s.Exams.Unfillable(c.UserContext(), center)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "blueprints", "试卷蓝图", fiber.Map{"Blueprints": bps, "Unfillable": unfillable})
}

func (s *Server) blueprintFormPage(c *fiber.Ctx) error {
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	var chapters []*content.Node
	for _, lvl := range tree {
		chapters = append(chapters, lvl.Children...)
	}
	return s.render(c, fiber.StatusOK, "blueprint_form", "新建试卷蓝图", fiber.Map{"Chapters": chapters, "Types": content.Types})
}
