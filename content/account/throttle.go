package account

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrTooManyAttempts refuses a login while its client must wait; the error is a
// *ThrottledError that says how long.
var ErrTooManyAttempts = errors.New("too many login attempts")

// ThrottledError is a login refused before its password was checked.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("登录失败次数过多，请 %d 秒后再试", int(math.Ceil(e.RetryAfter.Seconds())))
}

func (e *ThrottledError) Is(target error) bool { return target == ErrTooManyAttempts }

// ThrottleRule is one limit on failed logins: Free failures are forgiven; each further
// one (until Window passes without a failure) blocks the key for a delay that doubles
// from BaseDelay up to MaxDelay.
type ThrottleRule struct {
	Free      int
	Window    time.Duration
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// The login throttling policy. Failures count per (username, client address) pair, so
// an attacker guessing a candidate's password slows only themselves: the candidate,
// logging in from an address that has not been failing, gets in at once. Each client
// address also has a cap over all usernames, against one address spraying many accounts.
var (
	PairRule    = ThrottleRule{Free: 5, Window: 15 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: 15 * time.Minute}
	AddressRule = ThrottleRule{Free: 30, Window: 15 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: 15 * time.Minute}
)

type clientAddrKey struct{}

// WithClientAddr tells Login, through ctx, which address a login comes from. The web
// layer sets it on every request, so every login form and API is throttled alike.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

func clientAddr(ctx context.Context) string {
	addr, _ := ctx.Value(clientAddrKey{}).(string)
	return addr
}

// throttle is the state of one key.
type throttle struct {
	Failures     int
	LastFailure  time.Time
	BlockedUntil time.Time
}

// fail is the state after one more failure at now.
func (r ThrottleRule) fail(t throttle, now time.Time) throttle {
	if now.Sub(t.LastFailure) >= r.Window {
		t.Failures = 0
	}
	t.Failures++
	t.LastFailure = now
	if over := t.Failures - r.Free; over > 0 {
		d := r.MaxDelay
		if over < 31 {
			d = min(r.BaseDelay<<(over-1), r.MaxDelay)
		}
		t.BlockedUntil = now.Add(d)
	}
	return t
}

// expires is when the state no longer matters.
func (r ThrottleRule) expires(t throttle) time.Time {
	end := t.LastFailure.Add(r.Window)
	if t.BlockedUntil.After(end) {
		return t.BlockedUntil
	}
	return end
}

type throttleRow struct {
	KeyHash      string `gorm:"primaryKey"`
	Failures     int
	LastFailure  time.Time
	BlockedUntil time.Time
	ExpiresAt    time.Time
}

func (throttleRow) TableName() string { return "login_throttles" }

// longAgo stands for "never" in columns MySQL will not hold a zero time in.
var longAgo = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// throttleKeys are the hashed keys of a login: the pair and the address. Hashing bounds
// their size whatever an attacker sends as username.
func throttleKeys(username, addr string) (pair, address string) {
	return TokenHash("pair\x00" + addr + "\x00" + username), TokenHash("addr\x00" + addr)
}

// checkThrottle returns a *ThrottledError if either key is blocked at now.
func (s *Store) checkThrottle(ctx context.Context, username, addr string, now time.Time) error {
	pair, address := throttleKeys(username, addr)
	var until []time.Time
	if err := s.db.WithContext(ctx).Model(&throttleRow{}).Where("key_hash IN ? AND blocked_until > ?", []string{pair, address}, now).
		Pluck("blocked_until", &until).Error; err != nil {
		return wrapf(err, "read login throttle")
	}
	var wait time.Duration
	for _, u := range until {
		wait = max(wait, u.Sub(now))
	}
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	return nil
}

// recordFailure counts a failed login against both keys, and drops states that expired.
func (s *Store) recordFailure(ctx context.Context, username, addr string, now time.Time) error {
	pair, address := throttleKeys(username, addr)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, k := range []struct {
			hash string
			rule ThrottleRule
		}{{pair, PairRule}, {address, AddressRule}} {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&throttleRow{KeyHash: k.hash, LastFailure: longAgo, BlockedUntil: longAgo, ExpiresAt: now}).Error; err != nil {
				return wrapf(err, "record login failure")
			}
			var row throttleRow
			if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("key_hash = ?", k.hash).Take(&row).Error; err != nil {
				return wrapf(err, "record login failure")
			}
			t := k.rule.fail(throttle{Failures: row.Failures, LastFailure: row.LastFailure, BlockedUntil: row.BlockedUntil}, now)
			if err := tx.Model(&throttleRow{}).Where("key_hash = ?", k.hash).Updates(map[string]any{
				"failures": t.Failures, "last_failure": t.LastFailure, "blocked_until": t.BlockedUntil, "expires_at": k.rule.expires(t)}).Error; err != nil {
				return wrapf(err, "record login failure")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Expired states are harmless leftovers: pruning them is best effort, outside the
	// transaction so that it never holds up, or deadlocks with, a concurrent login.
	s.db.WithContext(ctx).Where("expires_at < ?", now).Delete(&throttleRow{})
	return nil
}

// clearPair forgets the failures of a pair after a successful login.
func (s *Store) clearPair(ctx context.Context, username, addr string) error {
	pair, _ := throttleKeys(username, addr)
	return s.db.WithContext(ctx).Where("key_hash = ?", pair).Delete(&throttleRow{}).Error
}
