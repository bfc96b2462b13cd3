package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam/throttle"
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
	writes  *batcher          // starts and saves, group-committed
	codes   *throttle.Limiter // guesses at assignments' access codes
	// sessions gives the condition that proves a writer's session live; nil: no save
	// names a session.
	sessions Sessions

	mu       sync.Mutex
	refresh  sync.Mutex              // held while one request rechecks a bank for all
	banks    map[int64]*bankSnapshot // by center
	versions map[content.Ref]*content.Question
	heads    *lru[int64, *attemptHead] // open attempts' heads, bounded by bytes
	plans    map[planKey]*keptPlan     // the last draw plan per center and blueprint

	blueprints recent[string, ownedBlueprint]
	titleMap   recent[struct{}, map[string]string]
}

func newStore(g *gorm.DB, cs *content.Store, headBytes int64, sessions Sessions) *store {
	st := &store{db: g, content: cs, sessions: sessions,
		codes: throttle.New(g, "access_code_throttles", AccessCodePairRule, AccessCodeAddressRule, accessCodeThrottleMessage),
		banks: map[int64]*bankSnapshot{}, plans: map[planKey]*keptPlan{}, versions: map[content.Ref]*content.Question{}, heads: newLRU[int64, *attemptHead](headBytes)}
	st.writes = newBatcher(g, st.saveAll)
	return st
}

type bankSnapshot struct {
	revision  string
	checkedAt time.Time
	questions []content.Question
}

// attemptHead is the immutable part of an attempt that every save needs.
type attemptHead struct {
	candidateID int64
	mode        Mode
	paper       Paper
	caseParts   map[int64]int
}

// DefaultHeadCacheBytes bounds the attempt heads a server keeps: about 6,000 open
// L2-theory attempts (measured: a head of 200 questions holds about 19 KB of heap for
// 11 KB of paper JSON). Past it the least recently saved-to go first and are read again
// on their next save.
const DefaultHeadCacheBytes = 128 << 20

// headCost estimates the memory a head takes from the size of its paper's JSON: the
// decoded paper holds the same ids and keys with slice and string headers, about twice
// the JSON (see DefaultHeadCacheBytes), plus its case-part map.
func headCost(paperJSON int, caseParts int) int64 {
	return int64(2*paperJSON + 64*caseParts + 512)
}

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

type planKey struct {
	center int64
	code   string
}

// keptPlan is a draw plan with the bank and the blueprint it was made from.
type keptPlan struct {
	bank []content.Question
	bp   Blueprint
	plan *drawPlan
}

// plan returns the draw plan of bp from center's bank, made once for all the starts that
// draw from the same bank snapshot (bank returns the same slice until the bank's revision
// changes) and the same blueprint: a bank or blueprint that changed, on this server or
// another, is seen by bank and Blueprint as before and makes a new plan.
func (st *store) plan(center int64, bank []content.Question, bp *Blueprint) (*drawPlan, error) {
	key := planKey{center, bp.Code}
	st.mu.Lock()
	kept := st.plans[key]
	st.mu.Unlock()
	if kept != nil && sameSlice(kept.bank, bank) && reflect.DeepEqual(&kept.bp, bp) {
		return kept.plan, nil
	}
	p, err := newDrawPlan(bank, *bp)
	if err != nil {
		return nil, err
	}
	st.mu.Lock()
	st.plans[key] = &keptPlan{bank: bank, bp: *bp, plan: p}
	st.mu.Unlock()
	return p, nil
}

// sameSlice reports whether a and b are the same slice, not merely equal ones.
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
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

// head returns the immutable part of the candidate's attempt id, from the cache where it
// can; ErrNotFound for no such attempt or another candidate's, so no request can fill the
// cache with papers it may not use. Only open attempts are kept: a closed one's head is
// returned (the save's statement refuses it) but not cached.
func (st *store) head(ctx context.Context, id, candidate int64) (*attemptHead, error) {
	if h, ok := st.heads.get(id); ok {
		if h.candidateID != candidate {
			return nil, notFound()
		}
		return h, nil
	}
	var row attemptRow
	err := st.db.WithContext(ctx).Select("id, candidate_id, status, mode, paper").
		Where("id = ? AND candidate_id = ?", id, candidate).Take(&row).Error
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
	h, err := st.newHead(ctx, candidate, Mode(row.Mode), paper)
	if err != nil {
		return nil, err
	}
	if Status(row.Status) == InProgress {
		st.heads.put(id, h, headCost(len(row.Paper), len(h.caseParts)))
	}
	return h, nil
}

// remember caches the head of the new open attempt id, whose paper's JSON is paperJSON
// bytes long.
func (st *store) remember(ctx context.Context, id, candidate int64, mode Mode, paper Paper, paperJSON int) error {
	h, err := st.newHead(ctx, candidate, mode, paper)
	if err != nil {
		return err
	}
	st.heads.put(id, h, headCost(paperJSON, len(h.caseParts)))
	return nil
}

// forget drops attempt id's head: it has closed.
func (st *store) forget(id int64) { st.heads.remove(id) }

func (st *store) newHead(ctx context.Context, candidate int64, mode Mode, paper Paper) (*attemptHead, error) {
	h := &attemptHead{candidateID: candidate, mode: mode, paper: paper, caseParts: map[int64]int{}}
	// Saves need the number of parts of each case (CheckAnswer): only case sections hold
	// cases, and a paper of choice questions (every start of L2-theory) looks up none.
	var cases Paper
	for _, sec := range paper.Sections {
		if sec.Type == content.Case {
			cases.Sections = append(cases.Sections, sec)
		}
	}
	qs, err := st.questions(ctx, &cases)
	if err != nil {
		return nil, err
	}
	for r, q := range qs {
		h.caseParts[r.ID] = len(q.Parts)
	}
	return h, nil
}

// CacheSizes are the entries and estimated bytes of the exam engine's caches on this
// server, for monitoring.
type CacheSizes struct {
	Heads, HeadBytes int64
	QuestionVersions int64
	BankSnapshots    int64
}

func (st *store) cacheSizes() CacheSizes {
	n, b := st.heads.size()
	st.mu.Lock()
	defer st.mu.Unlock()
	return CacheSizes{Heads: int64(n), HeadBytes: b, QuestionVersions: int64(len(st.versions)), BankSnapshots: int64(len(st.banks))}
}
