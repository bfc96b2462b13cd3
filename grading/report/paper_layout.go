package report

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// How the 试卷 and its key are laid out: black on white for a school printer, questions
// in 五号 (10.5 pt) as Chinese exam papers print them, numbers in a column of their own
// and continuous across sections, each question kept whole on a page when it fits.

const (
	paperSize = 10.5 // 五号
	titleSize = 17.0
	partSize  = 12.0 // section headings
	ruleGap   = 8.0  // between the ruled lines of an answer space
)

// blankBracket is the （  ） a choice or true/false stem leaves for its answer; a stem
// without one gets one appended.
var blankBracket = regexp.MustCompile(`[（(][ \x{3000}]*[）)]`)

// numeral writes n (1–99) in Chinese numerals, as sections are numbered: 一, 十二, 二十.
func numeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n >= 1 && n < 10:
		return digits[n]
	case n >= 10 && n < 20:
		return "十" + digits[n-10]
	case n >= 20 && n < 100:
		return digits[n/10] + "十" + digits[n%10]
	}
	return strconv.Itoa(n)
}

// bold draws a line like text, stroked as well as filled: the embedded fonts have no
// bold face.
func (d *doc) bold(x, y float64, s string, size float64, c rgb) {
	d.color(c)
	d.pdf.SetDrawColor(c.r, c.g, c.b)
	d.pdf.SetLineWidth(size * 0.012)
	d.pdf.SetTextRenderingMode(2)
	d.text(x, y, s, size)
	d.pdf.SetTextRenderingMode(0)
}

// centred writes text centred on the page, wrapped to the content width, moving down.
func (d *doc) centred(text string, size float64, c rgb, heavy bool) {
	lh := lineHeight(size)
	for _, l := range lines(clean(d.fonts, text), contentW, d.runeWidth(size)) {
		d.need(lh)
		x, y := (pageW-d.measure(l, size))/2, baseline(d.y, size)
		if heavy {
			d.bold(x, y, l, size, c)
		} else {
			d.color(c)
			d.text(x, y, l, size)
		}
		d.y += lh
	}
}

// facts is the line under a paper's title: time, full marks, pass mark.
func (p *Paper) facts() string {
	t := "不限时"
	if p.Minutes > 0 {
		t = fmt.Sprintf("%d 分钟", p.Minutes)
	}
	return fmt.Sprintf("考试时间：%s　　满分：%s 分　　合格线：%s 分", t, p.Total, p.Pass)
}

// paperTitle heads the first page of a part: the center, the title and the facts.
func (d *doc) paperTitle(p *Paper, part Part) {
	if p.Center != "" {
		d.centred(p.Center, body, muted, false)
		d.gap(1)
	}
	d.centred(p.Title+"　"+part.Title(), titleSize, ink, true)
	d.gap(1.5)
	d.centred(p.facts(), body, ink, false)
}

// blank writes label at x on the current line and a line to write on after it, up to x+w.
func (d *doc) blank(x, w float64, label string, size float64) {
	y := baseline(d.y, size)
	d.color(ink)
	d.text(x, y, label, size)
	d.pdf.SetDrawColor(ink.r, ink.g, ink.b)
	d.pdf.SetLineWidth(0.25)
	d.pdf.Line(x+d.measure(label, size)+1.5, y+1, x+w, y+1)
}

// paper draws the 试卷.
func (d *doc) paper(p *Paper) {
	d.newPage()
	d.paperTitle(p, PartPaper)
	d.gap(5)
	half := contentW / 2
	for _, row := range [][2]string{{"姓名", "准考证号/考号"}, {"培训机构", "日期"}} {
		d.blank(marginX, half-8, row[0], body)
		d.blank(marginX+half, half, row[1], body)
		d.y += 9
	}
	d.gap(1)
	d.scoreGrid(len(p.Sections))
	d.instructions(p.Instructions)
	numW := d.numberWidth(p)
	for i, s := range p.Sections {
		d.sectionHeading(i, s, s.Note)
		for _, q := range s.Questions {
			d.question(s, q, numW)
		}
	}
}

