package exam

import (
	"context"
)

// SyncBundled writes the bundled blueprints and one practice blueprint per chapter that
// the bundled bank can fill. It is idempotent.
func (s *Service) SyncBundled(ctx context.Context) error {
	bank, err := s.store.content.Bank(ctx, []int64{0})
	if err != nil {
		return err
	}
	nodes, err := s.store.content.Syllabus(ctx)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	bps := append(Bundled(), PracticeBlueprints(bank, nodes)...)
	rows := make([]blueprintRow, len(bps))
	for i := range bps {
		if rows[i], err = newBlueprintRow(&bps[i], 0, 0, true, now); err != nil {
			return err
		}
	}
	return s.store.upsertBlueprints(ctx, rows)
}

// Blueprints lists the blueprints a center sees: the bundled ones and its own.
func (s *Service) Blueprints(ctx context.Context, center int64) ([]Blueprint, error) {
	return s.store.listBlueprints(ctx, center)
}

// Blueprint returns one blueprint visible to center; ErrNotFound otherwise.
func (s *Service) Blueprint(ctx context.Context, code string, center int64) (*Blueprint, error) {
	o, err := s.store.blueprint(ctx, code, s.now())
	if err != nil {
		return nil, err
	}
	if o.center != 0 && o.center != center {
		return nil, blueprintNotFound(code)
	}
	bp := o.bp // callers may change their copy; the slices inside are never written
	return &bp, nil
}

// CreateBlueprint validates bp against the syllabus and the bank and stores it for center
// (0: shared) as version 1. A taken code is ErrConflict; an invalid field a
// *content.ValidationError; a bank that cannot fill it ErrBankShort naming every shortage.
func (s *Service) CreateBlueprint(ctx context.Context, bp *Blueprint, center, by int64) error {
	if err := s.checkBlueprint(ctx, bp, center); err != nil {
		return err
	}
	row, err := newBlueprintRow(bp, center, by, false, s.now().UTC())
	if err != nil {
		return err
	}
	if err := s.store.createBlueprint(ctx, &row); err != nil {
		return err
	}
	bp.Version, bp.Retired, bp.Bundled, bp.CenterID = 1, false, false, center
	return nil
}

// checkBlueprint normalizes bp and checks it against the syllabus and the bank center
// draws from, as a save does.
func (s *Service) checkBlueprint(ctx context.Context, bp *Blueprint, center int64) error {
	bp.Normalize()
	if err := bp.Validate(); err != nil {
		return err
	}
	if err := s.checkUnits(ctx, bp); err != nil {
		return err
	}
	// The bank as it is now, not the snapshot papers draw from: questions added a moment
	// ago count.
	bank, err := s.store.content.Bank(ctx, []int64{0, center})
	if err != nil {
		return err
	}
	return checkFillable(bank, bp)
}

func (s *Service) checkUnits(ctx context.Context, bp *Blueprint) error {
	nodes, err := s.store.content.Syllabus(ctx)
	if err != nil {
		return err
	}
	codes := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		codes[n.Code] = true
	}
	return bp.CheckUnits(func(c string) bool { return codes[c] })
}
