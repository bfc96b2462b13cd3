package exam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// createAssignment stores a new assignment, setting row.ID.
func (st *store) createAssignment(ctx context.Context, row *assignmentRow) error {
	if err := st.db.WithContext(ctx).Create(row).Error; err != nil {
		return fmt.Errorf("create assignment: %w", err)
	}
	return nil
}

// assignment returns assignment id's row; ErrNotFound for none.
func (st *store) assignment(ctx context.Context, id int64) (*assignmentRow, error) {
	var row assignmentRow
	err := st.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, assignmentNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// centerAssignments lists a center's assignments, newest window first.
func (st *store) centerAssignments(ctx context.Context, center int64) ([]assignmentRow, error) {
	var rows []assignmentRow
	err := st.db.WithContext(ctx).Where("center_id = ?", center).Order("opens_at DESC, id DESC").Limit(1000).Find(&rows).Error
	return rows, err
}

// cohortAssignments lists a center's assignments to any of cohorts, soonest closing first.
func (st *store) cohortAssignments(ctx context.Context, center int64, cohorts []int64) ([]assignmentRow, error) {
	var rows []assignmentRow
	err := st.db.WithContext(ctx).Where("center_id = ? AND cohort_id IN ?", center, cohorts).Order("closes_at, id").Find(&rows).Error
	return rows, err
}

// blueprintAssignments lists a center's assignments of blueprint code to any of cohorts,
// soonest opening first.
func (st *store) blueprintAssignments(ctx context.Context, center int64, cohorts []int64, code string) ([]assignmentRow, error) {
	var rows []assignmentRow
	err := st.db.WithContext(ctx).Where("center_id = ? AND cohort_id IN ? AND blueprint = ?", center, cohorts, code).
		Order("opens_at").Find(&rows).Error
	return rows, err
}

// extensions returns the extensions of assignments ids: seconds by candidate, by
// assignment. An assignment without any is left out.
func (st *store) extensions(ctx context.Context, ids []int64) (map[int64]map[int64]int, error) {
	out := map[int64]map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []assignmentExtensionRow
	if err := st.db.WithContext(ctx).Where("assignment_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, e := range rows {
		if out[e.AssignmentID] == nil {
			out[e.AssignmentID] = map[int64]int{}
		}
		out[e.AssignmentID][e.UserID] = e.Seconds
	}
	return out, nil
}

// candidateExtensions returns candidate's extension in each of assignments ids that
// gives one, by assignment.
func (st *store) candidateExtensions(ctx context.Context, candidate int64, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []assignmentExtensionRow
	if err := st.db.WithContext(ctx).Where("user_id = ? AND assignment_id IN ?", candidate, ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, e := range rows {
		out[e.AssignmentID] = e.Seconds
	}
	return out, nil
}

// assignedAttempts lists, in one read, candidate's attempts of assignments ids and, when
// slot is named, the attempt in progress in that slot.
func (st *store) assignedAttempts(ctx context.Context, candidate int64, ids []int64, slot string) ([]attemptBrief, error) {
	var out []attemptBrief
	if len(ids) == 0 && slot == "" {
		return out, nil
	}
	q := st.db.WithContext(ctx).Model(&attemptRow{}).Select("id, assignment_id, mode, status, open_slot, started_at")
	switch {
	case slot == "":
		q = q.Where("candidate_id = ? AND assignment_id IN ?", candidate, ids)
	case len(ids) == 0:
		q = q.Where("open_slot = ?", slot)
	default:
		q = q.Where("candidate_id = ? AND (assignment_id IN ? OR open_slot = ?)", candidate, ids, slot)
	}
	err := q.Find(&out).Error
	return out, err
}

// updateAssignment stores a changed title, window, attempts allowed and, when given, policy.
func (st *store) updateAssignment(ctx context.Context, id int64, in AssignmentInput, now time.Time) error {
	set := map[string]any{"title": *in.Title, "opens_at": in.OpensAt.UTC(), "closes_at": in.ClosesAt.UTC(), "attempts_allowed": *in.AttemptsAllowed, "updated_at": now}
	if in.Integrity != nil {
		policy, err := integrityText(in.Integrity)
		if err != nil {
			return err
		}
		set["integrity"] = policy
	}
	return st.db.WithContext(ctx).Model(&assignmentRow{}).Where("id = ?", id).Updates(set).Error
}

// mostAttemptsUsed is the most attempts one candidate started through assignment id.
func (st *store) mostAttemptsUsed(ctx context.Context, id int64) (int, error) {
	var counts []int
	err := st.db.WithContext(ctx).Model(&attemptRow{}).Select("COUNT(*)").Where("assignment_id = ?", id).
		Group("candidate_id").Pluck("COUNT(*)", &counts).Error
	return slices.Max(append(counts, 0)), err
}

// deleteAssignment removes assignment id and its extensions, in one transaction that
// first asks allow, given how many attempts were started through it.
func (st *store) deleteAssignment(ctx context.Context, id int64, allow func(started int64) error) error {
	return db.Transaction(st.db.WithContext(ctx), func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&attemptRow{}).Where("assignment_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if err := allow(n); err != nil {
			return err
		}
		if err := tx.Where("assignment_id = ?", id).Delete(&assignmentExtensionRow{}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", id).Delete(&assignmentRow{}).Error
	})
}

// setExtension stores candidate's extension of assignment id; 0 removes it.
func (st *store) setExtension(ctx context.Context, id, candidate int64, seconds int) error {
	tx := st.db.WithContext(ctx)
	if seconds == 0 {
		return tx.Where("assignment_id = ? AND user_id = ?", id, candidate).Delete(&assignmentExtensionRow{}).Error
	}
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "assignment_id"}, {Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"seconds"}),
	}).Create(&assignmentExtensionRow{AssignmentID: id, UserID: candidate, Seconds: seconds}).Error
}

// countCohortAssignments counts the assignments of cohort.
func (st *store) countCohortAssignments(ctx context.Context, cohort int64) (int64, error) {
	var n int64
	err := st.db.WithContext(ctx).Model(&assignmentRow{}).Where("cohort_id = ?", cohort).Count(&n).Error
	return n, err
}
