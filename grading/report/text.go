package report

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// The report draws each character with the first font that has it: DejaVu Sans for
// Latin letters, digits and Western punctuation (Droid Sans Fallback has none), Droid
// Sans Fallback for Chinese (all 20,902 CJK Unified Ideographs, far beyond GB2312, so
// rare characters in names and questions still render) and full-width punctuation.
// Licenses are in fonts/.
var (
	//go:embed fonts/DejaVuSans.ttf
	latinTTF []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	cjkTTF []byte
)

// fonts parses the embedded fonts once per process, in the order faceOf tries them.
var fonts = sync.OnceValues(func() ([]*ttf, error) {
	var fs []*ttf
	baseUpem := 0
	for _, data := range [][]byte{latinTTF, cjkTTF} {
		t, err := parseTTF(data)
		if err != nil {
			return nil, err
		}
		fs = append(fs, t)
		if baseUpem == 0 || t.upem < baseUpem {
			baseUpem = t.upem
		}
	}
	for _, f := range fs {
		f.measure(baseUpem)
	}
	return fs, nil
})

// missingGlyph stands in for a character no embedded font can draw (rare ideographs
// outside the Basic Multilingual Plane, emoji, scripts we do not ship): a visible box,
// so a reader sees that something is there rather than text silently losing a letter.
const missingGlyph = '□'

// faceOf returns the font that draws r, or nil.
func faceOf(fs []*ttf, r rune) *ttf {
	for _, f := range fs {
		if f.has(r) {
			return f
		}
	}
	return nil
}

// clean makes s drawable: line ends become "\n", tabs and other control characters a
// space, invisible format characters (BOM, zero-width joiners) go, and characters no
// font has become missingGlyph.
func clean(fs []*ttf, s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		case faceOf(fs, r) == nil:
			return missingGlyph
		}
		return r
	}, s)
}

// wrap breaks one paragraph (no "\n") into lines no wider than max, measuring each rune
// with width. Chinese breaks between any two characters; a run of Latin letters and
// digits stays whole unless it alone is wider than a line; closing punctuation never
// starts a line and opening punctuation never ends one. A break after a space keeps the
// space at the end of the upper line, so joining the lines gives back s exactly.
func wrap(s string, max float64, width func(rune) float64) []string {
	rs := []rune(s)
	var lines []string
	start := 0
	w := 0.0
	lastBreak := -1 // index where the current line may end (exclusive), or -1
	for i := 0; i < len(rs); i++ {
		if i > start && breakable(rs[i-1], rs[i]) {
			lastBreak = i
		}
		rw := width(rs[i])
		if w+rw > max && i > start && rs[i] != ' ' {
			end := i
			if lastBreak > start {
				end = lastBreak
			}
			lines = append(lines, string(rs[start:end]))
			start, lastBreak, w = end, -1, 0
			i = end - 1 // measure the new line from its start
			continue
		}
		w += rw
	}
	return append(lines, string(rs[start:]))
}

// breakable reports whether a line may end between a and b.
func breakable(a, b rune) bool {
	switch {
	case b == ' ':
		return false // spaces hang at the end of the line
	case strings.ContainsRune(noLineStart, b), strings.ContainsRune(noLineEnd, a):
		return false // even after a space: a blank （  ） stays whole
	case a == ' ':
		return true
	case isWordRune(a) && isWordRune(b):
		return false
	}
	return true
}

const (
	noLineStart = "，。、；：？！）》」』】〕”’…—,.;:?!)]}%·"
	noLineEnd   = "（《「『【〔“‘([{"
)

// isWordRune is part of a Latin word or number, which wrap keeps together.
func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '\'' || r == '_')
}

// lines splits text into paragraphs at "\n" and wraps each; an empty paragraph is one
// empty line.
func lines(text string, max float64, width func(rune) float64) []string {
	var out []string
	for _, p := range strings.Split(text, "\n") {
		out = append(out, wrap(p, max, width)...)
	}
	return out
}
