package grading

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Service reviews, regrades and reports on attempts over the database. It keeps no state
// of its own between calls, so several servers can share one database.
type Service struct {
	db       *gorm.DB
	exams    *exam.Service
	content  *content.Store
	accounts *account.Store
	now      func() time.Time
}

// NewService wires grading: g a migrated database (grading.Migrate), the exam engine, the
// bank, the accounts (for names on reports) and the clock.
func NewService(g *gorm.DB, exams *exam.Service, cs *content.Store, accounts *account.Store, now func() time.Time) *Service {
	return &Service{db: g, exams: exams, content: cs, accounts: accounts, now: now}
}

// notFound names no id: a candidate reads this message, and ids are internal.
func notFound() error {
	return errs.New(errs.NotFound, "找不到这次作答（作答记录不存在或无权查看）")
}

// staffAttempt returns an attempt for staff of its center; anyone else gets ErrNotFound.
func (s *Service) staffAttempt(ctx context.Context, v exam.Viewer, id int64) (*exam.Attempt, error) {
	a, err := s.exams.Attempt(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if !v.Staff || a.CenterID != v.CenterID {
		return nil, notFound()
	}
	return a, nil
}

// MaxCommentRunes bounds an instructor's comment on a case.
const MaxCommentRunes = 2000

// SetGrade records an instructor's grade of a case analysis on an attempt, replacing any
// earlier one, and rescores the attempt: when every case on the paper is graded it is
// graded, passed or not. Only staff of the attempt's center may (others: ErrNotFound). An
// attempt in progress is exam.ErrNotSubmitted; a question not on the paper ErrNotFound; a
// question that is not a case, or scores that do not fit its rubric (see CheckGrade), a
// *content.ValidationError. The comment is required (a *content.ValidationError naming
// "comment") only where the scores differ from the suggestion (see Suggested): confirming
// the suggestion, or 0 for an empty answer, needs no words.
func (s *Service) SetGrade(ctx context.Context, v exam.Viewer, attemptID, questionID int64, g CaseGrade) (*exam.Result, error) {
	g.Comment = strings.TrimSpace(g.Comment)
	if utf8.RuneCountInString(g.Comment) > MaxCommentRunes {
		return nil, content.Invalid("comment", "评语不能超过 %d 字", MaxCommentRunes)
	}
	if err := content.CheckText("comment", g.Comment); err != nil {
		return nil, err
	}
	res, _, err := s.grade(ctx, v, attemptID, questionID, func(q *content.Question, suggested []content.Points) (CaseGrade, error) {
		if err := CheckGrade(q, g.Scores); err != nil {
			return g, err
		}
		if g.Comment == "" && !slices.Equal(g.Scores, suggested) {
			return g, content.Invalid("comment", "所给分数与系统建议分不同，请写下评语说明理由（考生可见）")
		}
		return g, nil
	})
	return res, err
}

// grade records the grade decide makes of a case on an attempt, given the case and its
// suggestion, and rescores the attempt; it returns the stored row too. The rules and
// errors are SetGrade's. In a transaction that ctx carries (db.WithTx) it commits or rolls
// back with it.
func (s *Service) grade(ctx context.Context, v exam.Viewer, attemptID, questionID int64, decide func(q *content.Question, suggested []content.Points) (CaseGrade, error)) (*exam.Result, caseGradeRow, error) {
	var row caseGradeRow
	a, err := s.staffAttempt(ctx, v, attemptID)
	if err != nil {
		return nil, row, err
	}
	if a.Status == exam.InProgress {
		return nil, row, exam.ErrNotSubmitted
	}
	sec, _, ok := a.Paper.ItemOf(questionID)
	if !ok {
		return nil, row, errs.New(errs.NotFound, "这道题不在本次作答中")
	}
	if sec.Type != content.Case {
		return nil, row, content.Invalid("question_id", "只有案例分析题需要人工评分，%s由系统自动评分", sec.Type.Title())
	}
	titles, err := s.exams.Titles(ctx)
	if err != nil {
		return nil, row, err
	}
	in, err := s.gradeInput(ctx, a, titles)
	if err != nil {
		return nil, row, err
	}
	res, err := s.exams.Rescore(ctx, attemptID, exam.RescoreFunc(func(ctx context.Context, a *exam.Attempt, answers map[int64]exam.Answer) (*exam.Result, error) {
		in.Attempt, in.Answers = a, answers
		tx := db.Conn(ctx, s.db)
		r, err := s.review(ctx, tx, a)
		if err != nil {
			return nil, err
		}
		q := r.question(in, questionID)
		g, err := decide(q, Suggested(q, answers[questionID].Parts))
		if err != nil {
			return nil, err
		}
		if err := CheckGrade(q, g.Scores); err != nil {
			return nil, err
		}
		scores, err := json.Marshal(g.Scores)
		if err != nil {
			return nil, fmt.Errorf("grade of %d: %w", questionID, err)
		}
		row = caseGradeRow{AttemptID: a.ID, QuestionID: questionID, Scores: string(scores), Comment: g.Comment, GradedBy: v.UserID, GradedAt: s.now().UTC().Truncate(time.Second)}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
			return nil, fmt.Errorf("store grade: %w", err)
		}
		g.By, g.At = row.GradedBy, row.GradedAt
		r.Grades[questionID] = g
		res := Rescore(in, r)
		return &res, nil
	}))
	return res, row, err
}

