package mastery

import (
	"math"
	"time"
)

// Review is the spaced-review state of one question in a candidate's 错题本, after
// SuperMemo's SM-2 (Woźniak 1990): each right answer in a practice sends the question
// further away (1 day, then 6, then the last interval times the ease), a wrong one brings
// it back tomorrow and lowers its ease. There is no maintained Go implementation of SM-2
// or FSRS in the module proxy this project can reach; SM-2 is the few lines below.
type Review struct {
	Repetitions int       // right answers in a row, in separate practices
	IntervalD   int       // days until the question is due again
	Ease        float64   // SM-2's easiness factor, 1.3 or more
	Due         time.Time // when the question comes back
}

// Graduation is how many right answers in a row, in separate practices, take a question
// out of the 错题本.
const Graduation = 2

// NewReview is the state of a question just answered wrong: due at once.
func NewReview(now time.Time) Review {
	return Review{Ease: 2.5, Due: now}
}

// Answer moves the state after a practice answer; right is whether it scored in full.
// Graduated reports that the question leaves the 错题本.
func (r Review) Answer(right bool, now time.Time) (next Review, graduated bool) {
	q := 1.0 // SM-2's quality: 4 for a right answer, 1 for a wrong one
	if right {
		q = 4
	}
	r.Ease = math.Max(1.3, r.Ease+0.1-(5-q)*(0.08+(5-q)*0.02))
	if !right {
		r.Repetitions, r.IntervalD = 0, 1
	} else {
		r.Repetitions++
		switch r.Repetitions {
		case 1:
			r.IntervalD = 1
		case 2:
			r.IntervalD = 6
		default:
			r.IntervalD = int(math.Round(float64(r.IntervalD) * r.Ease))
		}
	}
	r.Due = now.Add(time.Duration(r.IntervalD) * 24 * time.Hour)
	return r, r.Repetitions >= Graduation
}

// IsDue reports whether the question should be in a practice made at now.
func (r Review) IsDue(now time.Time) bool { return !now.Before(r.Due) }
