package web

import (
	"strconv"

	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
)

// startData is the instructions page: the paper a candidate is about to sit, and what
// its start button sends. Nothing starts, and no clock runs, until that button is pressed.
type startData struct {
	Blueprint  *exam.Blueprint
	Assignment int64 // 0: a free start of the blueprint
	ExtraS     int   // the candidate's extension under the assignment
	Questions  int
	Shortage   string // why no attempt can start now (the bank cannot fill the paper, or the blueprint is retired); the button is then off
	// Integrity is the policy the attempt would run under (no access code), Rules its
	// rules in words.
	Integrity *exam.Integrity
	Rules     []string
}

// startPage shows the instructions of an exam named by ?blueprint=code or
// ?assignment=id. An unknown blueprint, or an assignment not given to the candidate's
// cohorts, is NotFound.
func (s *Server) startPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := viewer(c)
	d := startData{}
	code := c.Query("blueprint")
	if q := c.Query("assignment"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return errs.New(errs.NotFound, "考试安排 %s 不存在", q)
		}
		st, err := s.Exams.MyAssignment(ctx, v, id)
		if err != nil {
			return err
		}
		d.Assignment, d.ExtraS, code = id, st.ExtraS, st.Blueprint
	}
	bp, err := s.Exams.Blueprint(ctx, code, v.CenterID)
	if err != nil {
		return err
	}
	d.Blueprint = bp
	if d.Integrity, err = s.Exams.StartIntegrity(ctx, v, bp, d.Assignment); err != nil {
		return err
	}
	d.Rules = d.Integrity.Rules()
	for _, sec := range bp.Sections {
		d.Questions += sec.Count
	}
	unfillable, err := s.Exams.Unfillable(ctx, v.CenterID)
	if err != nil {
		return err
	}
	if short := unfillable[bp.Code]; len(short) > 0 {
		d.Shortage = "题库暂时组不出这份试卷（" + short[0].Error() + "），请联系老师。"
	}
	if bp.Retired {
		d.Shortage = "这份试卷已停用，不能开始新的作答，请联系老师。"
	}
	return s.render(c, fiber.StatusOK, "start", bp.Title+" 考试须知", d)
}
