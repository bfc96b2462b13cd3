package exam

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// Preview is a sample paper of a draft blueprint, assembled with a given seed and stored
// nowhere, and what it covers: counts and points by chapter, by type and by difficulty.
// A draft the bank cannot fill has its Shortages and no paper.
type Preview struct {
	Seed      int64             `json:"seed"`
	MaxScore  content.Points    `json:"max_score"`
	Feasible  bool              `json:"feasible"`
	Shortages []PreviewShortage `json:"shortages"`
	Sections  []PreviewSection  `json:"sections"`
	Coverage  Coverage          `json:"coverage"`
	// MeanDifficulty is the paper's mean difficulty (observed where calibrated, else
	// authored), the figure a target difficulty is held to; 0 with no paper.
	MeanDifficulty float64 `json:"mean_difficulty"`
}

// PreviewShortage is one demand of the draft that the bank cannot meet, or a target
// difficulty it cannot reach (Field names which).
type PreviewShortage struct {
	Message string       `json:"message"`
	Field   string       `json:"field"`
	Type    content.Type `json:"type,omitempty"`
	Form    content.Form `json:"form,omitempty"`
	Unit    string       `json:"unit,omitempty"`
	Need    int          `json:"need,omitempty"`
	Have    int          `json:"have,omitempty"`
}

// PreviewSection is one section of the sample paper.
type PreviewSection struct {
	Type       content.Type      `json:"type"`
	Form       content.Form      `json:"form,omitempty"`
	Title      string            `json:"title"`
	PointsEach content.Points    `json:"points_each"`
	Questions  []PreviewQuestion `json:"questions"`
}

// PreviewQuestion is one question of the sample paper, as staff read it in a list.
type PreviewQuestion struct {
	ID         int64  `json:"id"`
	Version    int    `json:"version"`
	Stem       string `json:"stem"`
	Unit       string `json:"unit"`
	Difficulty int    `json:"difficulty"`
}

// Coverage counts a paper's questions and points three ways.
type Coverage struct {
	Chapters     []CoverageRow `json:"chapters"`
	Types        []CoverageRow `json:"types"`
	Difficulties []CoverageRow `json:"difficulties"`
}

// CoverageRow is one chapter, type or difficulty level of a paper.
type CoverageRow struct {
	Key    string         `json:"key"`
	Title  string         `json:"title"`
	Count  int            `json:"count"`
	Points content.Points `json:"points"`
}

var difficultyTitles = [...]string{"未标", "1 很容易", "2 容易", "3 中等", "4 较难", "5 很难"}

// PreviewPaper assembles a sample paper of bp (normalized and valid) from bank with seed
// and counts its coverage; titles names the syllabus nodes by code. It is pure. A bank
// that cannot fill bp, or cannot reach its target difficulty, gives a Preview with
// Shortages and no paper; any other assembly error is returned.
func PreviewPaper(bank []content.Question, titles map[string]string, bp Blueprint, seed int64) (*Preview, error) {
	p := &Preview{Seed: seed, MaxScore: bp.Total(), Shortages: []PreviewShortage{}, Sections: []PreviewSection{}}
	short := Shortages(bank, bp)
	var paper Paper
	if len(short) == 0 {
		var err error
		paper, err = Assemble(bank, bp, seed)
		var se *ShortageError
		var ve *content.ValidationError
		switch {
		case errors.As(err, &se):
			short = append(short, *se)
		case errors.As(err, &ve) && ve.Field == "target_difficulty":
			p.Shortages = append(p.Shortages, PreviewShortage{Message: ve.Message, Field: ve.Field})
		case err != nil:
			return nil, err
		}
	}
	for _, s := range short {
		field := "sections"
		if s.Unit != "" {
			field = "quotas"
		}
		p.Shortages = append(p.Shortages, PreviewShortage{Message: s.Error(), Field: field, Type: s.Type, Form: s.Form, Unit: s.Unit, Need: s.Need, Have: s.Have})
	}
	if len(p.Shortages) > 0 {
		p.Coverage = Coverage{Chapters: []CoverageRow{}, Types: []CoverageRow{}, Difficulties: []CoverageRow{}}
		return p, nil
	}
	p.Feasible = true
	byID := make(map[int64]*content.Question, len(bank))
	for i := range bank {
		byID[bank[i].ID] = &bank[i]
	}
	chapters, types, levels := map[string]*CoverageRow{}, map[string]*CoverageRow{}, map[string]*CoverageRow{}
	count := func(rows map[string]*CoverageRow, key, title string, pts content.Points) {
		r := rows[key]
		if r == nil {
			r = &CoverageRow{Key: key, Title: title}
			rows[key] = r
		}
		r.Count++
		r.Points += pts
	}
	var sum float64
	n := 0
	for _, sec := range paper.Sections {
		ps := PreviewSection{Type: sec.Type, Form: sec.Form, Title: sec.Title(), PointsEach: sec.PointsEach, Questions: []PreviewQuestion{}}
		for _, it := range sec.Items {
			q := byID[it.QuestionID]
			ps.Questions = append(ps.Questions, PreviewQuestion{ID: q.ID, Version: q.Version, Stem: q.Stem, Unit: q.Unit, Difficulty: q.Difficulty})
			ch := content.ChapterOf(q.Unit)
			count(chapters, ch, titles[ch], sec.PointsEach)
			count(types, string(sec.Type), sec.Type.Title(), sec.PointsEach)
			lvl := level(q)
			count(levels, strconv.Itoa(lvl), difficultyTitles[lvl], sec.PointsEach)
			sum += observedLevel(q)
			n++
		}
		p.Sections = append(p.Sections, ps)
	}
	if n > 0 {
		p.MeanDifficulty = sum / float64(n)
	}
	p.Coverage = Coverage{Chapters: sortedRows(chapters, CompareCodes), Types: sortedRows(types, func(a, b string) int {
		return slices.Index(content.Types, content.Type(a)) - slices.Index(content.Types, content.Type(b))
	}), Difficulties: sortedRows(levels, strings.Compare)}
	return p, nil
}

func sortedRows(rows map[string]*CoverageRow, cmp func(a, b string) int) []CoverageRow {
	out := make([]CoverageRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b CoverageRow) int { return cmp(a.Key, b.Key) })
	return out
}

// PreviewBlueprint checks draft as a save would (a draft without code or title is given
// placeholders) and previews it against the bank center draws from, with seed; nothing is
// stored. An invalid field is a *content.ValidationError; a bank that cannot fill the
// draft is not an error but the Preview's Shortages.
func (s *Service) PreviewBlueprint(ctx context.Context, draft *Blueprint, center, seed int64) (*Preview, error) {
	if draft.Code == "" {
		draft.Code = "preview"
	}
	if draft.Title == "" {
		draft.Title = "预览"
	}
	draft.Normalize()
	if err := draft.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkUnits(ctx, draft); err != nil {
		return nil, err
	}
	bank, err := s.store.content.Bank(ctx, []int64{0, center})
	if err != nil {
		return nil, err
	}
	nodes, err := s.store.content.Syllabus(ctx)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(nodes))
	for _, n := range nodes {
		titles[n.Code] = n.Title
	}
	return PreviewPaper(bank, titles, *draft, seed)
}
