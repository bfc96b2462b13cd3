package grading

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
)

// ResultQuery is what a results export asks for.
type ResultQuery struct {
	Center    string // an admin's choice of one center, by code; "": every center
	Blueprint string // "": every blueprint
	Cohort    int64  // only this cohort's members; 0: everyone
	// Assignment: only attempts started from this assignment; 0: any.
	Assignment int64
	From, To   time.Time
}

// ResultFilter is the attempts reader may export as q asks: staff their own center's
// (q.Center is not theirs to choose); an admin every center's, or the one q names. An
// unknown center, or a blueprint or cohort the chosen center lacks, is ErrNotFound.
func (s *Service) ResultFilter(ctx context.Context, reader *account.User, q ResultQuery) (exam.ResultFilter, error) {
	f := exam.ResultFilter{Center: reader.CenterID, Blueprint: q.Blueprint, Assignment: q.Assignment, From: q.From, To: q.To}
	if reader.Role == account.Admin {
		f.Center = 0
		if q.Center != "" {
			center, err := s.accounts.CenterByCode(ctx, q.Center)
			if err != nil {
				return f, err
			}
			f.Center = center.ID
		}
	}
	if f.Blueprint != "" && f.Center != 0 {
		if _, err := s.exams.Blueprint(ctx, f.Blueprint, f.Center); err != nil {
			return f, err
		}
	}
	if q.Cohort != 0 {
		members, err := s.accounts.Members(ctx, reader, q.Cohort)
		if err != nil {
			return f, err
		}
		f.Candidates = make([]int64, len(members))
		for i, m := range members {
			f.Candidates[i] = m.ID
		}
	}
	return f, nil
}

// finalAttempts are the finalised exam attempts f selects (oldest submission first), their
// candidates' ids in that order, and those candidates' accounts.
func (s *Service) finalAttempts(ctx context.Context, f exam.ResultFilter) ([]exam.FinalAttempt, []int64, map[int64]account.User, error) {
	attempts, err := s.exams.FinalAttempts(ctx, f)
	if err != nil {
		return nil, nil, nil, err
	}
	ids := make([]int64, 0, len(attempts))
	for _, a := range attempts {
		ids = append(ids, a.CandidateID)
	}
	users, err := s.accounts.Users(ctx, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	return attempts, ids, users, nil
}

// Results is one line per finalised exam attempt f selects, joined with its candidate's
// names and cohorts, oldest submission first.
func (s *Service) Results(ctx context.Context, f exam.ResultFilter) ([]ResultLine, error) {
	attempts, ids, users, err := s.finalAttempts(ctx, f)
	if err != nil {
		return nil, err
	}
	cohorts, err := s.accounts.CohortNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	lines := make([]ResultLine, len(attempts))
	for i, a := range attempts {
		u := users[a.CandidateID]
		lines[i] = NewResultLine(a, u.Username, u.Name, cohorts[a.CandidateID])
	}
	return lines, nil
}

// ReportReader is who reader reads attempt a's report as, in an export of reports:
// staff of its center. An admin reads every center's; staff read their own center's
// only (the export's filter kept them there, and Report checks it again). It is pure.
func ReportReader(reader *account.User, a exam.FinalAttempt) exam.Viewer {
	v := exam.Viewer{UserID: reader.ID, CenterID: reader.CenterID, Staff: true}
	if reader.Role == account.Admin {
		v.CenterID = a.CenterID
	}
	return v
}

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
	// FocusLosses (切屏次数) and DeviceSwitches are what the integrity policy recorded.
	FocusLosses    int `json:"focus_losses"`
	DeviceSwitches int `json:"device_switches"`
}

// NewResultLine joins an attempt with its candidate's names.
func NewResultLine(a exam.FinalAttempt, username, name string, cohorts []string) ResultLine {
	l := ResultLine{Attempt: a.ID, Username: username, Name: name, Cohort: strings.Join(cohorts, "、"), Code: a.Blueprint,
		Title: a.Title, Status: a.Status, Started: a.StartedAt, Finished: a.SubmittedAt, Sections: []exam.ScoreLine{}, Chapters: []exam.ScoreLine{},
		FocusLosses: a.FocusLosses, DeviceSwitches: a.DeviceSwitches}
	if r := a.Result; r != nil {
		l.Score, l.MaxScore, l.Passed = r.Score, r.MaxScore, r.Passed
		l.Sections = append(l.Sections, r.Sections...)
		l.Chapters = append(l.Chapters, r.Chapters...)
	}
	return l
}

// resultColumns are the fixed columns of a results table.
var resultColumns = []string{"用户名", "姓名", "班级", "试卷", "开始时间", "提交时间", "得分", "满分", "是否合格", "切屏次数", "切换设备次数"}

// ResultScoreColumns lists the columns of a results table (by index) that hold scores:
// 得分, 满分 and every section and chapter column, for a spreadsheet to keep as numbers
// (with the counts 切屏次数 and 切换设备次数).
func ResultScoreColumns(header []string) []int {
	cols := []int{slices.Index(resultColumns, "得分"), slices.Index(resultColumns, "满分"),
		slices.Index(resultColumns, "切屏次数"), slices.Index(resultColumns, "切换设备次数")}
	for i := len(resultColumns); i < len(header); i++ {
		cols = append(cols, i)
	}
	return cols
}

// ResultsTable lays lines out as a spreadsheet: the fixed columns, then one column per
// section (its type, or its form where a blueprint splits a type by form; in the bank's
// type order) and one per chapter (by code) that any line has; a line without that
// section or chapter leaves the cell empty. Times are Beijing time. Cells are plain text; escaping formulas is the writer's job. It is pure.
func ResultsTable(lines []ResultLine) (header []string, rows [][]string) {
	var sections []exam.Section // one column per type, or per form of a type split by form
	chapters := map[string]string{}
	for _, l := range lines {
		for _, s := range l.Sections {
			key := exam.Section{Type: s.Type, Form: s.Form}
			if !slices.Contains(sections, key) {
				sections = append(sections, key)
			}
		}
		for _, c := range l.Chapters {
			chapters[c.Code] = c.Title
		}
	}
	slices.SortFunc(sections, func(a, b exam.Section) int {
		return cmp.Or(slices.Index(content.Types, a.Type)-slices.Index(content.Types, b.Type),
			slices.Index(content.Forms, a.Form)-slices.Index(content.Forms, b.Form))
	})
	codes := make([]string, 0, len(chapters))
	for c := range chapters {
		codes = append(codes, c)
	}
	slices.Sort(codes)

	header = slices.Clone(resultColumns)
	for _, sec := range sections {
		header = append(header, sec.Title())
	}
	for _, c := range codes {
		header = append(header, strings.TrimSpace(c+" "+chapters[c]))
	}
	const layout = "2006-01-02 15:04:05"
	rows = make([][]string, 0, len(lines))
	for _, l := range lines {
		r := []string{l.Username, l.Name, l.Cohort, l.Title, l.Started.In(exam.Beijing).Format(layout),
			l.Finished.In(exam.Beijing).Format(layout), l.Score.String(), l.MaxScore.String(), verdict(l),
			strconv.Itoa(l.FocusLosses), strconv.Itoa(l.DeviceSwitches)}
		for _, sec := range sections {
			r = append(r, scoreOf(l.Sections, func(s exam.ScoreLine) bool { return s.Type == sec.Type && s.Form == sec.Form }))
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
