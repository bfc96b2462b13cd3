package web

import (
	"github.com/csmexam/csmexam/content"
	"github.com/gofiber/fiber/v2"
)

func (s *Server) blueprintsPage(c *fiber.Ctx) error {
	bps, err := s.Exams.Blueprints(c.UserContext(), currentUser(c).CenterID)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "blueprints", "试卷蓝图", bps)
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
