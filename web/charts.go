package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/csmexam/csmexam/grading"
)

// The statistics pages' charts: SVG written by the server, no script and no CDN. Each
// scales to its container through its viewBox, so it reads on a 360 px phone, and each
// page puts a table of the same figures beside it for screen readers (the SVG itself is
// aria-hidden). Colours are presentation attributes, not style: the CSP allows no inline
// style.

const (
	colourUpper = "#2563eb" // the upper 27%
	colourLower = "#f59e0b" // the lower 27%
	colourBar   = "#64748b"
	colourPass  = "#dc2626"
)

// svg is one chart being written.
type svg struct{ b strings.Builder }

func newSVG(w, h float64, label string) *svg {
	s := &svg{}
	fmt.Fprintf(&s.b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(label))
	return s
}

// newWideSVG is a chart drawn at its own size, for one that scales down past reading (a
// heat map of many chapters): its box scrolls sideways instead.
func newWideSVG(w, h float64, label string) *svg {
	s := &svg{}
	fmt.Fprintf(&s.b, `<svg class="chart natural" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, w, h, esc(label))
	return s
}

func (s *svg) rect(x, y, w, h float64, fill, title string) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">`, x, y, math.Max(w, 0), math.Max(h, 0), fill)
	if title != "" {
		fmt.Fprintf(&s.b, `<title>%s</title>`, esc(title))
	}
	s.b.WriteString(`</rect>`)
}

func (s *svg) text(x, y float64, anchor, fill, t string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s" font-size="11">%s</text>`, x, y, anchor, fill, esc(t))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, dashed bool) {
	dash := ""
	if dashed {
		dash = ` stroke-dasharray="4 3"`
	}
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"%s/>`, x1, y1, x2, y2, stroke, dash)
}

func (s *svg) html() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String()) // every text and attribute above went through esc or is a number
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// optionChart draws, per option, how many of the upper and of the lower group chose it:
// two horizontal bars an option, the key marked ✓.
func optionChart(opts []grading.OptionLine) template.HTML {
	const w, row, left = 320.0, 30.0, 44.0
	most := 1
	for _, o := range opts {
		most = max(most, o.Upper, o.Lower)
	}
	h := row*float64(len(opts)) + 24
	s := newSVG(w, h, "各选项在高分组与低分组中的选择人数")
	scale := (w - left - 36) / float64(most)
	for i, o := range opts {
		y := 4 + row*float64(i)
		label := choiceTitle(o.Option)
		if o.Key {
			label += " ✓"
		}
		s.text(left-6, y+17, "end", "#111827", label)
		s.rect(left, y+2, float64(o.Upper)*scale, 11, colourUpper, fmt.Sprintf("%s 高分组 %d 人", label, o.Upper))
		s.text(left+float64(o.Upper)*scale+4, y+12, "start", "#374151", fmt.Sprint(o.Upper))
		s.rect(left, y+14, float64(o.Lower)*scale, 11, colourLower, fmt.Sprintf("%s 低分组 %d 人", label, o.Lower))
		s.text(left+float64(o.Lower)*scale+4, y+24, "start", "#374151", fmt.Sprint(o.Lower))
	}
	ly := h - 6
	s.rect(left, ly-9, 10, 10, colourUpper, "")
	s.text(left+14, ly, "start", "#374151", "高分组 27%")
	s.rect(left+100, ly-9, 10, 10, colourLower, "")
	s.text(left+114, ly, "start", "#374151", "低分组 27%")
	return s.html()
}

