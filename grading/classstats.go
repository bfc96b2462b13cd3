package grading

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading/mastery"
)

// ClassStats is how one class (a cohort or an assignment's takers) did on a blueprint:
// the distribution of totals against the pass line, the mastery of each chapter by each
// candidate, and each candidate's scores over their mocks.
type ClassStats struct {
	Blueprint  string          `json:"blueprint"`
	PassScore  float64         `json:"pass_score"`
	MaxScore   float64         `json:"max_score"`
	N          int             `json:"n"`
	PassRate   *float64        `json:"pass_rate"`
	Mean       *float64        `json:"mean"`
	Histogram  []Bin           `json:"histogram"`
	Chapters   []ChapterHead   `json:"chapters"`
	Candidates []CandidateLine `json:"candidates"`
}

// Bin is one bar of the histogram: sittings with a total in [From, To) (the last bin
// includes the full score).
type Bin struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// ChapterHead is one column of the mastery heat map.
type ChapterHead struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// CandidateLine is one candidate of the class: per chapter (in Chapters' order) the
// recency-weighted mastery (grading/mastery over the chapter's share of points in each
// sitting; null where the chapter was never met), and their sittings oldest first.
type CandidateLine struct {
	ID       int64        `json:"id"`
	Username string       `json:"username"`
	Name     string       `json:"name"`
	Mastery  []*float64   `json:"mastery"`
	Trend    []TrendPoint `json:"trend"`
}

// TrendPoint is one sitting of a candidate.
type TrendPoint struct {
	Attempt     int64     `json:"attempt"`
	SubmittedAt time.Time `json:"submitted_at"`
	Score       float64   `json:"score"`
	Passed      bool      `json:"passed"`
}

// HistogramBins is the number of bars of the score distribution: ten, one per tenth of
// the full score, so the pass line (usually 60%) falls on a bar's edge.
const HistogramBins = 10

// ClassStats computes the class statistics of the finalised exam attempts f selects,
// which must name a blueprint (else a *content.ValidationError on "blueprint").
func (s *Service) ClassStats(ctx context.Context, f exam.ResultFilter) (*ClassStats, error) {
	if f.Blueprint == "" {
		return nil, content.Invalid("blueprint", "请选择试卷方案")
	}
	attempts, _, users, err := s.finalAttempts(ctx, f)
	if err != nil {
		return nil, err
	}
	names := make(map[int64][2]string, len(users))
	for id, u := range users {
		names[id] = [2]string{u.Username, u.Name}
	}
	return BuildClassStats(f.Blueprint, attempts, names, s.now()), nil
}

// BuildClassStats is ClassStats over attempts already read (oldest submission first),
// with the candidates' usernames and names, and now for the recency of mastery. It is
// pure.
func BuildClassStats(blueprint string, attempts []exam.FinalAttempt, names map[int64][2]string, now time.Time) *ClassStats {
	cs := &ClassStats{Blueprint: blueprint, Histogram: []Bin{}, Chapters: []ChapterHead{}, Candidates: []CandidateLine{}}
	byCandidate := map[int64]*CandidateLine{}
	observations := map[int64][]mastery.Observation{}
	titles := map[string]string{}
	var totals []float64
	passed := 0
	for _, a := range attempts {
		r := a.Result
		if r == nil || a.Status == exam.Abandoned && r.MaxScore == 0 {
			continue
		}
		cs.PassScore, cs.MaxScore = r.PassScore.Float(), r.MaxScore.Float()
		totals = append(totals, r.Score.Float())
		if r.Passed {
			passed++
		}
		c := byCandidate[a.CandidateID]
		if c == nil {
			n := names[a.CandidateID]
			c = &CandidateLine{ID: a.CandidateID, Username: n[0], Name: n[1]}
			byCandidate[a.CandidateID] = c
		}
		c.Trend = append(c.Trend, TrendPoint{Attempt: a.ID, SubmittedAt: a.SubmittedAt, Score: r.Score.Float(), Passed: r.Passed})
		for _, ch := range r.Chapters {
			if ch.MaxScore <= 0 {
				continue
			}
			titles[ch.Code] = ch.Title
			observations[a.CandidateID] = append(observations[a.CandidateID],
				mastery.Observation{Unit: ch.Code, Fraction: ch.Score.Float() / ch.MaxScore.Float(), At: a.SubmittedAt})
		}
	}
	cs.N = len(totals)
	if cs.N == 0 {
		return cs
	}
	rate := float64(passed) / float64(cs.N)
	var sum float64
	for _, t := range totals {
		sum += t
	}
	mean := sum / float64(cs.N)
	cs.PassRate, cs.Mean = &rate, &mean
	width := cs.MaxScore / HistogramBins
	for i := range HistogramBins {
		cs.Histogram = append(cs.Histogram, Bin{From: float64(i) * width, To: float64(i+1) * width})
	}
	for _, t := range totals {
		i := HistogramBins - 1
		if width > 0 {
			i = min(HistogramBins-1, max(0, int(t/width)))
		}
		cs.Histogram[i].Count++
	}
	codes := make([]string, 0, len(titles))
	for code := range titles {
		codes = append(codes, code)
	}
	slices.SortFunc(codes, exam.CompareCodes)
	for _, code := range codes {
		cs.Chapters = append(cs.Chapters, ChapterHead{Code: code, Title: titles[code]})
	}
	for id, c := range byCandidate {
		points := map[string]float64{}
		for _, p := range mastery.Estimate(observations[id], now) {
			points[p.Unit] = p.Mastery
		}
		c.Mastery = make([]*float64, len(codes))
		for i, code := range codes {
			if m, ok := points[code]; ok {
				c.Mastery[i] = &m
			}
		}
		cs.Candidates = append(cs.Candidates, *c)
	}
	slices.SortFunc(cs.Candidates, func(a, b CandidateLine) int {
		return cmp.Or(cmp.Compare(a.Username, b.Username), cmp.Compare(a.ID, b.ID))
	})
	return cs
}
