package itemstats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func near(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s = %.6f, want %.6f", name, got, want)
	}
}

// analyse runs both passes over a score matrix (sittings × items, every item on every
// paper in the same slot).
func analyse(items []Item, scores [][]float64, choices [][][]string, pass float64) ([]ItemStats, PaperStats) {
	totals := make([]float64, len(scores))
	for i, row := range scores {
		for _, x := range row {
			totals[i] += x
		}
	}
	a := New(items, totals, pass)
	for i, row := range scores {
		var s Sitting
		for j, x := range row {
			r := Response{Item: j, Slot: j, Score: x}
			if choices != nil {
				r.Choice = choices[i][j]
			}
			s.Responses = append(s.Responses, r)
		}
		a.Add(s)
	}
	return a.Result()
}

// TestHandComputed checks every figure against values worked out by hand for five
// sittings of three right/wrong items (the working is in the comments).
func TestHandComputed(t *testing.T) {
	items := []Item{{MaxScore: 1}, {MaxScore: 1}, {MaxScore: 1}}
	scores := [][]float64{
		{1, 1, 1}, // total 3
		{1, 1, 0}, // 2
		{1, 0, 0}, // 1
		{0, 1, 0}, // 1
		{0, 0, 0}, // 0
	}
	is, ps := analyse(items, scores, nil, 2)

	// Totals 3,2,1,1,0: mean 1.4; squared deviations 2.56+0.36+0.16+0.16+1.96 = 5.2,
	// sample variance 1.3.
	near(t, "mean", ps.Mean, 1.4)
	near(t, "median", ps.Median, 1)
	near(t, "SD", ps.SD, math.Sqrt(1.3))
	near(t, "pass rate", ps.PassRate, 0.4)
	// KR-20: Σpq = .6·.4 + .6·.4 + .2·.8 = 0.64; population variance 5.2/5 = 1.04;
	// 3/2 · (1 − 0.64/1.04) = 0.576923.
	near(t, "KR-20", ps.Alpha, 1.5*(1-0.64/1.04))
	near(t, "SEM", ps.SEM, math.Sqrt(1.3)*math.Sqrt(1-1.5*(1-0.64/1.04)))

	near(t, "facility 1", is[0].Facility, 0.6)
	near(t, "facility 3", is[2].Facility, 0.2)
	near(t, "SD 1", is[0].SD, math.Sqrt(0.3)) // Σ(x−.6)² = 1.2, /4
	// Item 1 against the rest: x = 1 1 1 0 0, y = 2 1 0 1 0. Σ(x−.6)(y−.8) = 0.6,
	// Σ(x−.6)² = 1.2, Σ(y−.8)² = 2.8: r = 0.6/√3.36 = 0.327327.
	near(t, "point-biserial 1", is[0].PointBiserial, 0.6/math.Sqrt(3.36))
	// Groups of round(.27·5) = 1: upper the 3, lower the 0.
	near(t, "discrimination 1", is[0].Discrimination, 1)
	if is[0].N != 5 || !slices.Equal(is[0].Flags, []Flag{FlagTooFew}) {
		t.Errorf("item 1: n %d flags %v, want 5 and too_few (under %d)", is[0].N, is[0].Flags, MinSittings)
	}
}

// TestAgainstGonum compares the streamed sums with gonum's own correlation and variance
// over a random data set with partial scores and items missing from some papers.
func TestAgainstGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const sittings, k = 400, 12
	items := make([]Item, k)
	for j := range items {
		items[j] = Item{MaxScore: 2}
	}
	scores := make([][]float64, sittings)
	for i := range scores {
		ability := r.NormFloat64()
		scores[i] = make([]float64, k)
		for j := range scores[i] {
			p := 1 / (1 + math.Exp(-(ability - float64(j-k/2)/4)))
			if r.Float64() < p {
				scores[i][j] = 2
			} else if r.Float64() < 0.3 {
				scores[i][j] = 1 // partial credit
			}
		}
	}
	is, ps := analyse(items, scores, nil, 12)

	totals := make([]float64, sittings)
	cols := make([][]float64, k)
	for i, row := range scores {
		for j, x := range row {
			totals[i] += x
			cols[j] = append(cols[j], x)
		}
	}
	var sumVar float64
	for j := range k {
		rest := make([]float64, sittings)
		for i := range rest {
			rest[i] = totals[i] - cols[j][i]
		}
		near(t, "point-biserial", is[j].PointBiserial, stat.Correlation(cols[j], rest, nil))
		near(t, "facility", is[j].Facility, stat.Mean(cols[j], nil)/2)
		sumVar += stat.Variance(cols[j], nil)
	}
	alpha := float64(k) / float64(k-1) * (1 - sumVar/stat.Variance(totals, nil))
	near(t, "alpha", ps.Alpha, alpha)
	if ps.Alpha < 0.5 {
		t.Errorf("alpha %.3f: a test of one ability should be reliable", ps.Alpha)
	}
}

