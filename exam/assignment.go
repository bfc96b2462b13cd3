package exam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam/throttle"
)

// Beijing is the time zone our centers and candidates read times in (content's).
var Beijing = content.Beijing

// Assignment gives a cohort a blueprint to sit within a window, a number of times. A
// candidate's extension lengthens each of their attempts by that many seconds. An
// attempt started inside the window keeps its full duration even past the window's
// close: the window governs when one may start, never cuts an exam short.
type Assignment struct {
	ID        int64  `json:"id"`
	CenterID  int64  `json:"-"`
	Blueprint string `json:"blueprint"`
	Title     string `json:"title"`
	// OwnTitle is the title staff gave it ("": Title is the blueprint's, BlueprintTitle).
	OwnTitle        string    `json:"own_title"`
	BlueprintTitle  string    `json:"blueprint_title"`
	Cohort          int64     `json:"cohort"`
	OpensAt         time.Time `json:"opens_at"`
	ClosesAt        time.Time `json:"closes_at"`
	AttemptsAllowed int       `json:"attempts_allowed"`
	// Extensions are extra seconds per candidate id (staff view).
	Extensions map[int64]int `json:"extensions,omitempty"`
	// Integrity replaces the blueprint's policy when set; candidates read it without the
	// access code (Integrity.Public).
	Integrity *Integrity `json:"integrity,omitempty"`
}

// AssignmentStatus is an assignment as one candidate sees it.
type AssignmentStatus struct {
	Assignment
	Status       string `json:"status"` // upcoming|open|in_progress|used_up|closed
	AttemptsUsed int    `json:"attempts_used"`
	OpenAttempt  int64  `json:"open_attempt,omitempty"`
	ExtraS       int    `json:"extra_s,omitempty"`
}

// AssignmentInput is what creating or changing an assignment takes; nil fields of a
// change stay as they are. An empty Title shows the blueprint's.
type AssignmentInput struct {
	Blueprint       string
	Cohort          int64
	Title           *string
	OpensAt         *time.Time
	ClosesAt        *time.Time
	AttemptsAllowed *int
	// Integrity replaces the blueprint's policy; nil keeps what is there (on create: none),
	// and a policy asking nothing removes the assignment's own.
	Integrity *Integrity
}

// MaxAttemptsAllowed bounds attempts per assignment.
const MaxAttemptsAllowed = 100

// MaxAssignmentTitleRunes bounds an assignment's own title.
const MaxAssignmentTitleRunes = 200

// Window tells where now falls: before, inside or after [OpensAt, ClosesAt).
func (a *Assignment) Window(now time.Time) string {
	switch {
	case now.Before(a.OpensAt):
		return "upcoming"
	case now.Before(a.ClosesAt):
		return "open"
	}
	return "closed"
}

// windowText states the window in Beijing time, for messages.
func (a *Assignment) windowText() string {
	const layout = "2006-01-02 15:04"
	return fmt.Sprintf("%s 至 %s（北京时间）", a.OpensAt.In(Beijing).Format(layout), a.ClosesAt.In(Beijing).Format(layout))
}

// checkStart tells why a candidate who used attempts may not start at now, or nil.
// Refusals are conflicts (409): the request is fine, the moment or the count is not.
func (a *Assignment) checkStart(now time.Time, used int) error {
	switch a.Window(now) {
	case "upcoming":
		return errs.New(errs.Conflict, "%s尚未开放，可作答时间为 %s", a.Title, a.windowText())
	case "closed":
		return errs.New(errs.Conflict, "%s已截止，可作答时间为 %s", a.Title, a.windowText())
	}
	if used >= a.AttemptsAllowed {
		return a.usedUp()
	}
	return nil
}

func (a *Assignment) usedUp() error {
	return errs.New(errs.Conflict, "%s最多可作答 %d 次，已用完", a.Title, a.AttemptsAllowed)
}

func (in *AssignmentInput) validate() error {
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		if utf8.RuneCountInString(t) > MaxAssignmentTitleRunes {
			return content.Invalid("title", "名称不能超过 %d 字", MaxAssignmentTitleRunes)
		}
		in.Title = &t
	}
	if in.OpensAt == nil {
		return content.Invalid("opens_at", "请指定开放时间")
	}
	if in.ClosesAt == nil {
		return content.Invalid("closes_at", "请指定截止时间")
	}
	if !in.ClosesAt.After(*in.OpensAt) {
		return content.Invalid("closes_at", "截止时间必须晚于开放时间")
	}
	if n := *in.AttemptsAllowed; n < 1 || n > MaxAttemptsAllowed {
		return content.Invalid("attempts_allowed", "允许作答次数必须在 1 到 %d 之间", MaxAttemptsAllowed)
	}
	if in.Integrity != nil {
		in.Integrity.Normalize()
		return in.Integrity.Validate("integrity.", true)
	}
	return nil
}

