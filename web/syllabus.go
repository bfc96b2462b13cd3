package web

import (
	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

func (s *Server) registerSyllabusRoutes(r fiber.Router) {
	r.Get("/syllabus", s.authenticate, s.syllabus)
	r.Get("/syllabus/:code", s.authenticate, s.syllabusNode)
}

type syllabusResponse struct {
	Nodes []*content.Node `json:"nodes"`
}

func (s *Server) syllabus(c *fiber.Ctx) error {
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	return c.JSON(syllabusResponse{Nodes: tree})
}

// syllabusNode returns one node with its subtree.
func (s *Server) syllabusNode(c *fiber.Ctx) error {
	code := utils.CopyString(c.Params("code"))
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	n := content.Find(tree, code)
	if n == nil {
		return errs.New(errs.NotFound, "大纲节点 %s 不存在", code)
	}
	return c.JSON(n)
}
