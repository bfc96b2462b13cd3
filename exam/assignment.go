package exam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Beijing is the time zone our centers and candidates read times in (content's).
var Beijing = content.Beijing

// Assignment gives a cohort a blueprint to sit within a window, a number of times. A
// candidate's extension lengthens each of their attempts by that many seconds. An
// attempt started inside the window keeps its full duration even past the window's
// close: the window governs when one may start, never cuts an exam short.
type Assignment struct {
	ID              int64     `json:"id"`
	CenterID        int64     `json:"-"`
	Blueprint       string    `json:"blueprint"`
	Title           string    `json:"title"`
	Cohort          int64     `json:"cohort"`
	OpensAt         time.Time `json:"opens_at"`
	ClosesAt        time.Time `json:"closes_at"`
	AttemptsAllowed int       `json:"attempts_allowed"`
	// Extensions are extra seconds per candidate id (staff view).
	Extensions map[int64]int `json:"extensions,omitempty"`
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
// change stay as they are.
type AssignmentInput struct {
	Blueprint       string
	Cohort          int64
	OpensAt         *time.Time
	ClosesAt        *time.Time
	AttemptsAllowed *int
}

// MaxAttemptsAllowed bounds attempts per assignment.
const MaxAttemptsAllowed = 100

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
		return fmt.Errorf("%s尚未开放，可作答时间为 %s: %w", a.Title, a.windowText(), content.ErrConflict)
	case "closed":
		return fmt.Errorf("%s已截止，可作答时间为 %s: %w", a.Title, a.windowText(), content.ErrConflict)
	}
	if used >= a.AttemptsAllowed {
		return a.usedUp()
	}
	return nil
}

func (a *Assignment) usedUp() error {
	return fmt.Errorf("%s最多可作答 %d 次，已用完: %w", a.Title, a.AttemptsAllowed, content.ErrConflict)
}

func (in *AssignmentInput) validate() error {
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
	return nil
}