func assignmentNotFound(id int64) error {
	return errs.New(errs.NotFound, "考试安排 %d 不存在", id)
}

// seesAssignment tells whether the viewer may see assignment a: staff of its center, or a member
// of its cohort (cohorts are the viewer's).
func (v Viewer) seesAssignment(a *assignmentRow, cohorts []int64) bool {
	return a.CenterID == v.CenterID && (v.Staff || slices.Contains(cohorts, a.CohortID))
}

// CreateAssignment assigns a blueprint the viewer's center sees to one of its cohorts
// (the caller checks the cohort is the center's). AttemptsAllowed defaults to 1. An
// invalid field is a *content.ValidationError; an unknown blueprint names "blueprint".
func (s *Service) CreateAssignment(ctx context.Context, v Viewer, in AssignmentInput) (*Assignment, error) {
	if in.AttemptsAllowed == nil {
		one := 1
		in.AttemptsAllowed = &one
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	bp, err := s.Blueprint(ctx, in.Blueprint, v.CenterID)
	if errors.Is(err, ErrNotFound) {
		return nil, content.Invalid("blueprint", "试卷蓝图 %s 不存在", in.Blueprint)
	}
	if err != nil {
		return nil, err
	}
	if bp.Retired {
		return nil, retiredError(bp)
	}
	now := s.now().UTC()
	title := ""
	if in.Title != nil {
		title = *in.Title
	}
	policy, err := integrityText(in.Integrity)
	if err != nil {
		return nil, err
	}
	row := assignmentRow{CenterID: v.CenterID, Blueprint: bp.Code, Title: title, CohortID: in.Cohort, OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(),
		AttemptsAllowed: *in.AttemptsAllowed, CreatedBy: v.UserID, CreatedAt: now, UpdatedAt: now, Integrity: policy}
	if err := s.store.createAssignment(ctx, &row); err != nil {
		return nil, err
	}
	return s.Assignment(ctx, v, row.ID)
}

// assignmentFor loads an assignment the viewer may see (see seesAssignment);
// ErrNotFound otherwise.
func (s *Service) assignmentFor(ctx context.Context, v Viewer, cohorts []int64, id int64) (*Assignment, error) {
	row, err := s.store.assignment(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.seesAssignment(row, cohorts) {
		return nil, assignmentNotFound(id)
	}
	return s.assignment(ctx, row)
}

// assignment is row with its own title, else its blueprint's (its code when the
// blueprint is gone).
func (s *Service) assignment(ctx context.Context, row *assignmentRow) (*Assignment, error) {
	policy, err := parseIntegrity(row.Integrity)
	if err != nil {
		return nil, fmt.Errorf("assignment %d: %w", row.ID, err)
	}
	a := &Assignment{ID: row.ID, CenterID: row.CenterID, Blueprint: row.Blueprint, Cohort: row.CohortID,
		OpensAt: row.OpensAt.UTC(), ClosesAt: row.ClosesAt.UTC(), AttemptsAllowed: row.AttemptsAllowed, Title: row.Blueprint, OwnTitle: row.Title, Integrity: policy}
	if bp, err := s.Blueprint(ctx, row.Blueprint, row.CenterID); err == nil {
		a.Title, a.BlueprintTitle = bp.Title, bp.Title
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if row.Title != "" {
		a.Title = row.Title
	}
	return a, nil
}

// Assignment returns assignment id with its extensions to the staff of its center;
// ErrNotFound to anyone else.
func (s *Service) Assignment(ctx context.Context, v Viewer, id int64) (*Assignment, error) {
	if !v.Staff {
		return nil, assignmentNotFound(id)
	}
	a, err := s.assignmentFor(ctx, v, nil, id)
	if err != nil {
		return nil, err
	}
	exts, err := s.store.extensions(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	a.Extensions = exts[id]
	return a, nil
}

// Assignments lists the center's assignments for staff with their extensions, newest
// window first.
func (s *Service) Assignments(ctx context.Context, v Viewer) ([]Assignment, error) {
	if !v.Staff {
		return []Assignment{}, nil
	}
	rows, err := s.store.centerAssignments(ctx, v.CenterID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	exts, err := s.store.extensions(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Assignment, 0, len(rows))
	for i := range rows {
		a, err := s.assignment(ctx, &rows[i])
		if err != nil {
			return nil, err
		}
		a.Extensions = exts[a.ID]
		out = append(out, *a)
	}
	return out, nil
}

// MyAssignments lists the assignments of the viewer's cohorts with where the viewer
// stands in each, soonest closing first.
func (s *Service) MyAssignments(ctx context.Context, v Viewer) ([]AssignmentStatus, error) {
	out := []AssignmentStatus{}
	cohorts, err := s.cohortsOf(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	if len(cohorts) == 0 {
		return out, nil
	}
	rows, err := s.store.cohortAssignments(ctx, v.CenterID, cohorts)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	attempts, err := s.store.assignedAttempts(ctx, v.UserID, ids, "")
	if err != nil {
		return nil, err
	}
	extra, err := s.store.candidateExtensions(ctx, v.UserID, ids)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	for i := range rows {
		a, err := s.assignment(ctx, &rows[i])
		if err != nil {
			return nil, err
		}
		a.Integrity = a.Integrity.Public()
		out = append(out, standing(a, attempts, extra[a.ID], now))
	}
	return out, nil
}

// MyAssignment is assignment id as the viewer, a member of one of its cohorts, stands in
// it; ErrNotFound for an assignment not given to their cohorts.
func (s *Service) MyAssignment(ctx context.Context, v Viewer, id int64) (*AssignmentStatus, error) {
	cohorts, err := s.cohortsOf(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	a, err := s.assignmentFor(ctx, v.member(), cohorts, id)
	if err != nil {
		return nil, err
	}
	a.Integrity = a.Integrity.Public()
	st, _, err := s.standingOf(ctx, v.UserID, a, "")
	return st, err
}

// standingOf is where candidate stands in assignment a now and, when slot is named, the
// attempt in progress in that slot (whatever assignment it belongs to, if any): one read
// of the candidate's attempts.
func (s *Service) standingOf(ctx context.Context, candidate int64, a *Assignment, slot string) (*AssignmentStatus, *attemptBrief, error) {
	attempts, err := s.store.assignedAttempts(ctx, candidate, []int64{a.ID}, slot)
	if err != nil {
		return nil, nil, err
	}
	extra, err := s.store.candidateExtensions(ctx, candidate, []int64{a.ID})
	if err != nil {
		return nil, nil, err
	}
	st := standing(a, attempts, extra[a.ID], s.now().UTC())
	var open *attemptBrief
	for i := range attempts {
		if slot != "" && attempts[i].OpenSlot != nil && *attempts[i].OpenSlot == slot {
			open = &attempts[i]
		}
	}
	return &st, open, nil
}

// standing is where a candidate with attempts (of any assignments) and extraS seconds of
// extension stands in assignment a at now. It is pure.
func standing(a *Assignment, attempts []attemptBrief, extraS int, now time.Time) AssignmentStatus {
	st := AssignmentStatus{Assignment: *a, Status: a.Window(now), ExtraS: extraS}
	for _, at := range attempts {
		if at.AssignmentID != a.ID {
			continue
		}
		st.AttemptsUsed++
		if Status(at.Status) == InProgress {
			st.OpenAttempt = at.ID
		}
	}
	switch {
	case st.OpenAttempt != 0:
		st.Status = "in_progress"
	case st.Status == "open" && st.AttemptsUsed >= a.AttemptsAllowed:
		st.Status = "used_up"
	}
	return st
}

// UpdateAssignment changes the title, the window or the attempts allowed of assignment
// id; errors as Assignment and CreateAssignment, and attempts allowed below what a
// candidate has used already names "attempts_allowed". Nothing is saved on an error.
// Closing the window earlier, even before now, cuts no attempt short: the window governs
// when one may start, and an attempt in progress keeps its deadline (staff close one
// through CloseAttempt).
func (s *Service) UpdateAssignment(ctx context.Context, v Viewer, id int64, in AssignmentInput) (*Assignment, error) {
	a, err := s.Assignment(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if in.Title == nil {
		in.Title = &a.OwnTitle
	}
	if in.OpensAt == nil {
		in.OpensAt = &a.OpensAt
	}
	if in.ClosesAt == nil {
		in.ClosesAt = &a.ClosesAt
	}
	if in.AttemptsAllowed == nil {
		in.AttemptsAllowed = &a.AttemptsAllowed
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	used, err := s.store.mostAttemptsUsed(ctx, id)
	if err != nil {
		return nil, err
	}
	if *in.AttemptsAllowed < used {
		return nil, content.Invalid("attempts_allowed", "已有考生作答了 %d 次，可作答次数不能少于 %d", used, used)
	}
	if err := s.store.updateAssignment(ctx, id, in, s.now().UTC()); err != nil {
		return nil, err
	}
	return s.Assignment(ctx, v, id)
}

// DeleteAssignment removes assignment id; once a candidate has started it, it is kept
// for the record (ErrConflict).
func (s *Service) DeleteAssignment(ctx context.Context, v Viewer, id int64) error {
	if _, err := s.Assignment(ctx, v, id); err != nil {
		return err
	}
	return s.store.deleteAssignment(ctx, id, func(started int64) error {
		if started > 0 {
			return errs.New(errs.Conflict, "已有考生开始作答，不能删除这项考试安排（可以修改截止时间）")
		}
		return nil
	})
}

// SetExtension gives candidate (of the caller's checking: a user of the center) seconds
// more on each attempt of assignment id; 0 removes the extension. It applies to attempts
// started afterwards; an attempt in progress is extended through Extend.
func (s *Service) SetExtension(ctx context.Context, v Viewer, id, candidate int64, seconds int) (*Assignment, error) {
	if seconds < 0 || seconds > MaxExtensionS {
		return nil, content.Invalid("seconds", "延长时间必须在 0 到 %d 秒之间", MaxExtensionS)
	}
	if _, err := s.Assignment(ctx, v, id); err != nil {
		return nil, err
	}
	if err := s.store.setExtension(ctx, id, candidate, seconds); err != nil {
		return nil, fmt.Errorf("set extension: %w", err)
	}
	return s.Assignment(ctx, v, id)
}

// CheckCohortUnassigned returns ErrConflict if cohort has assignments, which would lose
// their candidates with it.
func (s *Service) CheckCohortUnassigned(ctx context.Context, cohort int64) error {
	n, err := s.store.countCohortAssignments(ctx, cohort)
	if err != nil {
		return err
	}
	if n > 0 {
		return errs.New(errs.Conflict, "班级还有 %d 项考试安排，请先删除它们", n)
	}
	return nil
}

// AssignmentOf returns the id of the assignment through which a candidate viewer's start
// of blueprint code goes (see Start); 0 for none.
func (s *Service) AssignmentOf(ctx context.Context, v Viewer, code string) (int64, error) {
	cohorts, err := s.cohortsOf(ctx, v.UserID)
	if err != nil {
		return 0, err
	}
	return s.assignmentOf(ctx, v, cohorts, code)
}

// assignmentOf returns the id of the assignment of blueprint code to one of cohorts: the
// one open now, else the next to open; 0 when none is open or upcoming, so a closed
// assignment never stops a free start of its blueprint.
func (s *Service) assignmentOf(ctx context.Context, v Viewer, cohorts []int64, code string) (int64, error) {
	if len(cohorts) == 0 {
		return 0, nil
	}
	rows, err := s.store.blueprintAssignments(ctx, v.CenterID, cohorts, code)
	if err != nil {
		return 0, err
	}
	now := s.now().UTC()
	var next int64
	for i := len(rows) - 1; i >= 0; i-- { // rows open in order
		a := Assignment{OpensAt: rows[i].OpensAt, ClosesAt: rows[i].ClosesAt}
		switch a.Window(now) {
		case "open":
			return rows[i].ID, nil
		case "upcoming":
			next = rows[i].ID
		}
	}
	return next, nil
}

// startAssigned opens an exam attempt of assignment id for a candidate in one of
// cohorts, or returns their attempt of it in progress. Outside the window, or with the
// attempts used up, it is ErrConflict with a message stating the window or the count.
// The attempt records the assignment, and its deadline carries the candidate's
// extension. An exam of the same blueprint the candidate started on their own within
// the window is adopted as the assignment's while attempts are left (ErrConflict once
// they are used up); one started outside the window, or a practice, is ErrConflict.
func (s *Service) startAssigned(ctx context.Context, v Viewer, cohorts []int64, id int64, entry Entry) (*Attempt, error) {
	a, err := s.assignmentFor(ctx, v.member(), cohorts, id)
	if err != nil {
		return nil, err
	}
	policy, err := s.assignmentIntegrity(ctx, a)
	if err != nil {
		return nil, err
	}
	if err := s.checkStartEntry(ctx, v.UserID, a.ID, policy, entry); err != nil {
		return nil, err
	}
	// One read finds both the slot's attempt and the assignment's: an attempt submitted
	// before the read is counted, one after it is counted again by stamp under its lock.
	st, open, err := s.standingOf(ctx, v.UserID, a, slotOf(v.UserID, a.Blueprint))
	if err != nil {
		return nil, err
	}
	if st.OpenAttempt != 0 {
		return s.Attempt(ctx, v, st.OpenAttempt)
	}
	if open != nil {
		if Mode(open.Mode) != ModeExam || a.Window(open.StartedAt) != "open" {
			return nil, errs.New(errs.Conflict, "您还有一次未交卷的%s作答，请先交卷", a.Title)
		}
		return s.stamp(ctx, open.ID, a, st.ExtraS)
	}
	if err := a.checkStart(s.now().UTC(), st.AttemptsUsed); err != nil {
		return nil, err
	}
	started, err := s.startFree(ctx, v, a.Blueprint, ModeExam, false, nil)
	if err != nil {
		return nil, err
	}
	return s.stamp(ctx, started.ID, a, st.ExtraS)
}

// checkStartEntry checks a start of assignment by candidate under policy
// (Integrity.CheckEntry), throttling wrong access codes (AccessCodePairRule,
// AccessCodeAddressRule): while the candidate's guesses from the address must wait, the
// start is ErrTooManyRequests (its cause a *throttle.Error) before the code is compared,
// so that neither the answer nor its timing tells a blocked guesser anything. A start from
// outside the allowed networks, or with no code at all, guesses nothing and counts nothing.
func (s *Service) checkStartEntry(ctx context.Context, candidate, assignment int64, policy *Integrity, entry Entry) error {
	if err := policy.CheckEntry(entry, false); err != nil {
		return err
	}
	if policy == nil || policy.AccessCode == "" || strings.TrimSpace(entry.AccessCode) == "" {
		return policy.CheckEntry(entry, true) // no code asked, or none given: nothing guessed
	}
	keys := throttle.KeysOf(fmt.Sprintf("%d/%d", assignment, candidate), entry.Addr)
	now := s.now().UTC()
	if err := s.store.codes.Reserve(ctx, keys, now); err != nil {
		return err
	}
	if err := policy.CheckEntry(entry, true); err != nil {
		if ferr := s.store.codes.Fail(ctx, keys, now); ferr != nil {
			return ferr
		}
		return err
	}
	return s.store.codes.Succeed(ctx, keys)
}

// PruneThrottles deletes the access-code throttle states that have expired, returning how
// many. Every server runs it now and then; starts leave expired states alone.
func (s *Service) PruneThrottles(ctx context.Context) (int64, error) {
	return s.store.codes.Prune(ctx, s.now().UTC())
}

// stamp records that attempt id belongs to assignment a and adds the candidate's
// extension to its deadline, returning the attempt as stored. An attempt another request
// stamped for a is returned as it is; one that belongs to another assignment, or one
// more than a allows (counted under the lock), is ErrConflict.
func (s *Service) stamp(ctx context.Context, id int64, a *Assignment, extraS int) (*Attempt, error) {
	return s.store.stamp(ctx, id, a.ID, func(at *Attempt, owner int64, used func() (int64, error)) (bool, error) {
		switch owner {
		case a.ID:
			return false, nil
		case 0:
		default:
			return false, errs.New(errs.Conflict, "您还有一次未交卷的%s作答（属于另一项考试安排），请先交卷", a.Title)
		}
		n, err := used()
		if err != nil {
			return false, err
		}
		if n >= int64(a.AttemptsAllowed) {
			return false, a.usedUp()
		}
		if extraS > 0 && at.Deadline != nil {
			at.ExtensionS += extraS
			at.Deadline, at.ClosesAt = Clock(&at.Rules, at.Mode, at.StartedAt, at.ExtensionS)
		}
		if a.Integrity != nil { // the assignment's policy replaces the blueprint's
			at.Integrity = a.Integrity.Public()
		}
		return true, nil
	})
}
