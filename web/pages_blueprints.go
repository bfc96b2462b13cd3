package web

import (
	"math/rand/v2"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
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
	// Owner is the bank whose blueprints this user may edit, retire and delete.
	return s.render(c, fiber.StatusOK, "blueprints", "试卷蓝图", fiber.Map{"Blueprints": bps, "Unfillable": unfillable,
		"Printable": printable, "Seed": newSeed(), "Owner": currentUser(c).BankViewer().OwnerCenter()})
}

// newSeed is the seed the print form offers: six digits, easy to note down and type
// again to print the same paper.
func newSeed() int { return 100000 + rand.IntN(900000) }

// blueprintFormPage is the editor for a new blueprint and for a saved one of the user's
// (blueprint.js loads it from the API and saves it as the next version).
func (s *Server) blueprintFormPage(c *fiber.Ctx) error {
	code, title := utils.CopyString(c.Params("code")), "新建试卷蓝图"
	if code != "" {
		bp, err := s.Exams.Blueprint(c.UserContext(), code, currentUser(c).CenterID)
		if err != nil {
			return err
		}
		if bp.Bundled {
			return errs.New(errs.Forbidden, "内置试卷蓝图 %s 为只读；可以新建一个蓝图并按需设置", code)
		}
		title = "编辑试卷蓝图 " + bp.Code
	}
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	var chapters []*content.Node
	for _, lvl := range tree {
		chapters = append(chapters, lvl.Children...)
	}
	return s.render(c, fiber.StatusOK, "blueprint_form", title, fiber.Map{"Chapters": chapters, "Types": content.Types, "Code": code})
}