// gradeInput gathers what scoring an attempt needs apart from its answers; titles are
// the syllabus titles (exam.Service.Titles), read once per request.
func (s *Service) gradeInput(ctx context.Context, a *exam.Attempt, titles map[string]string) (exam.GradeInput, error) {
	qs, err := s.exams.Questions(ctx, a)
	if err != nil {
		return exam.GradeInput{}, err
	}
	return exam.GradeInput{Attempt: a, Questions: qs, Titles: titles, Now: s.now().UTC()}, nil
}

// question is the version a question of the attempt scores with: a correction, else the
// paper's.
func (r *Review) question(in exam.GradeInput, id int64) *content.Question {
	if q := r.Corrected[id]; q != nil {
		return q
	}
	_, it, _ := in.Attempt.Paper.ItemOf(id)
	return in.Questions[content.Ref{ID: id, Version: it.Version}]
}

// review reads an attempt's case grades and regrades through tx.
func (s *Service) review(ctx context.Context, tx *gorm.DB, a *exam.Attempt) (Review, error) {
	r := Review{Grades: map[int64]CaseGrade{}, Corrected: map[int64]*content.Question{}}
	var grades []caseGradeRow
	if err := tx.Where("attempt_id = ?", a.ID).Find(&grades).Error; err != nil {
		return r, fmt.Errorf("read case grades: %w", err)
	}
	for _, g := range grades {
		var scores []content.Points
		if err := json.Unmarshal([]byte(g.Scores), &scores); err != nil {
			return r, fmt.Errorf("attempt %d: grade of %d: %w", a.ID, g.QuestionID, err)
		}
		r.Grades[g.QuestionID] = CaseGrade{Scores: scores, Comment: g.Comment, By: g.GradedBy, At: g.GradedAt.UTC()}
	}
	var regrades []regradeRow
	if err := tx.Where("attempt_id = ?", a.ID).Order("id").Find(&regrades).Error; err != nil {
		return r, fmt.Errorf("read regrades: %w", err)
	}
	latest := map[int64]content.Ref{}
	for _, g := range regrades {
		r.History = append(r.History, exam.Change{QuestionID: g.QuestionID, OldVersion: g.OldVersion, NewVersion: g.NewVersion,
			OldScore: content.Points(g.OldScore), NewScore: content.Points(g.NewScore), By: g.RegradedBy, At: g.CreatedAt.UTC()})
		latest[g.QuestionID] = content.Ref{ID: g.QuestionID, Version: g.NewVersion}
	}
	if len(latest) == 0 {
		return r, nil
	}
	refs := make([]content.Ref, 0, len(latest))
	for _, ref := range latest {
		refs = append(refs, ref)
	}
	qs, err := s.content.Versions(ctx, refs)
	if err != nil {
		return r, err
	}
	for _, ref := range refs {
		r.Corrected[ref.ID] = qs[ref]
	}
	return r, nil
}

