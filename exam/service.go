package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/exam/account"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Service runs blueprints and attempts over the database. It keeps only caches of
// immutable things (question versions, papers) and a bank snapshot it revalidates, so
// several servers can share one database.
type Service struct {
	db      *gorm.DB
	content *content.Store
	now     func() time.Time
	grade   Grader

	mu       sync.Mutex
	refresh  sync.Mutex              // held while one request rechecks a bank for all
	banks    map[int64]*bankSnapshot // by center
	versions map[content.Ref]*content.Question
	papers   map[int64]*attemptHead

	writes     *batcher // starts and saves, group-committed
	blueprints recent[string, ownedBlueprint]
	titleMap   recent[struct{}, map[string]string]
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

// NewService wires the exam engine: g a migrated database, cs the bank, now the clock,
// grade the scorer (grading.Grade).
func NewService(g *gorm.DB, cs *content.Store, now func() time.Time, grade Grader) *Service {
	return &Service{db: g, content: cs, now: now, grade: grade, writes: newBatcher(g),
		banks: map[int64]*bankSnapshot{}, versions: map[content.Ref]*content.Question{}, papers: map[int64]*attemptHead{}}
}

// Now is the service's clock reading, in UTC: the server time clients count down from.
func (s *Service) Now() time.Time { return s.now().UTC() }

// bankRecheck is how stale a bank snapshot may grow before its revision is checked: an
// edited question reaches new papers within this time on every server.
const bankRecheck = 2 * time.Second

// bank returns the questions a center's papers draw from: the bundled bank and its own.
func (s *Service) bank(ctx context.Context, center int64) ([]content.Question, error) {
	now := s.now()
	fresh := func() *bankSnapshot {
		s.mu.Lock()
		defer s.mu.Unlock()
		if snap := s.banks[center]; snap != nil && now.Sub(snap.checkedAt) < bankRecheck {
			return snap
		}
		return nil
	}
	if snap := fresh(); snap != nil {
		return snap.questions, nil
	}
	// One request rechecks; the others of a wave of starts wait for its answer instead
	// of each reading the revision, or the whole bank, at once.
	s.refresh.Lock()
	defer s.refresh.Unlock()
	if snap := fresh(); snap != nil {
		return snap.questions, nil
	}
	s.mu.Lock()
	snap := s.banks[center]
	s.mu.Unlock()
	rev, err := s.content.BankRevision(ctx)
	if err != nil {
		return nil, err
	}
	if snap == nil || snap.revision != rev {
		qs, err := s.content.Bank(ctx, []int64{0, center})
		if err != nil {
			return nil, err
		}
		snap = &bankSnapshot{revision: rev, questions: qs}
		// The bank holds the current version of each question: every new paper's.
		s.mu.Lock()
		for i := range qs {
			s.versions[content.Ref{ID: qs[i].ID, Version: qs[i].Version}] = &qs[i]
		}
		s.mu.Unlock()
	}
	checked := *snap
	checked.checkedAt = now
	s.mu.Lock()
	s.banks[center] = &checked
	s.mu.Unlock()
	return checked.questions, nil
}

// questions returns the paper's question versions, from the cache where it can.
func (s *Service) questions(ctx context.Context, p *Paper) (map[content.Ref]*content.Question, error) {
	refs := p.Refs()
	out := make(map[content.Ref]*content.Question, len(refs))
	var missing []content.Ref
	s.mu.Lock()
	for _, r := range refs {
		if q := s.versions[r]; q != nil {
			out[r] = q
		} else {
			missing = append(missing, r)
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := s.content.Versions(ctx, missing)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	for r, q := range loaded {
		s.versions[r] = q
		out[r] = q
	}
	s.mu.Unlock()
	return out, nil
}

// ---- blueprints ----

type blueprintRow struct {
	Code      string `gorm:"primaryKey"`
	CenterID  int64
	Title     string
	Body      string
	Bundled   bool
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (blueprintRow) TableName() string { return "blueprints" }

func (r *blueprintRow) blueprint() (*Blueprint, error) {
	var bp Blueprint
	if err := json.Unmarshal([]byte(r.Body), &bp); err != nil {
		return nil, fmt.Errorf("blueprint %s: stored body: %w", r.Code, err)
	}
	return &bp, nil
}

// SyncBundled writes the bundled blueprints and one practice blueprint per chapter that
// the bundled bank can fill. It is idempotent.
func (s *Service) SyncBundled(ctx context.Context) error {
	bank, err := s.content.Bank(ctx, []int64{0})
	if err != nil {
		return err
	}
	nodes, err := s.content.Syllabus(ctx)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	bps := append(Bundled(), PracticeBlueprints(bank, nodes)...)
	rows := make([]blueprintRow, len(bps))
	for i := range bps {
		b, _ := json.Marshal(bps[i])
		rows[i] = blueprintRow{Code: bps[i].Code, Title: bps[i].Title, Body: string(b), Bundled: true, CreatedAt: now, UpdatedAt: now}
	}
	defer s.blueprints.clear()
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"title", "body", "updated_at"}),
	}).Create(&rows).Error
}

