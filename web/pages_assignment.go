package web

import (
	"github.com/gofiber/fiber/v2"
)

// assignmentPages are an assignment's own page (edit, extensions, roster) and its live
// view for proctors; assignment.js loads and changes their data through the API.
func (s *Server) assignmentPage(name, suffix string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c, "id", "考试安排")
		if err != nil {
			return err
		}
		ctx := c.UserContext()
		a, err := s.Exams.Assignment(ctx, viewer(c), id)
		if err != nil {
			return err
		}
		k, err := s.Accounts.Cohort(ctx, currentUser(c), a.Cohort)
		if err != nil {
			return err
		}
		return s.render(c, fiber.StatusOK, name, a.Title+suffix, fiber.Map{"Assignment": a, "Cohort": k.Name})
	}
}
