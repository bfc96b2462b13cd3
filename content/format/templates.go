package format

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
	"golang.org/x/text/width"
)

// The question sheets of other Chinese exam systems (testdata/templates/README.md says
// where each layout comes from):
//   - PHPEMS: all options in one 选项 cell ("A.甲丨B.乙", one per line, or "A.甲 B.乙"),
//     its database's field names (question, questionselect, questionanswer …) or their
//     Chinese labels as headers;
//   - yf-exam (云帆考试): one row per option, grouped by 题目序号: the question's first
//     row carries 题目类型 (1 单选, 2 多选, 3 判断), 题目内容, 整体解析 and 所属题库, every
//     row an option's 选项内容 and 是否正确项 (1 or 0);
//   - 考试星/问卷星 style sheets: 试题分类, 难易程度 (简单/中等/困难), 分值, 选项1…,
//     参考答案.
// A 分类 column (试题分类, 所属题库 …) is a category: the import's mapping turns it into
// a knowledge point (Syllabus.categoryUnit).

const (
	colCategory      = "分类"
	colJoinedOptions = "选项"
)

// addTemplateAliases adds the other systems' headers to the sheet's aliases.
func addTemplateAliases(add func(canon string, aliases ...string)) {
	add(colType, "questiontype", "题型名称")
	add(colStem, "question", "试题题干", "题干内容")
	add(colAnswer, "questionanswer", "参考答案", "答案选项")
	add(colExplanation, "questiondescribe", "解析说明")
	add(colDifficulty, "questionlevel", "难易程度", "难易度", "难度级别")
	add(colUnit, "questionknowsid", "所属知识点")
	add(colCategory, "试题分类", "题目分类", "所属分类", "所属题库", "题库", "questionsubject")
	add(colJoinedOptions, "questionselect", "试题选项", "备选项")
}

// difficultyWords are the difficulty names the sheets of other systems write.
var difficultyWords = map[string]int{
	"容易": 1, "简单": 2, "易": 2, "较易": 2, "中等": 3, "一般": 3, "中": 3, "较难": 4, "困难": 4, "难": 4,
}

// unsupportedTypeNames are the question types of other systems' sheets that we do not
// import, named as such rather than as unknown: 考试星's editor offers 填空题, 问答题, 组合题
// and 录音题 beside its three objective types (seen in the public UI automation
// kamrider/kaoshixing, automation/question_management.py), and the others are common.
var unsupportedTypeNames = map[string]bool{
	"填空题": true, "填空": true, "问答题": true, "问答": true, "组合题": true, "录音题": true,
	"排序题": true, "连线题": true, "匹配题": true, "完形填空题": true, "完形填空": true,
}

// joinedSeparators split a 选项 cell holding every option.
var joinedSeparators = regexp.MustCompile(`[丨|｜\n]+`)

// optionMark is an option's letter at the start of its text: "A." "B、" "C:" "D）".
var optionMark = regexp.MustCompile(`^\s*([A-Ha-h])\s*[.．、:：)）]\s*`)

// inlineMarks finds the letters of options written on one line: "A.甲 B.乙 C.丙".
var inlineMarks = regexp.MustCompile(`(?:^|\s)([A-H])\s*[.．、:：)）]`)

// splitJoinedOptions cuts one cell into option texts, dropping their letters; the
// letters, when written, must run A, B, C … .
func splitJoinedOptions(cell string) ([]string, error) {
	parts := joinedSeparators.Split(strings.TrimSpace(cell), -1)
	if len(parts) == 1 {
		locs := inlineMarks.FindAllStringSubmatchIndex(cell, -1)
		parts = parts[:0]
		for i, l := range locs {
			end := len(cell)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			parts = append(parts, cell[l[0]:end])
		}
		if len(parts) == 0 {
			parts = []string{cell}
		}
	}
	var texts []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if len(texts) >= len(optionLetters) {
			return texts, fmt.Errorf("选项不能超过 %d 个", len(optionLetters))
		}
		want := optionLetters[len(texts) : len(texts)+1]
		if m := optionMark.FindStringSubmatch(p); m != nil {
			if strings.ToUpper(m[1]) != want {
				return texts, fmt.Errorf("选项应按 A、B、C 的顺序排列，第 %d 个却是 %s", len(texts)+1, strings.ToUpper(m[1]))
			}
			p = strings.TrimSpace(p[len(m[0]):])
		}
		texts = append(texts, p)
	}
	return texts, nil
}

// tableRow is a data row and its spreadsheet row number; faults are problems found
// before the row is read (in the option rows of a yf-exam question).
type tableRow struct {
	n      int
	cells  []string
	faults []content.RowError
}

