package grading

import (
	"context"
	"math"
	"slices"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading/itemstats"
)

// ItemAnalysis is the item analysis of one blueprint's finalised exam attempts: the
// paper's figures and one line per question version met. Figures that are undefined
// (no responses, no spread) are null.
type ItemAnalysis struct {
	Blueprint   string     `json:"blueprint"`
	PassScore   float64    `json:"pass_score"`
	MinSittings int        `json:"min_sittings"` // below it figures are shown, not judged
	Paper       PaperLine  `json:"paper"`
	Items       []ItemLine `json:"items"`
}

// PaperLine is the distribution of the paper's totals (in points) and its reliability.
type PaperLine struct {
	N          int      `json:"n"`
	Mean       *float64 `json:"mean"`
	Median     *float64 `json:"median"`
	SD         *float64 `json:"sd"`
	Skewness   *float64 `json:"skewness"`
	Kurtosis   *float64 `json:"kurtosis"`
	Alpha      *float64 `json:"alpha"`
	ErrorRatio *float64 `json:"error_ratio"`
	SEM        *float64 `json:"sem"`
	PassRate   *float64 `json:"pass_rate"`
}

// ItemLine is one question version's figures; Difficulty is the authored level (1–5),
// Calibrated the observed one (0 below MinSittings responses).
type ItemLine struct {
	QuestionID     int64            `json:"question_id"`
	Version        int              `json:"version"`
	Type           content.Type     `json:"type"`
	Unit           string           `json:"unit"`
	Stem           string           `json:"stem"`
	Difficulty     int              `json:"difficulty"`
	Calibrated     int              `json:"calibrated_difficulty"`
	N              int              `json:"n"`
	Facility       *float64         `json:"facility"`
	SD             *float64         `json:"sd"`
	Discrimination *float64         `json:"discrimination"`
	PointBiserial  *float64         `json:"point_biserial"`
	OmitRate       *float64         `json:"omit_rate"`
	Options        []OptionLine     `json:"options"`
	Flags          []itemstats.Flag `json:"flags"`
}

// OptionLine is how often one option (by its bank key) was chosen, overall and by the
// upper and lower 27%.
type OptionLine struct {
	Option string `json:"option"`
	Key    bool   `json:"key"`
	Chosen int    `json:"chosen"`
	Upper  int    `json:"upper"`
	Lower  int    `json:"lower"`
}

// ItemAnalysis analyses the finalised exam attempts f selects, which must name a
// blueprint (else a *content.ValidationError on "blueprint"), streaming them from the
// database in two passes: totals first, then papers and answers a batch at a time. Choice
// questions score by the attempt's policy (partial credit is a fraction); a case counts
// its points so far, and a case still awaiting its grade is left out.
func (s *Service) ItemAnalysis(ctx context.Context, f exam.ResultFilter) (*ItemAnalysis, error) {
	if f.Blueprint == "" {
		return nil, content.Invalid("blueprint", "请选择要分析的试卷方案")
	}
	totals, pass, err := s.exams.SittingTotals(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(totals))
	scores := make([]float64, len(totals))
	for i, t := range totals {
		ids[i], scores[i] = t.ID, t.Score.Float()
	}
	an := itemstats.New(nil, scores, pass.Float())
	index := map[content.Ref]int{}
	var refs []content.Ref // by index
	var responses []itemstats.Response
	var missing []content.Ref
	err = s.exams.EachSitting(ctx, ids, func(_ int64, items []exam.SittingItem) error {
		missing = missing[:0]
		for _, it := range items {
			ref := content.Ref{ID: it.QuestionID, Version: it.Version}
			if _, ok := index[ref]; !ok && !slices.Contains(missing, ref) {
				missing = append(missing, ref)
			}
		}
		if len(missing) > 0 {
			qs, err := s.content.Versions(ctx, missing)
			if err != nil {
				return err
			}
			for _, ref := range missing {
				q := qs[ref]
				if q == nil {
					q = &content.Question{ID: ref.ID, Version: ref.Version}
				}
				var opts, key []string
				if q.Type != content.Case {
					opts, key = q.OptionKeys(), q.Answer
				}
				var worth float64
				for _, it := range items {
					if it.QuestionID == ref.ID {
						worth = it.MaxScore.Float()
					}
				}
				index[ref] = an.AddItem(itemstats.Item{Options: opts, Key: key, MaxScore: worth})
				refs = append(refs, ref)
			}
		}
		responses = responses[:0]
		for _, it := range items {
			if it.Pending || it.MaxScore <= 0 {
				continue
			}
			i := index[content.Ref{ID: it.QuestionID, Version: it.Version}]
			responses = append(responses, itemstats.Response{Item: i, Slot: it.Slot,
				Score:   it.Score.Float() / it.MaxScore.Float() * an.Item(i).MaxScore,
				Choice:  it.Choice,
				Written: it.Answered && len(it.Choice) == 0})
		}
		an.Add(itemstats.Sitting{Responses: responses})
		return nil
	})
	if err != nil {
		return nil, err
	}
	stats, paper := an.Result()
	out := &ItemAnalysis{Blueprint: f.Blueprint, PassScore: pass.Float(), MinSittings: itemstats.MinSittings, Paper: paperLine(paper),
		Items: make([]ItemLine, len(stats))}
	qs, err := s.content.Versions(ctx, refs)
	if err != nil {
		return nil, err
	}
	for i, st := range stats {
		line := ItemLine{QuestionID: refs[i].ID, Version: refs[i].Version, Calibrated: st.Calibrated, N: st.N,
			Facility: num(st.Facility), SD: num(st.SD), Discrimination: num(st.Discrimination), PointBiserial: num(st.PointBiserial),
			OmitRate: num(st.OmitRate), Flags: st.Flags, Options: make([]OptionLine, len(st.Options))}
		if q := qs[refs[i]]; q != nil {
			line.Type, line.Unit, line.Stem, line.Difficulty = q.Type, q.Unit, q.Stem, q.Difficulty
		}
		for j, o := range st.Options {
			line.Options[j] = OptionLine{Option: o.Option, Key: o.Key, Chosen: o.Chosen, Upper: o.Upper, Lower: o.Lower}
		}
		out.Items[i] = line
	}
	return out, nil
}

func paperLine(p itemstats.PaperStats) PaperLine {
	return PaperLine{N: p.N, Mean: num(p.Mean), Median: num(p.Median), SD: num(p.SD), Skewness: num(p.Skewness), Kurtosis: num(p.Kurtosis),
		Alpha: num(p.Alpha), ErrorRatio: num(p.ErrorRatio), SEM: num(p.SEM), PassRate: num(p.PassRate)}
}

// num is f for JSON, which has no NaN: nil where a figure is undefined.
func num(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}