// Blueprints lists the blueprints a center sees: the bundled ones and its own.
func (s *Service) Blueprints(ctx context.Context, center int64) ([]Blueprint, error) {
	var rows []blueprintRow
	if err := s.db.WithContext(ctx).Where("center_id IN ?", []int64{0, center}).Order("bundled DESC, code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list blueprints: %w", err)
	}
	out := make([]Blueprint, 0, len(rows))
	for i := range rows {
		bp, err := rows[i].blueprint()
		if err != nil {
			return nil, err
		}
		out = append(out, *bp)
	}
	return out, nil
}

// ownedBlueprint is a parsed blueprint and the center that owns it (0: shared).
type ownedBlueprint struct {
	center int64
	bp     Blueprint
}

// Blueprint returns one blueprint visible to center; ErrNotFound otherwise.
func (s *Service) Blueprint(ctx context.Context, code string, center int64) (*Blueprint, error) {
	now := s.now()
	o, ok := s.blueprints.get(code, now)
	if !ok {
		var r blueprintRow
		err := s.db.WithContext(ctx).Where("code = ?", code).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("试卷蓝图 %s 不存在: %w", code, ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		bp, err := r.blueprint()
		if err != nil {
			return nil, err
		}
		o = ownedBlueprint{center: r.CenterID, bp: *bp}
		s.blueprints.put(code, o, now)
	}
	if o.center != 0 && o.center != center {
		return nil, fmt.Errorf("试卷蓝图 %s 不存在: %w", code, ErrNotFound)
	}
	bp := o.bp // callers may change their copy; the slices inside are never written
	return &bp, nil
}

// CreateBlueprint validates bp against the syllabus and stores it for center (0: shared).
// A taken code is ErrConflict; an invalid field a *content.ValidationError.
func (s *Service) CreateBlueprint(ctx context.Context, bp *Blueprint, center, by int64) error {
	bp.Normalize()
	if err := bp.Validate(); err != nil {
		return err
	}
	nodes, err := s.content.Syllabus(ctx)
	if err != nil {
		return err
	}
	codes := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		codes[n.Code] = true
	}
	if err := bp.CheckUnits(func(c string) bool { return codes[c] }); err != nil {
		return err
	}
	b, _ := json.Marshal(bp)
	now := s.now().UTC()
	err = s.db.WithContext(ctx).Create(&blueprintRow{Code: bp.Code, CenterID: center, Title: bp.Title, Body: string(b), CreatedBy: by, CreatedAt: now, UpdatedAt: now}).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return fmt.Errorf("试卷蓝图代码 %s 已被使用: %w", bp.Code, content.ErrConflict)
	}
	return err
}

// ---- attempts ----

