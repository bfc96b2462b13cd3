package account

import (
	"context"
	"sync"
	"time"
)

// LiveSession is an SQL condition for a write's own statement (exam's save takes it
// through exam.Sessions) over three SQL expressions of that statement (columns, or
// placeholders): true while the session whose token hash is tokenHash belongs to user
// and has not expired by now. Ending a session (logout, a disabled account, a password
// reset) deletes its row, so the condition fails at once on every server. Over columns,
// one statement proves the sessions of a whole batch of writes.
func (s *Store) LiveSession(tokenHash, user, now string) string {
	return "EXISTS (SELECT 1 FROM sessions WHERE token_hash = " + tokenHash + " AND user_id = " + user + " AND expires_at > " + now + ")"
}

// recallFor is how long this server remembers who a token was. It bounds nothing about
// safety (writes that use Recall prove the session live themselves); it is how often an
// exam's autosaves fall back to Authenticate, which extends the session's idle timeout.
const recallFor = 30 * time.Second

// recallMax bounds the memory: a day's worth of candidates; past it, it starts afresh.
const recallMax = 100_000

type recalled struct {
	user  *User
	until time.Time
}

// recollection is this server's short memory of checked sessions, by token hash.
type recollection struct {
	mu   sync.Mutex
	byID map[string]recalled
}

// Recall tells who a token belongs to, from this server's memory of sessions it checked
// in the last recallFor, else as Authenticate does (and remembers the answer). It vouches
// for who the token was, never that the session is still live: only a write whose own
// statement includes LiveSession (with TokenHash(token)) may rely on it.
func (s *Store) Recall(ctx context.Context, token string) (*User, error) {
	h := TokenHash(token)
	now := s.now()
	s.recall.mu.Lock()
	r, ok := s.recall.byID[h]
	s.recall.mu.Unlock()
	if ok && now.Before(r.until) {
		return r.user, nil
	}
	u, err := s.Authenticate(ctx, token)
	if err != nil {
		return nil, err
	}
	s.recall.mu.Lock()
	if s.recall.byID == nil || len(s.recall.byID) >= recallMax {
		s.recall.byID = map[string]recalled{}
	}
	s.recall.byID[h] = recalled{user: u, until: now.Add(recallFor)}
	s.recall.mu.Unlock()
	return u, nil
}

// Forget drops token from this server's memory, after a write found its session ended.
func (s *Store) Forget(token string) {
	s.recall.mu.Lock()
	delete(s.recall.byID, TokenHash(token))
	s.recall.mu.Unlock()
}
