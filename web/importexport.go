package web

import (
	"bytes"
	"fmt"
	"strings"

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

// importReport is the answer to an import; with errors it carries a summary, like every
// error body.
type importReport struct {
	Error string `json:"error,omitempty"`
	*format.Report
}

// importQuestions reads the uploaded file into the caller's bank (an admin's into the
// shared bank). Form fields: unit (default knowledge point), map (category mapping, one
// "分类=编码" a line; repeatable), partial (import the good questions, skip the rest).
// Without partial any bad row imports nothing: 422 with the report; with it, 422 only
// when not one question could be imported. Repeats of bank questions are skipped.
func (s *Server) importQuestions(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return content.Invalid("file", "请用表单字段 file 上传题目文件（.xlsx、.csv、.json、.yaml、.gift、Moodle 或 QTI .xml、QTI 内容包 .zip 或 Aiken .txt）")
	}
	name, err := format.ImportName(fh.Filename, c.FormValue("format"))
	if err != nil {
		return err
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	opts, err := importOptions(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	rep, err := format.Import(c.UserContext(), s.Content, name, f, u.BankViewer().OwnerCenter(), u.ID, opts)
	if err != nil {
		return err
	}
	if rep.Failed() {
		msg := fmt.Sprintf("文件中有 %d 处错误，未导入任何题目", len(rep.Errors))
		return c.Status(fiber.StatusUnprocessableEntity).JSON(importReport{Error: msg, Report: rep})
	}
	return c.JSON(importReport{Report: rep})
}

// importOptions reads an import's options from the form (or the query, for dry_run and
// partial); the strings are copied, since Fiber reuses its buffers.
func importOptions(c *fiber.Ctx) (format.Options, error) {
	flag := func(key string) bool {
		v := utils.CopyString(c.FormValue(key, c.Query(key)))
		return v == "1" || v == "true" || v == "on"
	}
	opts := format.Options{DryRun: flag("dry_run"), Partial: flag("partial"), Unit: utils.CopyString(c.FormValue("unit"))}
	var lines []string
	if form, err := c.MultipartForm(); err == nil {
		for _, v := range form.Value["map"] {
			lines = append(lines, strings.Split(utils.CopyString(v), "\n")...)
		}
	}
	m, err := format.ParseCategoryMap(lines)
	if err != nil {
		return opts, err
	}
	opts.Categories = m
	return opts, nil
}

// exportQuestions sends the bank the caller can read (the shared bank and their
// center's; everything for an admin), or with own=1 only their center's.
func (s *Server) exportQuestions(c *fiber.Ctx) error {
	name := utils.CopyString(c.Query("format", "xlsx"))
	exp, ok := format.Exports[name]
	if !ok {
		return content.Invalid("format", "format 必须是 xlsx、csv、json、gift、moodle、qti21 或 qti30")
	}
	u := currentUser(c)
	centers := u.BankViewer().VisibleCenters()
	if c.QueryBool("own") {
		centers = []int64{u.BankViewer().OwnerCenter()}
	}
	var buf bytes.Buffer
	if err := format.ExportBank(c.UserContext(), s.Content, &buf, name, centers); err != nil {
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
