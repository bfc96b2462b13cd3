package exam

import (
	"math"

	"github.com/csmexam/csmexam/content"
)

// drawn is one section's pool and the indexes picked from it, before they are ordered.
type drawn struct {
	pool   []candidate
	picked []int
	r      *rng
	sec    Section
	quotas bool // the section has quotas: swaps stay within a question's own unit
}

// observedLevel is a question's difficulty for a target: the observed one (item
// analysis's calibrated difficulty, once enough candidates answered it) where there is
// one, else the authored one.
func observedLevel(q *content.Question) float64 {
	if q.Calibrated >= 1 && q.Calibrated <= 5 {
		return float64(q.Calibrated)
	}
	return float64(q.Difficulty)
}

// meetTarget swaps picked questions for untaken ones of the same section and chapter
// (and unit, where the section has quotas, so quotas still hold) until the paper's mean
// difficulty lies within tolerance of target, each time taking the swap that brings the
// mean closest. It returns a *content.ValidationError on "target_difficulty" when the
// bank cannot get there.
func meetTarget(draws []drawn, target, tolerance float64) error {
	var sum float64
	n := 0
	for _, d := range draws {
		for _, p := range d.picked {
			sum += observedLevel(d.pool[p].q)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	for range 10 * n {
		if math.Abs(sum/float64(n)-target) <= tolerance {
			return nil
		}
		best, bestD, bestI, bestU := math.Abs(sum/float64(n)-target), -1, -1, -1
		for di, d := range draws {
			for i, p := range d.picked {
				out := d.pool[p]
				for u := range d.pool {
					in := d.pool[u]
					if in.taken || in.chapter != out.chapter || d.quotas && in.q.Unit != out.q.Unit {
						continue
					}
					if gap := math.Abs((sum-observedLevel(out.q)+observedLevel(in.q))/float64(n) - target); gap < best-1e-9 {
						best, bestD, bestI, bestU = gap, di, i, u
					}
				}
			}
		}
		if bestD < 0 {
			break
		}
		d := &draws[bestD]
		out := d.picked[bestI]
		sum += observedLevel(d.pool[bestU].q) - observedLevel(d.pool[out].q)
		d.pool[out].taken, d.pool[bestU].taken = false, true
		d.picked[bestI] = bestU
	}
	if mean := sum / float64(n); math.Abs(mean-target) > tolerance {
		return content.Invalid("target_difficulty", "题库凑不出平均难度 %.1f±%.1f 的试卷（最接近 %.2f）", target, tolerance, mean)
	}
	return nil
}

// validateTarget checks a target mean difficulty: within 1–5, a tolerance above 0 and at
// most 2, and not together with a difficulty mix (the two would fight).
func (bp *Blueprint) validateTarget() error {
	if bp.TargetDifficulty == 0 && bp.Tolerance == 0 {
		return nil
	}
	if bp.TargetDifficulty < 1 || bp.TargetDifficulty > 5 {
		return content.Invalid("target_difficulty", "目标平均难度必须在 1 到 5 之间")
	}
	if bp.Tolerance <= 0 || bp.Tolerance > 2 {
		return content.Invalid("tolerance", "允许偏差必须大于 0、不超过 2")
	}
	if len(bp.DifficultyMix) > 0 {
		return content.Invalid("target_difficulty", "目标平均难度与难度占比只能设一个")
	}
	return nil
}
