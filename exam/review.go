package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrNotSubmitted is a review, a grade or a report asked of an attempt still in progress.
var ErrNotSubmitted = fmt.Errorf("作答尚未提交，还没有成绩: %w", content.ErrConflict)

// PartScore is one case part in a result: its raw rubric points and what they earned.
// Copied flags an answer mostly copied from the case material, for the grader to see.
type PartScore struct {
	Score    content.Points `json:"score"`
	MaxScore content.Points `json:"max_score"`
	Points   []PointScore   `json:"points"`
	Copied   bool           `json:"copied,omitempty"`
}

// PointScore is one 采分点: the score it earned (an instructor's, once the case is
// graded; 0 before), the server's suggestion, and where the candidate's text matched.
type PointScore struct {
	Score     content.Points `json:"score"`
	MaxScore  content.Points `json:"max_score"`
	Suggested content.Points `json:"suggested"`
	Hits      []Hit          `json:"hits,omitempty"`
	Reasons   []Reason       `json:"reasons,omitempty"`
}

// Hit is a keyword found in an answer: [Start, End) in runes of the part's text as saved.
type Hit struct {
	Word  string `json:"word"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// ReasonKind says why a suggestion counted a word of the answer, or did not.
type ReasonKind string

const (
	Matched    ReasonKind = "matched"     // the word earns the point
	Negated    ReasonKind = "negated"     // the word stands under a negation (Cue) in its clause
	CopiedText ReasonKind = "copied"      // the word lies in text copied from the case material
	PairBroken ReasonKind = "pair_broken" // the word occurs, but not in one clause with its partner (Cue)
	Listed     ReasonKind = "listed"      // the word stands alone in a bare list, with no reasoning around it
)

// Reason is one finding behind a suggestion: the rubric word, where it stands in the
// answer as saved ([Start, End) in runes), and the cue that decided (the negation word,
// or the missing partner of a pair).
type Reason struct {
	Kind  ReasonKind `json:"kind"`
	Word  string     `json:"word"`
	Cue   string     `json:"cue,omitempty"`
	Start int        `json:"start"`
	End   int        `json:"end"`
}

// Change is one regrade of a question on an attempt, kept in the result's history.
type Change struct {
	QuestionID int64          `json:"question_id"`
	OldVersion int            `json:"old_version"` // the version scored before
	NewVersion int            `json:"new_version"`
	OldScore   content.Points `json:"old_score"`
	NewScore   content.Points `json:"new_score"`
	By         int64          `json:"by"`
	At         time.Time      `json:"at"`
}

// Titles maps syllabus codes to titles, for result subtotals.
func (s *Service) Titles(ctx context.Context) (map[string]string, error) { return s.titles(ctx) }

// Rescore replaces the result of a submitted attempt. It runs score in one transaction
// that holds the attempt's row, so rescores from several servers apply one after the
// other; score gets that transaction (for its own tables), the attempt and its answers,
// and returns the new result, which is stored with its status and score. An attempt in
// progress is ErrNotSubmitted; an abandoned one ErrConflict; a missing one ErrNotFound.
func (s *Service) Rescore(ctx context.Context, id int64, score func(tx *gorm.DB, a *Attempt, answers map[int64]Answer) (*Result, error)) (*Result, error) {
	var out *Result
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row attemptRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return notFound(id)
		}
		if err != nil {
			return err
		}
		a, err := row.attempt()
		if err != nil {
			return err
		}
		switch a.Status {
		case InProgress:
			return ErrNotSubmitted
		case Abandoned:
			return fmt.Errorf("作答超时被作废，没有成绩: %w", content.ErrConflict)
		}
		var rows []answerRow
		if err := tx.Where("attempt_id = ?", id).Find(&rows).Error; err != nil {
			return err
		}
		answers := make(map[int64]Answer, len(rows))
		for i := range rows {
			answers[rows[i].QuestionID] = rows[i].answer()
		}
		res, err := score(tx, a, answers)
		if err != nil {
			return err
		}
		rj, _ := json.Marshal(res)
		if err := tx.Model(&attemptRow{}).Where("id = ?", id).Updates(map[string]any{
			"status": string(res.Status), "score": int64(res.Score), "result": string(rj), "updated_at": s.now().UTC()}).Error; err != nil {
			return err
		}
		out = res
		return nil
	})
	return out, err
}

// ReviewQueue lists a center's attempts awaiting an instructor, oldest submission first.
func (s *Service) ReviewQueue(ctx context.Context, center int64, limit int) ([]Attempt, error) {
	return s.find(ctx, s.db.WithContext(ctx).Where("center_id = ? AND status = ?", center, PendingReview).Order("submitted_at, id").Limit(limit))
}

// AttemptsWith lists a center's finalised (graded or pending review) attempts whose
// paper holds the question, in any version.
func (s *Service) AttemptsWith(ctx context.Context, center, questionID int64) ([]Attempt, error) {
	// Papers are stored as JSON written by encoding/json, so an item reads exactly so.
	pattern := fmt.Sprintf(`%%"question_id":%d,%%`, questionID)
	as, err := s.find(ctx, s.db.WithContext(ctx).Where("center_id = ? AND status IN ? AND paper LIKE ?",
		center, []Status{PendingReview, Graded}, pattern).Order("id"))
	if err != nil {
		return nil, err
	}
	out := as[:0]
	for _, a := range as {
		if _, _, ok := a.Paper.ItemOf(questionID); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// MaxFinalised bounds Finalised: a candidate's latest attempts are what matters.
const MaxFinalised = 500

// Finalised lists a candidate's latest MaxFinalised graded and pending-review attempts,
// oldest first.
func (s *Service) Finalised(ctx context.Context, candidate int64) ([]Attempt, error) {
	as, err := s.find(ctx, s.db.WithContext(ctx).Where("candidate_id = ? AND status IN ?", candidate, []Status{PendingReview, Graded}).
		Order("id DESC").Limit(MaxFinalised))
	slices.Reverse(as)
	return as, err
}

func (s *Service) find(ctx context.Context, q *gorm.DB) ([]Attempt, error) {
	var rows []attemptRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	out := make([]Attempt, 0, len(rows))
	for i := range rows {
		a, err := rows[i].attempt()
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

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
	slot := fmt.Sprintf("%d/%s", v.UserID, p.Code)
	if a, err := s.openAttempt(ctx, slot); a != nil || err != nil {
		return a, err
	}
	bank, err := s.bank(ctx, v.CenterID)
	if err != nil {
		return nil, err
	}
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
		return nil, content.Invalid("questions", "没有可以练习的题目")
	}
	bp.Normalize()
	bp.PassScore = bp.MaxScore * 60 / 100 / 50 * 50 // 60%, down to a half point
	return s.insertAttempt(ctx, v, slot, &bp, ModePractice, paper)
}

// FinalisedAttempt returns a graded or pending-review attempt whoever asks, for checks
// that show nothing private (a report's verify code); any other is ErrNotFound.
func (s *Service) FinalisedAttempt(ctx context.Context, id int64) (*Attempt, error) {
	as, err := s.find(ctx, s.db.WithContext(ctx).Where("id = ? AND status IN ?", id, []Status{PendingReview, Graded}))
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, notFound(id)
	}
	return &as[0], nil
}
