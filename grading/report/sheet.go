package report

import (
	"fmt"
	"strconv"

	"github.com/csmexam/csmexam/content"
)

// The 答题卡: a candidate fills a box per question, so a marker (or a scanner) reads a
// column of boxes instead of a paper's margins. Its first page holds the candidate's
// details, a grid to write and fill the candidate number, and every choice and
// true/false question in blocks of five, several blocks to a band across the page, as
// Chinese answer sheets are printed. 180 questions of four or five options fit that page;
// case questions get ruled answer space on the pages after it.

const (
	sheetMargin = 12.0
	sheetW      = pageW - 2*sheetMargin
	boxW, boxH  = 4.2, 2.9 // one box to fill
	boxGap      = 0.8      // between the boxes of a question
	sheetRow    = 4.0      // one question's line in a block
	blockRows   = 5        // questions to a block
	bandGap     = 2.6      // between bands of blocks
	minGutter   = 2.5      // between blocks of a band
	sheetNum    = 7.0      // question numbers, pt
	boxLetter   = 6.0      // the letter in a box, pt
	idDigits    = 10       // columns of the candidate-number grid
	idCell      = 5.2      // one column of that grid
	idRow       = 3.7      // one digit's row
)

// The sheet's fixed texts.
const (
	caseSheetTitle = "案例分析题作答区"
	caseSheetNote  = "请在对应题号的作答区内作答，超出作答区的内容无效。"
)

// sheetNotes tell the candidate how to fill the sheet.
var sheetNotes = []string{
	"用 2B 铅笔填涂：将所选答案的方框涂满涂黑，修改时用橡皮擦净。",
	"准考证号/考号：在右侧格内写号码，并在每列下方涂对应的数字。",
	"选择题涂所选字母；判断题正确涂 [√]，错误涂 [×]。",
	"保持答题卡整洁，不要折叠、污损。",
}

// trueFalseMarks are the boxes of a true/false question, in the key's symbols.
var trueFalseMarks = []string{"√", "×"}

func (d *doc) sheet(p *Paper) {
	d.newPage()
	d.y = sheetMargin
	d.centred(p.Title+"　"+PartSheet.Title(), 15, ink, true)
	d.gap(0.5)
	d.centred(p.facts(), small, muted, false)
	d.gap(3)
	top := d.y
	objective, cases := false, false
	for _, s := range p.Sections {
		objective = objective || s.Type != content.Case && len(s.Questions) > 0
		cases = cases || s.Type == content.Case && len(s.Questions) > 0
	}
	d.sheetDetails(top, objective)
	d.idGrid(top)
	for i, s := range p.Sections {
		if s.Type != content.Case && len(s.Questions) > 0 {
			d.boxSection(i, s)
		}
	}
	if !cases {
		return
	}
	if objective {
		d.newPage()
	} else {
		d.gap(4)
	}
	d.bold(sheetMargin, baseline(d.y, partSize), caseSheetTitle, partSize, ink)
	d.y += lineHeight(partSize)
	d.para(sheetMargin, sheetW, caseSheetNote, small, muted)
	for _, s := range p.Sections {
		if s.Type != content.Case {
			continue
		}
		for _, q := range s.Questions {
			for j, pr := range q.Parts {
				d.gap(2)
				d.need(lineHeight(body) + 4*ruleGap)
				d.bold(sheetMargin, baseline(d.y, body), fmt.Sprintf("第 %d 题（%d）", q.No, j+1), body, ink)
				d.y += lineHeight(body)
				d.ruled(sheetMargin, sheetW, ruledLines(worth(s, q, pr)))
			}
		}
	}
}

// sheetDetails fills the left of the header: lines for the candidate's name, center and
// date, then how to fill the boxes with an example of a right and of wrong marks.
func (d *doc) sheetDetails(top float64, objective bool) {
	const size = 9.0
	w := pageW - sheetMargin - idDigits*idCell - 8 - sheetMargin
	y := top + 2
	for _, label := range []string{"姓名", "培训机构", "日期"} {
		d.y = y
		d.blank(sheetMargin, w, label, size)
		y += 7
	}
	d.y = y + 1
	const note = 7.5
	notes := sheetNotes
	if !objective { // nothing to fill but the candidate number
		notes = []string{sheetNotes[0], sheetNotes[1], sheetNotes[3]}
	}
	for i, s := range notes {
		d.para(sheetMargin, w, fmt.Sprintf("%d. %s", i+1, s), note, ink)
	}
	// 填涂示例：正确 ■  错误 ✓ × —
	y = d.y + 0.8
	d.color(ink)
	x := sheetMargin
	write := func(s string) {
		d.color(ink)
		d.text(x, y+boxH-0.4, s, note)
		x += d.measure(s, note) + 1.5
	}
	box := func(filled bool, mark string) {
		d.pdf.SetDrawColor(ink.r, ink.g, ink.b)
		d.pdf.SetLineWidth(0.2)
		style := "D"
		if filled {
			d.pdf.SetFillColor(ink.r, ink.g, ink.b)
			style = "FD"
		}
		d.pdf.Rect(x, y, boxW, boxH, style)
		if mark != "" {
			d.color(ink)
			d.text(x+(boxW-d.measure(mark, boxLetter))/2, y+boxH-0.6, mark, boxLetter)
		}
		x += boxW + 1.5
	}
	write("填涂示例：正确")
	box(true, "")
	x += 2
	write("错误")
	box(false, "✓")
	box(false, "×")
	box(false, "—")
	d.y = y + boxH + 1
}

