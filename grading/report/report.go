// Package report encodes a graded attempt as a Chinese A4 PDF score report.
// It is a pure encoder: it takes a plain Report value and writes bytes,
// touching no database, no HTTP and no clock.
package report

import (
	"errors"
	"io"
	"time"

	"github.com/csmexam/csmexam/content"
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

// Encode writes r as an A4 PDF to w.
func Encode(w io.Writer, r *Report) error {
	return errors.New("report: not implemented yet")
}
