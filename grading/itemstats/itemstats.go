// Package itemstats is classical item analysis of mock exams, after Moodle's quiz
// statistics report: per question its facility, spread, discrimination and the
// choices of its options by the strongest and weakest candidates; per paper the
// distribution of scores and its reliability (KR-20 / Cronbach's α). It is pure: the
// caller streams sittings in, twice (totals first, then responses), and reads values
// out, so 10,000 sittings of 180 items need memory for their totals only.
//
// Papers are drawn from a bank, so one question is met by only some sittings: item
// figures are computed over the sittings that met the item, while the paper's
// reliability is computed by slot (the n-th question of the paper), as Moodle does for
// random questions.
package itemstats

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// MinSittings is the number of responses below which figures are shown but not judged:
// with fewer, one candidate moves a facility by more than 3 points and the upper and
// lower groups hold a handful each.
const MinSittings = 30

// GroupShare is the share of sittings in the upper and in the lower group (Kelley's
// 27%, the split that maximises the groups' difference while keeping them large).
const GroupShare = 0.27

// Item is one question version of the analysis.
type Item struct {
	Options  []string // option keys in the bank's order; empty for case analyses
	Key      []string // the right options, in the bank's letters
	MaxScore float64  // the points the item was worth on the papers
}

// Response is one sitting's answer to one item.
type Response struct {
	Item   int      // index into the items given to New
	Slot   int      // position on the paper (0-based), for the paper's reliability
	Score  float64  // points earned, fractional for partial credit and case parts
	Choice []string // options chosen, in the bank's letters; empty: omitted, unless Written
	// Written is a written answer (a case part) given: it chooses nothing, yet is no omission.
	Written bool
}

// Sitting is one finalised attempt.
type Sitting struct {
	Responses []Response
}

// Analysis accumulates sittings; New reads the totals, Add each sitting in the same
// order, Result the figures.
type Analysis struct {
	items  []Item
	totals []float64
	group  []int8 // per sitting: -1 lower, +1 upper, 0 neither
	pass   float64
	next   int
	acc    []itemAcc
	slots  []slotAcc
}

type itemAcc struct {
	n, omitted            int
	sx, sxx, st, stt, sxt float64 // x: item score, t: sitting total
	upperN, lowerN        int
	upperX, lowerX        float64
	chosen, upper, lower  map[string]int
}

type slotAcc struct {
	n       int
	sx, sxx float64
}

// New starts an analysis of the items over sittings whose totals are given in the order
// their sittings will be added; pass is the pass score.
func New(items []Item, totals []float64, pass float64) *Analysis {
	a := &Analysis{items: items, totals: totals, pass: pass, acc: make([]itemAcc, len(items)), group: make([]int8, len(totals))}
	for i := range a.acc {
		a.acc[i] = itemAcc{chosen: map[string]int{}, upper: map[string]int{}, lower: map[string]int{}}
	}
	// Rank by total, ties broken by order, so the groups have exactly their size.
	order := make([]int, len(totals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(totals[x], totals[y]) })
	g := int(math.Round(GroupShare * float64(len(totals))))
	for _, i := range order[:g] {
		a.group[i] = -1
	}
	for _, i := range order[len(order)-g:] {
		a.group[i] = 1
	}
	return a
}

// AddItem adds an item met only while sittings stream in (papers drawn from a bank show
// which questions they hold only when read) and returns its index for Response.Item.
func (a *Analysis) AddItem(it Item) int {
	a.items = append(a.items, it)
	a.acc = append(a.acc, itemAcc{chosen: map[string]int{}, upper: map[string]int{}, lower: map[string]int{}})
	return len(a.items) - 1
}

// Item returns the item of index i.
func (a *Analysis) Item(i int) Item { return a.items[i] }