type attemptRow struct {
	ID          int64 `gorm:"primaryKey"`
	CandidateID int64
	CenterID    int64
	Blueprint   string
	Mode        string
	Status      string
	OpenSlot    *string
	Rules       string
	Paper       string
	StartedAt   time.Time
	Deadline    *time.Time
	ClosesAt    *time.Time
	ExtensionS  int
	SubmittedAt *time.Time
	Score       int64
	Result      string
	UpdatedAt   time.Time
}

func (attemptRow) TableName() string { return "attempts" }

func (r *attemptRow) attempt() (*Attempt, error) {
	a := &Attempt{ID: r.ID, CandidateID: r.CandidateID, CenterID: r.CenterID, Mode: Mode(r.Mode), Status: Status(r.Status),
		StartedAt: r.StartedAt, Deadline: r.Deadline, ClosesAt: r.ClosesAt, ExtensionS: r.ExtensionS, SubmittedAt: r.SubmittedAt}
	if err := json.Unmarshal([]byte(r.Rules), &a.Rules); err != nil {
		return nil, fmt.Errorf("attempt %d: rules: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Paper), &a.Paper); err != nil {
		return nil, fmt.Errorf("attempt %d: paper: %w", r.ID, err)
	}
	res, err := r.attemptResult()
	a.Result = res
	return a, err
}

type answerRow struct {
	AttemptID  int64 `gorm:"primaryKey"`
	QuestionID int64 `gorm:"primaryKey"`
	Choice     string
	Text       string
	Seq        int64
	SavedAt    time.Time
}

func (answerRow) TableName() string { return "attempt_answers" }

func (r *answerRow) answer() Answer {
	a := Answer{QuestionID: r.QuestionID, Seq: r.Seq, SavedAt: r.SavedAt}
	if r.Choice != "" {
		a.Choice = strings.Split(r.Choice, ",")
	}
	if r.Text != "" {
		_ = json.Unmarshal([]byte(r.Text), &a.Parts)
	}
	return a
}

// Viewer is who asks: attempts are visible to their candidate, and to the staff of the
// candidate's center.
type Viewer struct {
	UserID   int64
	CenterID int64
	Staff    bool
}

func (v Viewer) sees(a *attemptRow) bool {
	return a.CandidateID == v.UserID || v.Staff && a.CenterID == v.CenterID
}

func notFound(id int64) error { return fmt.Errorf("作答 %d 不存在: %w", id, ErrNotFound) }

// Start opens an attempt of blueprint code for the viewer, or returns the viewer's open
// attempt of it (one open attempt per candidate per blueprint). mode "" takes the
// blueprint's. A blueprint whose attempts are used up is ErrConflict; a bank that cannot
// fill it, ErrBankShort.
func (s *Service) Start(ctx context.Context, v Viewer, code string, mode Mode) (*Attempt, error) {
	bp, err := s.Blueprint(ctx, code, v.CenterID)
	if err != nil {
		return nil, err
	}
	if mode == "" {
		mode = bp.Mode
	}
	if mode != ModeExam && mode != ModePractice {
		return nil, content.Invalid("mode", "mode 必须是 exam 或 practice")
	}
	slot := fmt.Sprintf("%d/%s", v.UserID, bp.Code)
	if a, err := s.openAttempt(ctx, slot); a != nil || err != nil {
		return a, err
	}
	if bp.AttemptsAllowed > 0 {
		var n int64
		if err := s.db.WithContext(ctx).Model(&attemptRow{}).Where("candidate_id = ? AND blueprint = ?", v.UserID, bp.Code).Count(&n).Error; err != nil {
			return nil, err
		}
		if n >= int64(bp.AttemptsAllowed) {
			return nil, fmt.Errorf("%s 最多可作答 %d 次，已用完: %w", bp.Title, bp.AttemptsAllowed, content.ErrConflict)
		}
	}
	bank, err := s.bank(ctx, v.CenterID)
	if err != nil {
		return nil, err
	}
	paper, err := Assemble(bank, *bp, rand.Int64())
	if err != nil {
		return nil, err
	}
	return s.insertAttempt(ctx, v, slot, bp, mode, paper)
}

// insertAttempt stores a new open attempt of paper in the viewer's slot, through the group
// commit. A slot taken meanwhile (a second tab started a moment ago) returns that attempt;
// one taken and freed again by a submit meanwhile is tried once more, as is an insert
// MySQL undid to break a deadlock with that submit.
func (s *Service) insertAttempt(ctx context.Context, v Viewer, slot string, bp *Blueprint, mode Mode, paper Paper) (*Attempt, error) {
	now := s.now().UTC().Truncate(time.Millisecond)
	deadline, closes := Clock(bp, mode, now, 0)
	rules, _ := json.Marshal(bp)
	pj, _ := json.Marshal(paper)
	row := attemptRow{CandidateID: v.UserID, CenterID: v.CenterID, Blueprint: bp.Code, Mode: string(mode), Status: string(InProgress),
		OpenSlot: &slot, Rules: string(rules), Paper: string(pj), StartedAt: now, Deadline: deadline, ClosesAt: closes, UpdatedAt: now}
	for tries := 1; ; tries++ {
		err := s.writes.do(ctx, func(tx *gorm.DB) error {
			row.ID = 0 // a write may run twice (see batcher): insert afresh
			return tx.Create(&row).Error
		})
		if err == nil {
			break
		}
		if errors.Is(err, gorm.ErrDuplicatedKey) || db.Deadlock(err) {
			if a, err := s.openAttempt(ctx, slot); a != nil || err != nil {
				return a, err
			}
			if tries < 3 {
				continue
			}
		}
		return nil, fmt.Errorf("start attempt: %w", err)
	}
	// The first saves of a class follow its starts: have the head ready for them. The
	// attempt exists whatever happens here; a head not kept is read on the first save.
	_, _ = s.remember(ctx, row.ID, v.UserID, paper)
	return &Attempt{ID: row.ID, CandidateID: v.UserID, CenterID: v.CenterID, Mode: mode, Status: InProgress,
		Rules: *bp, Paper: paper, StartedAt: now, Deadline: deadline, ClosesAt: closes}, nil
}

func (s *Service) openAttempt(ctx context.Context, slot string) (*Attempt, error) {
	var row attemptRow
	err := s.db.WithContext(ctx).Where("open_slot = ?", slot).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.attempt()
}

// Attempt returns an attempt the viewer may see; another's is ErrNotFound.
func (s *Service) Attempt(ctx context.Context, v Viewer, id int64) (*Attempt, error) {
	var row attemptRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && !v.sees(&row) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	return row.attempt()
}

// Attempts lists the viewer's own attempts, newest first.
func (s *Service) Attempts(ctx context.Context, v Viewer) ([]Attempt, error) {
	return s.find(ctx, s.db.WithContext(ctx).Where("candidate_id = ?", v.UserID).Order("id DESC").Limit(500))
}

// Answers returns an attempt's saved answers by question id.
func (s *Service) Answers(ctx context.Context, attemptID int64) (map[int64]Answer, error) {
	var rows []answerRow
	if err := s.db.WithContext(ctx).Where("attempt_id = ?", attemptID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]Answer, len(rows))
	for i := range rows {
		out[rows[i].QuestionID] = rows[i].answer()
	}
	return out, nil
}

