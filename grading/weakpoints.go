package grading

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading/mastery"
)

// WeakPoint is a knowledge point where the candidate's mastery is low.
type WeakPoint struct {
	Unit    string  `json:"unit"`
	Title   string  `json:"title"`
	Mastery float64 `json:"mastery"` // 0…1, recency-weighted (grading/mastery)
	Answers int     `json:"answers"`
	// Recent is the candidate's latest answers of the point (up to RecentAnswers), of
	// which RecentRight were right: the plain words beside the mastery.
	Recent      int `json:"recent"`
	RecentRight int `json:"recent_right"`
}

// RecentAnswers is how many of a weak point's latest answers its reason counts.
const RecentAnswers = 10

// Weak points are those with at least WeakMinAnswers answers and mastery under
// WeakBelow; the dashboard shows up to WeakShown of them.
const (
	WeakMinAnswers = 2
	WeakBelow      = 0.8
	WeakShown      = 5
)

// WeakPick is one question of a weak-point practice and why it was chosen.
type WeakPick struct {
	QuestionID int64  `json:"question_id"`
	Unit       string `json:"unit"`
	Reason     string `json:"reason"`
}

// WeakPractice is a started weak-point practice with the reason for each question.
type WeakPractice struct {
	Attempt *exam.Attempt `json:"-"`
	ID      int64         `json:"id"`
	Points  []WeakPoint   `json:"points"`
	Picks   []WeakPick    `json:"picks"`
}

// WeakPointsCode is the practice code of weak-point attempts: one open at a time per
// candidate. No blueprint can take it (see exam.Practice).
const WeakPointsCode = "_weakpoints"

// WeakPracticeCount is the size of a weak-point practice.
const WeakPracticeCount = 20

// WeakPoints returns the viewer's weakest knowledge points (up to WeakShown) from every
// scored answer of their finalised attempts, exams and practices alike, and whether each
// question was right at its latest answer.
func (s *Service) WeakPoints(ctx context.Context, v exam.Viewer) ([]WeakPoint, map[int64]bool, error) {
	return s.weakPointsAt(ctx, v, s.now())
}

// weakPointsAt is WeakPoints as it stood at the time at: from the attempts finalised by
// then.
func (s *Service) weakPointsAt(ctx context.Context, v exam.Viewer, at time.Time) ([]WeakPoint, map[int64]bool, error) {
	as, err := s.exams.Finalised(ctx, v.UserID)
	if err != nil {
		return nil, nil, err
	}
	type answer struct {
		unit  string
		right bool
		at    time.Time
	}
	var obs []mastery.Observation
	var answers []answer
	right := map[int64]bool{} // by question: right at its latest answer
	for i := range as {
		a := &as[i]
		if a.Result == nil {
			continue
		}
		when := a.StartedAt
		if a.SubmittedAt != nil {
			when = *a.SubmittedAt
		}
		if when.After(at) {
			continue
		}
		qs, err := s.exams.Questions(ctx, a)
		if err != nil {
			return nil, nil, err
		}
		scores := make(map[int64]exam.ItemScore, len(a.Result.Items))
		for _, is := range a.Result.Items {
			scores[is.QuestionID] = is
		}
		for _, ref := range a.Paper.Refs() {
			is, ok := scores[ref.ID]
			q := qs[ref]
			if !ok || q == nil || is.Pending || is.MaxScore <= 0 {
				continue
			}
			obs = append(obs, mastery.Observation{Unit: q.Unit, Fraction: is.Score.Float() / is.MaxScore.Float(), At: when})
			answers = append(answers, answer{unit: q.Unit, right: is.Correct, at: when})
			right[ref.ID] = is.Correct
		}
	}
	titles, err := s.exams.Titles(ctx)
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(answers, func(x, y answer) int { return y.at.Compare(x.at) }) // latest first
	points := mastery.Weakest(mastery.Estimate(obs, at), WeakShown, WeakMinAnswers, WeakBelow)
	out := make([]WeakPoint, len(points))
	for i, p := range points {
		out[i] = WeakPoint{Unit: p.Unit, Title: titles[p.Unit], Mastery: p.Mastery, Answers: p.Answers}
		for _, a := range answers {
			if out[i].Recent == RecentAnswers {
				break
			}
			if a.unit == p.Unit {
				out[i].Recent++
				if a.right {
					out[i].RecentRight++
				}
			}
		}
	}
	return out, right, nil
}

