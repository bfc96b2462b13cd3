package grading

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// PendingAttempt is an attempt awaiting review, with what an instructor needs to grade it.
type PendingAttempt struct {
	Attempt     int64        `json:"attempt"`
	Blueprint   string       `json:"blueprint"`
	Title       string       `json:"title"`
	Candidate   Person       `json:"candidate"`
	SubmittedAt *time.Time   `json:"submitted_at"`
	Cases       []CaseReview `json:"cases"`
}

// Person names a user.
type Person struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

// CaseReview is one case analysis of an attempt as an instructor grades it.
type CaseReview struct {
	QuestionID int64  `json:"question_id"`
	Version    int    `json:"version"` // the version it scores with
	Stem       string `json:"stem"`
	Material   string `json:"material"`
	// Images are the case's images (content.Attachment; fetched by their sha256).
	Images   []content.Attachment `json:"images,omitempty"`
	MaxScore content.Points       `json:"max_score"` // its weight on the paper
	Graded   bool                 `json:"graded"`
	Comment  string               `json:"comment,omitempty"`
	GradedBy int64                `json:"graded_by,omitempty"` // who graded it, when graded
	GradedAt *time.Time           `json:"graded_at,omitempty"`
	Parts    []PartReview         `json:"parts"`
}

// PartReview is one part of a case: the candidate's answer beside the rubric. Copied
// flags an answer mostly copied from the case material.
type PartReview struct {
	Prompt    string         `json:"prompt"`
	Reference string         `json:"reference"`
	Answer    string         `json:"answer"`
	MaxScore  content.Points `json:"max_score"`
	Score     content.Points `json:"score"`
	Copied    bool           `json:"copied,omitempty"`
	Rubric    []PointReview  `json:"rubric"`
}

// PointReview is one 采分点: the rubric's words, the suggestion, the grade, the hits
// ([start, end) in runes of Answer) to highlight and the reasons behind the suggestion.
type PointReview struct {
	Point     string         `json:"point"`
	Keywords  []string       `json:"keywords"`
	Synonyms  []string       `json:"synonyms,omitempty"`
	Pairs     [][]string     `json:"pairs,omitempty"`
	MaxScore  content.Points `json:"max_score"`
	Suggested content.Points `json:"suggested"`
	Score     content.Points `json:"score"`
	Hits      []exam.Hit     `json:"hits"`
	Reasons   []exam.Reason  `json:"reasons,omitempty"`
}

// MaxPending bounds one listing of the review queue.
const MaxPending = 100

// Queue is the review queue: the attempts awaiting review and how many cases remain to
// grade among them, per blueprint and per case (question).
type Queue struct {
	Items       []PendingAttempt `json:"items"`
	ByBlueprint []Remaining      `json:"by_blueprint"`
	ByCase      []Remaining      `json:"by_case"`
}

// Remaining counts the ungraded cases of one blueprint (Key its code) or of one case
// (Key its question id), in the attempts of the queue.
type Remaining struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Attempts int    `json:"attempts"` // attempts with at least one of them ungraded
	Cases    int    `json:"cases"`    // ungraded cases
}

// Pending lists the viewer's center's attempts awaiting review, oldest submission first,
// at most MaxPending, each with its case analyses, and what remains (see Tally). Only
// staff see it (others get an empty queue).
func (s *Service) Pending(ctx context.Context, v exam.Viewer) (Queue, error) {
	list, err := s.pendingAttempts(ctx, v)
	if err != nil {
		return Queue{}, err
	}
	return Tally(list), nil
}

// Tally counts what remains to grade in a list of pending attempts, per blueprint and per
// case, each in order of first appearance. It is pure.
func Tally(list []PendingAttempt) Queue {
	q := Queue{Items: list, ByBlueprint: []Remaining{}, ByCase: []Remaining{}}
	count := func(lines *[]Remaining, key, title string, newAttempt bool) {
		i := slices.IndexFunc(*lines, func(r Remaining) bool { return r.Key == key })
		if i < 0 {
			i = len(*lines)
			*lines = append(*lines, Remaining{Key: key, Title: title})
		}
		(*lines)[i].Cases++
		if newAttempt {
			(*lines)[i].Attempts++
		}
	}
	for _, a := range list {
		first := true
		for _, c := range a.Cases {
			if c.Graded {
				continue
			}
			count(&q.ByBlueprint, a.Blueprint, a.Title, first)
			count(&q.ByCase, strconv.FormatInt(c.QuestionID, 10), excerpt(c.Stem, 30), true)
			first = false
		}
	}
	return q
}