// idGrid draws the candidate-number grid at the right of the header: a row of boxes to
// write the digits in, and under each a column of 0–9 to fill.
func (d *doc) idGrid(top float64) {
	x0 := pageW - sheetMargin - idDigits*idCell
	label := "准考证号/考号"
	d.color(ink)
	d.text(x0+(idDigits*idCell-d.measure(label, small))/2, top+3, label, small)
	y := top + 4.5
	const writeH = 6.5
	d.pdf.SetDrawColor(ink.r, ink.g, ink.b)
	d.pdf.SetLineWidth(0.25)
	for c := range idDigits {
		d.pdf.Rect(x0+float64(c)*idCell, y, idCell, writeH, "D")
	}
	d.pdf.Rect(x0, y+writeH, idDigits*idCell, 10*idRow+1, "D")
	for digit := range 10 {
		by := y + writeH + 0.5 + float64(digit)*idRow + (idRow-boxH)/2
		for c := range idDigits {
			d.fillBox(x0+float64(c)*idCell+(idCell-boxW)/2, by, strconv.Itoa(digit))
		}
	}
	d.y = max(d.y, y+writeH+10*idRow+1) + 2
}

// fillBox draws one box to fill with its label inside, in grey so a filled box stands out.
func (d *doc) fillBox(x, y float64, label string) {
	d.pdf.SetDrawColor(muted.r, muted.g, muted.b)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Rect(x, y, boxW, boxH, "D")
	d.color(muted)
	d.text(x+(boxW-d.measure(label, boxLetter))/2, y+boxH-0.65, label, boxLetter)
}

// boxSection draws section i's questions as boxes: a shaded heading, then bands of
// blocks of five questions, numbered down each block and across the band.
func (d *doc) boxSection(i int, s PaperSection) {
	marks := func(q PaperQuestion) []string {
		if s.Type == content.TrueFalse {
			return trueFalseMarks
		}
		ls := make([]string, len(q.Options))
		for j, o := range q.Options {
			ls[j] = o.Letter
		}
		return ls
	}
	most := 1
	last := s.Questions[len(s.Questions)-1].No
	for _, q := range s.Questions {
		most = max(most, len(marks(q)))
		last = max(last, q.No)
	}
	numW := d.measure(strconv.Itoa(last), sheetNum) + 1.5
	blockW := numW + float64(most)*(boxW+boxGap) - boxGap
	perBand := max(int((sheetW+minGutter)/(blockW+minGutter)), 1)
	pitch := sheetW // one block a band: no gutter needed
	if perBand > 1 {
		pitch = blockW + (sheetW-float64(perBand)*blockW)/float64(perBand-1)
	}
	bandH := blockRows * sheetRow

	const headH = 5.0
	d.gap(2)
	d.need(headH + 1 + bandH)
	d.pdf.SetFillColor(shade.r, shade.g, shade.b)
	d.pdf.Rect(sheetMargin, d.y, sheetW, headH, "F")
	d.bold(sheetMargin+1.5, d.y+headH/2+small*ptToMM*0.35, fmt.Sprintf("%s、%s（%s）", numeral(i+1), s.Title, span(s)), small, ink)
	d.y += headH + 1.2

	perBandQs := perBand * blockRows
	for start := 0; start < len(s.Questions); start += perBandQs {
		d.need(bandH)
		band := s.Questions[start:min(start+perBandQs, len(s.Questions))]
		for k, q := range band {
			x := sheetMargin + float64(k/blockRows)*pitch
			y := d.y + float64(k%blockRows)*sheetRow
			no := strconv.Itoa(q.No)
			d.color(ink)
			d.text(x+numW-1.2-d.measure(no, sheetNum), y+(sheetRow+sheetNum*ptToMM*0.7)/2, no, sheetNum)
			for j, m := range marks(q) {
				d.fillBox(x+numW+float64(j)*(boxW+boxGap), y+(sheetRow-boxH)/2, m)
			}
		}
		d.y += bandH + bandGap
	}
}
