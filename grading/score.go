// Package grading knows scores: how an answer earns points, suggestions for case analyses
// and instructors' review of them, regrades, results by section, chapter and knowledge
// point, the 错题本 and the data of score reports.
package grading

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// CaseGrade is an instructor's review of one case analysis on an attempt: a score per
// 采分点, in rubric order across the case's parts, and a comment for the candidate. By and
// At are who graded it and when, as stored; a new grade's are set when it is recorded.
type CaseGrade struct {
	Scores  []content.Points
	Comment string
	By      int64
	At      time.Time
}

// Review is what happened to an attempt after it was submitted: case grades and corrected
// question versions (each scores in place of the version on the paper), by question id,
// and the history of regrades.
type Review struct {
	Grades    map[int64]CaseGrade
	Corrected map[int64]*content.Question
	History   []exam.Change
}

// Grade scores a freshly submitted attempt (no review yet); it is the exam engine's Grader.
func Grade(in exam.GradeInput) exam.Result { return Rescore(in, Review{}) }

// Rescore scores an attempt given its review. Single choice and true/false score by exact
// match, multiple choice all-or-nothing or with partial credit as the attempt's rules say.
// A case analysis carries the server's suggestion per 采分点 (see Suggest); it scores once
// an instructor graded it (see CaseScore), and until every case is graded the result is
// pending_review, 0 points for each ungraded case, and not passed. A grade that no longer
// fits the case's rubric (after a correction) counts as not graded. Totals are exact
// (content.Points). Rescore is pure.
func Rescore(in exam.GradeInput, r Review) exam.Result {
	a := in.Attempt
	n := 0
	for _, sec := range a.Paper.Sections {
		n += len(sec.Items)
	}
	res := exam.Result{Attempt: a.ID, Status: exam.Graded, PassScore: a.Rules.PassScore, History: r.History,
		Items: make([]exam.ItemScore, 0, n)}
	// Subtotals by code, in order of first appearance; the maps index into the slices.
	chapterAt, unitAt := make(map[string]int, 16), make(map[string]int, n)
	res.Chapters, res.Units = make([]exam.ScoreLine, 0, 16), make([]exam.ScoreLine, 0, n/2)
	add := func(lines *[]exam.ScoreLine, at map[string]int, code string, score, max content.Points) {
		i, ok := at[code]
		if !ok {
			i = len(*lines)
			at[code] = i
			*lines = append(*lines, exam.ScoreLine{Code: code, Title: in.Titles[code]})
		}
		(*lines)[i].Score += score
		(*lines)[i].MaxScore += max
	}
	for _, sec := range a.Paper.Sections {
		line := exam.ScoreLine{Type: sec.Type, Form: sec.Form, Title: sec.Title()}
		for _, it := range sec.Items {
			q := in.Questions[content.Ref{ID: it.QuestionID, Version: it.Version}]
			if c := r.Corrected[it.QuestionID]; c != nil {
				q = c
			}
			ans, answered := in.Answers[it.QuestionID]
			is := exam.ItemScore{QuestionID: it.QuestionID, MaxScore: sec.PointsEach}
			switch sec.Type {
			case content.Case:
				is.Answered = answered && slices.ContainsFunc(ans.Parts, func(p string) bool { return strings.TrimSpace(p) != "" })
				g, graded := r.Grades[it.QuestionID]
				if q == nil || CheckGrade(q, g.Scores) != nil {
					graded = false
				}
				if q != nil {
					is.Parts = caseParts(q, ans.Parts, g.Scores, graded)
				}
				if graded {
					is.Score = CaseScore(q, g.Scores, sec.PointsEach)
					is.Correct, is.Comment = is.Score == is.MaxScore, g.Comment
				} else {
					is.Pending = true
					res.Status = exam.PendingReview
				}
			default:
				is.Answered = answered && len(ans.Choice) > 0
				if q != nil {
					is.Score, is.Correct = choiceScore(q.Answer, ans.Choice, sec, &a.Rules)
				}
			}
			line.Score += is.Score
			line.MaxScore += is.MaxScore
			if q != nil {
				add(&res.Chapters, chapterAt, content.ChapterOf(q.Unit), is.Score, is.MaxScore)
				add(&res.Units, unitAt, q.Unit, is.Score, is.MaxScore)
			}
			res.Items = append(res.Items, is)
		}
		res.Sections = append(res.Sections, line)
		res.Score += line.Score
		res.MaxScore += line.MaxScore
	}
	res.Passed = res.Status == exam.Graded && res.Score >= res.PassScore
	end := in.Now
	if a.SubmittedAt != nil {
		end = *a.SubmittedAt
	}
	res.TimeUsedS = int64(end.Sub(a.StartedAt).Seconds())
	return res
}