// scoreGrid is the 得分 table markers fill in: a column per section, the total, a row
// for the scores and one for the marker's name.
func (d *doc) scoreGrid(sections int) {
	const labelW, rowH = 20.0, 7.5
	cellW := min((contentW-labelW)/float64(sections+1), 24)
	w := labelW + cellW*float64(sections+1)
	x0 := marginX + (contentW-w)/2
	heads := []string{"题号"}
	for i := range sections {
		heads = append(heads, numeral(i+1))
	}
	heads = append(heads, "总分")
	d.need(3 * rowH)
	d.pdf.SetDrawColor(ink.r, ink.g, ink.b)
	d.pdf.SetLineWidth(0.25)
	for r, label := range []string{"", "得分", "阅卷人"} {
		y := d.y + float64(r)*rowH
		x := x0
		for c := range heads {
			cw := cellW
			if c == 0 {
				cw = labelW
			}
			d.pdf.Rect(x, y, cw, rowH, "D")
			text := label
			if r == 0 {
				text = heads[c]
			} else if c > 0 {
				text = ""
			}
			d.color(ink)
			d.text(x+(cw-d.measure(text, body))/2, y+rowH/2+body*ptToMM*0.35, text, body)
			x += cw
		}
	}
	d.y += 3 * rowH
}

// instructions writes the 注意事项 as a numbered list.
func (d *doc) instructions(items []string) {
	if len(items) == 0 {
		return
	}
	const size = 9.5
	d.gap(4)
	d.need(lineHeight(body) + 2*lineHeight(size))
	d.bold(marginX, baseline(d.y, body), "注意事项", body, ink)
	d.y += lineHeight(body)
	for i, it := range items {
		no := fmt.Sprintf("%d.", i+1)
		d.color(ink)
		d.need(lineHeight(size))
		d.text(marginX+2, baseline(d.y, size), no, size)
		d.para(marginX+7, contentW-7, it, size, ink)
	}
	d.gap(2)
	d.hrule()
}

// numberWidth is the column the question numbers take: the widest number and a gap.
func (d *doc) numberWidth(p *Paper) float64 {
	last := 0
	for _, s := range p.Sections {
		for _, q := range s.Questions {
			last = max(last, q.No)
		}
	}
	return d.measure(fmt.Sprintf("%d.", last), paperSize) + 1.5
}

// span is the range of question numbers of a section: 第 1～140 题, or 第 5 题.
func span(s PaperSection) string {
	if len(s.Questions) == 0 {
		return ""
	}
	first, last := s.Questions[0].No, s.Questions[len(s.Questions)-1].No
	if first == last {
		return fmt.Sprintf("第 %d 题", first)
	}
	return fmt.Sprintf("第 %d～%d 题", first, last)
}

// sectionHeading starts section i (from 0) on the paper or the key — "一、单项选择题（第
// 1～140 题，每题 0.5 分，共 70 分）" — with note under it, keeping both on the page with
// room for what follows.
func (d *doc) sectionHeading(i int, s PaperSection, note string) {
	title := fmt.Sprintf("%s、%s（%s，每题 %s 分，共 %s 分）", numeral(i+1), s.Title, span(s), s.PointsEach, s.Points())
	heading := lines(clean(d.fonts, title), contentW, d.runeWidth(partSize))
	noteLines := 0
	if note != "" {
		noteLines = len(lines(clean(d.fonts, note), contentW, d.runeWidth(body)))
	}
	d.gap(4)
	d.need(float64(len(heading))*lineHeight(partSize) + float64(noteLines+3)*lineHeight(body))
	for _, l := range heading {
		d.bold(marginX, baseline(d.y, partSize), l, partSize, ink)
		d.y += lineHeight(partSize)
	}
	if note != "" {
		d.para(marginX, contentW, note, body, muted)
	}
	d.gap(1)
}

// question draws one question: its number, its stem (a choice or true/false stem with
// its answer bracket), and its options, or a case's material, questions and answer space.
func (d *doc) question(s PaperSection, q PaperQuestion, numW float64) {
	x, w := marginX+numW, contentW-numW
	lh := lineHeight(paperSize)
	stem := q.Stem
	if s.Type != content.Case && !blankBracket.MatchString(stem) {
		stem += "（    ）"
	}
	if _, ok := paperPoints(s, q); s.Type == content.Case && !ok {
		stem += fmt.Sprintf("（本题 %s 分）", s.PointsEach)
	}
	stemLines := lines(clean(d.fonts, stem), w, d.runeWidth(paperSize))
	cols := d.optionColumns(q.Options, w)
	rows := len(q.Options)
	if cols > 1 {
		rows = (len(q.Options) + cols - 1) / cols
	}
	// Keep a question whole on its page; a case keeps its stem with a few lines after.
	h := float64(len(stemLines)+rows) * lh
	if s.Type == content.Case {
		h = float64(len(stemLines)+3) * lh
	}
	d.gap(2)
	d.need(min(h, bottom-top))
	d.color(ink)
	d.text(marginX, baseline(d.y, paperSize), fmt.Sprintf("%d.", q.No), paperSize)
	for _, l := range stemLines {
		d.need(lh)
		d.text(x, baseline(d.y, paperSize), l, paperSize)
		d.y += lh
	}
	d.options(x, w, q.Options, cols)
	if s.Type == content.Case {
		d.caseBody(s, q, x, w)
	}
}

