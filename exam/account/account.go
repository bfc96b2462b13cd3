// Package account knows who sits exams: training centers, their users and roles, login
// sessions and cohorts (班级). It lives under exam because exams are what accounts are
// for: a candidate sits them, a center assigns them to cohorts, staff grade them.
// Content needs no accounts, so the bank stays free of them; the exam domain itself
// does not import this package but takes small interfaces (a candidate's cohorts, the
// live-session condition) that cmd wires with account's store.
package account

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// Sentinel errors; stores wrap them with context.
var (
	ErrNotFound     = content.ErrNotFound
	ErrConflict     = content.ErrConflict
	ErrUnauthorized = errs.Unauthorized
	ErrForbidden    = errs.Forbidden
)

// Role says what a user may do.
type Role string

const (
	Candidate   Role = "candidate"
	Instructor  Role = "instructor"
	CenterAdmin Role = "center_admin"
	Admin       Role = "admin"
)

// Roles lists every role, least privileged first.
var Roles = []Role{Candidate, Instructor, CenterAdmin, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Title is the role's name in the Chinese UI.
func (r Role) Title() string {
	switch r {
	case Candidate:
		return "考生"
	case Instructor:
		return "讲师"
	case CenterAdmin:
		return "培训中心管理员"
	case Admin:
		return "系统管理员"
	}
	return string(r)
}

// Center is a training center; every user belongs to one.
type Center struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// User is an account. The password hash never leaves this package's store.
type User struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CenterID  int64     `json:"-"`
	Center    string    `json:"center"`
	Disabled  bool      `json:"disabled,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Can reports whether the user holds one of roles.
func (u *User) Can(roles ...Role) bool {
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$`)

var centerPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$`)

var errInvalidCenter = content.Invalid("center", "培训中心代码需 1–32 位字母、数字、_ 或 -")

// NewUser is what creating an account takes.
type NewUser struct {
	Username string
	Name     string
	Role     Role
	Center   string // center code; the center is created if missing
	Password string
}

// Validate checks every field, naming the first wrong one.
func (n *NewUser) Validate() error {
	n.Username = strings.TrimSpace(n.Username)
	n.Name = strings.TrimSpace(n.Name)
	n.Center = strings.TrimSpace(n.Center)
	if !usernamePattern.MatchString(n.Username) {
		return content.Invalid("username", "用户名需 2–64 位，由字母、数字和 . _ @ - 组成，且以字母或数字开头")
	}
	if utf8.RuneCountInString(n.Name) > 64 {
		return content.Invalid("name", "姓名不能超过 64 个字")
	}
	if err := content.CheckLine("name", n.Name); err != nil {
		return err
	}
	if !n.Role.Valid() {
		return content.Invalid("role", "角色必须是 candidate、instructor、center_admin 或 admin，而不是 %q", n.Role)
	}
	if !centerPattern.MatchString(n.Center) {
		return errInvalidCenter
	}
	return CheckPassword(n.Password, n.Username)
}

// Password policy: long enough to resist guessing, long passphrases welcome.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// CheckPassword applies the password policy; the error names the field "password".
func CheckPassword(pw, username string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return content.Invalid("password", "密码至少需要 %d 个字符", MinPasswordLen)
	case n > MaxPasswordLen:
		return content.Invalid("password", "密码不能超过 %d 个字符", MaxPasswordLen)
	case isCommonPassword(pw) || strings.EqualFold(pw, username):
		return content.Invalid("password", "这个密码太常见，容易被猜中，请换一个")
	}
	return nil
}

// Session is a login. The token is shown once at login; only its hash is stored.
type Session struct {
	User      *User
	ExpiresAt time.Time
}

// IdleTimeout ends a session nobody has used for this long; each use extends it.
const IdleTimeout = 12 * time.Hour

func wrapf(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, err)...)
}
