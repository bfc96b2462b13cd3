package exam

import (
	"context"
	"fmt"

	"github.com/csmexam/csmexam/content"
)

// Practice describes a practice paper made of chosen questions rather than drawn from a
// blueprint, e.g. a candidate's 错题本.
type Practice struct {
	// Code names the open-attempt slot (one open attempt per candidate and code). It is
	// never a blueprint's code, so that a blueprint's attempts and limits stay its own:
	// it starts with a character blueprint codes cannot start with, such as "_".
	Code      string
	Title     string
	Questions []int64 // in this order within each type; ids the center cannot see are left out
}

// PracticePointsEach is what each question of a practice paper is worth: one point.
const PracticePointsEach = content.Points(100)

// StartPractice opens an untimed practice attempt on the current versions of p's
// questions for the viewer, or returns the viewer's open attempt of p.Code. Questions
// the viewer's center cannot see, retired ones and case analyses are left out; none left
// is a *content.ValidationError on "questions".
func (s *Service) StartPractice(ctx context.Context, v Viewer, p Practice) (*Attempt, error) {
	if codePattern.MatchString(p.Code) {
		return nil, fmt.Errorf("exam: practice code %q could be a blueprint's", p.Code)
	}
	slot := slotOf(v.UserID, p.Code)
	if a, ok, err := s.store.openAttempt(ctx, slot); ok || err != nil {
		return a, err
	}
	bank, err := s.store.bank(ctx, v.CenterID, s.now())
	if err != nil {
		return nil, err
	}
	bp, paper, err := practicePaper(bank, p)
	if err != nil {
		return nil, err
	}
	return s.insertAttempt(ctx, v, slot, &bp, ModePractice, paper)
}

// practicePaper lays out p over bank: one section per question type, each question
// worth PracticePointsEach, passing at 60%; the blueprint it returns is the attempt's
// rules. It is pure.
func practicePaper(bank []content.Question, p Practice) (Blueprint, Paper, error) {
	byID := make(map[int64]*content.Question, len(bank))
	for i := range bank {
		byID[bank[i].ID] = &bank[i]
	}
	bp := Blueprint{Code: p.Code, Title: p.Title, Mode: ModePractice, Overdue: OverdueAutoSubmit, MultipleScoring: AllOrNothing}
	paper := Paper{Blueprint: p.Code}
	for _, t := range content.Types {
		sec := PaperSection{Type: t, PointsEach: PracticePointsEach}
		for _, id := range p.Questions {
			if q := byID[id]; q != nil && q.Type == t && t != content.Case {
				sec.Items = append(sec.Items, Item{QuestionID: q.ID, Version: q.Version, Options: q.OptionKeys()})
			}
		}
		if len(sec.Items) > 0 {
			paper.Sections = append(paper.Sections, sec)
			bp.Sections = append(bp.Sections, Section{Type: t, Count: len(sec.Items), PointsEach: sec.PointsEach})
		}
	}
	if len(paper.Sections) == 0 {
		return bp, paper, content.Invalid("questions", "没有可以练习的题目")
	}
	bp.Normalize()
	bp.PassScore = bp.MaxScore * 60 / 100 / 50 * 50 // 60%, down to a half point
	return bp, paper, nil
}
