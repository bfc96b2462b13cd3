package web

import (
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
)

type dashboardData struct {
	Staff    bool
	Exams    []exam.Blueprint
	Practice []exam.Blueprint
	Open     []attemptSummary
	History  []attemptSummary
}

func (s *Server) dashboardPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	offer, err := s.Exams.Offered(ctx, viewer(c))
	if err != nil {
		return err
	}
	d := dashboardData{Staff: u.Can(staffRoles...), Exams: offer.Exams, Practice: offer.Practice}
	as, err := s.Exams.Attempts(ctx, viewer(c))
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.CandidateID != u.ID { // staff see their center's attempts through the API; here only their own
			continue
		}
		if a.Status == exam.InProgress {
			d.Open = append(d.Open, summarize(a))
		} else {
			d.History = append(d.History, summarize(a))
		}
	}
	return s.render(c, fiber.StatusOK, "dashboard", "首页", d)
}
