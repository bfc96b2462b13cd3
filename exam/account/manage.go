package account

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
)

// SeesCenter reports whether u may see objects of center: an admin sees every center,
// everyone else only their own. Callers answer ErrNotFound, not ErrForbidden, when it is
// false, so another center's ids reveal nothing.
func (u *User) SeesCenter(center int64) bool { return u.Role == Admin || u.CenterID == center }

// BankViewer is u as the question bank's access rules see them.
func (u *User) BankViewer() content.Viewer {
	return content.Viewer{CenterID: u.CenterID, Admin: u.Role == Admin}
}

// mayGrant reports whether u may create or manage accounts of role r: an admin any, a
// center admin candidates and instructors (of their own center).
func (u *User) mayGrant(r Role) bool {
	switch u.Role {
	case Admin:
		return true
	case CenterAdmin:
		return r == Candidate || r == Instructor
	}
	return false
}

var errMayNotManage = errs.New(errs.Forbidden, "您无权管理这类账号")

// CreateAccount creates a user on behalf of actor. A center admin creates candidates and
// instructors in their own center (n.Center is ignored); an admin any role in any center
// (n.Center, default their own). An empty n.Role means candidate; an empty password is
// generated and returned (once) as generated. Errors as CreateUser; a role the actor may
// not grant is ErrForbidden.
func (s *Store) CreateAccount(ctx context.Context, actor *User, n NewUser) (u *User, generated string, err error) {
	if n.Role == "" {
		n.Role = Candidate
	}
	if !n.Role.Valid() {
		return nil, "", content.Invalid("role", "角色必须是 candidate、instructor、center_admin 或 admin")
	}
	if !actor.mayGrant(n.Role) {
		return nil, "", errMayNotManage
	}
	if actor.Role != Admin || strings.TrimSpace(n.Center) == "" {
		n.Center = actor.Center
	}
	if n.Password == "" {
		n.Password = GeneratePassword()
		generated = n.Password
	}
	u, err = s.CreateUser(ctx, n)
	if err != nil {
		return nil, "", err
	}
	return u, generated, nil
}

// UserFilter selects users for ListUsers. Center 0 means every center (admins only).
type UserFilter struct {
	Center int64
	Role   Role
	Cohort int64
	Text   string // part of the username or name
	Offset int
	Limit  int
}

// ListUsers lists the users actor may see that match f, by username, and how many match
// in all. Anyone but an admin sees only their own center, whatever f.Center says.
func (s *Store) ListUsers(ctx context.Context, actor *User, f UserFilter) ([]User, int64, error) {
	if actor.Role != Admin {
		f.Center = actor.CenterID
	}
	// A fresh query each time: the count and the page must not share a statement.
	query := func() *gorm.DB {
		q := s.db.WithContext(ctx).Table("users u").Joins("JOIN centers c ON c.id = u.center_id")
		if f.Center != 0 {
			q = q.Where("u.center_id = ?", f.Center)
		}
		if f.Role != "" {
			q = q.Where("u.role = ?", string(f.Role))
		}
		if f.Cohort != 0 {
			q = q.Where("u.id IN (?)", s.db.Table("cohort_members").Select("user_id").Where("cohort_id = ?", f.Cohort))
		}
		if t := strings.TrimSpace(f.Text); t != "" {
			like := "%" + db.EscapeLike(t) + "%"
			q = q.Where(`(u.username LIKE ? ESCAPE '!' OR u.name LIKE ? ESCAPE '!')`, like, like)
		}
		return q
	}
	var total int64
	if err := query().Count(&total).Error; err != nil {
		return nil, 0, wrapf(err, "count users")
	}
	var rows []struct {
		Row        userRow `gorm:"embedded"`
		CenterCode string
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if err := query().Select("u.*, c.code AS center_code").Order("u.username").Offset(f.Offset).Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, 0, wrapf(err, "list users")
	}
	out := make([]User, len(rows))
	for i := range rows {
		out[i] = *rows[i].Row.user(rows[i].CenterCode)
	}
	return out, total, nil
}

// UserFor returns user id if actor may see it; another center's user is ErrNotFound.
func (s *Store) UserFor(ctx context.Context, actor *User, id int64) (*User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.SeesCenter(u.CenterID) {
		return nil, errs.New(errs.NotFound, "用户 %d 不存在", id)
	}
	return u, nil
}

// managed returns the user id that actor may manage (themselves, or a role they may
// grant): ErrNotFound for another center's, ErrForbidden for a role above what actor may
// grant.
func (s *Store) managed(ctx context.Context, actor *User, id int64) (*User, error) {
	u, err := s.UserFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if u.ID != actor.ID && !actor.mayGrant(u.Role) {
		return nil, errMayNotManage
	}
	return u, nil
}

// UserPatch changes a user; nil fields stay as they are.
type UserPatch struct {
	Name     *string
	Disabled *bool
}

// UpdateUser renames, disables or re-enables user id on behalf of actor. Disabling ends
// every session of the user in the same transaction, on every server at once. Actors
// cannot disable themselves (ErrConflict).
func (s *Store) UpdateUser(ctx context.Context, actor *User, id int64, p UserPatch) (*User, error) {
	u, err := s.managed(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	set := map[string]any{"updated_at": s.now().UTC()}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if name == "" || utf8.RuneCountInString(name) > 64 {
			return nil, content.Invalid("name", "姓名需 1–64 个字")
		}
		if err := content.CheckLine("name", name); err != nil {
			return nil, err
		}
		set["name"], u.Name = name, name
	}
	if p.Disabled != nil {
		if *p.Disabled && u.ID == actor.ID {
			return nil, errs.New(errs.Conflict, "不能停用自己的账号")
		}
		set["disabled"], u.Disabled = *p.Disabled, *p.Disabled
	}
	err = db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := tx.Model(&userRow{}).Where("id = ?", id).Updates(set).Error; err != nil {
			return wrapf(err, "update user %d", id)
		}
		if u.Disabled {
			return s.endSessions(tx, id, "")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword gives user id a new password on behalf of actor: pw, or a generated one
// when pw is empty, returned (once) as generated. It ends the user's sessions, except
// the one whose token is keepToken (the actor's own, when they reset their own).
func (s *Store) SetPassword(ctx context.Context, actor *User, id int64, pw, keepToken string) (generated string, err error) {
	u, err := s.managed(ctx, actor, id)
	if err != nil {
		return "", err
	}
	if pw == "" {
		pw = GeneratePassword()
		generated = pw
	}
	if err := CheckPassword(pw, u.Username); err != nil {
		return "", err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return "", err
	}
	keep := ""
	if keepToken != "" {
		keep = TokenHash(keepToken)
	}
	err = db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		if err := tx.Model(&userRow{}).Where("id = ?", id).
			Updates(map[string]any{"password_hash": hash, "updated_at": s.now().UTC()}).Error; err != nil {
			return wrapf(err, "set password of user %d", id)
		}
		return s.endSessions(tx, id, keep)
	})
	return generated, err
}

// endSessions deletes the sessions of user (but the one with token hash keep) in tx: the
// one place where an account change ends logins. The rows go, so every server sees it at
// once; an in-process session cache must evict userID here as well.
func (s *Store) endSessions(tx *gorm.DB, userID int64, keep string) error {
	q := tx.Where("user_id = ?", userID)
	if keep != "" {
		q = q.Where("token_hash <> ?", keep)
	}
	if err := q.Delete(&sessionRow{}).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return wrapf(err, "end sessions of user %d", userID)
	}
	return nil
}
