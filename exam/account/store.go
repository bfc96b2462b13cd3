package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/throttle"
	"gorm.io/gorm"
)

// Migrate brings the account tables to the newest schema.
func Migrate(ctx context.Context, g *gorm.DB) error {
	return db.Migrate(ctx, g, "account", migrations)
}

var migrations = []db.Migration{
	{Version: 1, Name: "centers, users, sessions", Up: func(tx *gorm.DB) error {
		type center struct {
			ID        int64  `gorm:"primaryKey;autoIncrement"`
			Code      string `gorm:"size:32;not null;uniqueIndex"`
			Name      string `gorm:"size:100;not null"`
			CreatedAt time.Time
		}
		type user struct {
			ID           int64  `gorm:"primaryKey;autoIncrement"`
			CenterID     int64  `gorm:"not null;index"`
			Username     string `gorm:"size:64;not null;uniqueIndex"`
			Name         string `gorm:"size:64;not null"`
			Role         string `gorm:"size:16;not null"`
			PasswordHash string `gorm:"size:200;not null"`
			Disabled     bool   `gorm:"not null;default:false"`
			CreatedAt    time.Time
			UpdatedAt    time.Time
		}
		type session struct {
			TokenHash string    `gorm:"primaryKey;size:64"`
			UserID    int64     `gorm:"not null;index"`
			CreatedAt time.Time `gorm:"not null"`
			LastSeen  time.Time `gorm:"not null"`
			ExpiresAt time.Time `gorm:"not null;index"`
		}
		// The structs' names give the table names.
		return db.CreateTables(tx, &center{}, &user{}, &session{})
	}},
	{Version: 2, Name: "cohorts, login throttles", Up: func(tx *gorm.DB) error {
		type cohort struct {
			ID        int64  `gorm:"primaryKey;autoIncrement"`
			CenterID  int64  `gorm:"not null;uniqueIndex:idx_cohort_name,priority:1"`
			Name      string `gorm:"size:64;not null;uniqueIndex:idx_cohort_name,priority:2"`
			CreatedAt time.Time
		}
		type cohortMember struct {
			CohortID int64 `gorm:"primaryKey;autoIncrement:false"`
			UserID   int64 `gorm:"primaryKey;autoIncrement:false;index"`
		}
		type loginThrottle struct {
			KeyHash      string    `gorm:"primaryKey;size:64"`
			Failures     int       `gorm:"not null"`
			LastFailure  time.Time `gorm:"not null"`
			BlockedUntil time.Time `gorm:"not null"`
			ExpiresAt    time.Time `gorm:"not null;index"`
		}
		return db.CreateTables(tx, &cohort{}, &cohortMember{}, &loginThrottle{})
	}},
}

type centerRow struct {
	ID        int64 `gorm:"primaryKey"`
	Code      string
	Name      string
	CreatedAt time.Time
}

func (centerRow) TableName() string { return "centers" }

type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	CenterID     int64
	Username     string
	Name         string
	Role         string
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

type sessionRow struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    int64
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// Store keeps centers, users and sessions.
type Store struct {
	db     *gorm.DB
	now    func() time.Time
	recall recollection
	logins *throttle.Limiter
}

// NewStore returns a store over a migrated database; now is the clock (time.Now in
// production, a fixed or stepped clock in tests).
func NewStore(db *gorm.DB, now func() time.Time) *Store {
	return &Store{db: db, now: now, logins: throttle.New(db, "login_throttles", PairRule, AddressRule, loginThrottleMessage)}
}

// EnsureCenter returns the center with code, creating it (named name, or the code) if missing.
func (s *Store) EnsureCenter(ctx context.Context, code, name string) (*Center, error) {
	return s.ensureCenter(s.db.WithContext(ctx), code, name)
}

func (s *Store) ensureCenter(tx *gorm.DB, code, name string) (*Center, error) {
	if !centerPattern.MatchString(code) {
		return nil, errInvalidCenter
	}
	if name == "" {
		name = code
	}
	var c centerRow
	err := tx.Where("code = ?", code).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		c = centerRow{Code: code, Name: name, CreatedAt: s.now().UTC()}
		err = tx.Create(&c).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) { // another server created it just now
			err = tx.Where("code = ?", code).Take(&c).Error
		}
	}
	if err != nil {
		return nil, wrapf(err, "center %s", code)
	}
	return &Center{ID: c.ID, Code: c.Code, Name: c.Name}, nil
}

// CenterByCode returns a center by its code; ErrNotFound if there is none.
func (s *Store) CenterByCode(ctx context.Context, code string) (*Center, error) {
	var c centerRow
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "培训中心 %s 不存在", code)
	}
	if err != nil {
		return nil, err
	}
	return &Center{ID: c.ID, Code: c.Code, Name: c.Name}, nil
}

// Center returns a center by id.
func (s *Store) Center(ctx context.Context, id int64) (*Center, error) {
	var c centerRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "培训中心 %d 不存在", id)
	}
	if err != nil {
		return nil, err
	}
	return &Center{ID: c.ID, Code: c.Code, Name: c.Name}, nil
}

// CreateUser validates n, creates its center if missing and the user, in one
// transaction. A taken username is ErrConflict; an invalid field is a
// *errs.Error.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (*User, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	var u *User
	err = db.Transaction(s.db.WithContext(ctx), func(tx *gorm.DB) error {
		c, err := s.ensureCenter(tx, n.Center, "")
		if err != nil {
			return err
		}
		u, err = s.insertUser(tx, c, n, hash)
		return err
	})
	return u, err
}