// Questions returns the question versions of an attempt's paper.
func (s *Service) Questions(ctx context.Context, a *Attempt) (map[content.Ref]*content.Question, error) {
	return s.questions(ctx, &a.Paper)
}

// head returns the immutable part of an attempt for saving, checking ownership: only
// the candidate saves answers.
func (s *Service) head(ctx context.Context, candidate, id int64) (*attemptHead, error) {
	s.mu.Lock()
	h := s.papers[id]
	s.mu.Unlock()
	if h == nil {
		var row attemptRow
		err := s.db.WithContext(ctx).Select("id, candidate_id, paper").Where("id = ?", id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, notFound(id)
		}
		if err != nil {
			return nil, err
		}
		var paper Paper
		if err := json.Unmarshal([]byte(row.Paper), &paper); err != nil {
			return nil, fmt.Errorf("attempt %d: paper: %w", id, err)
		}
		if h, err = s.remember(ctx, id, row.CandidateID, paper); err != nil {
			return nil, err
		}
	}
	if h.candidateID != candidate {
		return nil, notFound(id)
	}
	return h, nil
}

// remember caches the head of attempt id.
func (s *Service) remember(ctx context.Context, id, candidate int64, paper Paper) (*attemptHead, error) {
	h := &attemptHead{candidateID: candidate, paper: paper, caseParts: map[int64]int{}}
	qs, err := s.questions(ctx, &h.paper)
	if err != nil {
		return nil, err
	}
	for r, q := range qs {
		if q.Type == content.Case {
			h.caseParts[r.ID] = len(q.Parts)
		}
	}
	s.mu.Lock()
	if len(s.papers) > 50000 { // a day's worth of exams; drop and refill rather than grow
		clear(s.papers)
	}
	s.papers[id] = h
	s.mu.Unlock()
	return h, nil
}

