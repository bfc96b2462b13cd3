package grading

import (
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// ResultLine is one finalised attempt with who sat it, for a results export.
type ResultLine struct {
	Attempt  int64            `json:"attempt"`
	Username string           `json:"username"`
	Name     string           `json:"name"`
	Cohort   string           `json:"cohort"` // the candidate's cohorts, joined with 、
	Code     string           `json:"blueprint"`
	Title    string           `json:"title"`
	Status   exam.Status      `json:"status"`
	Started  time.Time        `json:"started_at"`
	Finished time.Time        `json:"submitted_at"`
	Score    content.Points   `json:"score"`
	MaxScore content.Points   `json:"max_score"`
	Passed   bool             `json:"passed"`
	Sections []exam.ScoreLine `json:"sections"`
	Chapters []exam.ScoreLine `json:"chapters"`
}

// NewResultLine joins an attempt with its candidate's names.
func NewResultLine(a exam.FinalAttempt, username, name string, cohorts []string) ResultLine {
	l := ResultLine{Attempt: a.ID, Username: username, Name: name, Cohort: strings.Join(cohorts, "、"), Code: a.Blueprint,
		Title: a.Title, Status: a.Status, Started: a.StartedAt, Finished: a.SubmittedAt, Sections: []exam.ScoreLine{}, Chapters: []exam.ScoreLine{}}
	if r := a.Result; r != nil {
		l.Score, l.MaxScore, l.Passed = r.Score, r.MaxScore, r.Passed
		l.Sections = append(l.Sections, r.Sections...)
		l.Chapters = append(l.Chapters, r.Chapters...)
	}
	return l
}

// resultColumns are the fixed columns of a results table.
var resultColumns = []string{"用户名", "姓名", "班级", "试卷", "开始时间", "提交时间", "得分", "满分", "是否合格"}

// ResultScoreColumns lists the columns of a results table (by index) that hold scores:
// 得分, 满分 and every section and chapter column, for a spreadsheet to keep as numbers.
func ResultScoreColumns(header []string) []int {
	cols := []int{slices.Index(resultColumns, "得分"), slices.Index(resultColumns, "满分")}
	for i := len(resultColumns); i < len(header); i++ {
		cols = append(cols, i)
	}
	return cols
}

// ResultsTable lays lines out as a spreadsheet: the fixed columns, then one column per
// section type (in the bank's type order) and one per chapter (by code) that any line
// has; a line without that section or chapter leaves the cell empty. Times are Beijing
// time. Cells are plain text; escaping formulas is the writer's job. It is pure.
func ResultsTable(lines []ResultLine) (header []string, rows [][]string) {
	var types []content.Type
	chapters := map[string]string{}
	for _, l := range lines {
		for _, s := range l.Sections {
			if !slices.Contains(types, s.Type) {
				types = append(types, s.Type)
			}
		}
		for _, c := range l.Chapters {
			chapters[c.Code] = c.Title
		}
	}
	slices.SortFunc(types, func(a, b content.Type) int {
		return slices.Index(content.Types, a) - slices.Index(content.Types, b)
	})
	codes := make([]string, 0, len(chapters))
	for c := range chapters {
		codes = append(codes, c)
	}
	slices.Sort(codes)

	header = slices.Clone(resultColumns)
	for _, t := range types {
		header = append(header, t.Title())
	}
	for _, c := range codes {
		header = append(header, strings.TrimSpace(c+" "+chapters[c]))
	}
	const layout = "2006-01-02 15:04:05"
	rows = make([][]string, 0, len(lines))
	for _, l := range lines {
		r := []string{l.Username, l.Name, l.Cohort, l.Title, l.Started.In(exam.Beijing).Format(layout),
			l.Finished.In(exam.Beijing).Format(layout), l.Score.String(), l.MaxScore.String(), verdict(l)}
		for _, t := range types {
			r = append(r, scoreOf(l.Sections, func(s exam.ScoreLine) bool { return s.Type == t }))
		}
		for _, c := range codes {
			r = append(r, scoreOf(l.Chapters, func(s exam.ScoreLine) bool { return s.Code == c }))
		}
		rows = append(rows, r)
	}
	return header, rows
}

func verdict(l ResultLine) string {
	switch {
	case l.Status == exam.PendingReview:
		return "待评阅"
	case l.Status == exam.Abandoned:
		return "未完成"
	case l.Passed:
		return "是"
	}
	return "否"
}

func scoreOf(lines []exam.ScoreLine, match func(exam.ScoreLine) bool) string {
	if i := slices.IndexFunc(lines, match); i >= 0 {
		return lines[i].Score.String()
	}
	return ""
}
