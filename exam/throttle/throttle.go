// Package throttle slows down guessing: of a password at login, of an exam's access code
// at its start. Failures count per pair (who is guessing what, from which address) and
// per client address, in a table every server on the database shares, so a guesser
// gains nothing by spreading guesses over servers. It sits beneath exam, beside account,
// so that exam and its account package use one throttle without importing each other.
package throttle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/netip"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Error is why a guess was refused before it was checked: its client must wait RetryAfter.
// It is the cause of an errs.TooManyRequests error, whose message says how long.
type Error struct {
	RetryAfter time.Duration
}

func (e *Error) Error() string { return "retry after " + e.RetryAfter.String() }

// Rule is one limit on failures: Free failures are forgiven; each further one (until
// Window passes without a failure) blocks the key for a delay that doubles from BaseDelay
// up to MaxDelay.
type Rule struct {
	Free      int
	Window    time.Duration
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// state is what a key remembers.
type state struct {
	Failures     int
	LastFailure  time.Time
	BlockedUntil time.Time
}

// longAgo stands for "never" in columns MySQL will not hold a zero time in.
var longAgo = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

var fresh = state{LastFailure: longAgo, BlockedUntil: longAgo}

// failing reports whether t holds a failure still within the window at now.
func (r Rule) failing(t state, now time.Time) bool {
	return t.Failures > 0 && now.Sub(t.LastFailure) < r.Window
}

// delay is how long the over-th failure past the free ones blocks.
func (r Rule) delay(over int) time.Duration {
	if over >= 31 {
		return r.MaxDelay
	}
	return min(r.BaseDelay<<(over-1), r.MaxDelay)
}

// fail is the state after one more failure at now.
func (r Rule) fail(t state, now time.Time) state {
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

// expires is when the state no longer matters.
func (r Rule) expires(t state) time.Time {
	end := t.LastFailure.Add(r.Window)
	if t.BlockedUntil.After(end) {
		return t.BlockedUntil
	}
	return end
}

// Keys are the hashed keys of one guess: its pair's and its address's. Hashing bounds
// their size whatever an attacker sends.
type Keys struct {
	Pair, Address string
}

// KeysOf are the keys of a guess at subject (a username; an assignment and candidate)
// from client address addr. An IPv6 client counts by its /64 prefix, the block one site
// gets: otherwise its holder has endless fresh addresses.
func KeysOf(subject, addr string) Keys {
	if ip, err := netip.ParseAddr(addr); err == nil {
		ip = ip.Unmap()
		if ip.Is6() {
			prefix, _ := ip.WithZone("").Prefix(64)
			addr = prefix.String()
		} else {
			addr = ip.String()
		}
	}
	return Keys{Pair: hash("pair\x00" + addr + "\x00" + subject), Address: hash("addr\x00" + addr)}
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Limiter throttles one kind of guess, in its own table (columns key_hash, failures,
// last_failure, blocked_until, expires_at; see the migrations that create them).
//
// Failures count per pair, so an attacker guessing slows only themselves: the rightful
// user, coming from an address that has not been failing, gets in at once. Each address
// also has a cap over all pairs, against one address spraying many. A capped address must
// not lock out a classroom behind one NAT address, so the cap refuses only pairs that are
// failing from it (some failure within the pair's window): a pair with no recent failure
// from the address is still checked, and gets in if it is right. The trade-off: while the
// address is capped, a sprayer gets one checked guess per pair per window (instead of
// Pair.Free and more), so the cap slows spraying without stopping it; and a user who
// mistypes once while their classroom is capped waits until the cap or their failure
// expires.
//
// A guess goes Reserve, then the caller's check, then Fail or Succeed.
type Limiter struct {
	db            *gorm.DB
	table         string
	pair, address Rule
	message       string // the refusal, with a %s for how long to wait
}

// New is a limiter over table in g under the two rules. message is what a refused user
// reads, with one %s for how long they must wait ("5 秒", "2 分 8 秒").
func New(g *gorm.DB, table string, pair, address Rule, message string) *Limiter {
	return &Limiter{db: g, table: table, pair: pair, address: address, message: message}
}

// refuse is the error a guess that must wait returns.
func (l *Limiter) refuse(wait time.Duration) error {
	return errs.Wrap(errs.TooManyRequests, &Error{RetryAfter: wait}, l.message, Duration(wait))
}

// Duration says a wait in the user's words, rounded up to the second: "5 秒", "2 分钟",
// "2 分 8 秒".
func Duration(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	switch {
	case s < 60:
		return fmt.Sprintf("%d 秒", s)
	case s%60 == 0:
		return fmt.Sprintf("%d 分钟", s/60)
	default:
		return fmt.Sprintf("%d 分 %d 秒", s/60, s%60)
	}
}

// wait is how long a guess must wait before it may be checked, given its pair's and its
// address's states: the pair's own block, and the address's block only while the pair is
// failing too, at most until that failure leaves the window.
func (l *Limiter) wait(pair, address state, now time.Time) time.Duration {
	wait := pair.BlockedUntil.Sub(now)
	if l.pair.failing(pair, now) {
		wait = max(wait, min(address.BlockedUntil.Sub(now), pair.LastFailure.Add(l.pair.Window).Sub(now)))
	}
	return max(wait, 0)
}

type row struct {
	KeyHash      string `gorm:"primaryKey"`
	Failures     int
	LastFailure  time.Time
	BlockedUntil time.Time
	ExpiresAt    time.Time
}

func (r row) state() state {
	return state{Failures: r.Failures, LastFailure: r.LastFailure, BlockedUntil: r.BlockedUntil}
}

// Reserve admits a guess to be checked, or refuses it with an errs.TooManyRequests error
// whose cause is an *Error. An admitted guess counts as a failure of its pair at once, in
// the same transaction that read the pair, so that guesses sent together cannot all pass
// before the first of them is counted; Succeed takes it back. The address's count is only
// read here and grows when a guess turns out wrong (Fail): a classroom behind one address
// would otherwise write that one row on every guess, right or wrong, which a Galera
// cluster certifies as a conflict between every two guesses on different nodes. A burst
// spraying many pairs at once is therefore capped after its failures are counted rather
// than before.
func (l *Limiter) Reserve(ctx context.Context, k Keys, now time.Time) error {
	g := l.db.WithContext(ctx)
	if err := l.place(ctx, g, k.Pair, now); err != nil {
		return err
	}
	err := db.Transaction(g, func(tx *gorm.DB) error {
		pair, address := fresh, fresh
		var pairRows, addressRows []row
		if err := tx.Table(l.table).Clauses(clause.Locking{Strength: "UPDATE"}).Where("key_hash = ?", k.Pair).Find(&pairRows).Error; err != nil {
			return fmt.Errorf("reserve a guess: %w", err)
		}
		if err := tx.Table(l.table).Where("key_hash = ?", k.Address).Find(&addressRows).Error; err != nil {
			return fmt.Errorf("reserve a guess: %w", err)
		}
		for _, r := range pairRows {
			pair = r.state()
		}
		for _, r := range addressRows {
			address = r.state()
		}
		if wait := l.wait(pair, address, now); wait > 0 {
			return l.refuse(wait)
		}
		return l.save(tx, k.Pair, l.pair, l.pair.fail(pair, now))
	})
	return err
}

// Prune deletes the states that expired before now, returning how many. Expired states
// are harmless leftovers, so pruning runs apart from the guesses (every server's periodic
// jobs): a range delete in every guess locked, under InnoDB's repeatable read, the index
// gap where other guesses insert their rows, and a class logging in at once queued
// behind it.
func (l *Limiter) Prune(ctx context.Context, now time.Time) (int64, error) {
	res := l.db.WithContext(ctx).Table(l.table).Where("expires_at < ?", now).Delete(&row{})
	if res.Error != nil {
		return 0, fmt.Errorf("prune %s: %w", l.table, res.Error)
	}
	return res.RowsAffected, nil
}

// place makes sure key has a row before a transaction locks it: inserting inside it would
// let concurrent inserts of one new key deadlock on MySQL. The placeholder outlives the
// moment so that another server's pruning, on a clock a little ahead, leaves it.
func (l *Limiter) place(ctx context.Context, g *gorm.DB, key string, now time.Time) error {
	placeholder := row{KeyHash: key, LastFailure: longAgo, BlockedUntil: longAgo, ExpiresAt: now.Add(time.Minute)}
	if err := db.Retry(ctx, func() error {
		return g.Table(l.table).Clauses(clause.OnConflict{DoNothing: true}).Create(&placeholder).Error
	}); err != nil {
		return fmt.Errorf("reserve a guess: %w", err)
	}
	return nil
}

// Fail counts a wrong guess against its address (Reserve counted it against its pair).
func (l *Limiter) Fail(ctx context.Context, k Keys, now time.Time) error {
	g := l.db.WithContext(ctx)
	if err := l.place(ctx, g, k.Address, now); err != nil {
		return err
	}
	return db.Transaction(g, func(tx *gorm.DB) error {
		var r row
		if err := tx.Table(l.table).Clauses(clause.Locking{Strength: "UPDATE"}).Where("key_hash = ?", k.Address).Take(&r).Error; err != nil {
			return fmt.Errorf("record a wrong guess: %w", err)
		}
		return l.save(tx, k.Address, l.address, l.address.fail(r.state(), now))
	})
}

func (l *Limiter) save(tx *gorm.DB, key string, rule Rule, t state) error {
	r := row{KeyHash: key, Failures: t.Failures, LastFailure: t.LastFailure, BlockedUntil: t.BlockedUntil, ExpiresAt: rule.expires(t)}
	if err := tx.Table(l.table).Clauses(clause.OnConflict{UpdateAll: true}).Create(&r).Error; err != nil {
		return fmt.Errorf("record a guess: %w", err)
	}
	return nil
}

// Succeed undoes what Reserve counted for a guess that was right: its pair forgets all
// its failures.
func (l *Limiter) Succeed(ctx context.Context, k Keys) error {
	g := l.db.WithContext(ctx)
	if err := db.Retry(ctx, func() error { return g.Table(l.table).Where("key_hash = ?", k.Pair).Delete(&row{}).Error }); err != nil {
		return fmt.Errorf("clear a throttle: %w", err)
	}
	return nil
}
