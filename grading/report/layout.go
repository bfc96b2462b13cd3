package report

import (
	"fmt"
	"strings"

	"github.com/csmexam/csmexam/content"

	"github.com/jung-kurt/gofpdf"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 18.0
	top          = 18.0
	bottom       = pageH - 20 // last y a line may reach; the footer lives below
	contentW     = pageW - 2*marginX
	ptToMM       = 25.4 / 72
	leading      = 1.5 // line height as a multiple of the font size
)

type rgb struct{ r, g, b int }

var (
	ink    = rgb{33, 37, 41}
	muted  = rgb{108, 117, 125}
	accent = rgb{13, 94, 175}
	good   = rgb{25, 135, 84}
	bad    = rgb{200, 35, 51}
	wait   = rgb{205, 120, 0}
	rule   = rgb{206, 212, 218}
	shade  = rgb{241, 243, 245}
	white  = rgb{255, 255, 255}
)

// Font sizes in points.
const (
	small   = 8.5
	body    = 10.0
	heading = 13.0
)

// doc lays text out line by line on a gofpdf document. It breaks pages itself (before a
// line, a table row or a bar that would not fit), so a page break never cuts a line.
type doc struct {
	pdf   *gofpdf.Fpdf
	fonts []*ttf
	codes map[rune]fontCode // how each character the report uses is drawn
	// font and size are what the page's content stream has selected (font -1: not known),
	// so that text selects a font only when it changes: gofpdf writes a selection on
	// every SetFont.
	font int
	size float64
	y    float64
	err  error
	// figures are the images drawn so far, by name in the PDF: their size in millimetres.
	figures map[string][2]float64
}

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.y = top
}

// need starts a new page unless h more millimetres fit on this one.
func (d *doc) need(h float64) {
	if d.y+h > bottom {
		d.newPage()
	}
}

func lineHeight(size float64) float64 { return size * ptToMM * leading }

// baseline is where text of size sits in a line starting at y.
func baseline(y, size float64) float64 { return y + size*ptToMM*(leading-1)/2 + size*ptToMM*0.86 }

func (d *doc) runeWidth(size float64) func(rune) float64 {
	return func(r rune) float64 {
		if f := faceOf(d.fonts, r); f != nil {
			return float64(f.width[r]) * size / 1000 * ptToMM
		}
		return 0
	}
}

func (d *doc) measure(s string, size float64) float64 {
	w, width := 0.0, d.runeWidth(size)
	for _, r := range s {
		w += width(r)
	}
	return w
}

// color sets the text colour. PDF paints text with the fill colour; setting both lets
// gofpdf skip wrapping every text object in its own colour state.
func (d *doc) color(c rgb) {
	d.pdf.SetTextColor(c.r, c.g, c.b)
	d.pdf.SetFillColor(c.r, c.g, c.b)
}

// para writes text wrapped to width w at x, moving down line by line.
func (d *doc) para(x, w float64, text string, size float64, c rgb) {
	d.color(c)
	lh := lineHeight(size)
	for _, l := range lines(clean(d.fonts, text), w, d.runeWidth(size)) {
		d.need(lh)
		d.text(x, baseline(d.y, size), l, size)
		d.y += lh
	}
}

// labelled writes "label" in muted ink and text after it, wrapped with a hanging indent.
func (d *doc) labelled(label, text string, c rgb) {
	lw := d.measure(label, body)
	d.need(lineHeight(body))
	d.color(muted)
	d.text(marginX, baseline(d.y, body), label, body)
	d.para(marginX+lw, contentW-lw, text, body, c)
}

func (d *doc) gap(h float64) { d.y += h }

func (d *doc) hrule() {
	d.pdf.SetDrawColor(rule.r, rule.g, rule.b)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(marginX, d.y, pageW-marginX, d.y)
}

// heading starts a part of the report, keeping it on the page with room for what follows.
func (d *doc) heading(title string) {
	const ruleGap = 2.0
	d.gap(4)
	// Room for the heading, its rule and three lines of what follows, so that a heading
	// never ends a page without its content.
	d.need(lineHeight(heading) + ruleGap + 3*lineHeight(body))
	d.color(accent)
	d.text(marginX, baseline(d.y, heading), clean(d.fonts, title), heading)
	d.y += lineHeight(heading)
	d.pdf.SetDrawColor(accent.r, accent.g, accent.b)
	d.pdf.SetLineWidth(0.4)
	d.pdf.Line(marginX, d.y, pageW-marginX, d.y)
	d.gap(ruleGap)
}

// column is one column of a table: its width, alignment ("L", "C", "R") and header.
type column struct {
	w     float64
	align string
	title string
}