// Add takes the next sitting. It panics when more sittings come than totals were given:
// that is a bug of the caller, never of the data.
func (a *Analysis) Add(s Sitting) {
	i := a.next
	a.next++
	t, grp := a.totals[i], a.group[i]
	for _, r := range s.Responses {
		acc := &a.acc[r.Item]
		acc.n++
		x := r.Score
		acc.sx += x
		acc.sxx += x * x
		acc.st += t
		acc.stt += t * t
		acc.sxt += x * t
		if len(r.Choice) == 0 && !r.Written {
			acc.omitted++
		}
		for _, o := range r.Choice {
			acc.chosen[o]++
		}
		switch grp {
		case 1:
			acc.upperN++
			acc.upperX += x
			for _, o := range r.Choice {
				acc.upper[o]++
			}
		case -1:
			acc.lowerN++
			acc.lowerX += x
			for _, o := range r.Choice {
				acc.lower[o]++
			}
		}
		for len(a.slots) <= r.Slot {
			a.slots = append(a.slots, slotAcc{})
		}
		sl := &a.slots[r.Slot]
		sl.n++
		sl.sx += x
		sl.sxx += x * x
	}
}

// ItemStats are one item's figures. Facility and discrimination are fractions of the
// item's points; NaN where a figure is undefined (no responses, no spread).
type ItemStats struct {
	N              int
	Facility       float64 // mean score / max score
	SD             float64 // of the score as a fraction of max, sample SD
	Discrimination float64 // upper group's facility minus lower group's
	PointBiserial  float64 // correlation of the item with the rest of the paper (total minus the item)
	OmitRate       float64
	Options        []OptionCount
	Flags          []Flag
	Calibrated     int // observed difficulty on the bank's 1–5 scale; 0 below MinSittings
}

// OptionCount is how often an option was chosen, overall and by each group.
type OptionCount struct {
	Option               string
	Key                  bool
	Chosen, Upper, Lower int
}

// Flag is something an instructor should look at.
type Flag string

const (
	FlagTooFew        Flag = "too_few"          // fewer than MinSittings responses: not judged
	FlagNegative      Flag = "negative"         // the weaker candidates do better
	FlagWeak          Flag = "weak"             // discrimination near zero
	FlagTooHard       Flag = "too_hard"         // facility under 0.2
	FlagTooEasy       Flag = "too_easy"         // facility over 0.95
	FlagKeyMaybeWrong Flag = "key_may_be_wrong" // the upper group prefers a distractor to the key
)

// Thresholds of the flags: Moodle and the classical texts call a corrected item-total
// correlation under 0.1 weak; facility outside [0.2, 0.95] tells little about anyone.
const (
	WeakDiscrimination = 0.1
	HardFacility       = 0.2
	EasyFacility       = 0.95
)

// PaperStats are the figures of the whole paper over its sittings.
type PaperStats struct {
	N          int
	Mean       float64
	Median     float64
	SD         float64
	Skewness   float64
	Kurtosis   float64 // excess kurtosis (0 for a normal distribution)
	Alpha      float64 // Cronbach's α over the slots; KR-20 when every item scores 0 or full
	ErrorRatio float64 // √(1−α): the share of the score's spread that is noise
	SEM        float64 // standard error of measurement, SD·√(1−α)
	PassRate   float64
}

// Result computes the figures of every item, in the order given to New, and of the paper.
func (a *Analysis) Result() ([]ItemStats, PaperStats) {
	out := make([]ItemStats, len(a.items))
	for i := range a.items {
		out[i] = a.itemStats(i)
	}
	return out, a.paperStats()
}

func (a *Analysis) itemStats(i int) ItemStats {
	it, acc := a.items[i], a.acc[i]
	s := ItemStats{N: acc.n, Facility: math.NaN(), SD: math.NaN(), Discrimination: math.NaN(), PointBiserial: math.NaN(), OmitRate: math.NaN()}
	for _, o := range it.Options {
		s.Options = append(s.Options, OptionCount{Option: o, Key: slices.Contains(it.Key, o), Chosen: acc.chosen[o], Upper: acc.upper[o], Lower: acc.lower[o]})
	}
	if acc.n == 0 || it.MaxScore <= 0 {
		s.Flags = []Flag{FlagTooFew}
		return s
	}
	n := float64(acc.n)
	s.Facility = acc.sx / n / it.MaxScore
	s.OmitRate = float64(acc.omitted) / n
	if acc.n > 1 {
		s.SD = math.Sqrt(max(0, (acc.sxx-acc.sx*acc.sx/n)/(n-1))) / it.MaxScore
	}
	if acc.upperN > 0 && acc.lowerN > 0 {
		s.Discrimination = (acc.upperX/float64(acc.upperN) - acc.lowerX/float64(acc.lowerN)) / it.MaxScore
	}
	// Rest score y = t − x, from the sums: Σy = Σt − Σx, Σy² = Σt² − 2Σxt + Σx²,
	// Σxy = Σxt − Σx².
	sy := acc.st - acc.sx
	syy := acc.stt - 2*acc.sxt + acc.sxx
	sxy := acc.sxt - acc.sxx
	s.PointBiserial = pearson(n, acc.sx, acc.sxx, sy, syy, sxy)
	s.Flags = a.flags(it, s)
	if acc.n >= MinSittings {
		s.Calibrated = CalibratedDifficulty(s.Facility)
	}
	return s
}

