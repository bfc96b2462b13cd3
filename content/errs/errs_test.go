package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/csmexam/csmexam/content/errs"
)

func TestKindsMatchThroughWrapping(t *testing.T) {
	err := fmt.Errorf("load attempt: %w", errs.New(errs.NotFound, "作答 %d 不存在", 7))
	if !errors.Is(err, errs.NotFound) || errors.Is(err, errs.Conflict) {
		t.Fatalf("errors.Is by kind is wrong for %v", err)
	}
	e, ok := errs.As(err)
	if !ok || e.Message != "作答 7 不存在" || e.Kind != errs.NotFound {
		t.Fatalf("As = %+v, %v", e, ok)
	}
	if got := err.Error(); got != "load attempt: 作答 7 不存在" {
		t.Fatalf("Error() = %q", got)
	}
}

func TestErrorReadsWellInLogs(t *testing.T) {
	cause := errors.New("disk full")
	cases := []struct {
		err  *errs.Error
		want string
	}{
		{errs.Invalidf("title", "标题不能为空"), "title: 标题不能为空"},
		{errs.Wrap(errs.Conflict, cause, "保存失败"), "保存失败: disk full"},
		{&errs.Error{Kind: errs.Forbidden}, "forbidden"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
	if !errors.Is(cases[1].err, cause) {
		t.Fatal("the cause is not reachable with errors.Is")
	}
}

func TestWithinKeepsKindAndAddsContext(t *testing.T) {
	err := errs.Within(errs.New(errs.Conflict, "用户名 %s 已被使用", "wang"), "第 %d 行", 3)
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Conflict || e.Message != "第 3 行: 用户名 wang 已被使用" {
		t.Fatalf("Within = %+v", e)
	}
	plain := errs.Within(errors.New("boom"), "第 %d 行", 4)
	if _, ok := errs.As(plain); ok || plain.Error() != "第 4 行: boom" {
		t.Fatalf("Within of a plain error = %v", plain)
	}
}
