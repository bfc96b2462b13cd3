package exam

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// Shortages lists every part of bp that bank cannot fill: each section whose type has
// fewer questions within the scope than it asks for, then each quota with fewer
// questions of its type beneath its unit (and within the scope). Nil means every demand
// can be met on its own; Assemble may still find nested quotas that together ask too
// much. It is pure: the bank and the blueprint in, the shortages out.
func Shortages(bank []content.Question, bp Blueprint) []ShortageError {
	have := make([]int, len(bp.Sections)) // per section: a case section may take one form only
	quotaHave := make([]int, len(bp.Quotas))
	for i := range bank {
		q := &bank[i]
		if !bp.inScope(q.Unit) {
			continue
		}
		for k, s := range bp.Sections {
			if s.Takes(q) {
				have[k]++
			}
		}
		for k, quota := range bp.Quotas {
			if quota.Type == q.Type && content.Beneath(q.Unit, quota.Unit) {
				quotaHave[k]++
			}
		}
	}
	var short []ShortageError
	for k, s := range bp.Sections {
		if have[k] < s.Count {
			short = append(short, ShortageError{Type: s.Type, Form: s.Form, Need: s.Count, Have: have[k]})
		}
	}
	for k, quota := range bp.Quotas {
		if quotaHave[k] < quota.Count {
			short = append(short, ShortageError{Type: quota.Type, Unit: quota.Unit, Need: quota.Count, Have: quotaHave[k]})
		}
	}
	return short
}

// checkFillable returns nil when bank can fill bp, and otherwise an ErrBankShort
// *errs.Error whose message names every shortage ("单选题：需要 30 道，范围内只有 6 道；…").
// Beyond the counts of Shortages it assembles one paper, so nested quotas that together
// ask too much are caught as well.
func checkFillable(bank []content.Question, bp *Blueprint) error {
	short := Shortages(bank, *bp)
	if len(short) == 0 {
		_, err := Assemble(bank, *bp, 1)
		var se *ShortageError
		if !errors.As(err, &se) {
			return nil // an invalid blueprint is Validate's to report
		}
		short = append(short, *se)
	}
	return shortageError(bp, short)
}

func shortageError(bp *Blueprint, short []ShortageError) error {
	texts := make([]string, len(short))
	for i := range short {
		texts[i] = short[i].Error()
	}
	return &errs.Error{Kind: errs.BankShort, Field: "sections",
		Message: "题库无法组出「" + bp.Title + "」：" + strings.Join(texts, "；")}
}

// Unfillable returns, for each blueprint center sees that the bank cannot fill now, its
// shortages by code. It is read against the current bank on every call, so a blueprint
// becomes fillable (or not) as soon as the bank changes; callers use it to flag such
// blueprints for staff and to keep them off candidates' lists.
func (s *Service) Unfillable(ctx context.Context, center int64) (map[string][]ShortageError, error) {
	bps, err := s.Blueprints(ctx, center)
	if err != nil {
		return nil, err
	}
	return s.unfillable(ctx, center, bps)
}

// Listed is the blueprints v sees listed: staff every one of their center (the page flags
// those the bank cannot fill and those retired), anyone else only those the bank can fill
// now and not retired, so such a blueprint is never offered to a candidate.
func (s *Service) Listed(ctx context.Context, v Viewer) ([]Blueprint, error) {
	bps, err := s.Blueprints(ctx, v.CenterID)
	if err != nil || v.Staff {
		return bps, err
	}
	unfillable, err := s.unfillable(ctx, v.CenterID, bps)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(bps, func(bp Blueprint) bool { return unfillable[bp.Code] != nil || bp.Retired }), nil
}

func (s *Service) unfillable(ctx context.Context, center int64, bps []Blueprint) (map[string][]ShortageError, error) {
	bank, err := s.store.bank(ctx, center, s.now())
	if err != nil {
		return nil, err
	}
	out := map[string][]ShortageError{}
	for _, bp := range bps {
		if short := Shortages(bank, bp); len(short) > 0 {
			out[bp.Code] = short
		}
	}
	return out, nil
}
