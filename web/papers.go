package web

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/grading/report"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Printable papers: a blueprint's paper drawn with a seed, or an attempt's paper, as its
// 试卷, 参考答案及评分标准 or 答题卡. Staff only, since every paper comes with its key.
func (s *Server) registerPaperRoutes(r fiber.Router) {
	r.Get("/blueprints/:code/paper.pdf", s.authenticate, allow(staffRoles...), s.blueprintPaper)
	r.Get("/attempts/:id/paper.pdf", s.authenticate, allow(staffRoles...), s.attemptPaper)
}

// maxSeed bounds a paper's seed to what a JavaScript number holds exactly, so a seed
// shown on a page and typed back prints the same paper.
const maxSeed = 1<<53 - 1

func (s *Server) blueprintPaper(c *fiber.Ctx) error {
	part, err := paperPart(c)
	if err != nil {
		return err
	}
	text := c.Query("seed")
	if text == "" {
		return content.Invalid("seed", "请给出种子（seed）：同一种子可再次打印同一份试卷")
	}
	seed, err := strconv.ParseInt(text, 10, 64)
	if err != nil || seed < 0 || seed > maxSeed {
		return content.Invalid("seed", "种子（seed）必须是 0 到 %d 之间的整数", int64(maxSeed))
	}
	code := utils.CopyString(c.Params("code"))
	p, err := s.Grades.BlueprintPaper(c.UserContext(), viewer(c), code, seed)
	if err != nil {
		return err
	}
	return sendPaper(c, p, part, fmt.Sprintf("csmexam-%s-%d-%s.pdf", code, seed, part),
		fmt.Sprintf("%s-%s-种子%d.pdf", p.Title, part.Title(), seed))
}

func (s *Server) attemptPaper(c *fiber.Ctx) error {
	part, err := paperPart(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	p, err := s.Grades.AttemptPaper(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return sendPaper(c, p, part, fmt.Sprintf("csmexam-attempt-%d-%s.pdf", id, part),
		fmt.Sprintf("%s-%s-作答%d.pdf", p.Title, part.Title(), id))
}

// paperPart reads ?part= (paper when absent).
func paperPart(c *fiber.Ctx) (report.Part, error) {
	part := report.Part(utils.CopyString(c.Query("part", string(report.PartPaper))))
	if !part.Valid() {
		return "", content.Invalid("part", "part 必须是 paper（试卷）、key（参考答案及评分标准）或 sheet（答题卡）")
	}
	return part, nil
}

// sendPaper answers one part of p as a PDF download named ascii for old clients and name
// (RFC 6266) for the rest.
func sendPaper(c *fiber.Ctx, p *report.Paper, part report.Part, ascii, name string) error {
	var buf bytes.Buffer
	if err := report.EncodePaper(&buf, p, part); err != nil {
		return fmt.Errorf("encode the %s of %s: %w", part, ascii, err)
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, extValue(name)))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(buf.Bytes())
}
