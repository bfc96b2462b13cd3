package exam

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content/db"
	"gorm.io/gorm"
)

type attemptEventRow struct {
	ID        int64 `gorm:"primaryKey"`
	AttemptID int64
	Seq       *int64
	Kind      string
	ClientAt  *time.Time
	ServerAt  time.Time
	Detail    string
}

func (attemptEventRow) TableName() string { return "attempt_events" }

// errClosedMeanwhile undoes a recording of events for an attempt that closed meanwhile.
var errClosedMeanwhile = errors.New("attempt closed meanwhile")

// recordFocus stores events for attempt id (each seq once: one stored already is left
// out) with the server time now and adds the new ones to its count, in one short
// transaction that holds the attempt's row only from its one update on. It returns the count and whether the attempt was still open;
// a closed attempt records nothing.
func (st *store) recordFocus(ctx context.Context, id int64, events []FocusEvent, now time.Time) (int, bool, error) {
	var count int
	err := db.Transaction(st.db.WithContext(ctx), func(tx *gorm.DB) error {
		seqs := make([]int64, len(events))
		for i, e := range events {
			seqs[i] = e.Seq
		}
		var seen []int64 // sent before: a batch whose answer was lost on the way
		if err := tx.Model(&attemptEventRow{}).Where("attempt_id = ? AND seq IN ?", id, seqs).Pluck("seq", &seen).Error; err != nil {
			return err
		}
		var rows []attemptEventRow
		for _, e := range events {
			if slices.Contains(seen, e.Seq) {
				continue
			}
			seen = append(seen, e.Seq) // and once within the batch
			seq := e.Seq
			row := attemptEventRow{AttemptID: id, Seq: &seq, Kind: e.Kind, ServerAt: now}
			if !e.ClientAt.IsZero() {
				at := e.ClientAt.UTC()
				row.ClientAt = &at
			}
			rows = append(rows, row)
		}
		if len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return err
			}
		}
		added := len(rows)
		upd := tx.Model(&attemptRow{}).Where("id = ? AND status = ?", id, InProgress).
			Update("focus_losses", gorm.Expr("focus_losses + ?", added))
		if upd.Error != nil {
			return upd.Error
		}
		if upd.RowsAffected == 0 && added > 0 {
			return errClosedMeanwhile
		}
		return tx.Model(&attemptRow{}).Where("id = ?", id).Select("focus_losses").Scan(&count).Error
	})
	if errors.Is(err, errClosedMeanwhile) {
		return 0, false, nil
	}
	return count, err == nil, err
}

// bindDevice binds attempt id to d unless it is bound already.
func (st *store) bindDevice(ctx context.Context, id int64, d Device) error {
	return st.db.WithContext(ctx).Model(&attemptRow{}).Where("id = ? AND device_id = ''", id).
		Updates(map[string]any{"device_id": d.ID, "device_ua": d.UA}).Error
}

// claimDevice binds attempt id to d under its row lock, as decide allows given the
// device it is bound to ("" for none): decide may refuse, and says whether this is a
// switch from another device, which is counted and recorded as an event at now.
func (st *store) claimDevice(ctx context.Context, id int64, d Device, now time.Time, decide func(bound string) (bool, error)) (*DeviceState, error) {
	var out DeviceState
	err := db.Transaction(st.db.WithContext(ctx), func(tx *gorm.DB) error {
		row, err := lockAttempt(tx, id, "id", "device_id", "device_ua", "device_switches")
		if err != nil {
			return err
		}
		switched, err := decide(row.DeviceID)
		if err != nil {
			return err
		}
		out = DeviceState{Switched: switched, DeviceSwitches: row.DeviceSwitches}
		if row.DeviceID == d.ID {
			return nil
		}
		set := map[string]any{"device_id": d.ID, "device_ua": d.UA}
		if switched {
			out.DeviceSwitches++
			set["device_switches"] = out.DeviceSwitches
		}
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(set).Error; err != nil {
			return err
		}
		if !switched {
			return nil
		}
		ev := attemptEventRow{AttemptID: id, Kind: EventDeviceSwitch, ServerAt: now,
			Detail: truncateRunes("从 "+deviceText(Device{UA: row.DeviceUA})+" 切换到 "+deviceText(d), 300)}
		return tx.Create(&ev).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// events lists attempt id's events, oldest first, at most limit.
func (st *store) events(ctx context.Context, id int64, limit int) ([]AttemptEvent, error) {
	var rows []attemptEventRow
	if err := st.db.WithContext(ctx).Where("attempt_id = ?", id).Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]AttemptEvent, len(rows))
	for i, r := range rows {
		out[i] = AttemptEvent{Kind: r.Kind, ClientAt: r.ClientAt, ServerAt: r.ServerAt.UTC(), Detail: r.Detail}
	}
	return out, nil
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
