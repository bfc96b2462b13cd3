package exam

import (
	"context"
	"errors"
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
	have := make(map[content.Type]int, len(bp.Sections))
	quotaHave := make([]int, len(bp.Quotas))
	for i := range bank {
		q := &bank[i]
		if _, ok := bp.Section(q.Type); !ok || !bp.inScope(q.Unit) {
			continue
		}
		have[q.Type]++
		for k, quota := range bp.Quotas {
			if quota.Type == q.Type && content.Beneath(q.Unit, quota.Unit) {
				quotaHave[k]++
			}
		}
	}
	var short []ShortageError
	for _, s := range bp.Sections {
		if have[s.Type] < s.Count {
			short = append(short, ShortageError{Type: s.Type, Need: s.Count, Have: have[s.Type]})
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
