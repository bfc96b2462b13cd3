package web

import (
	"fmt"

	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// visibleAttempt loads the attempt named by :id as the current user may see it.
func (s *Server) visibleAttempt(c *fiber.Ctx) (*exam.Attempt, error) {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return nil, err
	}
	return s.Exams.Attempt(c.UserContext(), viewer(c), id)
}

// examPage is the shell of the exam; exam.js loads the attempt from the API, so a reload
// or another device shows the same state.
func (s *Server) examPage(c *fiber.Ctx) error {
	a, err := s.visibleAttempt(c)
	if err != nil {
		return err
	}
	if a.Status != exam.InProgress {
		return c.Redirect(fmt.Sprintf("/attempts/%d/result", a.ID), fiber.StatusSeeOther)
	}
	if a.CandidateID != currentUser(c).ID { // staff may read the attempt, not sit it
		return errs.New(errs.Forbidden, "只有考生本人可以作答")
	}
	// Opening the exam is entering it: from an allowed network only. A page already open
	// keeps saving wherever it is, so a network that changes mid-exam costs no answer.
	if err := a.Integrity.CheckEntry(exam.Entry{Addr: c.IP()}, false); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "exam", a.Rules.Title, a)
}

func (s *Server) resultPage(c *fiber.Ctx) error {
	a, err := s.visibleAttempt(c)
	if err != nil {
		return err
	}
	if a.Status == exam.InProgress {
		return c.Redirect(fmt.Sprintf("/exam/%d", a.ID), fiber.StatusSeeOther)
	}
	v, err := s.attemptView(c.UserContext(), a)
	if err != nil {
		return err
	}
	review := buildReview(v, utils.CopyString(c.Query("show")))
	review.Print = viewer(c).Staff
	if review.Proctor, err = s.Exams.ProctorActions(c.UserContext(), viewer(c), a.ID); err != nil {
		return err
	}
	if err := s.nameActors(c.UserContext(), review.Proctor); err != nil {
		return err
	}
	review.StaffView = currentUser(c).Can(staffRoles...)
	if currentUser(c).Can(staffRoles...) && (a.FocusLosses > 0 || a.DeviceSwitches > 0) {
		if review.Events, err = s.Exams.Events(c.UserContext(), viewer(c), a.ID); err != nil {
			return err
		}
	}
	return s.render(c, fiber.StatusOK, "result", a.Rules.Title+" 成绩", review)
}
