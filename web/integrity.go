package web

import (
	"time"

	"github.com/csmexam/csmexam/exam"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// deviceHeader carries the random id the exam pages keep per browser (app.js), by which a
// one-device policy tells one browser from another.
const deviceHeader = "X-Device-Id"

// deviceOf is the device a request comes from.
func deviceOf(c *fiber.Ctx) exam.Device {
	return exam.Device{ID: utils.CopyString(c.Get(deviceHeader)), UA: utils.CopyString(c.Get(fiber.HeaderUserAgent))}
}

// eventsRequest is a batch of departures from the exam page.
type eventsRequest struct {
	Events []struct {
		Kind string    `json:"kind"`
		Seq  int64     `json:"seq"`
		At   time.Time `json:"at"`
	} `json:"events"`
}

func (s *Server) reportEvents(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	var req eventsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	events := make([]exam.FocusEvent, len(req.Events))
	for i, e := range req.Events {
		events[i] = exam.FocusEvent{Kind: e.Kind, Seq: e.Seq, ClientAt: e.At}
	}
	st, err := s.Exams.RecordEvents(c.UserContext(), currentUser(c).ID, id, events)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) listEvents(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	evs, err := s.Exams.Events(c.UserContext(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": evs})
}

type deviceRequest struct {
	Switch bool `json:"switch"`
}

func (s *Server) claimDevice(c *fiber.Ctx) error {
	id, err := pathID(c, "id", "作答")
	if err != nil {
		return err
	}
	var req deviceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	st, err := s.Exams.ClaimDevice(c.UserContext(), currentUser(c).ID, id, deviceOf(c), req.Switch)
	if err != nil {
		return err
	}
	return c.JSON(st)
}
