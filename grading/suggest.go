package grading

import (
	"cmp"
	"slices"
	"unicode"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// fold prepares text for keyword matching: full-width forms become half-width (Ａ→a,
// １→1), letters lower case, and punctuation, symbols and spaces disappear, so
// "服务产品＋产品服务" and "服务产品 + 产品服务" read alike. It returns the folded runes and,
// for each, the index of the rune of s it came from.
func fold(s string) ([]rune, []int) {
	out := make([]rune, 0, len(s)/3+1)
	from := make([]int, 0, cap(out))
	i := 0
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '\uff01' && r <= '\uff5e': // the full-width block mirrors ASCII ! … ~
			r -= 0xfee0
		}
		if !(unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsControl(r)) {
			out = append(out, unicode.ToLower(r))
			from = append(from, i)
		}
		i++
	}
	return out, from
}

// Suggest scores one case part's answer by its rubric, for an instructor to confirm: a
// 采分点 earns its full score when the answer contains any of its keywords or synonyms,
// compared after fold (全角/半角, letter case, punctuation and spaces do not matter);
// otherwise it earns 0. Every match is returned as a Hit in runes of the answer as saved,
// so a page can highlight it. Suggest is pure.
func Suggest(part content.CasePart, answer string) exam.PartScore {
	text, from := fold(answer)
	ps := exam.PartScore{MaxScore: part.Points, Points: make([]exam.PointScore, len(part.Rubric))}
	for i, rp := range part.Rubric {
		p := exam.PointScore{MaxScore: rp.Score}
		for _, w := range append(slices.Clip(rp.Keywords), rp.Synonyms...) {
			p.Hits = appendHits(p.Hits, w, text, from)
		}
		if len(p.Hits) > 0 {
			p.Suggested = rp.Score
			slices.SortFunc(p.Hits, func(a, b exam.Hit) int { return cmp.Compare(a.Start, b.Start) })
		}
		ps.Points[i] = p
	}
	return ps
}

// appendHits adds every non-overlapping occurrence of word in the folded text.
func appendHits(hits []exam.Hit, word string, text []rune, from []int) []exam.Hit {
	w, _ := fold(word)
	if len(w) == 0 { // a keyword of punctuation alone would match anything
		return hits
	}
	for i := 0; i+len(w) <= len(text); {
		if slices.Equal(text[i:i+len(w)], w) {
			hits = append(hits, exam.Hit{Word: word, Start: from[i], End: from[i+len(w)-1] + 1})
			i += len(w)
		} else {
			i++
		}
	}
	return hits
}
