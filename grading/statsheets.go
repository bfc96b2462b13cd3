package grading

import (
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
// and the choices of each option by the upper and lower groups (with a bar chart of the
// options of the first question flagged "key may be wrong", or of the first question).
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
	if len(options.Rows) > 0 {
		options.Chart = &format.Chart{Type: excelize.Bar, Title: "各选项高分组与低分组选择人数", Categories: 1, Series: []int{4, 5}}
		// A chart of every row would be unreadable: the chart covers the first question's rows,
		// and the sheet puts the most suspect question first.
		first := chartQuestion(a)
		var head, rest [][]string
		for _, r := range options.Rows {
			if r[0] == first {
				head = append(head, r)
			} else {
				rest = append(rest, r)
			}
		}
		options.Rows = append(head, rest...)
		options.Chart.Rows = len(head)
		options.Chart.Title = fmt.Sprintf("第 %s 题：%s", first, options.Chart.Title)
	}
	return []format.Sheet{paper, items, options}
}

// chartQuestion is the question whose options the workbook charts: the first flagged
// "key may be wrong", else the first question with options.
func chartQuestion(a *ItemAnalysis) string {
	for _, it := range a.Items {
		if len(it.Options) > 0 && slices.Contains(it.Flags, itemstats.FlagKeyMaybeWrong) {
			return strconv.FormatInt(it.QuestionID, 10)
		}
	}
	for _, it := range a.Items {
		if len(it.Options) > 0 {
			return strconv.FormatInt(it.QuestionID, 10)
		}
	}
	return ""
}

// Sheets are the class statistics as a workbook: the score distribution (with a column
// chart), the chapter mastery per candidate, and each candidate's sittings (a line chart
// of scores over the sittings).
func (cs *ClassStats) Sheets() []format.Sheet {
	dist := format.Sheet{Name: "成绩分布", Header: []string{"分数段", "人次"}, Numeric: []int{1},
		Chart: &format.Chart{Type: excelize.Col, Title: fmt.Sprintf("成绩分布（合格线 %g 分）", cs.PassScore), Categories: 0, Series: []int{1}}}
	for _, b := range cs.Histogram {
		dist.Rows = append(dist.Rows, []string{fmt.Sprintf("%g–%g", b.From, b.To), strconv.Itoa(b.Count)})
	}
	dist.Rows = append(dist.Rows, []string{"合格率", cell(cs.PassRate, 3)}, []string{"平均分", cell(cs.Mean, 2)})
	dist.Chart.Rows = len(cs.Histogram)
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
