package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/csmexam/csmexam/content"
	"gorm.io/gorm"
)

// store owns exam's storage: the rows and their SQL (here and in blueprint_store.go,
// attempt_store.go, assignment_store.go), group commit (batch.go), and the caches of
// what changes rarely or never: bank snapshots, question versions, attempt heads,
// blueprints and syllabus titles. It holds no rules and reads no clock: callers pass
// now. The caches are bounded and keyed so that a lookup answers only what the caller
// may see (blueprints carry their center; heads their candidate).
type store struct {
	db      *gorm.DB
	content *content.Store
	writes  *batcher // starts and saves, group-committed

	mu       sync.Mutex
	refresh  sync.Mutex              // held while one request rechecks a bank for all
	banks    map[int64]*bankSnapshot // by center
	versions map[content.Ref]*content.Question
	heads    map[int64]*attemptHead

	blueprints recent[string, ownedBlueprint]
	titleMap   recent[struct{}, map[string]string]
}

func newStore(g *gorm.DB, cs *content.Store) *store {
	return &store{db: g, content: cs, writes: newBatcher(g),
		banks: map[int64]*bankSnapshot{}, versions: map[content.Ref]*content.Question{}, heads: map[int64]*attemptHead{}}
}

type bankSnapshot struct {
	revision  string
	checkedAt time.Time
	questions []content.Question
}

// attemptHead is the immutable part of an attempt that every save needs.
type attemptHead struct {
	candidateID int64
	paper       Paper
	caseParts   map[int64]int
}

// maxHeads bounds the heads kept: a day's worth of exams; past it the cache is dropped
// and refilled rather than grown.
const maxHeads = 50000

// bankRecheck is how stale a bank snapshot may grow before its revision is checked: an
// edited question reaches new papers within this time on every server.
const bankRecheck = 2 * time.Second

// bank returns the questions a center's papers draw from at now: the bundled bank and
// its own.
func (st *store) bank(ctx context.Context, center int64, now time.Time) ([]content.Question, error) {
	fresh := func() *bankSnapshot {
		st.mu.Lock()
		defer st.mu.Unlock()
		if snap := st.banks[center]; snap != nil && now.Sub(snap.checkedAt) < bankRecheck {
			return snap
		}
		return nil
	}
	if snap := fresh(); snap != nil {
		return snap.questions, nil
	}
	// One request rechecks; the others of a wave of starts wait for its answer instead
	// of each reading the revision, or the whole bank, at once.
	st.refresh.Lock()
	defer st.refresh.Unlock()
	if snap := fresh(); snap != nil {
		return snap.questions, nil
	}
	st.mu.Lock()
	snap := st.banks[center]
	st.mu.Unlock()
	rev, err := st.content.BankRevision(ctx)
	if err != nil {
		return nil, err
	}
	if snap == nil || snap.revision != rev {
		qs, err := st.content.Bank(ctx, []int64{0, center})
		if err != nil {
			return nil, err
		}
		snap = &bankSnapshot{revision: rev, questions: qs}
		// The bank holds the current version of each question: every new paper's.
		st.mu.Lock()
		for i := range qs {
			st.versions[content.Ref{ID: qs[i].ID, Version: qs[i].Version}] = &qs[i]
		}
		st.mu.Unlock()
	}
	checked := *snap
	checked.checkedAt = now
	st.mu.Lock()
	st.banks[center] = &checked
	st.mu.Unlock()
	return checked.questions, nil
}

// questions returns the paper's question versions, from the cache where it can.
func (st *store) questions(ctx context.Context, p *Paper) (map[content.Ref]*content.Question, error) {
	refs := p.Refs()
	out := make(map[content.Ref]*content.Question, len(refs))
	var missing []content.Ref
	st.mu.Lock()
	for _, r := range refs {
		if q := st.versions[r]; q != nil {
			out[r] = q
		} else {
			missing = append(missing, r)
		}
	}
	st.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := st.content.Versions(ctx, missing)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	for r, q := range loaded {
		st.versions[r] = q
		out[r] = q
	}
	st.mu.Unlock()
	return out, nil
}

// titles maps syllabus codes to titles, for result subtotals. Callers must not change it.
func (st *store) titles(ctx context.Context, now time.Time) (map[string]string, error) {
	if titles, ok := st.titleMap.get(struct{}{}, now); ok {
		return titles, nil
	}
	nodes, err := st.content.Syllabus(ctx)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(nodes))
	for _, n := range nodes {
		titles[n.Code] = n.Title
	}
	st.titleMap.put(struct{}{}, titles, now)
	return titles, nil
}

// head returns the immutable part of attempt id, from the cache where it can;
// ErrNotFound for no such attempt. Whose it is, the caller checks.
func (st *store) head(ctx context.Context, id int64) (*attemptHead, error) {
	st.mu.Lock()
	h := st.heads[id]
	st.mu.Unlock()
	if h != nil {
		return h, nil
	}
	var row attemptRow
	err := st.db.WithContext(ctx).Select("id, candidate_id, paper").Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	var paper Paper
	if err := json.Unmarshal([]byte(row.Paper), &paper); err != nil {
		return nil, fmt.Errorf("attempt %d: paper: %w", id, err)
	}
	return st.remember(ctx, id, row.CandidateID, paper)
}

// remember caches the head of attempt id.
func (st *store) remember(ctx context.Context, id, candidate int64, paper Paper) (*attemptHead, error) {
	h := &attemptHead{candidateID: candidate, paper: paper, caseParts: map[int64]int{}}
	qs, err := st.questions(ctx, &h.paper)
	if err != nil {
		return nil, err
	}
	for r, q := range qs {
		if q.Type == content.Case {
			h.caseParts[r.ID] = len(q.Parts)
		}
	}
	st.mu.Lock()
	if len(st.heads) > maxHeads {
		clear(st.heads)
	}
	st.heads[id] = h
	st.mu.Unlock()
	return h, nil
}
