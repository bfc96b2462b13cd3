package web

import (
	"fmt"
	"strconv"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/account"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

func (s *Server) registerQuestionRoutes(r fiber.Router) {
	g := r.Group("/questions", s.authenticate, allow(account.Instructor, account.CenterAdmin, account.Admin))
	s.registerImportRoutes(g)
	g.Get("/", s.listQuestions)
	g.Post("/", s.createQuestion)
	g.Get("/:id", s.getQuestion)
	g.Get("/:id/versions", s.questionVersions)
	g.Put("/:id", s.updateQuestion)
	g.Delete("/:id", s.deleteQuestion)
	g.Post("/:id/regrade", s.regradeQuestion)
}

// questionRequest is the body of POST and PUT; Version, on PUT, is the version the editor
// started from: a newer one on the server makes the PUT a 409 instead of a silent overwrite.
type questionRequest struct {
	Type        string             `json:"type"`
	Stem        string             `json:"stem"`
	Options     []content.Option   `json:"options"`
	Answer      []string           `json:"answer"`
	Explanation string             `json:"explanation"`
	Unit        string             `json:"unit"`
	Difficulty  int                `json:"difficulty"`
	Source      string             `json:"source"`
	Form        content.Form       `json:"form"`
	Material    string             `json:"material"`
	Parts       []content.CasePart `json:"parts"`
	Version     int                `json:"version"`
	// Read-only fields a client may send back from a GET; the server ignores them.
	ID        int64     `json:"id"`
	CenterID  int64     `json:"center_id"`
	PackKey   string    `json:"pack_key"`
	CreatedAt time.Time `json:"created_at"`
}

func (r *questionRequest) question() *content.Question {
	return &content.Question{Type: content.Type(r.Type), Stem: r.Stem, Options: r.Options, Answer: r.Answer,
		Explanation: r.Explanation, Unit: r.Unit, Difficulty: r.Difficulty, Source: r.Source,
		Form: r.Form, Material: r.Material, Parts: r.Parts}
}

type questionList struct {
	Items []content.Question `json:"items"`
	Total int64              `json:"total"`
}

// visibleCenters are the banks a user reads: the bundled one and their center's; all for an admin.
func visibleCenters(u *account.User) []int64 {
	if u.Role == account.Admin {
		return nil
	}
	return []int64{0, u.CenterID}
}

// ownerCenter is where a user's new questions go: an admin curates the shared bank.
func ownerCenter(u *account.User) int64 {
	if u.Role == account.Admin {
		return 0
	}
	return u.CenterID
}

const maxPerPage = 200

func (s *Server) listQuestions(c *fiber.Ctx) error {
	f, err := questionFilter(c)
	if err != nil {
		return err
	}
	items, total, err := s.Content.ListQuestions(c.UserContext(), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []content.Question{}
	}
	return c.JSON(questionList{Items: items, Total: total})
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
		Centers:    visibleCenters(currentUser(c)),
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

func intQuery(c *fiber.Ctx, name string, def, min, max int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, content.Invalid(name, "%s 必须是 %d 到 %d 之间的整数", name, min, max)
	}
	return n, nil
}

func (s *Server) createQuestion(c *fiber.Ctx) error {
	var req questionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	q := req.question()
	q.CenterID = ownerCenter(u)
	if err := s.Content.CreateQuestion(c.UserContext(), q, u.ID); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(q)
}

// visibleQuestion loads the question named by :id if the user may read it; another
// center's question is 404, as if it did not exist.
func (s *Server) visibleQuestion(c *fiber.Ctx) (*content.Question, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("题目 %s 不存在: %w", utils.CopyString(c.Params("id")), content.ErrNotFound)
	}
	q, err := s.Content.Question(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if !canRead(currentUser(c), q) {
		return nil, fmt.Errorf("题目 %d 不存在: %w", id, content.ErrNotFound)
	}
	return q, nil
}

func canRead(u *account.User, q *content.Question) bool {
	return q.CenterID == 0 || u.SeesCenter(q.CenterID)
}

// canEdit: the bundled bank is read-only to centers.
func canEdit(u *account.User, q *content.Question) error {
	if u.Role != account.Admin && q.CenterID != u.CenterID {
		return fmt.Errorf("内置题库为只读，只有系统管理员可以修改: %w", account.ErrForbidden)
	}
	return nil
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
	cur, err := s.visibleQuestion(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := canEdit(u, cur); err != nil {
		return err
	}
	var req questionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	q := req.question()
	q.ID = cur.ID
	if err := s.Content.UpdateQuestion(c.UserContext(), q, u.ID, req.Version); err != nil {
		return err
	}
	return c.JSON(q)
}

func (s *Server) deleteQuestion(c *fiber.Ctx) error {
	q, err := s.visibleQuestion(c)
	if err != nil {
		return err
	}
	if err := canEdit(currentUser(c), q); err != nil {
		return err
	}
	if err := s.Content.DeleteQuestion(c.UserContext(), q.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
