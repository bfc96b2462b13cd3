package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// Helpers every handler uses to read a request: who asks, the ids in the path, the JSON
// body and numeric query parameters.

// staffRoles are the roles that keep the bank, blueprints and cohorts.
var staffRoles = []account.Role{account.Instructor, account.CenterAdmin, account.Admin}

// viewer is the logged-in user as the exam domain's rules see them.
func viewer(c *fiber.Ctx) exam.Viewer {
	u := currentUser(c)
	return exam.Viewer{UserID: u.ID, CenterID: u.CenterID, Staff: u.Can(staffRoles...)}
}

// pathID reads the numeric path parameter name; one that is not a number is NotFound
// for what ("题目 abc 不存在").
func pathID(c *fiber.Ctx, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil {
		return 0, errs.New(errs.NotFound, "%s %s 不存在", what, utils.CopyString(c.Params(name)))
	}
	return id, nil
}

// badRequest is a request the server cannot read (malformed JSON, a wrong type).
type badRequest struct {
	field, message string
}

func (e *badRequest) Error() string { return e.message }

// decodeJSON reads the body into v; a malformed body or a wrong type is a badRequest
// naming the field, a body over JSONLimit is 413. The body is one JSON value and nothing
// after it, and not null (which would leave v as it was, as if the client sent nothing).
func decodeJSON(c *fiber.Ctx, v any) error {
	if len(c.Body()) > JSONLimit {
		return fiber.ErrRequestEntityTooLarge
	}
	if bytes.Equal(bytes.TrimSpace(c.Body()), []byte("null")) {
		return &badRequest{message: "请求体不能是 null"}
	}
	dec := json.NewDecoder(strings.NewReader(string(c.Body())))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			return &badRequest{field: te.Field, message: fmt.Sprintf("字段 %s 的类型不正确（应为 %s）", te.Field, jsonKind(te.Type.Kind().String()))}
		case errors.As(err, &se):
			return &badRequest{message: "请求体不是有效的 JSON"}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &badRequest{field: f, message: "未知字段 " + f}
		case err.Error() == "EOF":
			return &badRequest{message: "请求体为空"}
		default:
			return &badRequest{message: "请求体无法解析：" + err.Error()}
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &badRequest{message: "请求体的 JSON 之后还有多余的内容"}
	}
	return nil
}

// jsonKind names a Go kind as a JSON client knows it.
func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "数字"
	case k == "string":
		return "字符串"
	case k == "slice":
		return "数组"
	case k == "bool":
		return "true 或 false"
	}
	return "对象"
}

// intQuery reads the integer query parameter name, def when absent; one outside
// [min, max] is Invalid on name.
func intQuery(c *fiber.Ctx, name string, def, min, max int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, content.Invalid(name, "%s 必须是 %d 到 %d 之间的整数", name, min, max)
	}
	return n, nil
}