// excerpt is the first n runes of s, with … when cut.
func excerpt(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// pendingAttempts lists the queue's attempts (see Pending).
func (s *Service) pendingAttempts(ctx context.Context, v exam.Viewer) ([]PendingAttempt, error) {
	out := []PendingAttempt{}
	if !v.Staff {
		return out, nil
	}
	as, err := s.exams.ReviewQueue(ctx, v.CenterID, MaxPending)
	if err != nil {
		return nil, err
	}
	titles, err := s.exams.Titles(ctx)
	if err != nil {
		return nil, err
	}
	for i := range as {
		a := &as[i]
		p := PendingAttempt{Attempt: a.ID, Blueprint: a.Rules.Code, Title: a.Rules.Title, SubmittedAt: a.SubmittedAt, Candidate: Person{ID: a.CandidateID}}
		if u, err := s.accounts.User(ctx, a.CandidateID); err == nil {
			p.Candidate.Username, p.Candidate.Name = u.Username, u.Name
		}
		cases, err := s.caseReviews(ctx, a, titles)
		if err != nil {
			return nil, err
		}
		p.Cases = cases
		out = append(out, p)
	}
	return out, nil
}

// caseReviews lays out an attempt's case analyses with their answers, suggestions and
// grades.
func (s *Service) caseReviews(ctx context.Context, a *exam.Attempt, titles map[string]string) ([]CaseReview, error) {
	in, err := s.gradeInput(ctx, a, titles)
	if err != nil {
		return nil, err
	}
	if in.Answers, err = s.exams.Answers(ctx, a.ID); err != nil {
		return nil, err
	}
	r, err := s.review(ctx, s.db, a)
	if err != nil {
		return nil, err
	}
	return CaseReviews(in, r), nil
}

// CaseReviews lays out the case analyses of an attempt given its review, in paper order.
// It is pure.
func CaseReviews(in exam.GradeInput, r Review) []CaseReview {
	out := []CaseReview{}
	for _, sec := range in.Attempt.Paper.Sections {
		if sec.Type != content.Case {
			continue
		}
		for _, it := range sec.Items {
			q := r.question(in, it.QuestionID)
			if q == nil {
				continue
			}
			answers := in.Answers[it.QuestionID].Parts
			g, graded := r.Grades[it.QuestionID]
			graded = graded && CheckGrade(q, g.Scores) == nil
			cr := CaseReview{QuestionID: q.ID, Version: q.Version, Stem: q.Stem, Material: q.Material, Images: q.Attachments, MaxScore: sec.PointsEach, Graded: graded}
			if graded {
				cr.Comment, cr.GradedBy = g.Comment, g.By
				if !g.At.IsZero() {
					at := g.At
					cr.GradedAt = &at
				}
			}
			for i, ps := range caseParts(q, answers, g.Scores, graded) {
				part := q.Parts[i]
				pr := PartReview{Prompt: part.Prompt, Reference: part.Reference, MaxScore: ps.MaxScore, Score: ps.Score, Copied: ps.Copied}
				if i < len(answers) {
					pr.Answer = answers[i]
				}
				for j, p := range ps.Points {
					rp := part.Rubric[j]
					hits := p.Hits
					if hits == nil {
						hits = []exam.Hit{}
					}
					pr.Rubric = append(pr.Rubric, PointReview{Point: rp.Point, Keywords: rp.Keywords, Synonyms: rp.Synonyms, Pairs: rp.Pairs,
						MaxScore: p.MaxScore, Suggested: p.Suggested, Score: p.Score, Hits: hits, Reasons: p.Reasons})
				}
				cr.Parts = append(cr.Parts, pr)
			}
			out = append(out, cr)
		}
	}
	return out
}
