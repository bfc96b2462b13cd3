package grading

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/format"
	"github.com/csmexam/csmexam/grading/itemstats"
	"github.com/xuri/excelize/v2"
)

// FlagTitles name the item flags in the instructors' words.
var FlagTitles = map[itemstats.Flag]string{
	itemstats.FlagTooFew:        "作答人数不足",
	itemstats.FlagNegative:      "区分度为负",
	itemstats.FlagWeak:          "区分度过低",
	itemstats.FlagTooHard:       "过难",
	itemstats.FlagTooEasy:       "过易",
	itemstats.FlagKeyMaybeWrong: "答案可能有误",
}

// FlagsTitle is the flags joined for a cell.
func FlagsTitle(flags []itemstats.Flag) string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = FlagTitles[f]
	}
	return strings.Join(out, "、")
}

func cell(f *float64, digits int) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', digits, 64)
}

// Sheets are the item analysis as a workbook: the paper's figures, one row a question,
// and the choices of each option by the upper and lower groups, with a bar chart per
// flagged question (see optionCharts).
func (a *ItemAnalysis) Sheets() []format.Sheet {
	p := a.Paper
	paper := format.Sheet{Name: "试卷", Header: []string{"指标", "数值"}, Numeric: []int{1}, Rows: [][]string{
		{"人次", strconv.Itoa(p.N)}, {"平均分", cell(p.Mean, 2)}, {"中位数", cell(p.Median, 2)}, {"标准差", cell(p.SD, 2)},
		{"偏度", cell(p.Skewness, 3)}, {"峰度", cell(p.Kurtosis, 3)}, {"信度 α (KR-20)", cell(p.Alpha, 3)},
		{"误差比", cell(p.ErrorRatio, 3)}, {"测量标准误", cell(p.SEM, 2)}, {"合格率", cell(p.PassRate, 3)}, {"合格线", strconv.FormatFloat(a.PassScore, 'f', -1, 64)},
	}}
	items := format.Sheet{Name: "题目", Header: []string{"题号", "版本", "题型", "知识点", "题干", "作答人数", "难度系数", "标准差", "区分度", "点二列相关", "未答率", "标注难度", "实测难度", "提示"},
		Numeric: []int{0, 1, 5, 6, 7, 8, 9, 10, 11, 12}}
	options := format.Sheet{Name: "选项", Header: []string{"题号", "选项", "正确答案", "选择人数", "高分组", "低分组"}, Numeric: []int{0, 3, 4, 5}}
	for _, it := range a.Items {
		calibrated := ""
		if it.Calibrated > 0 {
			calibrated = strconv.Itoa(it.Calibrated)
		}
		items.Rows = append(items.Rows, []string{strconv.FormatInt(it.QuestionID, 10), strconv.Itoa(it.Version), it.Type.Title(), it.Unit, it.Stem,
			strconv.Itoa(it.N), cell(it.Facility, 3), cell(it.SD, 3), cell(it.Discrimination, 3), cell(it.PointBiserial, 3), cell(it.OmitRate, 3),
			strconv.Itoa(it.Difficulty), calibrated, FlagsTitle(it.Flags)})
		for _, o := range it.Options {
			key := ""
			if o.Key {
				key = "是"
			}
			options.Rows = append(options.Rows, []string{strconv.FormatInt(it.QuestionID, 10), o.Option, key, strconv.Itoa(o.Chosen), strconv.Itoa(o.Upper), strconv.Itoa(o.Lower)})
		}
	}
	options.Rows, options.Charts = optionCharts(a, options.Rows)
	return []format.Sheet{paper, items, options}
}

// MaxOptionCharts bounds the option charts of a workbook: past a few dozen nobody reads
// them, and each adds to the file.
const MaxOptionCharts = 30

