package exam

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// assignmentAttempts lists the attempts started through assignment id, oldest first.
func (st *store) assignmentAttempts(ctx context.Context, id int64) ([]attemptRow, error) {
	var rows []attemptRow
	err := st.db.WithContext(ctx).Where("assignment_id = ?", id).Order("started_at, id").Find(&rows).Error
	return rows, err
}

// assignmentClocks lists the attempts started through assignment id, oldest first, with
// their owner, status, rules and clock only.
func (st *store) assignmentClocks(ctx context.Context, id int64) ([]attemptRow, error) {
	var rows []attemptRow
	err := st.db.WithContext(ctx).Select("id, candidate_id, center_id, mode, status, rules, started_at, deadline, closes_at, extension_s, submitted_at, integrity, focus_losses, device_switches").
		Where("assignment_id = ?", id).Order("started_at, id").Find(&rows).Error
	return rows, err
}

// answerCount is how many questions of an attempt have an answer, and when the last
// save (of an answer or of its clearing) was.
type answerCount struct {
	answered int
	last     time.Time
}

// answerCounts counts the saved answers of attempts ids, by attempt; an attempt without
// any save is left out.
func (st *store) answerCounts(ctx context.Context, ids []int64) (map[int64]answerCount, error) {
	out := map[int64]answerCount{}
	for chunk := range slices.Chunk(ids, 1000) {
		var rows []struct {
			AttemptID int64
			Answered  int
			Last      string // SQLite returns MAX of a time as text; MySQL's time reads as RFC 3339
		}
		err := st.db.WithContext(ctx).Model(&answerRow{}).
			Select("attempt_id, SUM(CASE WHEN choice <> '' OR (text IS NOT NULL AND text <> '') THEN 1 ELSE 0 END) AS answered, MAX(saved_at) AS last").
			Where("attempt_id IN ?", chunk).Group("attempt_id").Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			last, err := parseStoredTime(r.Last)
			if err != nil {
				return nil, fmt.Errorf("attempt %d: last save: %w", r.AttemptID, err)
			}
			out[r.AttemptID] = answerCount{answered: r.Answered, last: last}
		}
	}
	return out, nil
}

// proctorActions lists what proctors did to attempts ids, oldest first.
func (st *store) proctorActions(ctx context.Context, ids []int64) ([]ProctorAction, error) {
	out := []ProctorAction{}
	for chunk := range slices.Chunk(ids, 1000) {
		var rows []proctorActionRow
		if err := st.db.WithContext(ctx).Where("attempt_id IN ?", chunk).Order("created_at, id").Find(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			out = append(out, rows[i].action())
		}
	}
	return out, nil
}

// parseStoredTime reads a time an aggregate returned as text, in UTC.
func parseStoredTime(s string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
