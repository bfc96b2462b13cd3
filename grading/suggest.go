package grading

import (
	"cmp"
	"maps"
	"slices"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// Suggest scores one case part's answer by its rubric, for an instructor to confirm. It
// reads the answer as Chinese: folded (全角/半角, letter case, punctuation do not matter),
// numbers normalized (十 = 10, 百分之八十一 = 81% = 0.81, 两成 = 20%, 三分之一 = 1/3), cut
// into words by gse, and split into clauses (see span). A 采分点 earns its score when one
// of its keywords or synonyms, or a variant by the shared synonym list, occurs as a run of
// whole words, and that occurrence
//   - is not negated in its clause against the rubric's own sense of the word (并无不妥
//     does not earn 判断不妥; 没有培训 does earn 培训不到位, whose reference says so), and
//   - is not in text copied from what the candidate was given (runs of minCopiedRun runes
//     or more of given: the case material, the stem and the part's prompt, see Given).
//
// A point with Pairs is earned only where both terms of a pair occur in one clause. In an
// answer that is only a list of words, without reasoning (see analysis.listed), a point
// earns half its score (rounded down to 0.5). Each point carries its reasons; Hits are the
// counted occurrences in runes of the answer as saved, so a page can highlight them. An
// answer mostly copied from what was given (mostlyCopied of its runes) is flagged Copied.
// Suggest is pure and safe to call from many goroutines.
func Suggest(part content.CasePart, given, answer string) exam.PartScore {
	a := analyse(answer)
	m := matcher{answer: a, copied: copiedRunes(a.r, prepare(given).r), reference: analyse(part.Reference), listed: a.listed()}
	copied := 0
	for _, c := range m.copied {
		if c {
			copied++
		}
	}
	ps := exam.PartScore{MaxScore: part.Points, Points: make([]exam.PointScore, len(part.Rubric)),
		Copied: len(a.r) > 0 && float64(copied) >= mostlyCopied*float64(len(a.r))}
	for i, rp := range part.Rubric {
		ps.Points[i] = m.point(rp)
	}
	return ps
}

// Given is what a candidate reads before answering part of q: the case material (none for
// a 问题 or 论述), the stem and the part's prompt. Copying any of it back earns nothing.
func Given(q *content.Question, part content.CasePart) string {
	return q.Material + "\n" + q.Stem + "\n" + part.Prompt
}

// matcher holds one answer, prepared, with what decides its occurrences.
type matcher struct {
	answer    *analysis
	copied    []bool // per rune of answer.r
	reference *analysis
	listed    bool // the answer is a bare list of words
}

// found is an occurrence of a rubric term in the answer, judged.
type found struct {
	occurrence
	word string // the rubric's term
	kind exam.ReasonKind
	cue  string
}

func (m *matcher) point(rp content.RubricPoint) exam.PointScore {
	own := analyse(rp.Point)
	p := exam.PointScore{MaxScore: rp.Score}
	var counted []found
	if len(rp.Pairs) > 0 {
		counted = m.pairs(rp, own, &p)
	} else {
		for _, w := range append(slices.Clip(rp.Keywords), rp.Synonyms...) {
			for _, f := range m.find(w, own) {
				p.Reasons = append(p.Reasons, m.reason(f))
				if f.kind == exam.Matched || f.kind == exam.Listed {
					counted = append(counted, f)
				}
			}
		}
	}
	reasoned := slices.ContainsFunc(counted, func(f found) bool { return f.kind == exam.Matched })
	switch {
	case reasoned:
		p.Suggested = rp.Score
	case len(counted) > 0:
		p.Suggested = rp.Score / 2 / 50 * 50
	}
	for _, f := range counted {
		p.Hits = append(p.Hits, exam.Hit{Word: f.word, Start: m.answer.start[f.from], End: m.answer.end[f.to-1]})
	}
	slices.SortFunc(p.Hits, func(a, b exam.Hit) int { return cmp.Compare(a.Start, b.Start) })
	slices.SortStableFunc(p.Reasons, func(a, b exam.Reason) int { return cmp.Compare(a.Start, b.Start) })
	return p
}

// pairs judges a point by its pairs: a pair counts where both its terms occur, counted, in
// one clause; an occurrence that counts in no pair is a broken pair, its cue the partner
// missing from its clause.
func (m *matcher) pairs(rp content.RubricPoint, own *analysis, p *exam.PointScore) []found {
	var counted, seen []found // seen: every occurrence of a pair's term
	var partners []string     // of each seen occurrence
	sameSpan := func(f found) func(found) bool {
		return func(g found) bool { return g.from == f.from && g.to == f.to }
	}
	for _, pair := range rp.Pairs {
		sides := [2][]found{m.find(pair[0], own), m.find(pair[1], own)}
		for i, side := range sides {
			for _, f := range side {
				seen, partners = append(seen, f), append(partners, pair[1-i])
			}
		}
		for _, l := range sides[0] {
			for _, r := range sides[1] {
				if l.c != r.c || !isCounted(l) || !isCounted(r) {
					continue
				}
				for _, f := range []found{l, r} {
					if !slices.ContainsFunc(counted, sameSpan(f)) {
						counted = append(counted, f)
					}
				}
			}
		}
	}
	for i, f := range seen {
		switch {
		case slices.ContainsFunc(counted, sameSpan(f)):
			continue
		case isCounted(f):
			f.kind, f.cue = exam.PairBroken, partners[i]
		}
		if r := m.reason(f); !slices.Contains(p.Reasons, r) {
			p.Reasons = append(p.Reasons, r)
		}
	}
	for _, f := range counted {
		p.Reasons = append(p.Reasons, m.reason(f))
	}
	return counted
}

func isCounted(f found) bool { return f.kind == exam.Matched || f.kind == exam.Listed }

func (m *matcher) reason(f found) exam.Reason {
	return exam.Reason{Kind: f.kind, Word: f.word, Cue: f.cue, Start: m.answer.start[f.from], End: m.answer.end[f.to-1]}
}

// find lists the occurrences in the answer of a rubric term and its variants, judged:
// copied, negated, listed or matched. own is the 采分点's text.
func (m *matcher) find(word string, own *analysis) []found {
	term := prepare(word).r
	if len(term) == 0 { // a term of punctuation alone would match anything
		return nil
	}
	var out []found
	for _, v := range variants(term) {
		expected := m.expectedNegations(v, own)
		for _, o := range m.answer.find(v) {
			f := found{occurrence: o, word: word, kind: exam.Matched}
			switch {
			case slices.Contains(m.copied[o.from:o.to], true):
				f.kind = exam.CopiedText
			case o.negations > 0 && o.negations%2 != expected%2:
				f.kind, f.cue = exam.Negated, o.negation
			case m.listed:
				f.kind = exam.Listed
			}
			if !slices.ContainsFunc(out, func(g found) bool { return g.from < o.to && o.from < g.to }) {
				out = append(out, f)
			}
		}
	}
	return out
}

// expectedNegations is how many negations reach the term where the rubric itself uses it
// (the 采分点's text, else the reference answer): 培训不到位 expects one with 培训, so an
// answer's 没有培训 agrees with it while 不是缺少培训 does not. A term the rubric does not
// use is looked up by its words, longest first (岗前培训 by 培训); failing that it expects
// none.
func (m *matcher) expectedNegations(term []rune, own *analysis) int {
	bounds := slices.Sorted(maps.Keys(cut(term).bounds))
	type piece struct{ from, to int }
	pieces := []piece{{0, len(term)}}
	for i := 1; i < len(bounds); i++ {
		for j := i - 1; j >= 0; j-- {
			if bounds[i]-bounds[j] >= 2 && bounds[i]-bounds[j] < len(term) {
				pieces = append(pieces, piece{bounds[j], bounds[i]})
			}
		}
	}
	slices.SortStableFunc(pieces, func(a, b piece) int { return cmp.Compare(b.to-b.from, a.to-a.from) })
	for _, p := range pieces {
		for _, a := range []*analysis{own, m.reference} {
			if occ := a.find(term[p.from:p.to]); len(occ) > 0 {
				return occ[0].negations
			}
		}
	}
	return 0
}
