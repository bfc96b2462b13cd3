package exam

import (
	"context"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
)

// Service holds the rules of blueprints, attempts and assignments, and the clock they
// read; its store keeps the rows, the SQL, group commit and caches of immutable things
// (question versions, papers) and a bank snapshot it revalidates, so several servers can
// share one database. One file holds each use case: attempt_lifecycle.go (start, save,
// submit, extend), assignment.go, practice.go, sweeper.go, rescore.go, review_queue.go,
// results.go, blueprint_catalog.go.
type Service struct {
	store    *store
	now      func() time.Time
	seed     func() int64
	grade    Grader
	cohorts  Cohorts
	sessions Sessions
}

// Cohorts tells which cohorts a candidate belongs to; account's store does.
type Cohorts interface {
	CohortsOf(ctx context.Context, candidate int64) ([]int64, error)
}

// Sessions gives the condition a save proves its writer's session live with, inside the
// save's own statement; account's store does.
type Sessions interface {
	// LiveSession is an SQL condition over three SQL expressions (columns of the save's
	// statement, or placeholders), true while the session whose token hash is tokenHash
	// belongs to user and has not expired at now.
	LiveSession(tokenHash, user, now string) string
}

// Deps is what the service takes besides its database and bank.
type Deps struct {
	Now   func() time.Time
	Seed  func() int64 // the seed of each new paper's draw
	Grade Grader       // grading.Grade
	// Cohorts are the candidates' cohorts, through which assignments reach them; nil: no
	// candidate is in any.
	Cohorts Cohorts
	// Sessions proves a writer's session live; a save that names a session needs it.
	Sessions Sessions
	// HeadCacheBytes bounds the cache of open attempts' heads; 0: DefaultHeadCacheBytes.
	HeadCacheBytes int64
	// ObserveBatch, when set, is told the size of each group-committed batch of starts and
	// saves and whether it committed whole (else each write ran again alone).
	ObserveBatch func(writes int, committed bool)
}

// NewService wires the exam engine over g, a migrated database, and cs, the bank.
func NewService(g *gorm.DB, cs *content.Store, d Deps) *Service {
	headBytes := d.HeadCacheBytes
	if headBytes <= 0 {
		headBytes = DefaultHeadCacheBytes
	}
	st := newStore(g, cs, headBytes, d.Sessions)
	st.writes.observe = d.ObserveBatch
	return &Service{store: st, now: d.Now, seed: d.Seed, grade: d.Grade, cohorts: d.Cohorts, sessions: d.Sessions}
}

// QueueDepth is how many starts and saves wait for a group commit on this server now.
func (s *Service) QueueDepth() int { return s.store.writes.depth() }

// CacheSizes reports the sizes of the engine's caches on this server.
func (s *Service) CacheSizes() CacheSizes { return s.store.cacheSizes() }

// Now is the service's clock reading, in UTC: the server time clients count down from.
func (s *Service) Now() time.Time { return s.now().UTC() }

// Titles maps syllabus codes to titles, for result subtotals. Callers must not change it.
func (s *Service) Titles(ctx context.Context) (map[string]string, error) {
	return s.store.titles(ctx, s.now())
}

// cohortsOf are the cohorts candidate belongs to.
func (s *Service) cohortsOf(ctx context.Context, candidate int64) ([]int64, error) {
	if s.cohorts == nil {
		return nil, nil
	}
	return s.cohorts.CohortsOf(ctx, candidate)
}

// Viewer is who asks: attempts are visible to their candidate, and to the staff of the
// candidate's center.
type Viewer struct {
	UserID   int64
	CenterID int64
	Staff    bool
}

func (v Viewer) sees(a *Attempt) bool {
	return a.CandidateID == v.UserID || v.Staff && a.CenterID == v.CenterID
}

// member is the viewer as a candidate: staff start and see assignments as members too.
func (v Viewer) member() Viewer { return Viewer{UserID: v.UserID, CenterID: v.CenterID} }

// notFound names no id: a candidate reads this message, and ids are internal.
func notFound() error {
	return errs.New(errs.NotFound, "找不到这次作答（作答记录不存在或无权查看）")
}