type assignmentRow struct {
	ID              int64 `gorm:"primaryKey"`
	CenterID        int64
	Blueprint       string
	CohortID        int64
	OpensAt         time.Time
	ClosesAt        time.Time
	AttemptsAllowed int
	CreatedBy       int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (assignmentRow) TableName() string { return "assignments" }

type assignmentExtensionRow struct {
	AssignmentID int64 `gorm:"primaryKey"`
	UserID       int64 `gorm:"primaryKey"`
	Seconds      int
}

func (assignmentExtensionRow) TableName() string { return "assignment_extensions" }

func assignmentNotFound(id int64) error {
	return fmt.Errorf("考试安排 %d 不存在: %w", id, ErrNotFound)
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
	now := s.now().UTC()
	row := assignmentRow{CenterID: v.CenterID, Blueprint: bp.Code, CohortID: in.Cohort, OpensAt: in.OpensAt.UTC(), ClosesAt: in.ClosesAt.UTC(),
		AttemptsAllowed: *in.AttemptsAllowed, CreatedBy: v.UserID, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("create assignment: %w", err)
	}
	return s.Assignment(ctx, v, row.ID)
}

// assignmentFor loads an assignment the viewer may see: staff of its center, or a member
// of its cohort (cohorts are the viewer's); ErrNotFound otherwise.
func (s *Service) assignmentFor(ctx context.Context, v Viewer, cohorts []int64, id int64) (*Assignment, error) {
	var row assignmentRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && row.CenterID != v.CenterID {
		return nil, assignmentNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	if !v.Staff && !slices.Contains(cohorts, row.CohortID) {
		return nil, assignmentNotFound(id)
	}
	return s.assignment(ctx, &row)
}

func (s *Service) assignment(ctx context.Context, row *assignmentRow) (*Assignment, error) {
	a := &Assignment{ID: row.ID, CenterID: row.CenterID, Blueprint: row.Blueprint, Cohort: row.CohortID,
		OpensAt: row.OpensAt.UTC(), ClosesAt: row.ClosesAt.UTC(), AttemptsAllowed: row.AttemptsAllowed, Title: row.Blueprint}
	if bp, err := s.Blueprint(ctx, row.Blueprint, row.CenterID); err == nil {
		a.Title = bp.Title
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
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
	var exts []assignmentExtensionRow
	if err := s.db.WithContext(ctx).Where("assignment_id = ?", id).Find(&exts).Error; err != nil {
		return nil, err
	}
	for _, e := range exts {
		if a.Extensions == nil {
			a.Extensions = map[int64]int{}
		}
		a.Extensions[e.UserID] = e.Seconds
	}
	return a, nil
}

// Assignments lists the center's assignments for staff, newest window first.
func (s *Service) Assignments(ctx context.Context, v Viewer) ([]Assignment, error) {
	var rows []assignmentRow
	if err := s.db.WithContext(ctx).Where("center_id = ?", v.CenterID).Order("opens_at DESC, id DESC").Limit(1000).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Assignment, 0, len(rows))
	for i := range rows {
		a, err := s.Assignment(ctx, v, rows[i].ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// MyAssignments lists the assignments of the viewer's cohorts with where the viewer
// stands in each, soonest closing first.
func (s *Service) MyAssignments(ctx context.Context, v Viewer, cohorts []int64) ([]AssignmentStatus, error) {
	out := []AssignmentStatus{}
	if len(cohorts) == 0 {
		return out, nil
	}
	var rows []assignmentRow
	if err := s.db.WithContext(ctx).Where("center_id = ? AND cohort_id IN ?", v.CenterID, cohorts).Order("closes_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	now := s.now().UTC()
	for i := range rows {
		a, err := s.assignment(ctx, &rows[i])
		if err != nil {
			return nil, err
		}
		st, err := s.standing(ctx, v.UserID, a, now)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, nil
}

// standing is where candidate stands in assignment a at now.
func (s *Service) standing(ctx context.Context, candidate int64, a *Assignment, now time.Time) (*AssignmentStatus, error) {
	tx := s.db.WithContext(ctx)
	st := &AssignmentStatus{Assignment: *a, Status: a.Window(now)}
	var attempts []struct {
		ID     int64
		Status string
	}
	if err := tx.Table("attempts").Select("id, status").Where("assignment_id = ? AND candidate_id = ?", a.ID, candidate).Find(&attempts).Error; err != nil {
		return nil, err
	}
	st.AttemptsUsed = len(attempts)
	for _, at := range attempts {
		if Status(at.Status) == InProgress {
			st.OpenAttempt = at.ID
		}
	}
	var ext assignmentExtensionRow
	err := tx.Where("assignment_id = ? AND user_id = ?", a.ID, candidate).Take(&ext).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	st.ExtraS = ext.Seconds
	switch {
	case st.OpenAttempt != 0:
		st.Status = "in_progress"
	case st.Status == "open" && st.AttemptsUsed >= a.AttemptsAllowed:
		st.Status = "used_up"
	}
	return st, nil
}

// UpdateAssignment changes the window or the attempts allowed of assignment id; errors
// as Assignment and CreateAssignment.
func (s *Service) UpdateAssignment(ctx context.Context, v Viewer, id int64, in AssignmentInput) (*Assignment, error) {
	a, err := s.Assignment(ctx, v, id)
	if err != nil {
		return nil, err
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
	if err := s.db.WithContext(ctx).Model(&assignmentRow{}).Where("id = ?", id).Updates(map[string]any{
		"opens_at": in.OpensAt.UTC(), "closes_at": in.ClosesAt.UTC(), "attempts_allowed": *in.AttemptsAllowed, "updated_at": s.now().UTC()}).Error; err != nil {
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
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Table("attempts").Where("assignment_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("已有考生开始作答，不能删除这项考试安排（可以修改截止时间）: %w", content.ErrConflict)
		}
		if err := tx.Where("assignment_id = ?", id).Delete(&assignmentExtensionRow{}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", id).Delete(&assignmentRow{}).Error
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
	tx := s.db.WithContext(ctx)
	var err error
	if seconds == 0 {
		err = tx.Where("assignment_id = ? AND user_id = ?", id, candidate).Delete(&assignmentExtensionRow{}).Error
	} else {
		err = tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "assignment_id"}, {Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"seconds"}),
		}).Create(&assignmentExtensionRow{AssignmentID: id, UserID: candidate, Seconds: seconds}).Error
	}
	if err != nil {
		return nil, fmt.Errorf("set extension: %w", err)
	}
	return s.Assignment(ctx, v, id)
}

// CheckCohortUnassigned returns ErrConflict if cohort has assignments, which would lose
// their candidates with it.
func (s *Service) CheckCohortUnassigned(ctx context.Context, cohort int64) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&assignmentRow{}).Where("cohort_id = ?", cohort).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("班级还有 %d 项考试安排，请先删除它们: %w", n, content.ErrConflict)
	}
	return nil
}

// AssignmentOf returns the id of the assignment through which the viewer sits blueprint
// code: the one open now, else the next to open; 0 when none of their cohorts has one
// open or upcoming, so a closed assignment never stops a free start of its blueprint.
func (s *Service) AssignmentOf(ctx context.Context, v Viewer, cohorts []int64, code string) (int64, error) {
	if len(cohorts) == 0 {
		return 0, nil
	}
	var rows []assignmentRow
	if err := s.db.WithContext(ctx).Where("center_id = ? AND cohort_id IN ? AND blueprint = ?", v.CenterID, cohorts, code).
		Order("opens_at").Find(&rows).Error; err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	now := s.now().UTC()
	var next int64
	for i := len(rows) - 1; i >= 0; i-- {
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

// StartAssigned opens an exam attempt of assignment id for a candidate in one of
// cohorts, or returns their attempt of it in progress. Outside the window, or with the
// attempts used up, it is ErrConflict with a message stating the window or the count.
// The attempt records the assignment, and its deadline carries the candidate's
// extension. An exam of the same blueprint the candidate started on their own within
// the window is adopted as the assignment's while attempts are left (ErrConflict once
// they are used up); one started outside the window, or a practice, is ErrConflict.
func (s *Service) StartAssigned(ctx context.Context, v Viewer, cohorts []int64, id int64) (*Attempt, error) {
	a, err := s.assignmentFor(ctx, Viewer{UserID: v.UserID, CenterID: v.CenterID}, cohorts, id) // as a member
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	// The slot first, the count after: an attempt submitted before the slot was seen
	// empty is then counted (stamp counts once more under its lock).
	open, err := s.openAttempt(ctx, fmt.Sprintf("%d/%s", v.UserID, a.Blueprint))
	if err != nil {
		return nil, err
	}
	st, err := s.standing(ctx, v.UserID, a, now)
	if err != nil {
		return nil, err
	}
	if st.OpenAttempt != 0 {
		return s.Attempt(ctx, v, st.OpenAttempt)
	}
	if open != nil {
		if open.Mode != ModeExam || a.Window(open.StartedAt) != "open" {
			return nil, fmt.Errorf("您还有一次未交卷的%s作答，请先交卷: %w", a.Title, content.ErrConflict)
		}
		return s.stamp(ctx, v, open.ID, a, st.ExtraS)
	}
	if err := a.checkStart(now, st.AttemptsUsed); err != nil {
		return nil, err
	}
	started, err := s.Start(ctx, v, a.Blueprint, ModeExam)
	if err != nil {
		return nil, err
	}
	return s.stamp(ctx, v, started.ID, a, st.ExtraS)
}

// stamp records that attempt id belongs to assignment a and adds the candidate's
// extension to its deadline. An attempt another request stamped for a is returned as it
// is; one that belongs to another assignment, or one more than a allows (counted under
// the lock), is ErrConflict.
func (s *Service) stamp(ctx context.Context, v Viewer, id int64, a *Assignment, extraS int) (*Attempt, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row attemptRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		var owner int64
		if err := tx.Table("attempts").Select("assignment_id").Where("id = ?", id).Scan(&owner).Error; err != nil {
			return err
		}
		switch owner {
		case a.ID:
			return nil
		case 0:
		default:
			return fmt.Errorf("您还有一次未交卷的%s作答（属于另一项考试安排），请先交卷: %w", a.Title, content.ErrConflict)
		}
		var used int64
		if err := tx.Table("attempts").Where("assignment_id = ? AND candidate_id = ?", a.ID, row.CandidateID).Count(&used).Error; err != nil {
			return err
		}
		if used >= int64(a.AttemptsAllowed) {
			return a.usedUp()
		}
		at, err := row.attempt()
		if err != nil {
			return err
		}
		set := map[string]any{"assignment_id": a.ID}
		if extraS > 0 && at.Deadline != nil {
			at.ExtensionS += extraS
			at.Deadline, at.ClosesAt = Clock(&at.Rules, at.Mode, at.StartedAt, at.ExtensionS)
			set["extension_s"], set["deadline"], set["closes_at"] = at.ExtensionS, at.Deadline, at.ClosesAt
		}
		return tx.Table("attempts").Where("id = ?", id).Updates(set).Error
	})
	if errors.Is(err, content.ErrConflict) { // the candidate's words, unprefixed
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("attempt %d: record assignment: %w", id, err)
	}
	return s.Attempt(ctx, v, id)
}

// MyAssignment is assignment id as the viewer, a member of one of cohorts, stands in it;
// ErrNotFound for an assignment not given to their cohorts.
func (s *Service) MyAssignment(ctx context.Context, v Viewer, cohorts []int64, id int64) (*AssignmentStatus, error) {
	a, err := s.assignmentFor(ctx, Viewer{UserID: v.UserID, CenterID: v.CenterID}, cohorts, id) // as a member
	if err != nil {
		return nil, err
	}
	return s.standing(ctx, v.UserID, a, s.now().UTC())
}
