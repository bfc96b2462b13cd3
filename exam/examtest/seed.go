// Package examtest seeds finalised exam attempts straight into exam's tables, for the
// tests and benchmarks of item analysis and class statistics: thousands of sittings
// through the API would take minutes. Candidates answer by a one-parameter logistic
// (Rasch) model, so strong candidates answer right more often, as real ones do.
package examtest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"gorm.io/gorm"
)

// Spec is a set of sittings to seed. Questions must be single, multiple or true/false
// questions stored in the bank (their ID, Version, Options, Answer and Difficulty are
// read); each paper draws PerPaper of them at random, PointsEach points each, with the
// options shuffled. Multiple choice earns half its points for a right subset (the
// partial policy). WrongKey, when set, is a question whose stored key is wrong: the
// candidates who know the answer choose WrongChoice, which the key scores 0.
type Spec struct {
	Blueprint   string
	Center      int64
	Assignment  int64
	Candidates  []int64 // the sittings go to them in turn
	Sittings    int
	Questions   []content.Question
	PerPaper    int
	PointsEach  content.Points
	PassScore   content.Points
	Start       time.Time // the first submission; each next one a minute later
	WrongKey    int64
	WrongChoice string
	Seed        uint64
}

type attemptRow struct {
	ID           int64 `gorm:"primaryKey"`
	CandidateID  int64
	CenterID     int64
	Blueprint    string
	AssignmentID int64
	Mode         string
	Status       string
	Rules        string
	Paper        string
	StartedAt    time.Time
	SubmittedAt  *time.Time
	Score        int64
	Result       string
	UpdatedAt    time.Time
}

func (attemptRow) TableName() string { return "attempts" }

type answerRow struct {
	AttemptID  int64 `gorm:"primaryKey"`
	QuestionID int64 `gorm:"primaryKey"`
	Choice     string
	Seq        int64
	SavedAt    time.Time
}

func (answerRow) TableName() string { return "attempt_answers" }

// Seed inserts the sittings of spec, graded, and returns their ids.
func Seed(ctx context.Context, g *gorm.DB, spec Spec) ([]int64, error) {
	if spec.PerPaper > len(spec.Questions) || len(spec.Candidates) == 0 {
		return nil, fmt.Errorf("examtest: %d questions for papers of %d, %d candidates", len(spec.Questions), spec.PerPaper, len(spec.Candidates))
	}
	r := rand.New(rand.NewPCG(spec.Seed, 16))
	rules, err := json.Marshal(exam.Blueprint{Code: spec.Blueprint, Title: spec.Blueprint, Mode: exam.ModeExam, PassScore: spec.PassScore,
		MaxScore: spec.PointsEach * content.Points(spec.PerPaper), MultipleScoring: exam.Partial})
	if err != nil {
		return nil, err
	}
	var ids []int64
	const batch = 200
	for done := 0; done < spec.Sittings; done += batch {
		n := min(batch, spec.Sittings-done)
		rows := make([]attemptRow, n)
		answers := make([][]answerRow, n)
		papers := make([]exam.Paper, n)
		results := make([]exam.Result, n)
		for i := range rows {
			k := done + i
			at := spec.Start.Add(time.Duration(k) * time.Minute).UTC()
			row, ans, err := sitting(r, spec, at, &papers[i], &results[i])
			if err != nil {
				return nil, err
			}
			row.CandidateID = spec.Candidates[k%len(spec.Candidates)]
			row.Rules = string(rules)
			rows[i], answers[i] = row, ans
		}
		err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.CreateInBatches(rows, 100).Error; err != nil {
				return err
			}
			var all []answerRow
			for i := range rows {
				for _, a := range answers[i] {
					a.AttemptID = rows[i].ID
					all = append(all, a)
				}
				ids = append(ids, rows[i].ID)
				chosen := make(map[int64]exam.Answer, len(answers[i]))
				for _, a := range answers[i] {
					if a.Choice != "" {
						chosen[a.QuestionID] = exam.Answer{Choice: strings.Split(a.Choice, ",")}
					}
				}
				if err := exam.WriteItemScores(tx, rows[i].ID, &papers[i], &results[i], chosen); err != nil {
					return err
				}
			}
			return tx.CreateInBatches(all, 1000).Error
		})
		if err != nil {
			return nil, fmt.Errorf("examtest: seed: %w", err)
		}
	}
	return ids, nil
}

