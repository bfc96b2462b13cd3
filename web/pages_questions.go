package web

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/csmexam/csmexam/content"
	"github.com/gofiber/fiber/v2"
)

type questionsData struct {
	Items      []content.Question
	Total      int64
	Chapters   []*content.Node
	Query      map[string]string
	Page, Last int
	Prev, Next string
}

func (s *Server) questionsPage(c *fiber.Ctx) error {
	f, items, total, err := s.filteredQuestions(c)
	if err != nil {
		return err
	}
	tree, err := s.syllabusTree(c)
	if err != nil {
		return err
	}
	d := questionsData{Items: items, Total: total, Page: f.Offset/f.Limit + 1, Last: int((total + int64(f.Limit) - 1) / int64(f.Limit)),
		Query: map[string]string{"unit": f.Unit, "type": string(f.Type), "difficulty": c.Query("difficulty"), "q": f.Text}}
	for _, lvl := range tree {
		d.Chapters = append(d.Chapters, lvl.Children...)
	}
	pageLink := func(n int) string {
		q := url.Values{}
		for k, v := range d.Query {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("page", fmt.Sprint(n))
		return "/questions?" + q.Encode()
	}
	if d.Page > 1 {
		d.Prev = pageLink(d.Page - 1)
	}
	if d.Page < d.Last {
		d.Next = pageLink(d.Page + 1)
	}
	return s.render(c, fiber.StatusOK, "questions", "题库", d)
}

func (s *Server) questionPage(c *fiber.Ctx) error {
	q, err := s.visibleQuestion(c)
	if err != nil {
		return err
	}
	vs, err := s.Content.QuestionVersions(c.UserContext(), q.ID)
	if err != nil {
		return err
	}
	v := currentUser(c).BankViewer()
	copied, err := s.isCopy(c, v, q.ID)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "question", fmt.Sprintf("题目 %d", q.ID), fiber.Map{"Q": q, "Versions": vs,
		"Editable": v.CheckEdit(q) == nil, "Copyable": q.CenterID == 0 && v.OwnerCenter() != 0, "Copied": copied})
}

// isCopy reports whether question id was copied from the bundled bank, so its pages show
// the origin panel (origin.js fills it from the API).
func (s *Server) isCopy(c *fiber.Ctx, v content.Viewer, id int64) (bool, error) {
	_, err := s.Content.QuestionOrigin(c.UserContext(), v, id)
	if errors.Is(err, content.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// questionFormPage is the editor for a new question and for an existing one (question.js
// loads it from the API); the knowledge points are rendered for the unit picker.
func (s *Server) questionFormPage(c *fiber.Ctx) error {
	var id int64
	title, copied := "新建题目", false
	if c.Params("id") != "" {
		q, err := s.editableQuestion(c)
		if err != nil {
			return err
		}
		id, title = q.ID, fmt.Sprintf("编辑题目 %d", q.ID)
		if copied, err = s.isCopy(c, currentUser(c).BankViewer(), q.ID); err != nil {
			return err
		}
	}
	nodes, err := s.Content.Syllabus(c.UserContext())
	if err != nil {
		return err
	}
	var points []content.Node
	for _, n := range nodes {
		if n.Kind == content.Point {
			points = append(points, n)
		}
	}
	return s.render(c, fiber.StatusOK, "question_form", title, fiber.Map{"ID": id, "Points": points, "Types": content.Types, "Copied": copied})
}