// numbered numbers data rows from 2 (row 1 is the header).
func numbered(rows [][]string) []tableRow {
	out := make([]tableRow, len(rows))
	for i, r := range rows {
		out[i] = tableRow{n: i + 2, cells: r}
	}
	return out
}

// The headers of yf-exam's one-row-per-option layout.
const (
	yfNo, yfType, yfContent, yfAnalysis, yfRepo = "题目序号", "题目类型", "题目内容", "整体解析", "所属题库"
	yfRight, yfOption                           = "是否正确项", "选项内容"
)

// yfWritten names the columns of a grouped yf-exam question as its sheet does, so that
// a fault names a column of the file.
var yfWritten = func() map[string]string {
	m := map[string]string{colType: yfType, colStem: yfContent, colExplanation: yfAnalysis, colCategory: yfRepo, colAnswer: yfRight}
	for _, l := range optionLetters {
		m[optionColumn(string(l))] = yfOption
	}
	return m
}()

// yfMedia are yf-exam's picture and video columns; the import keeps no media, so a
// filled one is a fault rather than a silent loss.
var yfMedia = []string{"题目图片", "题目视频", "选项图片"}

// yfTypes are yf-exam's type codes.
var yfTypes = map[string]string{"1": "单选题", "2": "多选题", "3": "判断题"}

// isOptionRows reports whether header is yf-exam's layout.
func isOptionRows(header []string) bool {
	folded := make([]string, len(header))
	for i, h := range header {
		folded[i] = strings.TrimSpace(strings.TrimPrefix(h, bom))
	}
	return slices.Contains(folded, yfRight) && slices.Contains(folded, yfOption)
}

// groupOptionRows turns yf-exam's rows into one row a question in the sheet's own
// columns (题型, 题干, 解析, 分类, 选项A…, 答案), numbered by the question's first row. A
// question starts where 题目序号 changes (or, without one, where 题目内容 is filled).
// Faults of option rows name their own row.
func groupOptionRows(header []string, rows []tableRow) ([]string, []tableRow) {
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, bom))] = i
	}
	cell := func(cells []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i])
	}
	out := []string{colType, colStem, colExplanation, colCategory, colAnswer}
	for _, l := range optionLetters {
		out = append(out, optionColumn(string(l)))
	}
	var grouped []tableRow
	var cur *tableRow
	var keys []string
	var no string
	flush := func() {
		if cur == nil {
			return
		}
		cur.cells[4] = strings.Join(keys, "")
		grouped = append(grouped, *cur)
		cur, keys = nil, nil
	}
	for _, r := range rows {
		if blankCells(r.cells) {
			continue
		}
		n := cell(r.cells, yfNo)
		if cur == nil || n != "" && n != no || n == "" && cell(r.cells, yfContent) != "" {
			flush()
			no = n
			typ := cell(r.cells, yfType)
			if name, ok := yfTypes[width.Fold.String(typ)]; ok {
				typ = name
			}
			cur = &tableRow{n: r.n, cells: make([]string, len(out))}
			copy(cur.cells, []string{typ, cell(r.cells, yfContent), cell(r.cells, yfAnalysis), cell(r.cells, yfRepo)})
		}
		fault := func(field, format string, args ...any) {
			cur.faults = append(cur.faults, content.RowError{Row: r.n, Field: field, Message: fmt.Sprintf(format, args...)})
		}
		for _, m := range yfMedia {
			if cell(r.cells, m) != "" {
				fault(m, "不能导入图片或视频：请去掉这一列的内容，导入后在题目中说明")
			}
		}
		text := cell(r.cells, yfOption)
		if text == "" {
			fault(yfOption, "选项内容不能为空")
			continue
		}
		i := 0
		for _, t := range cur.cells[5:] {
			if t != "" {
				i++
			}
		}
		if i >= len(optionLetters) {
			fault(yfOption, "选项不能超过 %d 个", len(optionLetters))
			continue
		}
		cur.cells[5+i] = text
		switch right := strings.ToUpper(width.Fold.String(cell(r.cells, yfRight))); {
		case right == "1" || trueFalseWords[right] == "T":
			keys = append(keys, optionLetters[i:i+1])
		case right == "0" || trueFalseWords[right] == "F":
		case right == "":
			fault(yfRight, "是否正确项不能为空：正确填 1，错误填 0")
		default:
			fault(yfRight, "是否正确项“%s”无法识别：正确填 1，错误填 0", right)
		}
	}
	flush()
	return out, grouped
}

// blankCells reports whether every cell is empty.
func blankCells(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
