// Package grading knows scores: how an answer earns points, results by section, chapter
// and knowledge point, and (later) rubric review and reports.
package grading

import (
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// Grade scores an attempt: single choice and true/false by exact match, multiple choice
// all-or-nothing or with partial credit as the attempt's rules say. Case analyses are
// left for an instructor (Pending, 0 points so far): a result with any is pending_review.
// Totals are exact (content.Points). Grade is pure.
func Grade(in exam.GradeInput) exam.Result {
	a := in.Attempt
	res := exam.Result{Attempt: a.ID, Status: exam.Graded, PassScore: a.Rules.PassScore}
	chapters := map[string]*exam.ScoreLine{}
	units := map[string]*exam.ScoreLine{}
	var chapterOrder, unitOrder []string
	add := func(m map[string]*exam.ScoreLine, order *[]string, code string, score, max content.Points) {
		l, ok := m[code]
		if !ok {
			l = &exam.ScoreLine{Code: code, Title: in.Titles[code]}
			m[code] = l
			*order = append(*order, code)
		}
		l.Score += score
		l.MaxScore += max
	}
	for _, sec := range a.Paper.Sections {
		line := exam.ScoreLine{Type: sec.Type}
		for _, it := range sec.Items {
			q := in.Questions[content.Ref{ID: it.QuestionID, Version: it.Version}]
			ans, answered := in.Answers[it.QuestionID]
			is := exam.ItemScore{QuestionID: it.QuestionID, MaxScore: sec.PointsEach}
			switch sec.Type {
			case content.Case:
				is.Answered = answered && slices.ContainsFunc(ans.Parts, func(p string) bool { return strings.TrimSpace(p) != "" })
				is.Pending = true
				res.Status = exam.PendingReview
			default:
				is.Answered = answered && len(ans.Choice) > 0
				is.Score, is.Correct = choiceScore(q.Answer, ans.Choice, sec, &a.Rules)
			}
			line.Score += is.Score
			line.MaxScore += is.MaxScore
			if q != nil {
				add(chapters, &chapterOrder, content.ChapterOf(q.Unit), is.Score, is.MaxScore)
				add(units, &unitOrder, q.Unit, is.Score, is.MaxScore)
			}
			res.Items = append(res.Items, is)
		}
		res.Sections = append(res.Sections, line)
		res.Score += line.Score
		res.MaxScore += line.MaxScore
	}
	for _, c := range chapterOrder {
		res.Chapters = append(res.Chapters, *chapters[c])
	}
	for _, u := range unitOrder {
		res.Units = append(res.Units, *units[u])
	}
	res.Passed = res.Status == exam.Graded && res.Score >= res.PassScore
	end := in.Now
	if a.SubmittedAt != nil {
		end = *a.SubmittedAt
	}
	res.TimeUsedS = int64(end.Sub(a.StartedAt).Seconds())
	return res
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
