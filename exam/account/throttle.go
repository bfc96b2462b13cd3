package account

import (
	"context"
	"math"
	"net/netip"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrTooManyAttempts refuses a login while its client must wait; the error's cause is a
// *ThrottledError that says how long.
var ErrTooManyAttempts = errs.TooManyRequests

// ThrottledError is why a login was refused before its password was checked: its
// client must wait RetryAfter.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string { return "retry after " + e.RetryAfter.String() }

// throttled is the error a blocked login returns: the user reads how long to wait.
func throttled(wait time.Duration) error {
	return errs.Wrap(errs.TooManyRequests, &ThrottledError{RetryAfter: wait},
		"登录失败次数过多，请 %d 秒后再试", int(math.Ceil(wait.Seconds())))
}

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
// logging in from an address that has not been failing, gets in at once.
//
// Each client address also has a cap over all usernames, against one address spraying
// many accounts. A capped address must not lock out a classroom behind one NAT address,
// so the cap refuses only pairs that are failing from it (some failure within the
// window): a username with no recent failure from the address still gets its password
// checked, and logs in if it is right. The trade-off: while the address is capped, a
// sprayer gets one checked guess per username per window (instead of PairRule.Free and
// more), so the cap slows spraying without stopping it; and a candidate who mistypes
// once while their classroom is capped waits until the cap or their failure expires.
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

// failing reports whether t holds a failure still within the window at now.
func (r ThrottleRule) failing(t throttle, now time.Time) bool {
	return t.Failures > 0 && now.Sub(t.LastFailure) < r.Window
}

// delay is how long the over-th failure past the free ones blocks.
func (r ThrottleRule) delay(over int) time.Duration {
	if over >= 31 {
		return r.MaxDelay
	}
	return min(r.BaseDelay<<(over-1), r.MaxDelay)
}

// fail is the state after one more failure at now.
func (r ThrottleRule) fail(t throttle, now time.Time) throttle {
	if !r.failing(t, now) {
		t.Failures = 0
	}
	t.Failures++
	t.LastFailure = now
	if over := t.Failures - r.Free; over > 0 {
		t.BlockedUntil = now.Add(r.delay(over))
	}
	return t
}

// forgive takes back one failure that turned out to be a success: the block is what
// the remaining failures would have set at the last failure.
func (r ThrottleRule) forgive(t throttle) throttle {
	t.Failures = max(t.Failures-1, 0)
	t.BlockedUntil = longAgo
	if over := t.Failures - r.Free; over > 0 {
		t.BlockedUntil = t.LastFailure.Add(r.delay(over))
	}
	return t
}

// loginWait is how long a login must wait before its password may be checked, given
// its pair's and its address's states: the pair's own block, and the address's block
// only while the pair is failing too (see AddressRule), at most until that failure
// leaves the window.
func loginWait(pair, address throttle, now time.Time) time.Duration {
	wait := pair.BlockedUntil.Sub(now)
	if PairRule.failing(pair, now) {
		wait = max(wait, min(address.BlockedUntil.Sub(now), pair.LastFailure.Add(PairRule.Window).Sub(now)))
	}
	return max(wait, 0)
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
// their size whatever an attacker sends as username. An IPv6 client counts by its /64
// prefix, the block one site gets: otherwise its holder has endless fresh addresses.
func throttleKeys(username, addr string) (pair, address string) {
	if ip, err := netip.ParseAddr(addr); err == nil {
		ip = ip.Unmap()
		if ip.Is6() {
			prefix, _ := ip.WithZone("").Prefix(64)
			addr = prefix.String()
		} else {
			addr = ip.String()
		}
	}
	return TokenHash("pair\x00" + addr + "\x00" + username), TokenHash("addr\x00" + addr)
}

// reserveAttempt admits a login to have its password checked, or refuses it with a
// *ThrottledError. An admitted login counts as a failure of its pair at once, in the same
// transaction that read the pair, so that guesses at one username sent together cannot
// all pass before the first of them is counted; settleSuccess takes it back. The
// address's count is only read here and grows when a password turns out wrong
// (settleFailure): a classroom behind one address would otherwise write that one row
// twice per login, which a Galera cluster certifies as a conflict between every two
// logins on different nodes. A burst spraying many usernames at once is therefore capped
// after its failures are counted rather than before.
func (s *Store) reserveAttempt(ctx context.Context, username, addr string, now time.Time) error {
	pair, address := throttleKeys(username, addr)
	g := s.db.WithContext(ctx)
	if err := placeThrottle(ctx, g, pair, now); err != nil {
		return err
	}
	err := db.Transaction(g, func(tx *gorm.DB) error {
		states := map[string]throttle{pair: {LastFailure: longAgo, BlockedUntil: longAgo}, address: {LastFailure: longAgo, BlockedUntil: longAgo}}
		var rows []throttleRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("key_hash = ?", pair).Find(&rows).Error; err != nil {
			return wrapf(err, "reserve login attempt")
		}
		var addrRows []throttleRow
		if err := tx.Where("key_hash = ?", address).Find(&addrRows).Error; err != nil {
			return wrapf(err, "reserve login attempt")
		}
		for _, r := range append(rows, addrRows...) {
			states[r.KeyHash] = throttle{Failures: r.Failures, LastFailure: r.LastFailure, BlockedUntil: r.BlockedUntil}
		}
		if wait := loginWait(states[pair], states[address], now); wait > 0 {
			return throttled(wait)
		}
		return saveThrottle(tx, pair, PairRule, PairRule.fail(states[pair], now))
	})
	if err != nil {
		return err
	}
	// Expired states are harmless leftovers: pruning them is best effort, outside the
	// transaction so that it never holds up, or deadlocks with, a concurrent login.
	g.Where("expires_at < ?", now).Delete(&throttleRow{})
	return nil
}

// placeThrottle makes sure key has a row before a transaction locks it: inserting inside
// it would let concurrent inserts of one new key deadlock on MySQL. The placeholder
// outlives the moment so that another server's pruning, on a clock a little ahead,
// leaves it.
func placeThrottle(ctx context.Context, g *gorm.DB, key string, now time.Time) error {
	placeholder := throttleRow{KeyHash: key, LastFailure: longAgo, BlockedUntil: longAgo, ExpiresAt: now.Add(time.Minute)}
	if err := db.Retry(ctx, func() error { return g.Clauses(clause.OnConflict{DoNothing: true}).Create(&placeholder).Error }); err != nil {
		return wrapf(err, "reserve login attempt")
	}
	return nil
}

// settleFailure counts a wrong password against the login's address.
func (s *Store) settleFailure(ctx context.Context, addr string, now time.Time) error {
	_, address := throttleKeys("", addr)
	g := s.db.WithContext(ctx)
	if err := placeThrottle(ctx, g, address, now); err != nil {
		return err
	}
	return db.Transaction(g, func(tx *gorm.DB) error {
		var row throttleRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("key_hash = ?", address).Take(&row).Error; err != nil {
			return wrapf(err, "record login failure")
		}
		return saveThrottle(tx, address, AddressRule, AddressRule.fail(throttle{Failures: row.Failures, LastFailure: row.LastFailure, BlockedUntil: row.BlockedUntil}, now))
	})
}

func saveThrottle(tx *gorm.DB, key string, rule ThrottleRule, t throttle) error {
	row := throttleRow{KeyHash: key, Failures: t.Failures, LastFailure: t.LastFailure, BlockedUntil: t.BlockedUntil, ExpiresAt: rule.expires(t)}
	if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
		return wrapf(err, "record login attempt")
	}
	return nil
}

// settleSuccess undoes what reserveAttempt counted for a login that succeeded: its
// pair forgets all failures.
func (s *Store) settleSuccess(ctx context.Context, username, addr string) error {
	pair, _ := throttleKeys(username, addr)
	g := s.db.WithContext(ctx)
	if err := db.Retry(ctx, func() error { return g.Where("key_hash = ?", pair).Delete(&throttleRow{}).Error }); err != nil {
		return wrapf(err, "clear login throttle")
	}
	return nil
}
