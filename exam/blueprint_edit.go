package exam

import (
	"context"
	"errors"
	"fmt"

	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"gorm.io/gorm"
)

// A center's blueprint is edited as versions: each save is the next version, and an
// attempt keeps the blueprint it was started from (its Rules), so its paper, points,
// duration and pass line never move under it. One that has been sat is retired rather
// than deleted.

// ownBlueprint reads blueprint code for a change by center (0: shared, an
// administrator's): a bundled blueprint is ErrForbidden, another center's ErrNotFound.
func (st *store) ownBlueprint(ctx context.Context, tx *gorm.DB, code string, center int64) (*blueprintRow, error) {
	var r blueprintRow
	err := tx.WithContext(ctx).Where("code = ?", code).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, blueprintNotFound(code)
	}
	if err != nil {
		return nil, err
	}
	if r.Bundled {
		return nil, errs.New(errs.Forbidden, "内置试卷蓝图 %s 为只读；可以新建一个蓝图并按需设置", code)
	}
	if r.CenterID != center {
		if r.CenterID == 0 {
			return nil, errs.New(errs.Forbidden, "试卷蓝图 %s 属于共享题库，只有系统管理员可以修改", code)
		}
		return nil, blueprintNotFound(code)
	}
	return &r, nil
}

// UpdateBlueprint saves bp as the next version of center's blueprint code (bp.Code is
// set to code), checked as CreateBlueprint checks a new one. When expectVersion is not
// zero and the stored version differs (someone saved first) it is ErrConflict and nothing
// is stored. Attempts already started keep the version they were started from. A bundled
// blueprint is ErrForbidden; another center's ErrNotFound.
func (s *Service) UpdateBlueprint(ctx context.Context, code string, bp *Blueprint, center, by int64, expectVersion int) error {
	if _, err := s.store.ownBlueprint(ctx, s.store.db, code, center); err != nil {
		return err
	}
	bp.Code = code
	if err := s.checkBlueprint(ctx, bp, center); err != nil {
		return err
	}
	body, err := blueprintBody(bp)
	if err != nil {
		return err
	}
	defer s.store.blueprints.clear()
	var saved blueprintRow
	err = db.Transaction(s.store.db.WithContext(ctx), func(tx *gorm.DB) error {
		cur, err := s.store.ownBlueprint(ctx, tx, code, center)
		if err != nil {
			return err
		}
		if expectVersion != 0 && expectVersion != cur.Version {
			return errs.New(errs.Conflict, "试卷蓝图 %s 已被他人修改（当前为第 %d 版，而不是第 %d 版），请刷新后再编辑", code, cur.Version, expectVersion)
		}
		res := tx.Model(&blueprintRow{}).Where("code = ? AND version = ?", code, cur.Version).
			Updates(map[string]any{"title": bp.Title, "body": body, "version": cur.Version + 1, "updated_at": s.now().UTC()})
		if res.Error != nil {
			return fmt.Errorf("update blueprint %s: %w", code, res.Error)
		}
		if res.RowsAffected != 1 {
			return errs.New(errs.Conflict, "试卷蓝图 %s 在保存时被他人修改，请刷新后再编辑", code)
		}
		saved = *cur
		saved.Version++
		return nil
	})
	if err != nil {
		return err
	}
	bp.Version, bp.Retired, bp.Bundled, bp.CenterID = saved.Version, saved.RetiredAt != nil, false, center
	return nil
}

// RetireBlueprint takes center's blueprint code out of use: it is offered for no new
// start or assignment, stays readable, and its attempts keep their results.
// RestoreBlueprint puts it back. Either is idempotent.
func (s *Service) RetireBlueprint(ctx context.Context, code string, center int64) (*Blueprint, error) {
	return s.setRetired(ctx, code, center, true)
}

// RestoreBlueprint offers a retired blueprint again; see RetireBlueprint.
func (s *Service) RestoreBlueprint(ctx context.Context, code string, center int64) (*Blueprint, error) {
	return s.setRetired(ctx, code, center, false)
}

func (s *Service) setRetired(ctx context.Context, code string, center int64, retired bool) (*Blueprint, error) {
	if _, err := s.store.ownBlueprint(ctx, s.store.db, code, center); err != nil {
		return nil, err
	}
	var at any // NULL restores
	if retired {
		at = s.now().UTC()
	}
	q := s.store.db.WithContext(ctx).Model(&blueprintRow{}).Where("code = ?", code)
	if retired {
		q = q.Where("retired_at IS NULL") // keep the first retirement's time
	}
	if err := q.Update("retired_at", at).Error; err != nil {
		return nil, fmt.Errorf("retire blueprint %s: %w", code, err)
	}
	s.store.blueprints.clear()
	return s.Blueprint(ctx, code, center)
}

// DeleteBlueprint removes center's blueprint code for good. One that has attempts or
// assignments is ErrConflict (retire it instead): results and reports read it.
func (s *Service) DeleteBlueprint(ctx context.Context, code string, center int64) error {
	defer s.store.blueprints.clear()
	return db.Transaction(s.store.db.WithContext(ctx), func(tx *gorm.DB) error {
		if _, err := s.store.ownBlueprint(ctx, tx, code, center); err != nil {
			return err
		}
		var attempts, assignments int64
		if err := tx.Model(&attemptRow{}).Where("blueprint = ?", code).Count(&attempts).Error; err != nil {
			return err
		}
		if attempts > 0 {
			return errs.New(errs.Conflict, "试卷蓝图 %s 已有 %d 次作答，不能删除；请改为停用：停用后不再用于新的作答和考试安排，已有成绩不受影响", code, attempts)
		}
		if err := tx.Model(&assignmentRow{}).Where("blueprint = ?", code).Count(&assignments).Error; err != nil {
			return err
		}
		if assignments > 0 {
			return errs.New(errs.Conflict, "试卷蓝图 %s 已用于 %d 个考试安排，不能删除；请先删除这些安排，或改为停用", code, assignments)
		}
		if err := tx.Where("code = ?", code).Delete(&blueprintRow{}).Error; err != nil {
			return fmt.Errorf("delete blueprint %s: %w", code, err)
		}
		return nil
	})
}

// retiredError is the refusal of a new start or assignment of a retired blueprint.
func retiredError(bp *Blueprint) error {
	return &errs.Error{Kind: errs.Conflict, Field: "blueprint",
		Message: fmt.Sprintf("试卷蓝图「%s」已停用，不能开始新的作答或安排考试；已有的作答和成绩不受影响", bp.Title)}
}