// optionCharts orders the option rows (their first cell the question id) so that each
// flagged question's rows come together, flagged questions first in the analysis's
// order, and returns one bar chart per flagged question (up to MaxOptionCharts) of its
// options' choices by the upper and lower groups; with none flagged, one of the first
// question with options.
func optionCharts(a *ItemAnalysis, rows [][]string) ([][]string, []format.Chart) {
	var charted []ItemLine
	for _, it := range a.Items {
		if len(it.Options) > 0 && len(it.Flags) > 0 && !slices.Equal(it.Flags, []itemstats.Flag{itemstats.FlagTooFew}) && len(charted) < MaxOptionCharts {
			charted = append(charted, it)
		}
	}
	if len(charted) == 0 {
		for _, it := range a.Items {
			if len(it.Options) > 0 {
				charted = append(charted, it)
				break
			}
		}
	}
	// The most suspect first: a key that may be wrong, then the order of the analysis.
	slices.SortStableFunc(charted, func(x, y ItemLine) int {
		return cmp.Compare(b2i(!slices.Contains(x.Flags, itemstats.FlagKeyMaybeWrong)), b2i(!slices.Contains(y.Flags, itemstats.FlagKeyMaybeWrong)))
	})
	out := make([][]string, 0, len(rows))
	var charts []format.Chart
	taken := map[string]bool{}
	for _, it := range charted {
		id := strconv.FormatInt(it.QuestionID, 10)
		taken[id] = true
		first := len(out)
		for _, r := range rows {
			if r[0] == id {
				out = append(out, r)
			}
		}
		title := fmt.Sprintf("第 %s 题：各选项高分组与低分组选择人数", id)
		if len(it.Flags) > 0 {
			title += "（" + FlagsTitle(it.Flags) + "）"
		}
		charts = append(charts, format.Chart{Type: excelize.Bar, Title: title, Categories: 1, Series: []int{4, 5}, First: first, Rows: len(out) - first})
	}
	for _, r := range rows {
		if !taken[r[0]] {
			out = append(out, r)
		}
	}
	return out, charts
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Sheets are the class statistics as a workbook: the score distribution (with a column
// chart), the chapter mastery per candidate, and each candidate's sittings (a line chart
// of scores over the sittings).
func (cs *ClassStats) Sheets() []format.Sheet {
	dist := format.Sheet{Name: "成绩分布", Header: []string{"分数段", "人次"}, Numeric: []int{1},
		Charts: []format.Chart{{Type: excelize.Col, Title: fmt.Sprintf("成绩分布（合格线 %g 分）", cs.PassScore), Categories: 0, Series: []int{1}, Rows: len(cs.Histogram)}}}
	for _, b := range cs.Histogram {
		dist.Rows = append(dist.Rows, []string{fmt.Sprintf("%g–%g", b.From, b.To), strconv.Itoa(b.Count)})
	}
	dist.Rows = append(dist.Rows, []string{"合格率", cell(cs.PassRate, 3)}, []string{"平均分", cell(cs.Mean, 2)})
	heat := format.Sheet{Name: "掌握度", Header: []string{"用户名", "姓名"}}
	for i, ch := range cs.Chapters {
		heat.Header = append(heat.Header, ch.Code+" "+ch.Title)
		heat.Numeric = append(heat.Numeric, i+2)
	}
	trend := format.Sheet{Name: "历次成绩", Header: []string{"用户名", "姓名", "作答", "提交时间", "得分", "是否合格"}, Numeric: []int{2, 4}}
	for _, c := range cs.Candidates {
		row := []string{c.Username, c.Name}
		for _, m := range c.Mastery {
			row = append(row, cell(m, 3))
		}
		heat.Rows = append(heat.Rows, row)
		for _, t := range c.Trend {
			passed := "否"
			if t.Passed {
				passed = "是"
			}
			trend.Rows = append(trend.Rows, []string{c.Username, c.Name, strconv.FormatInt(t.Attempt, 10),
				t.SubmittedAt.In(content.Beijing).Format("2006-01-02 15:04"), strconv.FormatFloat(t.Score, 'f', -1, 64), passed})
		}
	}
	return []format.Sheet{dist, heat, trend}
}
