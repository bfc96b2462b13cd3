package grading

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"gorm.io/gorm"
)

// CaseRef names one case analysis on an attempt.
type CaseRef struct {
	Attempt  int64 `json:"attempt"`
	Question int64 `json:"question"`
}

// Accepted is one case a batch graded with its suggestion: the scores, who graded it and
// when, and the attempt's status after.
type Accepted struct {
	CaseRef
	Scores   []content.Points `json:"scores"`
	GradedBy int64            `json:"graded_by"`
	GradedAt time.Time        `json:"graded_at"`
	Status   exam.Status      `json:"status"`
}

// ItemError is why one item of a batch failed: its index in the request, the case, the
// user's message and the field it names, if any.
type ItemError struct {
	Index int `json:"index"`
	CaseRef
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// BatchError lists the items of a batch that failed; the batch stored nothing.
type BatchError struct{ Items []ItemError }

func (e *BatchError) Error() string {
	msgs := make([]string, len(e.Items))
	for i, it := range e.Items {
		msgs[i] = fmt.Sprintf("items[%d]: %s", it.Index, it.Error)
	}
	return strings.Join(msgs, "; ")
}

// MaxAccept bounds one batch accept: a page of the review queue.
const MaxAccept = MaxPending * 5

// AcceptSuggestions grades each listed case with its suggestion (see Suggested), without
// a comment, recorded with the viewer as grader and the time, and rescores each attempt
// (one whose last case this grades becomes graded). All or nothing: if any item fails
// for a reason of its own (see SetGrade's errors) none is stored, and the error is an
// errs.Invalid naming "items" that wraps a *BatchError with every failed item. An empty
// list, one longer than MaxAccept or one naming a case twice is errs.Invalid "items".
func (s *Service) AcceptSuggestions(ctx context.Context, v exam.Viewer, items []CaseRef) ([]Accepted, error) {
	if len(items) == 0 || len(items) > MaxAccept {
		return nil, content.Invalid("items", "请选择 1 到 %d 道待阅的案例题", MaxAccept)
	}
	seen := make(map[CaseRef]int, len(items))
	for i, it := range items {
		if j, dup := seen[it]; dup {
			return nil, content.Invalid(fmt.Sprintf("items[%d]", i), "与第 %d 项重复：作答 %d 的题目 %d", j+1, it.Attempt, it.Question)
		}
		seen[it] = i
	}
	var out []Accepted
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ctx := db.WithTx(ctx, tx)
		var failed []ItemError
		// Attempts' rows are locked in id order, so two batches over the same attempts
		// wait for each other instead of deadlocking.
		order := make([]int, len(items))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(items[a].Attempt, items[b].Attempt) })
		done := make([]Accepted, len(items))
		for _, i := range order {
			it := items[i]
			var scores []content.Points
			res, row, err := s.grade(ctx, v, it.Attempt, it.Question, func(_ *content.Question, suggested []content.Points) (CaseGrade, error) {
				scores = suggested
				return CaseGrade{Scores: suggested}, nil
			})
			if e, ok := errs.As(err); ok {
				failed = append(failed, ItemError{Index: i, CaseRef: it, Error: e.Message, Field: e.Field})
				continue
			}
			if err != nil {
				return fmt.Errorf("accept attempt %d question %d: %w", it.Attempt, it.Question, err)
			}
			done[i] = Accepted{CaseRef: it, Scores: scores, GradedBy: row.GradedBy, GradedAt: row.GradedAt, Status: res.Status}
		}
		if len(failed) > 0 {
			slices.SortFunc(failed, func(a, b ItemError) int { return cmp.Compare(a.Index, b.Index) })
			return &errs.Error{Kind: errs.Invalid, Field: "items", Message: fmt.Sprintf("%d 项未能采纳建议分，本批全部未保存", len(failed)), Err: &BatchError{Items: failed}}
		}
		out = done
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
