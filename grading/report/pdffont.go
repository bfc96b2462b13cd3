package report

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// How the report hands its font to gofpdf.
//
// gofpdf's UTF-8 font path (AddUTF8FontFromBytes) costs at least 4 MB per document even
// for a one-line page: it parses the font into a 65,536-entry width table twice, hashes
// that table through encoding/json, and makes a fresh zlib writer (~1.1 MB each) for the
// font, for a 128 KB CIDToGIDMap and for every page. So the report uses gofpdf's simple
// TrueType path instead: one font file per document (the merged subset of font.go,
// compressed here with a pooled writer) shared by as many single-byte fonts as it takes
// to give every character a code, 224 characters each. Each code is named uniXXXX in the
// font's /Differences, which viewers map to Unicode and through the font's (3,1) cmap to
// the glyph, and which text extraction reads back as the character.

// fontCode is how one character is drawn: its font (an index into the document's
// single-byte fonts) and its byte in that font.
type fontCode struct {
	font int
	code byte
}

const (
	firstCode    = 32
	codesPerFont = 256 - firstCode
	fontFile     = "report.z" // gofpdf reads the .z suffix as "already deflated"
)

func fontFamily(i int) string { return fmt.Sprintf("report%d", i) }

// simpleFont is gofpdf's JSON font definition (the shape its makefont tool writes).
type simpleFont struct {
	Tp   string
	Name string
	Desc struct {
		Ascent, Descent, CapHeight, Flags int
		FontBBox                          struct{ Xmin, Ymin, Xmax, Ymax int }
		ItalicAngle, StemV, MissingWidth  int
	}
	Up, Ut       int
	Cw           []int
	Diff         string
	File         string
	OriginalSize int
}

// The font file is compressed with Huffman coding only: a fifth of a report's time went
// to finding repeats in glyph outlines, which have few (BestSpeed made an 88 KB file of a
// five-page report 57 KB, Huffman coding alone 67 KB, in a third of the time).
//
// zlibWriters keeps idle writers (~1 MB each to set up) for the next document. Not a
// sync.Pool: a pool is emptied by every other garbage collection, and a report allocates
// enough to start one, so nearly every report made its writer anew.
var zlibWriters = make(chan *zlib.Writer, 4)

func deflate(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) / 2)
	var w *zlib.Writer
	select {
	case w = <-zlibWriters:
		w.Reset(&out)
	default:
		w, _ = zlib.NewWriterLevel(&out, zlib.HuffmanOnly)
	}
	w.Write(b)
	w.Close()
	select {
	case zlibWriters <- w:
	default:
	}
	return out.Bytes()
}

// embedFonts collects every character of texts (with printable ASCII and missingGlyph),
// cuts one font file holding just those (font.go) and registers the single-byte fonts
// that address it.
func (d *doc) embedFonts(texts []string) error {
	used := map[rune]int{} // how often each character occurs
	for _, s := range append(texts, string(missingGlyph)) {
		for _, c := range clean(d.fonts, s) {
			if c != '\n' {
				used[c]++
			}
		}
	}
	for c := rune(0x20); c < 0x7F; c++ {
		used[c] += 0 // numbers and dates are formatted while drawing
	}

	runes := make([]rune, 0, len(used))
	for c := range used {
		runes = append(runes, c)
	}
	// The most frequent characters share the first font, so lines switch fonts (a new
	// text object each time) as seldom as they can.
	slices.SortFunc(runes, func(a, b rune) int { return cmp.Or(used[b]-used[a], int(a-b)) })
	file := subset(d.fonts, runes)

	base := d.fonts[0]
	for _, f := range d.fonts {
		if f.upem < base.upem {
			base = f
		}
	}
	def := simpleFont{Tp: "TrueType", File: fontFile, OriginalSize: len(file)}
	def.Desc.Flags = 32 // nonsymbolic: viewers find glyphs by the /Differences names
	def.Desc.StemV = 80
	thousandths := func(v int, upem int) int { return int(math.Round(float64(v) * 1000 / float64(upem))) }
	def.Desc.Ascent = thousandths(base.ascent, base.upem)
	def.Desc.Descent = thousandths(base.descent, base.upem)
	def.Desc.CapHeight = def.Desc.Ascent
	for i, f := range d.fonts { // the merged font holds glyphs of all of them
		bb := &def.Desc.FontBBox
		xmin, ymin, xmax, ymax := thousandths(f.bbox[0], f.upem), thousandths(f.bbox[1], f.upem), thousandths(f.bbox[2], f.upem), thousandths(f.bbox[3], f.upem)
		if i == 0 {
			bb.Xmin, bb.Ymin, bb.Xmax, bb.Ymax = xmin, ymin, xmax, ymax
		}
		bb.Xmin, bb.Ymin, bb.Xmax, bb.Ymax = min(bb.Xmin, xmin), min(bb.Ymin, ymin), max(bb.Xmax, xmax), max(bb.Ymax, ymax)
	}
	def.Up, def.Ut = -100, 50

	z := deflate(file)
	for start := 0; start < len(runes); start += codesPerFont {
		group := runes[start:min(start+codesPerFont, len(runes))]
		i := start / codesPerFont
		def.Name = fmt.Sprintf("CSMR%c%c+CsmexamReport", 'A'+i/26%26, 'A'+i%26) // subset tag: six capitals
		def.Cw = make([]int, 256)
		var diff bytes.Buffer
		fmt.Fprintf(&diff, "%d", firstCode)
		for j, c := range group {
			code := byte(firstCode + j)
			d.codes[c] = fontCode{i, code}
			def.Cw[code] = int(faceOf(d.fonts, c).width[c])
			diff.WriteString(" /" + glyphName(c))
		}
		def.Diff = diff.String()
		js, err := json.Marshal(&def)
		if err != nil {
			return err
		}
		d.pdf.AddFontFromBytes(fontFamily(i), "", js, z)
	}
	return d.pdf.Error()
}

// text draws one line (already clean and wrapped) with its baseline at y, one run per
// single-byte font.
func (d *doc) text(x, y float64, s string, size float64) {
	width := d.runeWidth(size)
	run := make([]byte, 0, len(s))
	font, runW := -1, 0.0
	flush := func() {
		if len(run) > 0 {
			if font != d.font || size != d.size {
				d.pdf.SetFont(fontFamily(font), "", size)
				d.font, d.size = font, size
			}
			d.pdf.Text(x, y, string(run))
		}
		x += runW
		run, runW = run[:0], 0
	}
	for _, r := range s {
		c, ok := d.codes[r]
		if !ok {
			if d.err == nil {
				d.err = fmt.Errorf("report: %q drawn but not in the embedded font", r)
			}
			continue
		}
		if c.font != font {
			flush()
			font = c.font
		}
		run = append(run, c.code)
		runW += width(r)
	}
	flush()
}