// Writer is who saves an answer: the candidate, and the token hash of the session the
// save proves live in its own statement. An empty Session means the caller checked the
// session against the database for this request already.
type Writer struct {
	Candidate int64
	Session   string
}

// Save stores one answer, stamped with the server's time. It is idempotent: the same
// answer with the same seq again changes nothing and returns the first time. With a seq,
// a write older than the stored one is ErrStaleWrite; without one, the last write wins.
// After the close of the attempt (deadline plus grace) or after submit it is
// ErrAttemptClosed and nothing is stored; when w's session has ended (logout, a disabled
// account) it is account.ErrUnauthorized and nothing is stored. A question not on the
// paper is ErrNotFound; a malformed answer a *content.ValidationError.
func (s *Service) Save(ctx context.Context, w Writer, attemptID, questionID int64, a Answer) (time.Time, error) {
	h, err := s.head(ctx, w.Candidate, attemptID)
	if err != nil {
		return time.Time{}, err
	}
	sec, it, ok := h.paper.ItemOf(questionID)
	if !ok {
		return time.Time{}, fmt.Errorf("题目 %d 不在本次作答中: %w", questionID, ErrNotFound)
	}
	if err := CheckAnswer(sec, it, h.caseParts[questionID], &a); err != nil {
		return time.Time{}, err
	}
	var text string
	if len(a.Parts) > 0 {
		b, _ := json.Marshal(a.Parts)
		text = string(b)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	args := []any{attemptID, questionID, strings.Join(a.Choice, ","), text, a.Seq, now, attemptID, now}
	if w.Session != "" {
		args = append(args, w.Session, w.Candidate, now)
	}
	query := s.saveSQL(a.Seq > 0, w.Session != "")
	var stored int64
	err = s.writes.do(ctx, func(tx *gorm.DB) error {
		res := tx.Exec(query, args...)
		stored = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("save answer: %w", err)
	}
	if stored > 0 {
		return now, nil
	}
	return s.explainUnsaved(ctx, w, attemptID, questionID, a.Seq, now)
}

// saveSQL is the one statement of a save: it inserts or updates the answer only while
// the attempt is open (and, withSession, while the writer's session is live), so a save
// racing a submit, the deadline or a logout can never land after it.
func (s *Service) saveSQL(withSeq, withSession bool) string {
	insert := `INSERT INTO attempt_answers (attempt_id, question_id, choice, text, seq, saved_at)
SELECT ?, ?, ?, ?, ?, ? FROM attempts WHERE id = ? AND status = 'in_progress' AND (closes_at IS NULL OR closes_at > ?)`
	if withSession {
		insert += " AND " + account.LiveSession
	}
	if db.DialectOf(s.db) == db.MySQL {
		if !withSeq {
			return insert + ` ON DUPLICATE KEY UPDATE choice = VALUES(choice), text = VALUES(text), saved_at = VALUES(saved_at)`
		}
		// MySQL assigns left to right: seq, which the test reads, goes last.
		const newer = "VALUES(seq) > seq"
		return insert + ` ON DUPLICATE KEY UPDATE
choice = IF(` + newer + `, VALUES(choice), choice), text = IF(` + newer + `, VALUES(text), text),
saved_at = IF(` + newer + `, VALUES(saved_at), saved_at), seq = IF(` + newer + `, VALUES(seq), seq)`
	}
	cond := ""
	if withSeq {
		cond = " WHERE excluded.seq > attempt_answers.seq"
	}
	return insert + ` ON CONFLICT (attempt_id, question_id) DO UPDATE SET
choice = excluded.choice, text = excluded.text, saved_at = excluded.saved_at, seq = MAX(excluded.seq, attempt_answers.seq)` + cond
}

// explainUnsaved tells why a save changed no row: the writer's session ended, the attempt
// closed, the write was stale, or it repeats the stored answer exactly (then it succeeded
// before).
func (s *Service) explainUnsaved(ctx context.Context, w Writer, attemptID, questionID, seq int64, now time.Time) (time.Time, error) {
	if w.Session != "" {
		var live int
		if err := s.db.WithContext(ctx).Raw("SELECT CASE WHEN "+account.LiveSession+" THEN 1 ELSE 0 END", w.Session, w.Candidate, now).Scan(&live).Error; err != nil {
			return time.Time{}, err
		}
		if live == 0 {
			return time.Time{}, fmt.Errorf("登录已失效，请重新登录，答案未保存: %w", account.ErrUnauthorized)
		}
	}
	var row attemptRow
	if err := s.db.WithContext(ctx).Select("id, status, closes_at").Where("id = ?", attemptID).Take(&row).Error; err != nil {
		return time.Time{}, err
	}
	a := Attempt{Status: Status(row.Status), ClosesAt: row.ClosesAt}
	if !a.Open(now) {
		return time.Time{}, ErrAttemptClosed
	}
	var ans answerRow
	if err := s.db.WithContext(ctx).Where("attempt_id = ? AND question_id = ?", attemptID, questionID).Take(&ans).Error; err != nil {
		return time.Time{}, err
	}
	if ans.Seq == seq {
		return ans.SavedAt, nil
	}
	return time.Time{}, ErrStaleWrite
}

// Submit closes the attempt and grades it; submitting again returns the same result.
// Only the candidate submits.
func (s *Service) Submit(ctx context.Context, candidate, id int64) (*Result, error) {
	return s.finalize(ctx, id, func(row *attemptRow) bool { return row.CandidateID == candidate })
}

// finalize grades an open attempt in one transaction, or returns the result it already
// has. allowed guards who may; a refused caller gets ErrNotFound. Under the abandon
// policy an attempt finalised after its close is abandoned, ungraded.
func (s *Service) finalize(ctx context.Context, id int64, allowed func(*attemptRow) bool) (*Result, error) {
	if s.grade == nil {
		return nil, errNoGrader
	}
	// Read what grading needs before the transaction, so the row lock is held briefly.
	var row attemptRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && !allowed(&row) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	a, err := row.attempt()
	if err != nil {
		return nil, err
	}
	if a.Status != InProgress {
		return a.Result, nil
	}
	qs, err := s.questions(ctx, &a.Paper)
	if err != nil {
		return nil, err
	}
	titles, err := s.titles(ctx)
	if err != nil {
		return nil, err
	}
	var out *Result
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur attemptRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id, status, result").Where("id = ?", id).Take(&cur).Error; err != nil {
			return err
		}
		if Status(cur.Status) != InProgress { // finalised by another request or server meanwhile
			done, err := cur.attemptResult()
			out = done
			return err
		}
		now := s.now().UTC().Truncate(time.Millisecond)
		a.SubmittedAt = &now
		var res Result
		if a.Rules.Overdue == OverdueAbandon && a.Overdue(now) {
			res = Result{Attempt: a.ID, Status: Abandoned, MaxScore: a.Rules.MaxScore, PassScore: a.Rules.PassScore,
				TimeUsedS: int64(now.Sub(a.StartedAt).Seconds())}
		} else {
			var rows []answerRow
			if err := tx.Where("attempt_id = ?", id).Find(&rows).Error; err != nil {
				return err
			}
			answers := make(map[int64]Answer, len(rows))
			for i := range rows {
				answers[rows[i].QuestionID] = rows[i].answer()
			}
			res = s.grade(GradeInput{Attempt: a, Questions: qs, Answers: answers, Titles: titles, Now: now})
		}
		rj, _ := json.Marshal(res)
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(map[string]any{
			"status": string(res.Status), "submitted_at": now, "open_slot": nil, "score": int64(res.Score), "result": string(rj), "updated_at": now}).Error; err != nil {
			return err
		}
		out = &res
		return nil
	})
	return out, err
}