// caseParts lays out a case's review: per part, per 采分点, the suggestion and hits, and
// the instructor's scores when graded.
func caseParts(q *content.Question, answers []string, scores []content.Points, graded bool) []exam.PartScore {
	parts := make([]exam.PartScore, len(q.Parts))
	k := 0
	for i, p := range q.Parts {
		text := ""
		if i < len(answers) {
			text = answers[i]
		}
		parts[i] = suggest(p, Given(q, p), text)
		for j := range parts[i].Points {
			if graded {
				parts[i].Points[j].Score = scores[k]
				parts[i].Score += scores[k]
			}
			k++
		}
	}
	return parts
}

// Suggested is the suggestion for case q given the candidate's answers to its parts: a
// score per 采分点 in rubric order across the parts, as CaseGrade.Scores holds them.
func Suggested(q *content.Question, answers []string) []content.Points {
	var out []content.Points
	for _, p := range caseParts(q, answers, nil, false) {
		for _, pt := range p.Points {
			out = append(out, pt.Suggested)
		}
	}
	return out
}

// CaseScore is what a graded case earns on the paper: its raw rubric points scaled from
// the case's rubric total to the section's weight (see exam.Section), rounded to the
// nearest half point (a half step up). 15 of 25 raw points on a 20-point case earn 12.
func CaseScore(q *content.Question, scores []content.Points, weight content.Points) content.Points {
	var raw content.Points
	for _, s := range scores {
		raw += s
	}
	total := q.MaxPoints()
	if total == 0 {
		return 0
	}
	return (raw*weight + total*25) / (total * 50) * 50
}

// RubricSize counts a case's 采分点 across its parts: how many scores a grade holds.
func RubricSize(q *content.Question) int {
	n := 0
	for _, p := range q.Parts {
		n += len(p.Rubric)
	}
	return n
}

// CheckGrade validates an instructor's scores for case q: one per 采分点 in rubric order
// across the parts, each from 0 to the point's score in 0.5 steps. The error is a
// *content.ValidationError naming "scores" or "scores[i]".
func CheckGrade(q *content.Question, scores []content.Points) error {
	if n := RubricSize(q); len(scores) != n {
		return content.Invalid("scores", "本题共有 %d 个采分点，需要 %d 个分数，收到 %d 个", n, n, len(scores))
	}
	k := 0
	for i, p := range q.Parts {
		for j, rp := range p.Rubric {
			if s := scores[k]; s < 0 || s > rp.Score || !s.HalfSteps() {
				return content.Invalid(fmt.Sprintf("scores[%d]", k), "第 %d 小题第 %d 个采分点的得分须在 0 到 %s 分之间，且以 0.5 分为单位", i+1, j+1, rp.Score)
			}
			k++
		}
	}
	return nil
}

// choiceScore: the exact key earns points_each; under partial scoring a non-empty proper
// subset of the key with no wrong choice earns the partial credit; all else earns 0.
func choiceScore(key, choice []string, sec exam.PaperSection, rules *exam.Blueprint) (content.Points, bool) {
	if len(choice) == 0 {
		return 0, false
	}
	if slices.Equal(key, choice) {
		return sec.PointsEach, true
	}
	if sec.Type == content.Multiple && rules.MultipleScoring == exam.Partial && len(choice) < len(key) {
		for _, c := range choice {
			if !slices.Contains(key, c) {
				return 0, false
			}
		}
		return rules.PartialCredit(sec.PointsEach), false
	}
	return 0, false
}
