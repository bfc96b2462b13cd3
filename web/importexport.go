package web

import (
	"bytes"
	"fmt"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// registerImportRoutes adds import, export and the template to the questions group. It
// runs before the group's /:id routes, which would otherwise take "export" for an id.
func (s *Server) registerImportRoutes(g fiber.Router) {
	g.Post("/import", s.importQuestions)
	g.Get("/export", s.exportQuestions)
	g.Get("/template.xlsx", s.questionTemplate)
}

// importReport is the answer to an import: how many questions were stored, and every
// problem found. With dry_run, Valid counts the questions that would be stored.
type importReport struct {
	Error    string            `json:"error,omitempty"` // set with errors, like every error body
	Imported int               `json:"imported"`
	Valid    int               `json:"valid"`
	DryRun   bool              `json:"dry_run"`
	Errors   []format.RowError `json:"errors"`
}

// importQuestions reads the uploaded file into the caller's bank (an admin's into the
// shared bank). Any bad row, or a question already in that bank, imports nothing: 422
// with the report.
func (s *Server) importQuestions(c *fiber.Ctx) error {
	ctx := c.UserContext()
	fh, err := c.FormFile("file")
	if err != nil {
		return content.Invalid("file", "请用表单字段 file 上传题目文件（.xlsx、.csv、.json、.yaml、.gift、Moodle .xml 或 Aiken .txt）")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	nodes, err := s.Content.Syllabus(ctx)
	if err != nil {
		return err
	}
	res, err := format.Read(fh.Filename, f, format.NewSyllabus(nodes))
	if err != nil {
		return err
	}
	u := currentUser(c)
	center := ownerCenter(u)
	bank, err := s.Content.Bank(ctx, []int64{center})
	if err != nil {
		return err
	}
	report := importReport{DryRun: c.QueryBool("dry_run"), Errors: res.Problems(bank)}
	if len(report.Errors) > 0 {
		report.Error = fmt.Sprintf("文件中有 %d 处错误，未导入任何题目", len(report.Errors))
		return c.Status(fiber.StatusUnprocessableEntity).JSON(report)
	}
	report.Errors = []format.RowError{}
	report.Valid = len(res.Items)
	if report.DryRun {
		return c.JSON(report)
	}
	if err := s.Content.ImportQuestions(ctx, res.Questions(), center, u.ID); err != nil {
		return err
	}
	report.Imported = len(res.Items)
	return c.JSON(report)
}

// exportQuestions sends the bank the caller can read (the shared bank and their
// center's; everything for an admin), or with own=1 only their center's.
func (s *Server) exportQuestions(c *fiber.Ctx) error {
	name := utils.CopyString(c.Query("format", "xlsx"))
	exp, ok := format.Exports[name]
	if !ok {
		return content.Invalid("format", "format 必须是 xlsx、csv、json 或 gift")
	}
	u := currentUser(c)
	centers := visibleCenters(u)
	if c.QueryBool("own") {
		centers = []int64{ownerCenter(u)}
	}
	qs, err := s.Content.Bank(c.UserContext(), centers)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := format.WriteBank(&buf, name, qs); err != nil {
		return err
	}
	return sendFile(c, "csmexam-questions"+exp.Ext, exp.MediaType, buf.Bytes())
}

func (s *Server) questionTemplate(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if err := format.WriteTemplate(&buf); err != nil {
		return err
	}
	return sendFile(c, "csmexam-import-template.xlsx", format.Exports["xlsx"].MediaType, buf.Bytes())
}

// sendFile answers with a download.
func sendFile(c *fiber.Ctx, filename, mediaType string, body []byte) error {
	c.Set(fiber.HeaderContentType, mediaType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	return c.Send(body)
}
