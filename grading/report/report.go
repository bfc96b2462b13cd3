// Package report encodes a graded attempt as a Chinese A4 PDF score report.
// It is a pure encoder: it takes a plain Report value and writes bytes,
// touching no database, no HTTP and no clock.
package report

import (
	"fmt"
	"io"
	"slices"
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

	Sections   []Line       // per question type
	Chapters   []Line       // per chapter (the bar chart)
	Wrong      []Item       // objective questions answered wrong, in paper order
	Unanswered []Unanswered // objective questions left unanswered, in paper order
	Cases      []CaseItem   // case analyses with their per-point scores
}

// Line is one row of the section table or one bar of the chapter chart.
type Line struct {
	Title           string
	Score, MaxScore content.Points
	Count, Correct  int
}

// Item is one objective question answered wrong, named as the candidate saw it.
type Item struct {
	No              int
	Section         string
	Stem            string
	Options         []Option // in the paper's order
	Given, Key      string   // the letters shown ("A、C", 正确)
	Explanation     string   // option references already rendered as shown
	Images          []Image  // the question's images, printed below the stem
	Score, MaxScore content.Points
}

// Image is a question's image: a PNG, JPEG or GIF (content.Attachment's types).
type Image struct {
	Name, Type string
	Data       []byte
}

// Option is one option of a wrong question under the letter the candidate saw (empty
// for true/false, whose texts 正确/错误 name themselves).
type Option struct {
	Letter, Text string
	Key          bool // a right option
	Given        bool // chosen by the candidate
}

// Unanswered is one objective question left unanswered: listed by number and stem (with
// the images the stem refers to) only.
type Unanswered struct {
	No     int
	Stem   string
	Images []Image
}

// CaseItem is one case analysis with its parts.
type CaseItem struct {
	No              int
	Stem, Material  string
	Images          []Image
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
// It returns w's write error, or an error if the embedded fonts cannot be used (a
// defect of the build, not of the report). Encode is safe for concurrent use.
func Encode(w io.Writer, r *Report) error {
	d, err := newDoc(r.Blueprint+" 成绩报告", r.Center, r.Date, r.texts())
	if err != nil {
		return err
	}
	d.newPage()
	d.header(r)
	d.score(r)
	d.sections(r.Sections)
	d.chapters(r)
	d.wrong(r.Wrong)
	d.unanswered(r.Unanswered)
	d.cases(r)
	d.footers(reportPages, clean(d.fonts, "验证码 "+r.VerifyCode), "")
	return d.output(w)
}

// reportPages is how a score report numbers its pages.
const reportPages = "第 %d 页 / 共 %d 页"

// texts is every text the report draws besides numbers, for the font subset.
func (r *Report) texts() []string {
	t := []string{labels, r.Center, r.Candidate, r.Username, r.Blueprint, r.VerifyCode}
	for _, l := range slices.Concat(r.Sections, r.Chapters) {
		t = append(t, l.Title)
	}
	captions := func(imgs []Image) {
		for _, im := range imgs {
			t = append(t, imageCaption(im, true), imageCaption(im, false))
		}
	}
	for _, it := range r.Wrong {
		t = append(t, it.Section, it.Stem, it.Explanation, it.Given, it.Key)
		captions(it.Images)
		for _, o := range it.Options {
			t = append(t, o.Letter, o.Text)
		}
	}
	for _, u := range r.Unanswered {
		t = append(t, u.Stem)
		captions(u.Images)
	}
	for _, c := range r.Cases {
		t = append(t, c.Stem, c.Material, c.Comment)
		captions(c.Images)
		for _, p := range c.Parts {
			t = append(t, p.Prompt, p.Answer)
			for _, ps := range p.Points {
				t = append(t, ps.Point)
			}
		}
	}
	return t
}

// newDoc starts an A4 document titled title whose fonts draw every character of texts
// and printable ASCII (numbers are formatted while drawing), dated stamp: no clock is
// read, so equal inputs give equal bytes. An error means the embedded fonts cannot be
// used, a defect of the build.
func newDoc(title, author string, stamp time.Time, texts []string) (*doc, error) {
	fs, err := fonts()
	if err != nil {
		return nil, fmt.Errorf("report: embedded font: %w", err)
	}
	d := &doc{fonts: fs, codes: map[rune]fontCode{}, font: -1}
	d.pdf = gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "mm", Size: gofpdf.SizeType{Wd: pageW, Ht: pageH}})
	d.pdf.SetAutoPageBreak(false, 0)
	d.pdf.SetCatalogSort(true)
	// gofpdf makes a fresh ~1 MB zlib writer per page. Uncompressed, a page is 20-40 KB
	// (one byte per character); the font file is compressed (pdffont.go).
	d.pdf.SetCompression(false)
	if stamp.IsZero() {
		stamp = time.Unix(0, 0).UTC() // gofpdf would read the clock for a zero date
	}
	d.pdf.SetCreationDate(stamp)
	d.pdf.SetModificationDate(stamp)
	d.pdf.SetTitle(title, true)
	d.pdf.SetAuthor(author, true)
	d.pdf.SetCreator("csmexam", false)
	if err := d.embedFonts(texts); err != nil {
		return nil, fmt.Errorf("report: font: %w", err)
	}
	return d, nil
}

// output writes the finished document to w, or the first drawing error.
func (d *doc) output(w io.Writer) error {
	if d.err != nil {
		return d.err
	}
	return d.pdf.Output(w)
}
