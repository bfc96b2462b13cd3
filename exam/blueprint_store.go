package exam

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ownedBlueprint is a parsed blueprint and the center that owns it (0: shared).
type ownedBlueprint struct {
	center int64
	bp     Blueprint
}

// upsertBlueprints writes rows, replacing the title and body of those that exist.
func (st *store) upsertBlueprints(ctx context.Context, rows []blueprintRow) error {
	defer st.blueprints.clear()
	return st.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"title", "body", "updated_at"}),
	}).Create(&rows).Error
}

// listBlueprints returns the blueprints of center and the shared ones, bundled first.
func (st *store) listBlueprints(ctx context.Context, center int64) ([]Blueprint, error) {
	var rows []blueprintRow
	if err := st.db.WithContext(ctx).Where("center_id IN ?", []int64{0, center}).Order("bundled DESC, code").Find(&rows).Error; err != nil {
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

// blueprint returns blueprint code and its owner, from the cache where it can;
// ErrNotFound for no such code.
func (st *store) blueprint(ctx context.Context, code string, now time.Time) (ownedBlueprint, error) {
	if o, ok := st.blueprints.get(code, now); ok {
		return o, nil
	}
	var r blueprintRow
	err := st.db.WithContext(ctx).Where("code = ?", code).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ownedBlueprint{}, blueprintNotFound(code)
	}
	if err != nil {
		return ownedBlueprint{}, err
	}
	bp, err := r.blueprint()
	if err != nil {
		return ownedBlueprint{}, err
	}
	o := ownedBlueprint{center: r.CenterID, bp: *bp}
	st.blueprints.put(code, o, now)
	return o, nil
}

// createBlueprint stores a new blueprint; a taken code is ErrConflict.
func (st *store) createBlueprint(ctx context.Context, row *blueprintRow) error {
	err := st.db.WithContext(ctx).Create(row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return errs.New(errs.Conflict, "试卷蓝图代码 %s 已被使用", row.Code)
	}
	return err
}

func blueprintNotFound(code string) error {
	return errs.New(errs.NotFound, "试卷蓝图 %s 不存在", code)
}
