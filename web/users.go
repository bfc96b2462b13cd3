package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/account"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Accounts are managed by center admins (their center) and admins (any center);
// instructors may read their center's list, to build cohorts.
var accountAdmins = []account.Role{account.CenterAdmin, account.Admin}

func (s *Server) registerUserRoutes(r fiber.Router) {
	g := r.Group("/users", s.authenticate)
	g.Get("/", allow(staffRoles...), s.listUsers)
	g.Post("/", allow(accountAdmins...), s.createUser)
	g.Post("/import", allow(accountAdmins...), s.importUsers)
	g.Get("/:id", allow(staffRoles...), s.getUser)
	g.Patch("/:id", allow(accountAdmins...), s.patchUser)
	g.Post("/:id/password", allow(accountAdmins...), s.resetPassword)
}

type userRequest struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
	Center   string `json:"center"`
}

// createdUser is a new account with its generated password, shown this once.
type createdUser struct {
	*account.User
	Password string `json:"password,omitempty"`
}

func (s *Server) createUser(c *fiber.Ctx) error {
	var req userRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, pw, err := s.Accounts.CreateAccount(c.UserContext(), currentUser(c), account.NewUser{
		Username: req.Username, Name: req.Name, Role: account.Role(req.Role), Password: req.Password, Center: req.Center})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(createdUser{User: u, Password: pw})
}

type userList struct {
	Items []account.User `json:"items"`
	Total int64          `json:"total"`
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	page, err := intQuery(c, "page", 1, 1, 1<<30)
	if err != nil {
		return err
	}
	per, err := intQuery(c, "per_page", 100, 1, 1000)
	if err != nil {
		return err
	}
	f := account.UserFilter{Role: account.Role(utils.CopyString(c.Query("role"))), Text: utils.CopyString(c.Query("q")),
		Offset: (page - 1) * per, Limit: per}
	if f.Role != "" && !f.Role.Valid() {
		return content.Invalid("role", "角色必须是 candidate、instructor、center_admin 或 admin")
	}
	u := currentUser(c)
	if code := c.Query("center"); code != "" && u.Role == account.Admin {
		center, err := s.Accounts.CenterByCode(c.UserContext(), utils.CopyString(code))
		if err != nil {
			return err
		}
		f.Center = center.ID
	}
	if c.Query("cohort") != "" {
		k, err := s.queryCohort(c)
		if err != nil {
			return err
		}
		f.Cohort = k.ID
	}
	items, total, err := s.Accounts.ListUsers(c.UserContext(), u, f)
	if err != nil {
		return err
	}
	return c.JSON(userList{Items: items, Total: total})
}

// queryCohort is the cohort named by ?cohort=ID; one the caller's center lacks is 404,
// like any other center's object.
func (s *Server) queryCohort(c *fiber.Ctx) (*account.Cohort, error) {
	id, err := strconv.ParseInt(c.Query("cohort"), 10, 64)
	if err != nil {
		return nil, errs.New(errs.NotFound, "班级 %s 不存在", utils.CopyString(c.Query("cohort")))
	}
	return s.Accounts.Cohort(c.UserContext(), currentUser(c), id)
}

func (s *Server) getUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "用户")
	if err != nil {
		return err
	}
	u, err := s.Accounts.UserFor(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

type userPatchRequest struct {
	Name     *string `json:"name"`
	Disabled *bool   `json:"disabled"`
}

func (s *Server) patchUser(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "用户")
	if err != nil {
		return err
	}
	var req userPatchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.Accounts.UpdateUser(c.UserContext(), currentUser(c), id, account.UserPatch{Name: req.Name, Disabled: req.Disabled})
	if err != nil {
		return err
	}
	return c.JSON(u)
}

type passwordRequest struct {
	Password string `json:"password"`
}

func (s *Server) resetPassword(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "用户")
	if err != nil {
		return err
	}
	var req passwordRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	pw, err := s.Accounts.SetPassword(c.UserContext(), currentUser(c), id, req.Password, tokenOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"password": pw})
}

// importFailed is the body of a refused import: the usual error shape plus the report.
type importFailed struct {
	Error string `json:"error"`
	*account.ImportReport
}

func (s *Server) importUsers(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return content.Invalid("file", "请用 multipart 字段 file 上传 CSV 或 XLSX 文件")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	sheet, err := readSheet(fh.Filename, f)
	if err != nil {
		return err
	}
	rows, perrs := account.ParseImport(sheet)
	dry := c.Query("dry_run") == "1" || c.Query("dry_run") == "true"
	rep, err := s.Accounts.ImportCandidates(c.UserContext(), currentUser(c), rows, perrs, dry)
	if err != nil {
		return err
	}
	if len(rep.Errors) > 0 {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(importFailed{
			Error: fmt.Sprintf("%d 处错误，未导入任何账号", len(rep.Errors)), ImportReport: rep})
	}
	status := fiber.StatusCreated
	if dry {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(rep)
}

// readSheet reads the first sheet of an .xlsx file or a .csv file (UTF-8 with or without
// BOM, or GB18030 as Excel on Chinese Windows saves it) into rows of cells.
func readSheet(filename string, r io.Reader) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".xlsx":
		// Bounds keep a small upload from unzipping into gigabytes.
		f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
		if err != nil {
			return nil, content.Invalid("file", "无法读取 XLSX 文件：%v", err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			return nil, content.Invalid("file", "无法读取 XLSX 文件：%v", err)
		}
		return rows, nil
	case ".csv":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		if !utf8.Valid(b) {
			if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
				return nil, content.Invalid("file", "CSV 文件的编码无法识别，请另存为 UTF-8")
			}
		}
		cr := csv.NewReader(bytes.NewReader(b))
		cr.FieldsPerRecord = -1
		rows, err := cr.ReadAll()
		if err != nil {
			return nil, content.Invalid("file", "CSV 文件格式有误：%v", err)
		}
		return rows, nil
	}
	return nil, content.Invalid("file", "只支持 .csv 和 .xlsx 文件")
}
