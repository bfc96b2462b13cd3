// Package mastery estimates how well a candidate knows each knowledge point from all of
// their answers, recent answers weighing more, and schedules the spaced review of the
// 错题本. It is pure: answers and the time come in as values.
package mastery

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// HalfLife is how long until an answer counts half as much as one given now: a month,
// about the span of a course of mock exams, so last week's practice outweighs the first
// mock but the first mock is not forgotten.
const HalfLife = 30 * 24 * time.Hour

// Prior is the weight, in answers, of the starting guess of 50%: with one right answer
// a point stands at 67%, not 100%, so one lucky guess does not hide a weak point.
const Prior = 2.0

// Observation is one scored answer to a question of a knowledge point.
type Observation struct {
	Unit     string    // the knowledge point's code
	Fraction float64   // the score as a fraction of the question's points, 0…1
	At       time.Time // when it was answered
}

// Point is the estimate for one knowledge point.
type Point struct {
	Unit     string
	Mastery  float64 // 0…1, the recency-weighted share right, pulled towards 50% by Prior
	Evidence float64 // the weight of the answers behind it (recent answers count 1)
	Answers  int
}

// Estimate returns one Point per knowledge point answered, weakest first (ties: more
// evidence first, then by code).
func Estimate(obs []Observation, now time.Time) []Point {
	type sums struct {
		right, weight float64
		n             int
	}
	by := map[string]*sums{}
	for _, o := range obs {
		age := max(0, now.Sub(o.At))
		w := math.Exp2(-float64(age) / float64(HalfLife))
		s := by[o.Unit]
		if s == nil {
			s = &sums{}
			by[o.Unit] = s
		}
		s.right += w * min(1, max(0, o.Fraction))
		s.weight += w
		s.n++
	}
	out := make([]Point, 0, len(by))
	for u, s := range by {
		out = append(out, Point{Unit: u, Mastery: (s.right + Prior/2) / (s.weight + Prior), Evidence: s.weight, Answers: s.n})
	}
	slices.SortFunc(out, func(a, b Point) int {
		return cmp.Or(cmp.Compare(a.Mastery, b.Mastery), cmp.Compare(b.Evidence, a.Evidence), cmp.Compare(a.Unit, b.Unit))
	})
	return out
}

// Weakest returns up to n points with at least minAnswers answers and mastery under
// below, weakest first.
func Weakest(points []Point, n, minAnswers int, below float64) []Point {
	var out []Point
	for _, p := range points {
		if len(out) == n {
			break
		}
		if p.Answers >= minAnswers && p.Mastery < below {
			out = append(out, p)
		}
	}
	return out
}
