package exam

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
)

// StartRequest is what a start names: a blueprint and a mode ("" takes the blueprint's),
// or an assignment.
type StartRequest struct {
	Blueprint  string
	Mode       Mode
	Assignment int64
	// Entry is where the start comes from, checked against the integrity policy.
	Entry Entry
	// Device is the device starting, which a one-device policy binds the attempt to.
	Device Device
}

// Start opens an attempt for the viewer, or returns the viewer's open attempt of it (one
// open attempt per candidate per blueprint). It goes through an assignment when req names
// one, or when a candidate asks for an exam of a blueprint assigned to one of their
// cohorts, open now or upcoming (see AssignmentOf and startAssigned); otherwise it is a
// free start of the blueprint. Naming neither a blueprint nor an assignment, or an
// assignment with mode practice, is a *content.ValidationError; a blueprint whose
// attempts are used up is ErrConflict; a bank that cannot fill it, ErrBankShort. Under an
// integrity policy, a start from outside the allowed networks or without the right
// access code is ErrForbidden (see Integrity.CheckEntry), and an attempt of a one-device
// policy not bound yet is bound to req.Device.
func (s *Service) Start(ctx context.Context, v Viewer, req StartRequest) (*Attempt, error) {
	a, err := s.start(ctx, v, req)
	if err != nil || a.Integrity == nil || !a.Integrity.OneDevice || a.Status != InProgress || req.Device.normalize() != nil {
		return a, err // a device without a usable id is asked again by the exam page (ClaimDevice)
	}
	// A start resuming an attempt bound elsewhere leaves it so: the exam page asks.
	if err := s.store.bindDevice(ctx, a.ID, req.Device); err != nil {
		return nil, fmt.Errorf("attempt %d: bind device: %w", a.ID, err)
	}
	return a, nil
}

