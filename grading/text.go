package grading

import (
	"strings"
	"unicode"
)

// text is an answer (or a rubric term, or case material) prepared for matching: folded
// (full-width to half-width, lower case), numbers normalized (see numberAt), punctuation,
// symbols and spaces dropped. Every rune of r remembers the runes [start, end) of the
// original it came from, so hits map back to the text as saved.
type text struct {
	r          []rune
	start, end []int
	clauses    []span
}

// span is one clause: a run of r between clause breaks. Clauses split at 。；！？，、 and line
// breaks (and their ASCII forms): a candidate writes one claim per clause, so a negation
// or a pairing belongs to its clause. listed marks a clause that follows 、: it is one
// item of a list that shares the clause before it, so a negation before the list
// (缺少地位、权力和权威) still reaches it.
type span struct {
	from, to int
	listed   bool
}

const (
	clauseBreaks = "。；！？，;!?,\n\r"
	listBreak    = '、'
)

// foldRune maps full-width forms to half-width (Ａ→a, １→1, ％→%) and letters to lower
// case.
func foldRune(r rune) rune {
	switch {
	case r == '\u3000':
		r = ' '
	case r >= '\uff01' && r <= '\uff5e': // the full-width block mirrors ASCII ! … ~
		r -= 0xfee0
	}
	return unicode.ToLower(r)
}

// kept reports whether a folded rune takes part in matching: letters, digits, CJK, and
// the % and / that numberAt writes.
func kept(r rune) bool {
	return !(unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsControl(r)) || r == '%' || r == '/'
}

// prepare folds s for matching.
func prepare(s string) text {
	f := []rune(s)
	for i, r := range f {
		f[i] = foldRune(r)
	}
	t := text{r: make([]rune, 0, len(f)), start: make([]int, 0, len(f)), end: make([]int, 0, len(f))}
	cl := span{}
	closeClause := func(listed bool) {
		if len(t.r) > cl.from {
			cl.to = len(t.r)
			t.clauses = append(t.clauses, cl)
		}
		cl = span{from: len(t.r), listed: listed}
	}
	for i := 0; i < len(f); {
		r := f[i]
		var prev rune
		if i > 0 {
			prev = f[i-1]
		}
		if n, next, ok := numberAt(f, i, prev); ok {
			for _, d := range n {
				t.r, t.start, t.end = append(t.r, d), append(t.start, i), append(t.end, next)
			}
			i = next
			continue
		}
		switch {
		case strings.ContainsRune(clauseBreaks, r):
			closeClause(false)
		case r == listBreak:
			closeClause(true)
		case r == '%' || r == '/': // outside a number, plain punctuation
		case kept(r):
			t.r, t.start, t.end = append(t.r, r), append(t.start, i), append(t.end, i+1)
		}
		i++
	}
	closeClause(false)
	return t
}