// TestWrongKeyFlagged seeds a class whose strong candidates answer item 2 with C while
// the key says B: the item is flagged, the sound ones are not.
func TestWrongKeyFlagged(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	opts := []string{"A", "B", "C", "D"}
	items := []Item{
		{Options: opts, Key: []string{"A"}, MaxScore: 1},
		{Options: opts, Key: []string{"D"}, MaxScore: 1},
		{Options: opts, Key: []string{"B"}, MaxScore: 1}, // the truth is C
		{Options: opts, Key: []string{"C"}, MaxScore: 1},
	}
	truth := []string{"A", "D", "C", "C"}
	var scores [][]float64
	var choices [][][]string
	for range 300 {
		ability := r.Float64()
		row, ch := make([]float64, len(items)), make([][]string, len(items))
		for j := range items {
			pick := opts[r.IntN(4)]
			if r.Float64() < ability {
				pick = truth[j]
			}
			if r.Float64() < 0.05 {
				pick = "" // omitted
			}
			if pick != "" {
				ch[j] = []string{pick}
			}
			if slices.Contains(items[j].Key, pick) {
				row[j] = 1
			}
		}
		scores, choices = append(scores, row), append(choices, ch)
	}
	is, _ := analyse(items, scores, choices, 2)
	for j, s := range is {
		flagged := slices.Contains(s.Flags, FlagKeyMaybeWrong)
		if flagged != (j == 2) {
			t.Errorf("item %d: flags %v, facility %.2f, r %.2f", j, s.Flags, s.Facility, s.PointBiserial)
		}
		if s.OmitRate < 0.02 || s.OmitRate > 0.09 {
			t.Errorf("item %d: omit rate %.3f, want about 0.05", j, s.OmitRate)
		}
	}
	if !slices.Contains(is[2].Flags, FlagNegative) {
		t.Errorf("the wrongly keyed item should discriminate negatively: %v (r %.2f)", is[2].Flags, is[2].PointBiserial)
	}
}

func TestEmpty(t *testing.T) {
	is, ps := New([]Item{{MaxScore: 1}}, nil, 1).Result()
	if !math.IsNaN(ps.Mean) || !math.IsNaN(is[0].Facility) || !slices.Equal(is[0].Flags, []Flag{FlagTooFew}) {
		t.Errorf("no sittings: %+v %+v", ps, is[0])
	}
}

func TestCalibratedDifficulty(t *testing.T) {
	for f, want := range map[float64]int{0.95: 1, 0.85: 1, 0.8: 2, 0.6: 3, 0.4: 4, 0.1: 5} {
		if got := CalibratedDifficulty(f); got != want {
			t.Errorf("facility %.2f → %d, want %d", f, got, want)
		}
	}
}

// BenchmarkClass is the scale: 10,000 sittings of a 180-item paper drawn from a
// bank of 600 items.
func BenchmarkClass(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	const sittings, paper, bank = 10000, 180, 600
	items := make([]Item, bank)
	for j := range items {
		items[j] = Item{Options: []string{"A", "B", "C", "D"}, Key: []string{"A"}, MaxScore: 1}
	}
	data := make([]Sitting, sittings)
	totals := make([]float64, sittings)
	for i := range data {
		perm := r.Perm(bank)[:paper]
		for slot, j := range perm {
			c := []string{"A", "B", "C", "D"}[r.IntN(4)]
			x := 0.0
			if c == "A" {
				x = 1
			}
			totals[i] += x
			data[i].Responses = append(data[i].Responses, Response{Item: j, Slot: slot, Score: x, Choice: []string{c}})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		a := New(items, totals, 90)
		for _, s := range data {
			a.Add(s)
		}
		a.Result()
	}
}

// TestItemsMetWhileStreaming: items added as sittings stream in count like items given to
// New, and a written answer (a case) is no omission though it chooses nothing.
func TestItemsMetWhileStreaming(t *testing.T) {
	a := New(nil, []float64{10, 4}, 6)
	choice := a.AddItem(Item{Options: []string{"A", "B"}, Key: []string{"A"}, MaxScore: 2})
	written := a.AddItem(Item{MaxScore: 8})
	a.Add(Sitting{Responses: []Response{{Item: choice, Slot: 0, Score: 2, Choice: []string{"A"}}, {Item: written, Slot: 1, Score: 8, Written: true}}})
	a.Add(Sitting{Responses: []Response{{Item: choice, Slot: 0, Score: 0}, {Item: written, Slot: 1, Score: 4, Written: true}}})
	items, paper := a.Result()
	if a.Item(written).MaxScore != 8 || items[choice].N != 2 || items[choice].OmitRate != 0.5 || items[written].OmitRate != 0 {
		t.Fatalf("items %+v", items)
	}
	if items[written].Facility != 0.75 || paper.N != 2 || paper.PassRate != 0.5 {
		t.Fatalf("facility %v, paper %+v", items[written].Facility, paper)
	}
}