// PracticeWeak starts a practice of WeakPracticeCount objective questions of the viewer's
// weakest knowledge points (see PickWeak) through the exam engine, or returns the open
// one with the reasons recomputed. No weak point yet is a *content.ValidationError.
func (s *Service) PracticeWeak(ctx context.Context, v exam.Viewer) (*WeakPractice, error) {
	points, right, err := s.WeakPoints(ctx, v)
	if err != nil {
		return nil, err
	}
	if len(points) == 0 {
		return nil, content.Invalid("points", "还没有薄弱的知识点：每个知识点至少作答 %d 次后才能判断", WeakMinAnswers)
	}
	bank, err := s.content.Bank(ctx, []int64{0, v.CenterID})
	if err != nil {
		return nil, err
	}
	picks := PickWeak(points, bank, right, WeakPracticeCount, s.now())
	if len(picks) == 0 {
		return nil, content.Invalid("points", "题库中没有这些知识点的客观题")
	}
	ids := make([]int64, len(picks))
	for i, p := range picks {
		ids[i] = p.QuestionID
	}
	a, err := s.exams.StartPractice(ctx, v, exam.Practice{Code: WeakPointsCode, Title: "薄弱点练习", Questions: ids})
	if err != nil {
		return nil, err
	}
	return &WeakPractice{Attempt: a, ID: a.ID, Points: points, Picks: picks}, nil
}

// PickWeak chooses up to n objective questions of the bank for the weak points, taking
// the points in turn, weakest first, so each gets its share; within a point, questions
// the candidate got wrong at their latest answer come first, then ones never answered,
// then the rest; ties by a shuffle seeded with now's day, so a practice changes from day
// to day. Each pick says why it was chosen. It is pure.
func PickWeak(points []WeakPoint, bank []content.Question, right map[int64]bool, n int, now time.Time) []WeakPick {
	rank := func(id int64) int { return weakRank(right, id) }
	day := now.Unix() / 86400
	queues := make([][]content.Question, len(points))
	for i, p := range points {
		for _, q := range bank {
			if q.Type != content.Case && content.Beneath(q.Unit, p.Unit) {
				queues[i] = append(queues[i], q)
			}
		}
		slices.SortFunc(queues[i], func(a, b content.Question) int {
			return cmp.Or(cmp.Compare(rank(a.ID), rank(b.ID)), cmp.Compare((a.ID*7919+day)%997, (b.ID*7919+day)%997), cmp.Compare(a.ID, b.ID))
		})
	}
	var out []WeakPick
	for len(out) < n {
		added := false
		for i, p := range points {
			if len(queues[i]) == 0 || len(out) == n {
				continue
			}
			q := queues[i][0]
			queues[i] = queues[i][1:]
			added = true
			out = append(out, WeakPick{QuestionID: q.ID, Unit: p.Unit, Reason: weakReason(p, rank(q.ID))})
		}
		if !added {
			break
		}
	}
	return out
}

// weakRank orders a weak point's questions: 0 wrong at the latest answer, 1 never
// answered, 2 right.
func weakRank(right map[int64]bool, id int64) int {
	r, seen := right[id]
	switch {
	case seen && !r:
		return 0
	case !seen:
		return 1
	}
	return 2
}

// weakReason says why a weak-point practice took a question of point p ranked rank (see
// weakRank), in the candidate's words.
func weakReason(p WeakPoint, rank int) string {
	why := [...]string{"这道题你上次答错了", "这道题你还没做过", "巩固练习"}[rank]
	return fmt.Sprintf("知识点「%s」掌握度 %.0f%%（近 %d 题答对 %d 题）；%s", cmp.Or(p.Title, p.Unit), p.Mastery*100, p.Recent, p.RecentRight, why)
}

// weakReasons tells, for a weak-point practice, why each question was chosen (by question
// id), from the weak points as they stood when it started.
func (s *Service) weakReasons(ctx context.Context, a *exam.Attempt) (map[int64]string, error) {
	points, right, err := s.weakPointsAt(ctx, exam.Viewer{UserID: a.CandidateID, CenterID: a.CenterID}, a.StartedAt)
	if err != nil {
		return nil, err
	}
	qs, err := s.exams.Questions(ctx, a)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, ref := range a.Paper.Refs() {
		q := qs[ref]
		if q == nil {
			continue
		}
		for _, p := range points {
			if content.Beneath(q.Unit, p.Unit) {
				out[ref.ID] = weakReason(p, weakRank(right, ref.ID))
				break
			}
		}
	}
	return out, nil
}
