package web

import (
	"errors"
	"math"
	"strconv"

	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/throttle"
	"github.com/gofiber/fiber/v2"
)

// errorBody is every error response of the API.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// statusOf is the one table from an error's kind to its HTTP status.
var statusOf = map[errs.Kind]int{
	errs.Invalid:         fiber.StatusUnprocessableEntity,
	errs.BankShort:       fiber.StatusUnprocessableEntity,
	errs.NotFound:        fiber.StatusNotFound,
	errs.Conflict:        fiber.StatusConflict,
	errs.Unauthorized:    fiber.StatusUnauthorized,
	errs.Forbidden:       fiber.StatusForbidden,
	errs.TooManyRequests: fiber.StatusTooManyRequests,
}

// fiberMessages are our words for the framework's own errors.
var fiberMessages = map[int]string{
	fiber.StatusNotFound:              "找不到这个地址",
	fiber.StatusMethodNotAllowed:      "这个地址不支持该请求方法",
	fiber.StatusRequestEntityTooLarge: "请求体过大",
	fiber.StatusBadRequest:            "请求格式不正确",
}

// handleError renders any error a handler returns: a page for the browser, JSON for the
// API. Domain errors become their status and message; anything unknown is logged and
// shown as a plain internal error. A request the framework refused before routing (over
// BodyLimit, unparsable) gets the security headers here and JSON: our pages never send
// one, and its path may not have been read.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, body := s.describe(c, err)
	if !routed(c) {
		setSecurityHeaders(c)
		return c.Status(status).JSON(body)
	}
	if isPage(c) {
		return s.renderErrorPage(c, status, body.Error)
	}
	return c.Status(status).JSON(body)
}

func (s *Server) describe(c *fiber.Ctx, err error) (int, errorBody) {
	if e, ok := errs.As(err); ok {
		if status, known := statusOf[e.Kind]; known {
			var te *throttle.Error
			if errors.As(err, &te) { // and when to come back
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(te.RetryAfter.Seconds()))))
			}
			return status, errorBody{Error: e.Message, Field: e.Field}
		}
	}
	if errors.Is(err, errBusy) {
		s.Logger.WarnContext(c.UserContext(), "request deadline passed", "method", c.Method(), "path", c.Path(), "err", err)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retryAfterBusy))
		return fiber.StatusServiceUnavailable, errorBody{Error: errBusy.Error()}
	}
	var br *badRequest
	if errors.As(err, &br) {
		return fiber.StatusBadRequest, errorBody{Error: br.message, Field: br.field}
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		msg, ok := fiberMessages[fe.Code]
		if !ok {
			msg = fe.Message
		}
		return fe.Code, errorBody{Error: msg}
	}
	s.Logger.ErrorContext(c.UserContext(), "internal error", "method", c.Method(), "path", c.Path(), "err", err)
	return fiber.StatusInternalServerError, errorBody{Error: "服务器内部错误，请稍后再试"}
}