// sitting draws one graded attempt: a candidate of ability θ ~ N(0, 1) answers a
// question of authored difficulty d (1–5) right with probability 1/(1+e^(d−3−θ)); a wrong
// answer picks a distractor, and one in twenty questions is left blank. The paper and
// result are also left in paper and res.
func sitting(r *rand.Rand, spec Spec, at time.Time, paper *exam.Paper, res *exam.Result) (attemptRow, []answerRow, error) {
	theta := r.NormFloat64()
	picks := r.Perm(len(spec.Questions))[:spec.PerPaper]
	sec := map[content.Type]*exam.PaperSection{}
	var order []content.Type
	*res = exam.Result{Status: exam.Graded, PassScore: spec.PassScore, MaxScore: spec.PointsEach * content.Points(spec.PerPaper)}
	var answers []answerRow
	chapters := map[string]*exam.ScoreLine{}
	for _, p := range picks {
		q := &spec.Questions[p]
		s := sec[q.Type]
		if s == nil {
			s = &exam.PaperSection{Type: q.Type, PointsEach: spec.PointsEach}
			sec[q.Type] = s
			order = append(order, q.Type)
		}
		opts := q.OptionKeys()
		if q.Type != content.TrueFalse {
			r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
		}
		s.Items = append(s.Items, exam.Item{QuestionID: q.ID, Version: q.Version, Options: opts})
		is := exam.ItemScore{QuestionID: q.ID, MaxScore: spec.PointsEach}
		ch := chapters[content.ChapterOf(q.Unit)]
		if ch == nil {
			ch = &exam.ScoreLine{Code: content.ChapterOf(q.Unit), Title: "第 " + content.ChapterOf(q.Unit) + " 章"}
			chapters[ch.Code] = ch
		}
		ch.MaxScore += spec.PointsEach
		if r.Float64() < 0.05 {
			res.Items = append(res.Items, is)
			continue
		}
		knows := r.Float64() < 1/(1+math.Exp(float64(q.Difficulty)-3-theta))
		right := slices.Clone(q.Answer)
		if q.ID == spec.WrongKey {
			right = []string{spec.WrongChoice}
		}
		var choice []string
		switch {
		case knows:
			choice = right
		case q.Type == content.Multiple && (r.IntN(2) == 0 || len(right) == len(opts)):
			choice = right[:1] // a right subset
		default:
			var wrong []string
			for _, o := range opts {
				if !slices.Contains(right, o) {
					wrong = append(wrong, o)
				}
			}
			choice = []string{wrong[r.IntN(len(wrong))]}
		}
		choice = slices.Clone(choice)
		slices.Sort(choice)
		key := slices.Sorted(slices.Values(q.Answer))
		is.Answered = true
		switch {
		case slices.Equal(choice, key):
			is.Score, is.Correct = spec.PointsEach, true
		case q.Type == content.Multiple && subset(choice, key):
			is.Score = spec.PointsEach / 2
		}
		res.Score += is.Score
		res.Items = append(res.Items, is)
		ch.Score += is.Score
		answers = append(answers, answerRow{QuestionID: q.ID, Choice: strings.Join(choice, ","), Seq: 1, SavedAt: at})
	}
	*paper = exam.Paper{Blueprint: spec.Blueprint}
	for _, t := range order {
		paper.Sections = append(paper.Sections, *sec[t])
	}
	for _, code := range slices.SortedFunc(maps.Keys(chapters), exam.CompareCodes) {
		res.Chapters = append(res.Chapters, *chapters[code])
	}
	res.Passed = res.Score >= spec.PassScore
	pj, err := json.Marshal(paper)
	if err != nil {
		return attemptRow{}, nil, err
	}
	rj, err := json.Marshal(res)
	if err != nil {
		return attemptRow{}, nil, err
	}
	started := at.Add(-90 * time.Minute)
	return attemptRow{CenterID: spec.Center, Blueprint: spec.Blueprint, AssignmentID: spec.Assignment, Mode: string(exam.ModeExam),
		Status: string(exam.Graded), Paper: string(pj), StartedAt: started, SubmittedAt: &at, Score: int64(res.Score),
		Result: string(rj), UpdatedAt: at}, answers, nil
}

func subset(choice, key []string) bool {
	for _, c := range choice {
		if !slices.Contains(key, c) {
			return false
		}
	}
	return len(choice) > 0
}