// histogramChart draws the distribution of totals with the pass line.
func histogramChart(cs *grading.ClassStats) template.HTML {
	const w, h, left, bottom, top = 340.0, 214.0, 30.0, 28.0, 30.0
	s := newSVG(w, h, fmt.Sprintf("成绩分布直方图，合格线 %g 分", cs.PassScore))
	most := 1
	for _, b := range cs.Histogram {
		most = max(most, b.Count)
	}
	plotW, plotH := w-left-10, h-bottom-top
	bw := plotW / float64(max(1, len(cs.Histogram)))
	for i, b := range cs.Histogram {
		bh := float64(b.Count) / float64(most) * plotH
		x := left + float64(i)*bw
		s.rect(x+1, top+plotH-bh, bw-2, bh, colourBar, fmt.Sprintf("%g–%g 分：%d 人次", b.From, b.To, b.Count))
		if b.Count > 0 {
			s.text(x+bw/2, top+plotH-bh-3, "middle", "#111827", fmt.Sprint(b.Count))
		}
		if i%2 == 0 {
			s.text(x, h-bottom+14, "middle", "#374151", fmt.Sprintf("%g", b.From))
		}
	}
	s.text(left+plotW, h-bottom+14, "middle", "#374151", fmt.Sprintf("%g", cs.MaxScore))
	s.line(left, top+plotH, left+plotW, top+plotH, "#9ca3af", false)
	if cs.MaxScore > 0 {
		px := left + cs.PassScore/cs.MaxScore*plotW
		s.line(px, top-14, px, top+plotH, colourPass, true)
		s.text(px, 12, "middle", colourPass, fmt.Sprintf("合格线 %g", cs.PassScore))
	}
	s.text(w/2, h-4, "middle", "#374151", "总分")
	return s.html()
}

// heatColour runs from red (0) through amber to green (1).
func heatColour(m float64) string {
	hue := 120 * math.Min(1, math.Max(0, m))
	r, g, b := hslToRGB(hue, 0.65, 0.55)
	return fmt.Sprintf("#%02x%02x%02x", r, g, b)
}

func hslToRGB(h, s, l float64) (uint8, uint8, uint8) {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g = c, x
	default:
		r, g = x, c
	}
	return uint8((r + m) * 255), uint8((g + m) * 255), uint8((b + m) * 255)
}

// heatmapChart draws chapter × candidate mastery: a row a candidate, a column a chapter.
func heatmapChart(cs *grading.ClassStats) template.HTML {
	const left, top, cell = 74.0, 22.0, 26.0
	w := left + cell*float64(len(cs.Chapters)) + 4
	h := top + cell*float64(len(cs.Candidates)) + 4
	s := newWideSVG(w, h, "各章掌握度热力图")
	for j, ch := range cs.Chapters {
		s.text(left+cell*float64(j)+cell/2, top-8, "middle", "#374151", ch.Code)
	}
	for i, c := range cs.Candidates {
		y := top + cell*float64(i)
		s.text(left-6, y+cell/2+4, "end", "#111827", truncate(or(c.Name, c.Username), 6))
		for j, m := range c.Mastery {
			x := left + cell*float64(j)
			if m == nil {
				s.rect(x+1, y+1, cell-2, cell-2, "#e5e7eb", fmt.Sprintf("%s · %s：未作答", or(c.Name, c.Username), cs.Chapters[j].Title))
				continue
			}
			s.rect(x+1, y+1, cell-2, cell-2, heatColour(*m), fmt.Sprintf("%s · %s：%.0f%%", or(c.Name, c.Username), cs.Chapters[j].Title, *m*100))
			s.text(x+cell/2, y+cell/2+4, "middle", "#111827", fmt.Sprintf("%.0f", *m*100))
		}
	}
	return s.html()
}

// maxTrendDots is the most sittings a trend marks with a dot each; more would blot.
const maxTrendDots = 30

// trendChart is a candidate's scores over their mocks, with the pass line.
func trendChart(t []grading.TrendPoint, pass, full float64) template.HTML {
	const w, h, pad = 160.0, 44.0, 5.0
	s := newSVG(w, h, "历次模考成绩走势")
	if full <= 0 {
		return s.html()
	}
	y := func(v float64) float64 { return h - pad - v/full*(h-2*pad) }
	s.line(pad, y(pass), w-pad, y(pass), colourPass, true)
	step := (w - 2*pad) / float64(max(1, len(t)-1))
	x := func(i int) float64 {
		if len(t) == 1 {
			return w / 2
		}
		return pad + step*float64(i)
	}
	pts := make([]string, len(t))
	for i, p := range t {
		pts[i] = fmt.Sprintf("%.1f,%.1f", x(i), y(p.Score))
	}
	fmt.Fprintf(&s.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), colourUpper)
	if len(t) > maxTrendDots {
		return s.html()
	}
	for i, p := range t {
		fill := colourPass
		if p.Passed {
			fill = "#16a34a"
		}
		fmt.Fprintf(&s.b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x(i), y(p.Score), fill)
	}
	return s.html()
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