func (r *attemptRow) attemptResult() (*Result, error) {
	if r.Result == "" {
		return nil, nil
	}
	var res Result
	if err := json.Unmarshal([]byte(r.Result), &res); err != nil {
		return nil, fmt.Errorf("attempt %d: result: %w", r.ID, err)
	}
	return &res, nil
}

// titles maps syllabus codes to titles, for result subtotals. Callers must not change it.
func (s *Service) titles(ctx context.Context) (map[string]string, error) {
	now := s.now()
	if titles, ok := s.titleMap.get(struct{}{}, now); ok {
		return titles, nil
	}
	nodes, err := s.content.Syllabus(ctx)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(nodes))
	for _, n := range nodes {
		titles[n.Code] = n.Title
	}
	s.titleMap.put(struct{}{}, titles, now)
	return titles, nil
}

// Sweep finalises every attempt past its close, per its overdue policy, also when the
// candidate never returns. Several servers may sweep at once: each attempt is finalised
// by exactly one of them. It returns how many it finalised.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	var ids []int64
	if err := s.db.WithContext(ctx).Model(&attemptRow{}).Where("status = ? AND closes_at <= ?", InProgress, s.now().UTC()).
		Order("closes_at").Limit(200).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	n := 0
	for _, id := range ids {
		res, err := s.finalize(ctx, id, func(*attemptRow) bool { return true })
		if err != nil {
			return n, fmt.Errorf("sweep attempt %d: %w", id, err)
		}
		if res != nil {
			n++
		}
	}
	return n, nil
}