// optionLabel is an option as printed: "A. 文本".
func optionLabel(o Choice) string { return o.Letter + ". " + o.Text }

// optionColumns picks how many options share a line: all of them, or half (rounded
// up), the most that leave every option whole on one line of its column; else one
// option a line.
func (d *doc) optionColumns(opts []Choice, w float64) int {
	widest := 0.0
	for _, o := range opts {
		widest = max(widest, d.measure(clean(d.fonts, optionLabel(o)), paperSize))
	}
	for _, cols := range []int{len(opts), (len(opts) + 1) / 2} {
		if cols >= 2 && widest <= w/float64(cols)-4 {
			return cols
		}
	}
	return 1
}

// options draws opts in cols columns, or one a line wrapped under its text (not its
// letter) when cols is 1.
func (d *doc) options(x, w float64, opts []Choice, cols int) {
	lh := lineHeight(paperSize)
	d.color(ink)
	if cols > 1 {
		colW := w / float64(cols)
		for i, o := range opts {
			c := i % cols
			if c == 0 {
				d.need(lh)
			}
			d.text(x+float64(c)*colW, baseline(d.y, paperSize), clean(d.fonts, optionLabel(o)), paperSize)
			if c == cols-1 || i == len(opts)-1 {
				d.y += lh
			}
		}
		return
	}
	for _, o := range opts {
		letter := o.Letter + ". "
		lw := d.measure(letter, paperSize)
		d.need(lh)
		d.color(ink)
		d.text(x, baseline(d.y, paperSize), clean(d.fonts, letter), paperSize)
		d.para(x+lw, w-lw, o.Text, paperSize, ink)
	}
}

// paperPoints are what a case's parts count on the paper, their rubric points scaled from
// the case's rubric total to the section's points each, when every one of them comes to
// a whole number of half points (else the paper prints the case's points only).
func paperPoints(s PaperSection, q PaperQuestion) ([]content.Points, bool) {
	if q.RawPoints <= 0 {
		return nil, false
	}
	pts := make([]content.Points, len(q.Parts))
	for i, pr := range q.Parts {
		scaled := pr.Points * s.PointsEach
		if scaled%q.RawPoints != 0 || !(scaled / q.RawPoints).HalfSteps() {
			return nil, false
		}
		pts[i] = scaled / q.RawPoints
	}
	return pts, true
}

// worth is what a case question's part counts on the paper: its rubric points scaled
// from the case's rubric total to the section's points each.
func worth(s PaperSection, q PaperQuestion, pr Prompt) float64 {
	if q.RawPoints <= 0 {
		return pr.Points.Float()
	}
	return pr.Points.Float() * s.PointsEach.Float() / q.RawPoints.Float()
}

// ruledLines is how many lines of answer space a question worth points gets: one and a
// half a point, at least 4 and at most 20.
func ruledLines(points float64) int {
	return min(max(int(math.Ceil(points*1.5)), 4), 20)
}

// caseBody draws a case's material (each paragraph indented, a bar beside it) and its
// questions, each with its points and ruled lines to answer on.
func (d *doc) caseBody(s PaperSection, q PaperQuestion, x, w float64) {
	lh := lineHeight(paperSize)
	if q.Material != "" {
		d.gap(1)
		d.need(2 * lh)
		d.bold(x, baseline(d.y, paperSize), "材料：", paperSize, ink)
		d.y += lh
		const inset = 4.0
		for _, p := range strings.Split(clean(d.fonts, q.Material), "\n") {
			if strings.TrimSpace(p) == "" {
				continue
			}
			for _, l := range lines("　　"+strings.TrimSpace(p), w-inset, d.runeWidth(paperSize)) {
				d.need(lh)
				d.pdf.SetFillColor(rule.r, rule.g, rule.b)
				d.pdf.Rect(x+0.5, d.y, 0.8, lh, "F")
				d.color(ink)
				d.text(x+inset, baseline(d.y, paperSize), l, paperSize)
				d.y += lh
			}
		}
	}
	for j, pr := range q.Parts {
		d.gap(1.5)
		prompt := fmt.Sprintf("（%d）%s", j+1, pr.Prompt)
		if pts, ok := paperPoints(s, q); ok {
			prompt += fmt.Sprintf("（%s 分）", pts[j])
		}
		d.need(3 * lh)
		d.para(x, w, prompt, paperSize, ink)
		d.ruled(x, w, ruledLines(worth(s, q, pr)))
	}
}

