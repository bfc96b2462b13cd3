package account

import (
	"context"
	"time"

	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/throttle"
)

// ErrTooManyAttempts refuses a login while its client must wait; the error's cause is a
// *throttle.Error that says how long.
var ErrTooManyAttempts = errs.TooManyRequests

// The login throttling policy (see throttle.Limiter). Failures count per (username,
// client address) pair, so an attacker guessing a candidate's password slows only
// themselves; each client address also has a cap over all usernames, which refuses only
// usernames that are failing from it, so that a capped address does not lock out a
// classroom behind one NAT address.
var (
	PairRule    = throttle.Rule{Free: 5, Window: 15 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: 15 * time.Minute}
	AddressRule = throttle.Rule{Free: 30, Window: 15 * time.Minute, BaseDelay: 2 * time.Second, MaxDelay: 15 * time.Minute}
)

// loginThrottleMessage is what a throttled login reads, with how long to wait.
const loginThrottleMessage = "登录失败次数过多，请 %s后再试"

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

// PruneThrottles deletes the login throttle states that have expired, returning how many.
// Every server runs it now and then; logins leave expired states alone (throttle.Limiter.Prune).
func (s *Store) PruneThrottles(ctx context.Context) (int64, error) {
	return s.logins.Prune(ctx, s.now().UTC())
}
