package web

import (
	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// syllabusTree is the syllabus as the current user reads it: staff with the sources.
func (s *Server) syllabusTree(c *fiber.Ctx) ([]*content.Node, error) {
	nodes, err := s.Content.Syllabus(c.UserContext())
	if err != nil {
		return nil, err
	}
	if !currentUser(c).Can(staffRoles...) {
		nodes = content.WithoutSources(nodes)
	}
	return content.Tree(nodes), nil
}

func (s *Server) syllabusPage(c *fiber.Ctx) error {
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "syllabus", "学习大纲", tree)
}

func (s *Server) syllabusNodePage(c *fiber.Ctx) error {
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	code := utils.CopyString(c.Params("code"))
	n := content.Find(tree, code)
	if n == nil {
		return errs.New(errs.NotFound, "大纲节点 %s 不存在", code)
	}
	// A chapter has a bundled practice blueprint when the bank can fill one.
	practice := ""
	if n.Kind == content.Chapter {
		if _, err := s.Exams.Blueprint(c.UserContext(), "practice-"+n.Code, currentUser(c).CenterID); err == nil {
			practice = "practice-" + n.Code
		}
	}
	return s.render(c, fiber.StatusOK, "syllabus_node", n.Title, fiber.Map{"Node": n, "Practice": practice})
}
