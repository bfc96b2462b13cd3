package web

import (
	"math/rand/v2"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
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
	var printable []exam.Blueprint
	for _, bp := range bps {
		if unfillable[bp.Code] == nil {
			printable = append(printable, bp)
		}
	}
	return s.render(c, fiber.StatusOK, "blueprints", "试卷蓝图", fiber.Map{"Blueprints": bps, "Unfillable": unfillable,
		"Printable": printable, "Seed": newSeed()})
}

// newSeed is the seed the print form offers: six digits, easy to note down and type
// again to print the same paper.
func newSeed() int { return 100000 + rand.IntN(900000) }

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