// RunSweeper sweeps every interval until ctx ends, logging through report.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration, report func(n int, err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			report(s.Sweep(ctx))
		}
	}
}

// MaxExtensionS bounds one extension.
const MaxExtensionS = 24 * 60 * 60

// Extend gives an open, timed attempt more time and records who granted it and why. Only
// staff of the attempt's center may; others get ErrNotFound.
func (s *Service) Extend(ctx context.Context, v Viewer, id int64, seconds int, reason string) (*Attempt, error) {
	if seconds <= 0 || seconds > MaxExtensionS {
		return nil, content.Invalid("seconds", "延长时间必须在 1 到 %d 秒之间", MaxExtensionS)
	}
	var out *Attempt
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row attemptRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && !(v.Staff && row.CenterID == v.CenterID) {
			return notFound(id)
		}
		if err != nil {
			return err
		}
		a, err := row.attempt()
		if err != nil {
			return err
		}
		if a.Status != InProgress {
			return fmt.Errorf("作答已结束，不能再延长时间: %w", content.ErrConflict)
		}
		if a.Deadline == nil {
			return fmt.Errorf("练习模式不计时，无需延长: %w", content.ErrConflict)
		}
		a.ExtensionS += seconds
		a.Deadline, a.ClosesAt = Clock(&a.Rules, a.Mode, a.StartedAt, a.ExtensionS)
		now := s.now().UTC()
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(map[string]any{
			"extension_s": a.ExtensionS, "deadline": a.Deadline, "closes_at": a.ClosesAt, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Table("attempt_extensions").Create(map[string]any{
			"attempt_id": id, "seconds": seconds, "reason": strings.TrimSpace(reason), "granted_by": v.UserID, "created_at": now}).Error; err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}
