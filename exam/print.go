package exam

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// Code names a paper's exact content in 8 hex digits: its blueprint, and each question,
// version and option order in paper order. Two papers with the same code are the same
// paper, so a reprint is checked against the first print by its code.
func (p *Paper) Code() string {
	h := sha256.New()
	fmt.Fprintf(h, "csmexam-paper|%s", p.Blueprint)
	for _, s := range p.Sections {
		fmt.Fprintf(h, "|%s/%s/%s", s.Type, s.Form, s.PointsEach)
		for _, it := range s.Items {
			fmt.Fprintf(h, "|%d.%d:%s", it.QuestionID, it.Version, strings.Join(it.Options, ","))
		}
	}
	return fmt.Sprintf("%X", h.Sum(nil)[:4])
}

// DrawnPaper is a paper assembled to be printed, not sat: the blueprint's rules, the
// paper and the question versions it holds.
type DrawnPaper struct {
	Rules     Blueprint
	Paper     Paper
	Questions map[content.Ref]*content.Question
}

// DrawPaper assembles blueprint code's paper for seed from center's current bank, as a
// start would (Assemble), and stores nothing. The same seed draws the same paper as long
// as the bank within the blueprint's scope is unchanged (Paper.Code tells). A blueprint
// center cannot see is ErrNotFound; a bank that cannot fill it ErrBankShort naming every
// shortage.
func (s *Service) DrawPaper(ctx context.Context, center int64, code string, seed int64) (*DrawnPaper, error) {
	bp, err := s.Blueprint(ctx, code, center)
	if err != nil {
		return nil, err
	}
	bank, err := s.store.bank(ctx, center, s.now())
	if err != nil {
		return nil, err
	}
	paper, err := s.assemble(center, bank, bp, seed)
	if err != nil {
		return nil, err
	}
	byRef := make(map[content.Ref]*content.Question, len(bank))
	for i := range bank {
		byRef[content.Ref{ID: bank[i].ID, Version: bank[i].Version}] = &bank[i]
	}
	qs := make(map[content.Ref]*content.Question)
	for _, r := range paper.Refs() {
		qs[r] = byRef[r]
	}
	return &DrawnPaper{Rules: *bp, Paper: paper, Questions: qs}, nil
}

// assemble draws bp's paper for seed from center's bank, as Assemble does, from the plan
// kept for them; when the bank is short, it reports every shortage at once.
func (s *Service) assemble(center int64, bank []content.Question, bp *Blueprint, seed int64) (Paper, error) {
	plan, err := s.store.plan(center, bank, bp)
	var paper Paper
	if err == nil {
		paper, err = plan.draw(seed)
	}
	if errors.Is(err, ErrBankShort) {
		if short := Shortages(bank, *bp); len(short) > 0 {
			return Paper{}, shortageError(bp, short) // every shortage, not just the first
		}
	}
	return paper, err
}
