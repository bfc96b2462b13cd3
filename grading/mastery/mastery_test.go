package mastery

import (
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestEstimateWeighsRecentAnswersMore(t *testing.T) {
	obs := []Observation{
		// L2.3.1: wrong twice a month ago, right twice today.
		{Unit: "L2.3.1.1", Fraction: 0, At: t0.Add(-HalfLife)},
		{Unit: "L2.3.1.1", Fraction: 0, At: t0.Add(-HalfLife)},
		{Unit: "L2.3.1.1", Fraction: 1, At: t0},
		{Unit: "L2.3.1.1", Fraction: 1, At: t0},
		// L2.5.1: the other way round.
		{Unit: "L2.5.1.2", Fraction: 1, At: t0.Add(-HalfLife)},
		{Unit: "L2.5.1.2", Fraction: 1, At: t0.Add(-HalfLife)},
		{Unit: "L2.5.1.2", Fraction: 0, At: t0},
		{Unit: "L2.5.1.2", Fraction: 0.5, At: t0},
	}
	ps := Estimate(obs, t0)
	if len(ps) != 2 || ps[0].Unit != "L2.5.1.2" {
		t.Fatalf("weakest first: %+v", ps)
	}
	// By hand: weights 0.5, 0.5, 1, 1 → right 2 of weight 3, plus the prior 1 of 2: 3/5.
	if math.Abs(ps[1].Mastery-0.6) > 1e-9 || math.Abs(ps[1].Evidence-3) > 1e-9 {
		t.Errorf("L2.3.1.1: %+v, want mastery 0.6, evidence 3", ps[1])
	}
	// Right 0.5+0.5+0+0.5 = 1.5 of weight 3, plus prior: 2.5/5.
	if math.Abs(ps[0].Mastery-0.5) > 1e-9 {
		t.Errorf("L2.5.1.2: %+v, want 0.5", ps[0])
	}
	if w := Weakest(ps, 5, 3, 0.55); len(w) != 1 || w[0].Unit != "L2.5.1.2" {
		t.Errorf("weakest under 0.55: %+v", w)
	}
}

func TestReviewGrowsIntervalsAndGraduates(t *testing.T) {
	r := NewReview(t0)
	if !r.IsDue(t0) {
		t.Fatal("a new wrong answer is due at once")
	}
	r, out := r.Answer(true, t0)
	if out || r.IntervalD != 1 || !r.Due.Equal(t0.Add(24*time.Hour)) || r.IsDue(t0.Add(time.Hour)) {
		t.Fatalf("after one right answer: %+v graduated %v", r, out)
	}
	r, out = r.Answer(false, t0.Add(24*time.Hour))
	if out || r.Repetitions != 0 || r.IntervalD != 1 || r.Ease >= 2.5 {
		t.Fatalf("a wrong answer starts again with a lower ease: %+v", r)
	}
	r, _ = r.Answer(true, t0.Add(48*time.Hour))
	r, out = r.Answer(true, t0.Add(72*time.Hour))
	if !out || r.IntervalD != 6 {
		t.Fatalf("two right answers in a row graduate, the second sending it 6 days away: %+v %v", r, out)
	}
	for range 20 {
		r, _ = r.Answer(false, t0)
	}
	if r.Ease < 1.3 {
		t.Errorf("ease floor: %v", r.Ease)
	}
}