// Regraded is what a regrade did.
type Regraded struct {
	QuestionID int64             `json:"question_id"`
	Version    int               `json:"version"`
	Attempts   []RegradedAttempt `json:"attempts"` // one per attempt rescored
	Changed    int               `json:"changed"`  // how many of them changed score
}

// RegradedAttempt is one attempt a regrade rescored.
type RegradedAttempt struct {
	Attempt int64 `json:"attempt"`
	exam.Change
}

// Regrade rescores the viewer's center's finalised attempts that scored a question with
// an older version than its current one, using the current version (its corrected key or
// rubric), and records each in the attempt's history. The attempts keep showing the
// version they were given. The question must be in the bundled bank or the viewer's
// center's (else ErrNotFound); only staff may (the web layer checks roles).
func (s *Service) Regrade(ctx context.Context, v exam.Viewer, questionID int64) (*Regraded, error) {
	q, err := s.content.Question(ctx, questionID)
	if err != nil {
		return nil, err
	}
	if q.CenterID != 0 && q.CenterID != v.CenterID || !v.Staff {
		return nil, errs.New(errs.NotFound, "题目 %d 不存在", questionID)
	}
	as, err := s.exams.AttemptsWith(ctx, v.CenterID, questionID)
	if err != nil {
		return nil, err
	}
	titles, err := s.exams.Titles(ctx)
	if err != nil {
		return nil, err
	}
	out := &Regraded{QuestionID: questionID, Version: q.Version, Attempts: []RegradedAttempt{}}
	for i := range as {
		in, err := s.gradeInput(ctx, &as[i], titles)
		if err != nil {
			return nil, err
		}
		var change *exam.Change
		_, err = s.exams.Rescore(ctx, as[i].ID, exam.RescoreFunc(func(ctx context.Context, a *exam.Attempt, answers map[int64]exam.Answer) (*exam.Result, error) {
			in.Attempt, in.Answers = a, answers
			tx := db.Conn(ctx, s.db)
			r, err := s.review(ctx, tx, a)
			if err != nil {
				return nil, err
			}
			old := r.question(in, questionID)
			if old == nil || old.Version >= q.Version {
				return a.Result, nil // scored with the current version already
			}
			c := exam.Change{QuestionID: questionID, OldVersion: old.Version, NewVersion: q.Version,
				OldScore: itemScore(a.Result, questionID), By: v.UserID, At: s.now().UTC().Truncate(time.Second)}
			r.Corrected[questionID] = q
			res := Rescore(in, r)
			c.NewScore = itemScore(&res, questionID)
			if err := tx.Create(&regradeRow{AttemptID: a.ID, QuestionID: questionID, OldVersion: c.OldVersion, NewVersion: c.NewVersion,
				OldScore: int64(c.OldScore), NewScore: int64(c.NewScore), RegradedBy: c.By, CreatedAt: c.At}).Error; err != nil {
				return nil, fmt.Errorf("record regrade: %w", err)
			}
			res.History = append(res.History, c)
			change = &c
			return &res, nil
		}))
		if err != nil {
			return nil, fmt.Errorf("regrade attempt %d: %w", as[i].ID, err)
		}
		if change != nil {
			out.Attempts = append(out.Attempts, RegradedAttempt{Attempt: as[i].ID, Change: *change})
			if change.OldScore != change.NewScore {
				out.Changed++
			}
		}
	}
	return out, nil
}

// itemScore is what the question earned in a result.
func itemScore(res *exam.Result, questionID int64) content.Points {
	if res == nil {
		return 0
	}
	for _, it := range res.Items {
		if it.QuestionID == questionID {
			return it.Score
		}
	}
	return 0
}