func (a *Analysis) flags(it Item, s ItemStats) []Flag {
	if s.N < MinSittings {
		return []Flag{FlagTooFew}
	}
	var f []Flag
	switch {
	case s.PointBiserial < 0 || s.Discrimination < 0:
		f = append(f, FlagNegative)
	case s.PointBiserial < WeakDiscrimination || math.IsNaN(s.PointBiserial):
		f = append(f, FlagWeak)
	}
	if s.Facility < HardFacility {
		f = append(f, FlagTooHard)
	}
	if s.Facility > EasyFacility {
		f = append(f, FlagTooEasy)
	}
	// The key may be wrong when the strongest candidates choose some distractor more
	// often than they choose the least chosen part of the key.
	keyUpper := math.MaxInt
	for _, o := range s.Options {
		if o.Key {
			keyUpper = min(keyUpper, o.Upper)
		}
	}
	for _, o := range s.Options {
		if !o.Key && keyUpper != math.MaxInt && o.Upper > keyUpper {
			f = append(f, FlagKeyMaybeWrong)
			break
		}
	}
	return f
}

func (a *Analysis) paperStats() PaperStats {
	p := PaperStats{N: len(a.totals)}
	nan := math.NaN()
	if p.N == 0 {
		return PaperStats{Mean: nan, Median: nan, SD: nan, Skewness: nan, Kurtosis: nan, Alpha: nan, ErrorRatio: nan, SEM: nan, PassRate: nan}
	}
	sorted := slices.Clone(a.totals)
	slices.Sort(sorted)
	p.Mean, p.SD = stat.MeanStdDev(a.totals, nil)
	p.Median = stat.Quantile(0.5, stat.Empirical, sorted, nil)
	p.Skewness = stat.Skew(a.totals, nil)
	p.Kurtosis = stat.ExKurtosis(a.totals, nil)
	passed := 0
	for _, t := range a.totals {
		if t >= a.pass {
			passed++
		}
	}
	p.PassRate = float64(passed) / float64(p.N)
	p.Alpha = a.alpha(p.SD)
	p.ErrorRatio = math.Sqrt(max(0, 1-p.Alpha))
	p.SEM = p.SD * p.ErrorRatio
	return p
}

// alpha is Cronbach's α over the paper's slots: k/(k−1)·(1 − Σσ²ᵢ/σ²ₜ), with sample
// variances as for the total. For items scored 0 or full it is KR-20.
func (a *Analysis) alpha(sdTotal float64) float64 {
	k := float64(len(a.slots))
	if k < 2 || sdTotal == 0 || math.IsNaN(sdTotal) {
		return math.NaN()
	}
	var sum float64
	for _, s := range a.slots {
		if s.n < 2 {
			return math.NaN()
		}
		n := float64(s.n)
		sum += (s.sxx - s.sx*s.sx/n) / (n - 1)
	}
	return k / (k - 1) * (1 - sum/(sdTotal*sdTotal))
}

// pearson is the correlation coefficient from running sums; NaN without spread.
func pearson(n, sx, sxx, sy, syy, sxy float64) float64 {
	cov := sxy - sx*sy/n
	vx := sxx - sx*sx/n
	vy := syy - sy*sy/n
	if vx <= 1e-12 || vy <= 1e-12 {
		return math.NaN()
	}
	return cov / math.Sqrt(vx*vy)
}

// CalibratedDifficulty maps an observed facility to the bank's authored 1–5 scale (1
// easy … 5 hard), with the bands instructors use when they author: 5 where fewer than
// three in ten answer right.
func CalibratedDifficulty(facility float64) int {
	switch {
	case facility >= 0.85:
		return 1
	case facility >= 0.7:
		return 2
	case facility >= 0.5:
		return 3
	case facility >= 0.3:
		return 4
	}
	return 5
}