// insertUser stores a validated user with its password hash in center c.
func (s *Store) insertUser(tx *gorm.DB, c *Center, n NewUser, hash string) (*User, error) {
	name := n.Name
	if name == "" {
		name = n.Username
	}
	now := s.now().UTC()
	row := userRow{CenterID: c.ID, Username: n.Username, Name: name, Role: string(n.Role), PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, errs.New(errs.Conflict, "用户名 %s 已被使用", n.Username)
		}
		return nil, wrapf(err, "create user %s", n.Username)
	}
	return row.user(c.Code), nil
}

func (r *userRow) user(center string) *User {
	return &User{ID: r.ID, Username: r.Username, Name: r.Name, Role: Role(r.Role), CenterID: r.CenterID,
		Center: center, Disabled: r.Disabled, CreatedAt: r.CreatedAt}
}

// CountUsers tells how many accounts exist (zero on a new database).
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Count(&n).Error
	return n, err
}

// User returns a user by id.
func (s *Store) User(ctx context.Context, id int64) (*User, error) {
	var r struct {
		Row        userRow `gorm:"embedded"`
		CenterCode string
	}
	err := s.db.WithContext(ctx).Table("users u").Select("u.*, c.code AS center_code").
		Joins("JOIN centers c ON c.id = u.center_id").Where("u.id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "用户 %d 不存在", id)
	}
	if err != nil {
		return nil, err
	}
	return r.Row.user(r.CenterCode), nil
}

// TokenHash is how sessions store a token (never the token itself); a write's
// LiveSession condition takes it.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Login checks the password and opens a new session, returning its token (shown once).
// A wrong username or password, or a disabled account, is ErrUnauthorized, with no hint
// which. Logins are throttled by the client address in ctx (see WithClientAddr,
// PairRule and AddressRule): while this username from this address must wait, the login
// is ErrTooManyAttempts (its cause a *throttle.Error) and the password is not even checked.
func (s *Store) Login(ctx context.Context, username, password string) (string, *User, error) {
	keys := throttle.KeysOf(username, clientAddr(ctx))
	now := s.now().UTC()
	if err := s.logins.Reserve(ctx, keys, now); err != nil {
		return "", nil, err
	}
	tx := s.db.WithContext(ctx)
	var r struct {
		Row        userRow `gorm:"embedded"`
		CenterCode string
	}
	err := tx.Table("users u").Select("u.*, c.code AS center_code").
		Joins("JOIN centers c ON c.id = u.center_id").Where("u.username = ?", username).Take(&r).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, err
	}
	if err != nil {
		VerifyPassword(dummyHash, password)
	}
	if err != nil || !VerifyPassword(r.Row.PasswordHash, password) || r.Row.Disabled {
		if err := s.logins.Fail(ctx, keys, now); err != nil {
			return "", nil, err
		}
		return "", nil, errs.New(errs.Unauthorized, "用户名或密码不正确")
	}
	if err := s.logins.Succeed(ctx, keys); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	sess := sessionRow{TokenHash: TokenHash(token), UserID: r.Row.ID, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(IdleTimeout)}
	if err := tx.Create(&sess).Error; err != nil {
		return "", nil, wrapf(err, "create session")
	}
	return token, r.Row.user(r.CenterCode), nil
}

// touchEvery limits how often a busy session's expiry is pushed forward: autosaves come
// many times a minute and need not each write.
const touchEvery = time.Minute

// Authenticate returns the user of a live session. An unknown or expired token, or a
// disabled account, is ErrUnauthorized. Each use extends the session's idle timeout.
func (s *Store) Authenticate(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, errs.New(errs.Unauthorized, "请先登录")
	}
	// Sessions are not cached here: a logout or a disabled account must end the session at
	// once on every server sharing the database, so each request asks the database. (Recall
	// serves the writes that prove the session live in their own statement.)
	tx := s.db.WithContext(ctx)
	var r struct {
		Row        userRow `gorm:"embedded"`
		CenterCode string
		ExpiresAt  time.Time
		LastSeen   time.Time
		TokenHash  string
	}
	h := TokenHash(token)
	err := tx.Table("sessions s").Select("u.*, c.code AS center_code, s.expires_at, s.last_seen, s.token_hash").
		Joins("JOIN users u ON u.id = s.user_id").Joins("JOIN centers c ON c.id = u.center_id").
		Where("s.token_hash = ?", h).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.Unauthorized, "登录已失效，请重新登录")
	}
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if r.Row.Disabled || !now.Before(r.ExpiresAt) {
		return nil, errs.New(errs.Unauthorized, "登录已失效，请重新登录")
	}
	if now.Sub(r.LastSeen) >= touchEvery {
		if err := tx.Model(&sessionRow{}).Where("token_hash = ?", h).
			Updates(map[string]any{"last_seen": now, "expires_at": now.Add(IdleTimeout)}).Error; err != nil {
			return nil, wrapf(err, "extend session")
		}
	}
	return r.Row.user(r.CenterCode), nil
}

// Logout ends the session of token; an unknown token is not an error.
func (s *Store) Logout(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("token_hash = ?", TokenHash(token)).Delete(&sessionRow{}).Error
}
