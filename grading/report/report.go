// Package report encodes a graded attempt as a Chinese A4 PDF score report.
// It is a pure encoder: it takes a plain Report value and writes bytes,
// touching no database, no HTTP and no clock.
package report

import (
	"fmt"
	"io"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/jung-kurt/gofpdf"
)

// Report is everything a score report shows, as plain values.
type Report struct {
	Center     string    // training center name
	Candidate  string    // display name
	Username   string    // login name
	Blueprint  string    // blueprint title, e.g. 二级理论知识模拟
	Date       time.Time // submitted at
	AttemptID  int64
	VerifyCode string // short code printed on the report to check it is genuine

	Score, MaxScore, PassScore content.Points
	Passed                     bool
	Pending                    bool // case analyses still await review
	TimeUsed                   time.Duration

	Sections []Line     // per question type
	Chapters []Line     // per chapter (the bar chart)
	Wrong    []Item     // wrong or unanswered objective questions, in paper order
	Cases    []CaseItem // case analyses with their per-point scores
}

// Line is one row of the section table or one bar of the chapter chart.
type Line struct {
	Title           string
	Score, MaxScore content.Points
	Count, Correct  int
}

// Item is one wrong or unanswered objective question.
type Item struct {
	No              int
	Section         string
	Stem            string
	Options         []content.Option
	Given           []string // nil: unanswered
	Key             []string
	Explanation     string
	Score, MaxScore content.Points
}

// CaseItem is one case analysis with its parts.
type CaseItem struct {
	No              int
	Stem, Material  string
	Parts           []CasePart
	Comment         string // instructor's comment
	Score, MaxScore content.Points
}

// CasePart is one question of a case with the candidate's answer and its per-point scores.
type CasePart struct {
	Prompt, Answer  string
	Points          []PointScore
	Score, MaxScore content.Points
}

// PointScore is the score given for one 采分点.
type PointScore struct {
	Point           string
	Score, MaxScore content.Points
}

// Encode writes r as an A4 PDF to w. Text is drawn with embedded fonts (see text.go);
// characters no font has are drawn as □. Dates print in r.Date's own location. Encode
// reads no clock: the PDF's creation date is r.Date, so equal reports give equal bytes.
func Encode(w io.Writer, r *Report) error {
	fs, err := fonts()
	if err != nil {
		return fmt.Errorf("report: embedded font: %w", err)
	}
	d := &doc{fonts: fs, codes: map[rune]fontCode{}}
	d.pdf = gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "mm", Size: gofpdf.SizeType{Wd: pageW, Ht: pageH}})
	d.pdf.SetAutoPageBreak(false, 0)
	d.pdf.SetCatalogSort(true)
	// gofpdf makes a fresh ~1 MB zlib writer per page; uncompressed, our pages of
	// one byte per character are a few kilobytes each.
	d.pdf.SetCompression(false)
	d.pdf.SetCreationDate(r.Date)
	d.pdf.SetModificationDate(r.Date)
	d.pdf.SetTitle(r.Blueprint+" 成绩报告", true)
	d.pdf.SetAuthor(r.Center, true)
	d.pdf.SetCreator("csmexam", false)
	if err := d.embedFonts(r); err != nil {
		return fmt.Errorf("report: font: %w", err)
	}

	d.newPage()
	d.header(r)
	d.score(r)
	d.sections(r.Sections)
	d.chapters(r)
	d.wrong(r.Wrong)
	d.cases(r)
	d.footers(clean(fs, fmt.Sprintf("答卷编号 %d · 验证码 %s", r.AttemptID, r.VerifyCode)))
	if d.err != nil {
		return d.err
	}
	return d.pdf.Output(w)
}
