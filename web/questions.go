package web

import (
	"strconv"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

func (s *Server) registerQuestionRoutes(r fiber.Router) {
	// Outside /questions, which only staff may enter: candidates see images on their papers.
	r.Get("/attachments/:sha256", s.authenticate, s.questionAttachment)
	g := r.Group("/questions", s.authenticate, allow(account.Instructor, account.CenterAdmin, account.Admin))
	s.registerImportRoutes(g)
	g.Get("/", s.listQuestions)
	g.Post("/", s.createQuestion)
	g.Get("/:id", s.getQuestion)
	g.Get("/:id/versions", s.questionVersions)
	g.Put("/:id", s.updateQuestion)
	g.Delete("/:id", s.deleteQuestion)
	g.Post("/:id/regrade", s.regradeQuestion)
	g.Post("/:id/copy", s.copyQuestion)
	g.Get("/:id/origin", s.questionOrigin)
	g.Post("/:id/origin/accept", s.acceptOrigin)
	g.Post("/:id/origin/dismiss", s.dismissOrigin)
}

type questionList struct {
	Items []content.Question `json:"items"`
	Total int64              `json:"total"`
}

const maxPerPage = 200

func (s *Server) listQuestions(c *fiber.Ctx) error {
	_, items, total, err := s.filteredQuestions(c)
	if err != nil {
		return err
	}
	if items == nil {
		items = []content.Question{}
	}
	return c.JSON(questionList{Items: items, Total: total})
}

// filteredQuestions is the page of the bank the query asks for, for the API and the
// question list page alike: the filter, its questions and how many match in all.
func (s *Server) filteredQuestions(c *fiber.Ctx) (content.QuestionFilter, []content.Question, int64, error) {
	f, err := questionFilter(c)
	if err != nil {
		return f, nil, 0, err
	}
	items, total, err := s.Content.ListQuestions(c.UserContext(), f)
	return f, items, total, err
}

// questionFilter reads the list's query (unit, type, difficulty, q, page, per_page) for
// the API and the question list page alike.
func questionFilter(c *fiber.Ctx) (content.QuestionFilter, error) {
	page, err := intQuery(c, "page", 1, 1, 1<<30)
	if err != nil {
		return content.QuestionFilter{}, err
	}
	per, err := intQuery(c, "per_page", 50, 1, maxPerPage)
	if err != nil {
		return content.QuestionFilter{}, err
	}
	difficulty, err := intQuery(c, "difficulty", 0, 1, 5)
	if err != nil {
		return content.QuestionFilter{}, err
	}
	f := content.QuestionFilter{
		Centers:    currentUser(c).BankViewer().VisibleCenters(),
		Unit:       utils.CopyString(c.Query("unit")),
		Type:       content.Type(utils.CopyString(c.Query("type"))),
		Difficulty: difficulty,
		Text:       utils.CopyString(c.Query("q")),
		Offset:     (page - 1) * per,
		Limit:      per,
	}
	if f.Type != "" && !f.Type.Valid() {
		return content.QuestionFilter{}, content.Invalid("type", "类型必须是 single、multiple、truefalse 或 case")
	}
	return f, nil
}

func (s *Server) createQuestion(c *fiber.Ctx) error {
	var req format.QuestionJSON
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	q := req.Question()
	q.CenterID = u.BankViewer().OwnerCenter()
	if err := s.Content.CreateQuestion(c.UserContext(), &q, u.ID); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(&q)
}

// visibleQuestion loads the question named by :id if the user may read it; another
// center's question is 404, as if it did not exist.
func (s *Server) visibleQuestion(c *fiber.Ctx) (*content.Question, error) {
	id, err := pathID(c, "id", "题目")
	if err != nil {
		return nil, err
	}
	return s.Content.VisibleQuestion(c.UserContext(), currentUser(c).BankViewer(), id)
}

// editableQuestion loads the question named by :id if the user may change it.
func (s *Server) editableQuestion(c *fiber.Ctx) (*content.Question, error) {
	id, err := pathID(c, "id", "题目")
	if err != nil {
		return nil, err
	}
	return s.Content.EditableQuestion(c.UserContext(), currentUser(c).BankViewer(), id)
}

func (s *Server) getQuestion(c *fiber.Ctx) error {
	q, err := s.visibleQuestion(c)
	if err != nil {
		return err
	}
	if v := c.Query("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return content.Invalid("version", "version 必须是正整数")
		}
		if q, err = s.Content.QuestionVersion(c.UserContext(), q.ID, n); err != nil {
			return err
		}
	}
	return c.JSON(q)
}

func (s *Server) questionVersions(c *fiber.Ctx) error {
	q, err := s.visibleQuestion(c)
	if err != nil {
		return err
	}
	vs, err := s.Content.QuestionVersions(c.UserContext(), q.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": vs})
}

func (s *Server) updateQuestion(c *fiber.Ctx) error {
	cur, err := s.editableQuestion(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	var req format.QuestionJSON
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	q := req.Question()
	q.ID = cur.ID
	if err := s.Content.UpdateQuestion(c.UserContext(), &q, u.ID, req.Version); err != nil {
		return err
	}
	return c.JSON(&q)
}

func (s *Server) deleteQuestion(c *fiber.Ctx) error {
	q, err := s.editableQuestion(c)
	if err != nil {
		return err
	}
	if err := s.Content.DeleteQuestion(c.UserContext(), q.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// copyQuestion copies a bundled question into the user's center bank.
func (s *Server) copyQuestion(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "题目")
	if err != nil {
		return err
	}
	u := currentUser(c)
	q, err := s.Content.CopyQuestion(c.UserContext(), u.BankViewer(), id, u.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(q)
}

func (s *Server) questionOrigin(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "题目")
	if err != nil {
		return err
	}
	o, err := s.Content.QuestionOrigin(c.UserContext(), currentUser(c).BankViewer(), id)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (s *Server) acceptOrigin(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "题目")
	if err != nil {
		return err
	}
	u := currentUser(c)
	q, err := s.Content.AcceptOrigin(c.UserContext(), u.BankViewer(), id, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(q)
}

func (s *Server) dismissOrigin(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "题目")
	if err != nil {
		return err
	}
	o, err := s.Content.DismissOrigin(c.UserContext(), currentUser(c).BankViewer(), id)
	if err != nil {
		return err
	}
	return c.JSON(o)
}
