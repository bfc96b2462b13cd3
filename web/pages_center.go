package web

import (
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// centerSections are the training center's pages by path; the results are its front page.
var centerSections = map[string]string{"": "成绩", "cohorts": "班级", "assignments": "考试安排", "users": "用户"}

// centerPage is one section of the training center's desk; center.js loads and changes
// its data through the API. Accounts are managed by center admins only.
func (s *Server) centerPage(c *fiber.Ctx) error {
	section := utils.CopyString(c.Params("section"))
	title, ok := centerSections[section]
	if !ok {
		return fiber.ErrNotFound
	}
	manageUsers := currentUser(c).Can(accountAdmins...)
	if section == "users" && !manageUsers {
		return errs.New(errs.Forbidden, "只有中心管理员可以管理账号")
	}
	bps, err := s.Exams.Blueprints(c.UserContext(), currentUser(c).CenterID)
	if err != nil {
		return err
	}
	var exams []exam.Blueprint
	for _, bp := range bps {
		if bp.Mode == exam.ModeExam {
			exams = append(exams, bp)
		}
	}
	return s.render(c, fiber.StatusOK, "center", "培训中心 · "+title,
		fiber.Map{"Section": section, "ManageUsers": manageUsers, "Blueprints": exams})
}