func (s *Service) start(ctx context.Context, v Viewer, req StartRequest) (*Attempt, error) {
	if req.Blueprint == "" && req.Assignment == 0 {
		return nil, content.Invalid("blueprint", "请指定试卷蓝图")
	}
	// Practice is untimed self-study: assignments govern exams only.
	if req.Assignment != 0 && req.Mode == ModePractice {
		return nil, content.Invalid("mode", "考试安排只能以考试模式作答；练习请直接选择试卷蓝图")
	}
	if req.Assignment == 0 && (v.Staff || req.Mode == ModePractice) {
		return s.startFree(ctx, v, req.Blueprint, req.Mode, true, &req.Entry)
	}
	cohorts, err := s.cohortsOf(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	id := req.Assignment
	if id == 0 {
		if id, err = s.assignmentOf(ctx, v, cohorts, req.Blueprint); err != nil {
			return nil, err
		}
		if id == 0 {
			return s.startFree(ctx, v, req.Blueprint, req.Mode, true, &req.Entry)
		}
	}
	return s.startAssigned(ctx, v, cohorts, id, req.Entry)
}

// slotOf names the open-attempt slot of a candidate and a blueprint or practice code.
func slotOf(candidate int64, code string) string { return fmt.Sprintf("%d/%s", candidate, code) }

// startFree opens an attempt of blueprint code outside any assignment, or returns the
// viewer's open one; lookOpen false skips reading the slot, which the caller found
// empty just now (a slot taken meanwhile still returns its attempt). entry, when named,
// is checked against the blueprint's integrity policy for an exam (an assigned start
// checked the assignment's already); a practice runs under no policy.
func (s *Service) startFree(ctx context.Context, v Viewer, code string, mode Mode, lookOpen bool, entry *Entry) (*Attempt, error) {
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
	if entry != nil && mode == ModeExam { // practice is self-study: no 考试纪律
		if err := bp.Integrity.CheckEntry(*entry, true); err != nil {
			return nil, err
		}
	}
	slot := slotOf(v.UserID, bp.Code)
	if lookOpen {
		if a, ok, err := s.store.openAttempt(ctx, slot); ok || err != nil {
			return a, err
		}
	}
	if bp.Retired {
		return nil, retiredError(bp) // an open attempt above still returns: only new starts stop
	}
	if bp.AttemptsAllowed > 0 {
		n, err := s.store.countAttempts(ctx, v.UserID, bp.Code)
		if err != nil {
			return nil, err
		}
		if n >= int64(bp.AttemptsAllowed) {
			return nil, errs.New(errs.Conflict, "%s 最多可作答 %d 次，已用完", bp.Title, bp.AttemptsAllowed)
		}
	}
	bank, err := s.store.bank(ctx, v.CenterID, s.now())
	if err != nil {
		return nil, err
	}
	paper, err := s.assemble(v.CenterID, bank, bp, s.seed())
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
	a := &Attempt{CandidateID: v.UserID, CenterID: v.CenterID, Mode: mode, Status: InProgress, Rules: *bp, Paper: paper, StartedAt: now}
	if mode == ModeExam {
		a.Integrity = bp.Integrity.Public()
	}
	a.Deadline, a.ClosesAt = Clock(bp, mode, now, 0)
	row, err := newAttemptRow(a, bp.Code, 0, slot)
	if err != nil {
		return nil, err
	}
	for tries := 1; ; tries++ {
		err := s.store.insertAttempt(ctx, &row)
		if err == nil {
			break
		}
		if errors.Is(err, gorm.ErrDuplicatedKey) || db.Deadlock(err) {
			if open, ok, err := s.store.openAttempt(ctx, slot); ok || err != nil {
				return open, err
			}
			if tries < 3 {
				continue
			}
		}
		return nil, fmt.Errorf("start attempt: %w", err)
	}
	a.ID, a.Opened = row.ID, true
	// The first saves of a class follow its starts: have the head ready for them. The
	// attempt exists whatever happens here; a head not kept is read on the first save.
	_ = s.store.remember(ctx, a.ID, v.UserID, mode, paper, len(row.Paper))
	return a, nil
}

// Attempt returns an attempt the viewer may see; another's is ErrNotFound.
func (s *Service) Attempt(ctx context.Context, v Viewer, id int64) (*Attempt, error) {
	a, err := s.store.attempt(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.sees(a) {
		return nil, notFound()
	}
	return a, nil
}

// MaxAttemptsListed bounds Attempts: a candidate's latest attempts are what matters.
const MaxAttemptsListed = 500

// Attempts lists the viewer's own attempts, newest first.
func (s *Service) Attempts(ctx context.Context, v Viewer) ([]Attempt, error) {
	return s.store.candidateAttempts(ctx, v.UserID, MaxAttemptsListed)
}

// Answers returns an attempt's saved answers by question id. A stored answer that does
// not parse is an error.
func (s *Service) Answers(ctx context.Context, attemptID int64) (map[int64]Answer, error) {
	return s.store.answers(ctx, attemptID)
}

// Questions returns the question versions of an attempt's paper.
func (s *Service) Questions(ctx context.Context, a *Attempt) (map[content.Ref]*content.Question, error) {
	return s.store.questions(ctx, &a.Paper)
}

// Writer is who saves an answer: the candidate, and the token hash of the session the
// save proves live in its own statement. An empty Session means the caller checked the
// session against the database for this request already.
type Writer struct {
	Candidate int64
	Session   string
	// Device is the id the writing device sent ("" for none); an attempt bound to another
	// device (a one-device policy after a switch) refuses the save with ErrDeviceMoved.
	Device string
}

// Save stores one answer, stamped with the server's time. It is idempotent: the same
// answer with the same seq again changes nothing and returns the first time. With a seq,
// a write older than the stored one is ErrStaleWrite, and one reusing the stored seq for
// a different answer ErrSeqReused; without a seq, the last write wins.
// After the close of the attempt (deadline plus grace) or after submit it is
// ErrAttemptClosed and nothing is stored; when w's session has ended (logout, a disabled
// account) it is account.ErrUnauthorized and nothing is stored. A question not on the
// paper is ErrNotFound; a malformed answer a *content.ValidationError. In practice, a
// choice question's answer locks once stored (its key is then shown): a different answer
// is ErrAnswerLocked.
func (s *Service) Save(ctx context.Context, w Writer, attemptID, questionID int64, a Answer) (time.Time, error) {
	h, err := s.store.head(ctx, attemptID, w.Candidate) // only the candidate saves answers
	if err != nil {
		return time.Time{}, err
	}
	sec, it, ok := h.paper.ItemOf(questionID)
	if !ok {
		return time.Time{}, errs.New(errs.NotFound, "这道题不在本次作答中")
	}
	if err := CheckAnswer(sec, it, h.caseParts[questionID], &a); err != nil {
		return time.Time{}, err
	}
	text, err := answerText(&a)
	if err != nil {
		return time.Time{}, fmt.Errorf("attempt %d: %w", attemptID, err)
	}
	if h.mode == ModePractice && sec.Type != content.Case {
		if at, same, err := s.lockedAnswer(ctx, attemptID, questionID, &a); err != nil || same {
			return at, err
		}
	}
	// MySQL keeps saved_at to the millisecond: the time answered is the time stored.
	now := s.now().UTC().Truncate(time.Millisecond)
	if w.Session != "" && s.sessions == nil {
		return time.Time{}, errors.New("exam: a save names a session, but the service has no Sessions")
	}
	save := savedAnswer{attemptID: attemptID, questionID: questionID, choice: strings.Join(a.Choice, ","), text: text,
		seq: a.Seq, at: now, device: w.Device, session: w.Session, candidate: w.Candidate}
	stored, err := s.store.saveAnswer(ctx, save)
	if err != nil {
		return time.Time{}, fmt.Errorf("save answer: %w", err)
	}
	if stored {
		return now, nil
	}
	return s.explainUnsaved(ctx, save)
}

// lockedAnswer checks a practice answer to a choice question against the stored one: a
// stored choice was revealed, so another choice is ErrAnswerLocked, and the same choice
// again (a retry) is the stored answer (same true, with its time). The check precedes the
// write: only two windows of one candidate saving the same question at once could both
// pass it.
func (s *Service) lockedAnswer(ctx context.Context, attemptID, questionID int64, a *Answer) (time.Time, bool, error) {
	stored, err := s.store.storedAnswer(ctx, attemptID, questionID)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("save answer: %w", err)
	}
	if stored.Choice == "" {
		return time.Time{}, false, nil
	}
	if stored.Choice == strings.Join(a.Choice, ",") {
		return stored.SavedAt, true, nil
	}
	return time.Time{}, false, ErrAnswerLocked
}

// explainUnsaved tells why save changed no row: the writer's session ended, the attempt
// closed, the write was stale, its seq was spent on another answer, or it repeats the
// stored answer exactly (then it succeeded before).
func (s *Service) explainUnsaved(ctx context.Context, save savedAnswer) (time.Time, error) {
	attemptID, questionID, now := save.attemptID, save.questionID, save.at
	if save.session != "" {
		ok, err := s.store.sessionLive(ctx, save)
		if err != nil {
			return time.Time{}, err
		}
		if !ok {
			return time.Time{}, errs.New(errs.Unauthorized, "登录已失效，请重新登录，答案未保存")
		}
	}
	a, err := s.store.attemptState(ctx, attemptID)
	if err != nil {
		return time.Time{}, err
	}
	if !a.Open(now) {
		return time.Time{}, s.closedError(ctx, attemptID)
	}
	if a.device != "" && a.device != save.device {
		return time.Time{}, ErrDeviceMoved
	}
	ans, err := s.store.storedAnswer(ctx, attemptID, questionID)
	if err != nil {
		return time.Time{}, err
	}
	switch {
	case ans.Seq != save.seq:
		return time.Time{}, ErrStaleWrite
	case ans.Choice != save.choice || ans.Text != save.text:
		return time.Time{}, ErrSeqReused
	}
	return ans.SavedAt, nil
}

// Submit closes the attempt and grades it; submitting again returns the same result.
// Only the candidate submits.
func (s *Service) Submit(ctx context.Context, candidate, id int64) (*Result, error) {
	res, _, err := s.finalize(ctx, id, nil, func(a *Attempt) bool { return a.CandidateID == candidate }, "")
	return res, err
}

// SubmitFrom is Submit from device: an open attempt bound to another device (a
// one-device policy after a switch) is ErrDeviceMoved, and stays open.
func (s *Service) SubmitFrom(ctx context.Context, candidate, id int64, device string) (*Result, error) {
	st, err := s.store.attemptState(ctx, id)
	if err != nil {
		return nil, err
	}
	if st.Status == InProgress && st.device != "" && st.device != device {
		return nil, ErrDeviceMoved
	}
	return s.Submit(ctx, candidate, id)
}

// finalize grades an open attempt in one transaction, or returns the result it already
// has; it reports whether this call finalised the attempt (not another request or
// server). allowed guards who may; a refused caller gets ErrNotFound. Under the abandon
// policy an attempt finalised after its close is abandoned, ungraded. closing, when not
// nil, is a proctor's close, recorded with the result; reason, when not empty, records
// why the system submitted it (SubmitReason).
func (s *Service) finalize(ctx context.Context, id int64, closing *proctorActionRow, allowed func(*Attempt) bool, reason string) (*Result, bool, error) {
	if s.grade == nil {
		return nil, false, errNoGrader
	}
	// Read what grading needs before the transaction, so the row lock is held briefly.
	a, err := s.store.attempt(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if !allowed(a) {
		return nil, false, notFound()
	}
	if a.Status != InProgress {
		s.store.forget(id)
		return a.Result, false, nil
	}
	qs, err := s.store.questions(ctx, &a.Paper)
	if err != nil {
		return nil, false, err
	}
	titles, err := s.Titles(ctx)
	if err != nil {
		return nil, false, err
	}
	return s.store.finish(ctx, id, &a.Paper, closing, reason, func(answers func() (map[int64]Answer, error)) (*Result, time.Time, error) {
		now := s.now().UTC().Truncate(time.Millisecond)
		a.SubmittedAt = &now
		if a.Rules.Overdue == OverdueAbandon && a.Overdue(now) {
			return &Result{Attempt: a.ID, Status: Abandoned, MaxScore: a.Rules.MaxScore, PassScore: a.Rules.PassScore,
				TimeUsedS: int64(now.Sub(a.StartedAt).Seconds())}, now, nil
		}
		ans, err := answers()
		if err != nil {
			return nil, now, err
		}
		res := s.grade(GradeInput{Attempt: a, Questions: qs, Answers: ans, Titles: titles, Now: now})
		return &res, now, nil
	})
}

// MaxExtensionS bounds one extension.
const MaxExtensionS = 24 * 60 * 60

// Extend gives an open, timed attempt more time and records who granted it and why among
// the proctor actions: the deadline and the close of saves both move by seconds. Only
// staff of the attempt's center may; others get ErrNotFound.
func (s *Service) Extend(ctx context.Context, v Viewer, id int64, seconds int, reason string) (*Attempt, error) {
	if seconds <= 0 || seconds > MaxExtensionS {
		return nil, content.Invalid("seconds", "延长时间必须在 1 到 %d 秒之间", MaxExtensionS)
	}
	reason, err := proctorReason(reason, false)
	if err != nil {
		return nil, err
	}
	g := proctorActionRow{Kind: string(ProctorExtend), Seconds: seconds, Reason: reason, ActorID: v.UserID, CreatedAt: s.now().UTC()}
	return s.store.extend(ctx, id, g, func(a *Attempt) error {
		if !(v.Staff && a.CenterID == v.CenterID) {
			return notFound()
		}
		if a.Status != InProgress {
			return errs.New(errs.Conflict, "作答已结束，不能再延长时间")
		}
		if a.Deadline == nil {
			return errs.New(errs.Conflict, "练习模式不计时，无需延长")
		}
		a.ExtensionS += seconds
		a.Deadline, a.ClosesAt = Clock(&a.Rules, a.Mode, a.StartedAt, a.ExtensionS)
		return nil
	})
}