type cell struct {
	text  string
	color rgb
}

// table draws rows under a shaded header (none if the first column has no title), wrapping each cell in its column; a row that
// does not fit moves to the next page and the header is drawn again there.
func (d *doc) table(cols []column, rows [][]cell, size float64) {
	const pad = 1.5
	if len(rows) == 0 {
		return
	}
	header := make([]cell, len(cols))
	for i, c := range cols {
		header[i] = cell{c.title, muted}
	}
	drawRow := func(row []cell, fill bool) {
		wrapped := make([][]string, len(row))
		n := 1
		for i, c := range row {
			wrapped[i] = lines(clean(d.fonts, c.text), cols[i].w-2*pad, d.runeWidth(size))
			n = max(n, len(wrapped[i]))
		}
		h := float64(n)*lineHeight(size) + 2*pad
		if fill {
			d.pdf.SetFillColor(shade.r, shade.g, shade.b)
			d.pdf.Rect(marginX, d.y, tableWidth(cols), h, "F")
		}
		x := marginX
		for i, ls := range wrapped {
			d.color(row[i].color)
			for j, l := range ls {
				lx := x + pad
				switch cols[i].align {
				case "R":
					lx = x + cols[i].w - pad - d.measure(l, size)
				case "C":
					lx = x + (cols[i].w-d.measure(l, size))/2
				}
				d.text(lx, baseline(d.y+pad+float64(j)*lineHeight(size), size), l, size)
			}
			x += cols[i].w
		}
		d.y += h
		d.pdf.SetDrawColor(rule.r, rule.g, rule.b)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Line(marginX, d.y, marginX+tableWidth(cols), d.y)
	}
	rowHeight := func(row []cell) float64 {
		n := 1
		for i, c := range row {
			n = max(n, len(lines(clean(d.fonts, c.text), cols[i].w-2*pad, d.runeWidth(size))))
		}
		return float64(n)*lineHeight(size) + 2*pad
	}
	if cols[0].title == "" { // a grid of fields, no header
		header = nil
	}
	if header != nil {
		d.need(rowHeight(header) + rowHeight(rows[0]))
		drawRow(header, true)
	}
	for _, row := range rows {
		if d.y+rowHeight(row) > bottom {
			d.newPage()
			if header != nil {
				drawRow(header, true)
			}
		}
		drawRow(row, false)
	}
}

func tableWidth(cols []column) float64 {
	w := 0.0
	for _, c := range cols {
		w += c.w
	}
	return w
}

// footers writes the page number (pages, a format of the page and the count, centred),
// left and right on every page once the page count is known.
func (d *doc) footers(pages, left, right string) {
	n := d.pdf.PageCount()
	for p := 1; p <= n; p++ {
		d.pdf.SetPage(p)
		d.font = -1 // the page's stream ended with a font of its own
		y := baseline(pageH-14, small)
		d.color(muted)
		footer := fmt.Sprintf(pages, p, n)
		d.text((pageW-d.measure(footer, small))/2, y, footer, small)
		d.text(marginX, y, left, small)
		d.text(pageW-marginX-d.measure(right, small), y, right, small)
	}
}

// percent is score as a whole percentage of max by content.Percent (the pages' rule),
// or "—" when there is nothing to score.
func percent(score, max content.Points) string {
	pct, ok := content.Percent(score, max)
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%d%%", pct)
}

// flow writes runs left to right from x over width w, each in its colour. A run that does
// not fit the rest of the line starts the next line, unless it is longer than a whole line:
// then it begins right here and wraps on. It leaves d.y below the last line.
func (d *doc) flow(x, w float64, runs []cell, size float64) {
	lh := lineHeight(size)
	width := d.runeWidth(size)
	at := 0.0 // used width of the current line
	newLine := func() {
		d.y += lh
		d.need(lh)
		at = 0
	}
	d.need(lh)
	for _, r := range runs {
		text := clean(d.fonts, r.text)
		d.color(r.color)
		if rw := d.measure(text, size); at > 0 && at+rw > w {
			if first := wrap(text, w-at, width); rw <= w || w-at < 20 || len(first) == 0 || first[0] == "" || !strings.HasPrefix(text, first[0]) {
				newLine()
				text = strings.TrimLeft(text, " ") // a separator is not indentation
			} else {
				d.text(x+at, baseline(d.y, size), first[0], size)
				text = strings.TrimLeft(text[len(first[0]):], " ")
				newLine()
			}
		}
		for i, line := range lines(text, w-at, width) {
			if i > 0 {
				newLine()
			}
			d.text(x+at, baseline(d.y, size), line, size)
			at += d.measure(line, size)
		}
	}
	d.y += lh
}