// ruled draws n lines to write on, breaking pages between them.
func (d *doc) ruled(x, w float64, n int) {
	for range n {
		d.need(ruleGap)
		d.y += ruleGap
		d.pdf.SetDrawColor(rule.r, rule.g, rule.b)
		d.pdf.SetLineWidth(0.25)
		d.pdf.Line(x, d.y, x+w, d.y)
	}
	d.gap(2)
}

// key draws the 参考答案及评分标准: the keys of each objective section in paper order,
// and each case's reference answers and 采分点.
func (d *doc) key(p *Paper) {
	d.newPage()
	d.paperTitle(p, PartKey)
	d.gap(1)
	d.centred(keyNote, small, muted, false)
	for i, s := range p.Sections {
		d.sectionHeading(i, s, s.Rule)
		if s.Type == content.Case {
			for _, q := range s.Questions {
				d.caseKey(s, q)
			}
			continue
		}
		d.keyGrid(s.Questions)
	}
}

// keyNote heads the key.
const keyNote = "本答案及评分标准仅供阅卷使用，请勿交给考生。"

// keyGrid lists a section's keys, "12.ACD", ten to a line (five when ten do not fit),
// with a little space after every fifth line.
func (d *doc) keyGrid(qs []PaperQuestion) {
	const size = 10.0
	cells := make([]string, len(qs))
	widest := 0.0
	for i, q := range qs {
		cells[i] = clean(d.fonts, fmt.Sprintf("%d.%s", q.No, q.Key))
		widest = max(widest, d.measure(cells[i], size))
	}
	cols := 10
	if float64(cols)*(widest+3) > contentW {
		cols = 5
	}
	colW := contentW / float64(cols)
	lh := lineHeight(size) + 0.6
	d.color(ink)
	for i, c := range cells {
		col := i % cols
		if col == 0 {
			if row := i / cols; row > 0 && row%5 == 0 {
				d.gap(1.5)
			}
			d.need(lh)
		}
		d.text(marginX+float64(col)*colW, baseline(d.y, size), c, size)
		if col == cols-1 || i == len(cells)-1 {
			d.y += lh
		}
	}
}

// caseKey prints one case's key: its stem, then per question the reference answer and
// the table of 采分点, keywords and points.
func (d *doc) caseKey(s PaperSection, q PaperQuestion) {
	lh := lineHeight(body)
	d.gap(3)
	d.need(4 * lh)
	no := fmt.Sprintf("%d.", q.No)
	d.bold(marginX, baseline(d.y, body), no, body, ink)
	nw := d.measure(no, body) + 1.5
	d.para(marginX+nw, contentW-nw, q.Stem, body, ink)
	if q.RawPoints != s.PointsEach && q.RawPoints > 0 {
		d.para(marginX+nw, contentW-nw, fmt.Sprintf("评分标准合计 %s 分，按 %s/%s 折算计入本题（本题 %s 分）。",
			q.RawPoints, s.PointsEach, q.RawPoints, s.PointsEach), body, muted)
	}
	for j, pr := range q.Parts {
		d.gap(1.5)
		d.need(4 * lh)
		d.para(marginX, contentW, fmt.Sprintf("（%d）%s（%s 分）", j+1, pr.Prompt, pr.Points), body, ink)
		if pr.Reference != "" {
			d.labelled("参考答案：", pr.Reference, ink)
		}
		if len(pr.Rubric) == 0 {
			continue
		}
		d.gap(1)
		rows := make([][]cell, 0, len(pr.Rubric))
		for _, c := range pr.Rubric {
			words := strings.Join(c.Keywords, "、")
			if len(c.Synonyms) > 0 {
				words += "；亦可：" + strings.Join(c.Synonyms, "、")
			}
			rows = append(rows, []cell{{c.Point, ink}, {words, ink}, {c.Score.String(), ink}})
		}
		d.table([]column{{84, "L", "采分点"}, {72, "L", "关键词"}, {18, "R", "分值"}}, rows, small+0.5)
	}
}
