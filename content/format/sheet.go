package format

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"golang.org/x/text/width"
)

// Limits on one imported file. An XLSX is a zip: UnzipLimit caps what excelize may
// inflate in total, UnzipXMLLimit what it keeps in memory per part (larger sheets go
// through a temporary file).
const (
	MaxFileBytes  = 10 << 20
	MaxRows       = 5000
	UnzipLimit    = 100 << 20
	UnzipXMLLimit = 16 << 20
)

// DefaultDifficulty is given to a row whose 难度 cell is empty.
const DefaultDifficulty = 3

// The columns of the question sheet, by their canonical header.
const (
	colType        = "题型"
	colStem        = "题干"
	colAnswer      = "答案"
	colExplanation = "解析"
	colDifficulty  = "难度"
	colUnit        = "知识点"
	colSource      = "来源"
	colMaterial    = "案例材料"
	colParts       = "小题"
)

// optionLetters are the option columns 选项A … 选项H (content.MaxOptions).
const optionLetters = "ABCDEFGH"

func optionColumn(key string) string { return "选项" + key }

// templateOptions is how many option columns the template and the export offer at least.
const templateOptions = 6

// headerAliases maps the headers instructors write to the canonical column.
var headerAliases = func() map[string]string {
	m := map[string]string{}
	add := func(canon string, aliases ...string) {
		m[canon] = canon
		for _, a := range aliases {
			m[a] = canon
		}
	}
	add(colType, "题目类型", "试题类型", "类型")
	add(colStem, "题目", "试题", "题目内容", "试题内容", "问题")
	add(colAnswer, "正确答案", "标准答案")
	add(colExplanation, "答案解析", "试题解析", "题目解析")
	add(colDifficulty, "难度系数", "难度等级")
	add(colUnit, "知识点名称", "知识点编码", "章节")
	add(colSource, "出处")
	add(colMaterial, "材料", "案例")
	add(colParts, "小题JSON", "小题(JSON)")
	add(ignoredColumn, "序号", "题号", "编号", "ID", "分值", "分数", "试题分数", "选项数量", "questionselectnumber")
	for i, l := range optionLetters {
		add(optionColumn(string(l)), string(l)+"选项", fmt.Sprintf("选项%d", i+1))
	}
	addTemplateAliases(add)
	return m
}()

// ignoredColumn is the column of row numbers many sheets carry; it is not read.
const ignoredColumn = "-"

// canonicalHeader folds a header as written (spaces, full-width letters and brackets,
// lower case, a * or (必填) marking required columns) to its column, or "".
func canonicalHeader(h string) string {
	h = strings.TrimPrefix(h, bom)
	h = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '*' {
			return -1
		}
		return r
	}, width.Fold.String(h))
	for _, mark := range []string{"(必填)", "(选填)", "(可选)", "(非必填)"} {
		h = strings.TrimSuffix(h, mark)
	}
	return headerAliases[strings.ToUpper(h)]
}

// typeNames maps the type names instructors write to a type: its code, its names
// (content's Title and Name) and the shorter spellings sheets use.
var typeNames = func() map[string]content.Type {
	m := map[string]content.Type{
		"单选": content.Single, "单项选择": content.Single,
		"多选": content.Multiple, "多项选择": content.Multiple,
		"判断":   content.TrueFalse,
		"案例分析": content.Case, "案例题": content.Case,
	}
	for _, t := range content.Types {
		m[string(t)], m[t.Title()], m[t.Name()] = t, t, t
	}
	return m
}()

// caseFormNames maps the names of the skills paper's items, written in the 题型 column,
// to the form of their case; 案例分析 and its spellings are the default form, analysis.
var caseFormNames = map[string]content.Form{
	"问题": content.Short, "简答题": content.Short, "简答": content.Short, "short": content.Short,
	"论述题": content.Essay, "论述": content.Essay, "essay": content.Essay,
	"解析题": content.Analysis, "analysis": content.Analysis,
}

// formLabel is the name the export writes for a case of a form other than analysis.
var formLabel = map[content.Form]string{content.Short: "简答题", content.Essay: "论述题"}

// trueFalseWords maps the spellings of a true/false answer to T or F.
var trueFalseWords = map[string]string{
	"对": "T", "正确": "T", "√": "T", "✓": "T", "✔": "T", "T": "T", "TRUE": "T", "是": "T", "Y": "T",
	"错": "F", "错误": "F", "×": "F", "✗": "F", "✘": "F", "X": "F", "F": "F", "FALSE": "F", "否": "F", "N": "F",
}

// Item is one question read from a file and the row it came from.
type Item struct {
	Row      int
	Question content.Question
}

// Syllabus answers the importer's questions about knowledge points.
type Syllabus struct {
	kind    map[string]content.Kind
	byTitle map[string][]string // point title → codes
	file    *fileUnits          // the import's default point and category mapping, if any
}

// NewSyllabus indexes nodes (any order).
func NewSyllabus(nodes []content.Node) *Syllabus {
	s := &Syllabus{kind: map[string]content.Kind{}, byTitle: map[string][]string{}}
	for _, n := range nodes {
		s.kind[n.Code] = n.Kind
		if n.Kind == content.Point {
			t := strings.TrimSpace(n.Title)
			s.byTitle[t] = append(s.byTitle[t], n.Code)
		}
	}
	return s
}

// IsPoint reports whether code names a knowledge point.
func (s *Syllabus) IsPoint(code string) bool { return s.kind[code] == content.Point }

// unit resolves a 知识点 cell: a point's code (optionally followed by its title), or a
// point's title when exactly one point has it.
func (s *Syllabus) unit(cell string) (string, error) {
	code := width.Fold.String(cell)
	if f := strings.Fields(code); len(f) > 0 {
		code = f[0]
	}
	switch k, ok := s.kind[code]; {
	case ok && k == content.Point:
		return code, nil
	case ok:
		return "", fmt.Errorf("%s 不是知识点（它是%s），请填写其下某个知识点的编码", code, kindTitle[k])
	}
	codes := s.byTitle[cell]
	switch len(codes) {
	case 1:
		return codes[0], nil
	case 0:
		return "", fmt.Errorf("找不到知识点“%s”：请填写知识点编码（如 JC.1.2.1）或大纲中的知识点名称", cell)
	}
	return "", fmt.Errorf("知识点名称“%s”对应多个知识点（%s），请改填其中一个的编码", cell, strings.Join(codes, "、"))
}

var kindTitle = map[content.Kind]string{content.Level: "级别", content.Chapter: "章", content.Section: "节"}

// columns is a parsed header row: canonical column → index, and the header as written.
type columns struct {
	index   map[string]int
	written map[string]string
	ignored map[int]bool // 序号 columns: a row with only a number in them is empty
	headers []string     // as written, by position
}

func (c columns) cell(cells []string, col string) string {
	i, ok := c.index[col]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

func (c columns) name(col string) string {
	if w, ok := c.written[col]; ok {
		return w
	}
	return col
}

// parseHeader reads row 1. Unknown and repeated headers are errors: a misspelt 答按
// would otherwise drop a column silently. Empty headers are ignored. The 知识点 column
// may be missing when a 分类 column or the file's default point stands in for it.
func parseHeader(header []string, syl *Syllabus) (columns, []content.RowError) {
	c := columns{index: map[string]int{}, written: map[string]string{}, ignored: map[int]bool{}, headers: header}
	var problems []content.RowError
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, bom))
		if h == "" {
			continue
		}
		canon := canonicalHeader(h)
		switch _, dup := c.index[canon]; {
		case canon == "":
			problems = append(problems, content.RowError{Row: 1, Field: h, Message: "无法识别的列名；可用的列见模板的“填写说明”"})
		case canon == ignoredColumn:
			c.ignored[i] = true
		case dup:
			problems = append(problems, content.RowError{Row: 1, Field: h, Message: fmt.Sprintf("与“%s”列重复", c.written[canon])})
		default:
			c.index[canon], c.written[canon] = i, h
		}
	}
	need := []string{colType, colStem}
	if _, ok := c.index[colCategory]; !ok && syl.defaultUnit() == "" {
		need = append(need, colUnit)
	}
	for _, col := range need {
		if _, ok := c.index[col]; !ok {
			problems = append(problems, content.RowError{Row: 1, Field: col, Message: "缺少“" + col + "”列"})
		}
	}
	return c, problems
}

// parseRow reads one data row into a normalized, validated question. Every fault of the
// row is reported, each naming the column as the file wrote it.
func parseRow(c columns, cells []string, row int, syl *Syllabus) (content.Question, []content.RowError) {
	var faults []content.RowError
	fault := func(col, format string, args ...any) {
		faults = append(faults, content.RowError{Row: row, Field: c.name(col), Message: fmt.Sprintf(format, args...)})
	}
	cells = slices.Clone(cells)
	for i := range cells {
		if !utf8.ValidString(cells[i]) {
			col := fmt.Sprintf("第 %d 列", i+1)
			if i < len(c.headers) && strings.TrimSpace(c.headers[i]) != "" {
				col = strings.TrimSpace(c.headers[i])
			}
			return content.Question{}, []content.RowError{{Row: row, Field: col, Message: "含有无效的文字编码（文件须为 UTF-8）"}}
		}
		cells[i] = UnescapeCell(cells[i])
	}
	var q content.Question
	typ := c.cell(cells, colType)
	typeName := strings.ToLower(strings.ReplaceAll(width.Fold.String(typ), " ", ""))
	t, typeKnown := typeNames[typeName]
	if form, isForm := caseFormNames[typeName]; isForm {
		t, typeKnown, q.Form = content.Case, true, form
	}
	switch {
	case !typeKnown && typ == "":
		fault(colType, "题型不能为空")
	case unsupportedTypeNames[typeName]:
		fault(colType, "不支持的题型：%s（只导入 单选题、多选题、判断题、案例分析、简答题 或 论述题）", typ)
	case !typeKnown:
		fault(colType, "无法识别的题型“%s”：应为 单选题、多选题、判断题、案例分析、简答题 或 论述题", typ)
	}
	q.Type = t
	q.Stem = c.cell(cells, colStem)
	q.Explanation = c.cell(cells, colExplanation)
	q.Source = c.cell(cells, colSource)

	q.Difficulty = DefaultDifficulty
	if d := width.Fold.String(c.cell(cells, colDifficulty)); d != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(d, ".0"))
		if level, ok := difficultyWords[d]; ok {
			n, err = level, nil
		}
		if err != nil || n < 1 || n > 5 {
			fault(colDifficulty, "难度应为 1 到 5 的整数（留空为 %d），而不是“%s”", DefaultDifficulty, d)
		} else {
			q.Difficulty = n
		}
	}
	unit, unitCol, err := rowUnit(c, cells, syl)
	if err != nil {
		fault(unitCol, "%s", err)
	}
	q.Unit = unit

	options, optionFaults := rowOptions(c, cells)
	q.Options = options
	for _, f := range optionFaults {
		fault(f[0], "%s", f[1])
	}
	answer := c.cell(cells, colAnswer)
	// A fault in the options or the answer makes the checks that follow from them (the
	// answer's letters, how many options) say nothing new.
	answerOK := len(optionFaults) == 0
	switch q.Type {
	case content.Single, content.Multiple:
		keys, err := choiceAnswer(answer)
		if err != nil {
			fault(colAnswer, "%s", err)
			answerOK = false
		}
		q.Answer = keys
	case content.TrueFalse:
		for _, o := range q.Options {
			if _, ok := trueFalseWords[strings.ToUpper(width.Fold.String(o.Text))]; !ok || len(q.Options) != 2 {
				fault(optionColumn(o.Key), "判断题不填选项（或只填“正确”“错误”两项）")
				answerOK = false
				break
			}
		}
		a, err := trueFalseAnswer(answer, q.Options)
		if err != nil && answerOK {
			fault(colAnswer, "%s", err)
			answerOK = false
		}
		q.Answer, q.Options = []string{a}, nil
	case content.Case:
		if len(q.Options) > 0 {
			fault(optionColumn(q.Options[0].Key), "案例分析题不填选项，小题写在“%s”列", c.name(colParts))
		}
		if answer != "" {
			fault(colAnswer, "案例分析题不填答案，参考答案与采分点写在“%s”列", c.name(colParts))
		}
		q.Material = c.cell(cells, colMaterial)
		if q.Material == "" && q.CaseForm() == content.Analysis {
			// A sheet without a material column puts the case text in 题干.
			q.Material, q.Stem = q.Stem, defaultCaseStem
		}
		parts, err := caseParts(c.cell(cells, colParts))
		if err != nil {
			fault(colParts, "%s", err)
			answerOK = false
		}
		q.Parts = parts
	}
	if !typeKnown {
		return content.Question{}, faults
	}
	// Validation finds what the cells alone do not (an empty stem, too few options, an
	// answer that is no option); a column already at fault is not reported twice.
	q.Normalize()
	check := q
	if check.Unit == "" {
		check.Unit = "-" // its fault is reported above
	}
	err = check.Validate(func(code string) bool { return code == "-" || syl.IsPoint(code) })
	if err == nil {
		err = citeByReference(&q)
	}
	if err != nil {
		col := colStem
		var ve *errs.Error
		if errors.As(err, &ve) {
			col = fieldColumn(ve.Field)
		}
		reported := slices.ContainsFunc(faults, func(f content.RowError) bool { return f.Field == c.name(col) })
		if !reported && (answerOK || col != colAnswer && !strings.HasPrefix(col, colJoinedOptions)) {
			fault(col, "%s", validationMessage(err))
		}
	}
	if len(faults) > 0 {
		return content.Question{}, faults
	}
	return q, nil
}

// rowUnit is a row's knowledge point: its 知识点 cell (a code, a point's name, or a name
// the file's mapping knows), else its 分类 cell through the mapping, else the file's
// default; and the column a problem with it is about.
func rowUnit(c columns, cells []string, syl *Syllabus) (string, string, error) {
	if cell := c.cell(cells, colUnit); cell != "" {
		code, err := syl.namedUnit(cell)
		return code, colUnit, err
	}
	if cat := c.cell(cells, colCategory); cat != "" {
		code, err := syl.categoryUnit(cat)
		return code, colCategory, err
	}
	if u := syl.defaultUnit(); u != "" {
		return u, colUnit, nil
	}
	return "", colUnit, fmt.Errorf("知识点不能为空")
}

// rowOptions reads the filled 选项 columns, without gaps, or else one 选项 cell holding
// them all (PHPEMS: "A.甲丨B.乙", one per line, or "A.甲 B.乙"). Faults are pairs of
// column and message.
func rowOptions(c columns, cells []string) ([]content.Option, [][2]string) {
	var options []content.Option
	var faults [][2]string
	gap := ""
	for _, l := range optionLetters {
		key := string(l)
		text := c.cell(cells, optionColumn(key))
		if text == "" {
			if gap == "" {
				gap = key
			}
			continue
		}
		if gap != "" {
			faults = append(faults, [2]string{optionColumn(key), fmt.Sprintf("选项%s为空，但后面还有选项%s：选项须从 A 起连续填写", gap, key)})
			gap = "" // one fault for one gap
			continue
		}
		options = append(options, content.Option{Key: key, Text: text})
	}
	if joined := c.cell(cells, colJoinedOptions); joined != "" {
		if len(options) > 0 {
			faults = append(faults, [2]string{colJoinedOptions, "选项已分列填写，“选项”列应留空"})
			return options, faults
		}
		texts, err := splitJoinedOptions(joined)
		if err != nil {
			faults = append(faults, [2]string{colJoinedOptions, err.Error()})
		}
		for i, t := range texts {
			options = append(options, content.Option{Key: optionLetters[i : i+1], Text: t})
		}
	}
	return options, faults
}

// defaultCaseStem is the stem of a case whose material was written in 题干.
const defaultCaseStem = "阅读案例材料，回答问题。"

// fieldColumn maps a content.Question field (as Validate names it) to its column.
func fieldColumn(field string) string {
	switch {
	case field == "stem":
		return colStem
	case field == "explanation":
		return colExplanation
	case field == "difficulty":
		return colDifficulty
	case field == "unit":
		return colUnit
	case field == "type":
		return colType
	case field == "material":
		return colMaterial
	case strings.HasPrefix(field, "answer"):
		return colAnswer
	case strings.HasPrefix(field, "parts"):
		return colParts
	case strings.HasPrefix(field, "options["):
		i, err := strconv.Atoi(field[len("options["):strings.IndexByte(field, ']')])
		if err == nil && i < len(optionLetters) {
			return optionColumn(optionLetters[i : i+1])
		}
	}
	return colAnswer // options as a whole: too few or too many
}

// choiceAnswer reads option letters written AB, A,B, A、B, A B or a；b.
func choiceAnswer(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("答案不能为空")
	}
	var keys []string
	for _, r := range strings.ToUpper(width.Fold.String(s)) {
		switch {
		case strings.ContainsRune(",，、;；/ \t", r):
		case r >= 'A' && r <= 'Z':
			keys = append(keys, string(r))
		default:
			return nil, fmt.Errorf("答案“%s”无法识别：请写选项字母，如 A、AB、A,B 或 A、B", s)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("答案不能为空")
	}
	return keys, nil
}

// trueFalseAnswer reads 对/错, 正确/错误, √/×, T/F; or, when the row lists 正确/错误 as
// options, the letter of one of them.
func trueFalseAnswer(s string, options []content.Option) (string, error) {
	word := strings.ToUpper(width.Fold.String(s))
	for _, o := range options {
		if o.Key == word {
			word = o.Text
		}
	}
	if a, ok := trueFalseWords[word]; ok {
		return a, nil
	}
	if s == "" {
		return "", fmt.Errorf("判断题的答案不能为空：填 对 或 错")
	}
	return "", fmt.Errorf("判断题的答案“%s”无法识别：请填 对/错、正确/错误、√/× 或 T/F", s)
}

// caseParts reads the 小题 cell: the API's parts as a JSON array, or the line form (see
// caseTextParts).
func caseParts(s string) ([]content.CasePart, error) {
	if s == "" {
		return nil, fmt.Errorf("案例分析题需要小题：格式见“填写说明”")
	}
	if !strings.HasPrefix(s, "[") {
		return caseTextParts(s)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var parts []content.CasePart
	if err := dec.Decode(&parts); err != nil {
		return nil, fmt.Errorf("小题不是有效的 JSON（%s），格式见“填写说明”", jsonProblem(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("小题的 JSON 数组之后还有多余内容")
	}
	return parts, nil
}

// jsonProblem describes a JSON decoding error in Chinese.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("第 %d 个字符处语法错误", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("字段 %s 的类型不对", te.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "未知字段 " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return err.Error()
}

// sameKey identifies a question for repeat detection: the same type, stem, options and
// material, compared with spaces collapsed and full-width letters folded (the key is
// compared apart: sameAnswer). Many stems ("下列说法正确的是（ ）") repeat with other
// options.
func sameKey(q *content.Question) string {
	norm := func(s string) string { return strings.Join(strings.Fields(width.Fold.String(s)), " ") }
	var b strings.Builder
	b.WriteString(string(q.Type) + "\x00" + norm(q.Stem) + "\x00" + norm(q.Material))
	for _, o := range q.Options {
		b.WriteString("\x00" + norm(o.Text))
	}
	return b.String()
}

// sameAnswer reports whether two questions of the same sameKey have the same key: then
// one repeats the other; else they contradict each other.
func sameAnswer(a, b *content.Question) bool {
	return slices.Equal(a.Answer, b.Answer)
}

// readTable turns a header and data rows into questions and row errors. rows[i] is
// spreadsheet row i+2; empty rows are skipped.
func readTable(header []string, rows [][]string, syl *Syllabus) *Result {
	table := numbered(rows)
	optionRows := isOptionRows(header)
	if optionRows {
		header, table = groupOptionRows(header, table)
	}
	c, problems := parseHeader(header, syl)
	if len(problems) > 0 {
		return &Result{Errors: problems}
	}
	if optionRows {
		maps.Copy(c.written, yfWritten)
	}
	var items []Item
	questionRow := map[int]int{}
	for _, r := range table {
		if c.blank(r.cells) && len(r.faults) == 0 {
			continue
		}
		q, faults := parseRow(c, r.cells, r.n, syl)
		// A column an option row already faulted (是否正确项) says nothing new as a whole.
		for _, f := range faults {
			if !slices.ContainsFunc(r.faults, func(o content.RowError) bool { return o.Field == f.Field }) {
				r.faults = append(r.faults, f)
			}
		}
		if len(r.faults) > 0 {
			for _, f := range r.faults {
				if f.Row != r.n {
					questionRow[f.Row] = r.n
				}
			}
			problems = append(problems, r.faults...)
			continue
		}
		items = append(items, Item{Row: r.n, Question: q})
	}
	res := dedupe(items, problems, c.name(colStem))
	res.questionRow = questionRow
	return res
}

// blank reports whether a row has nothing but row numbers.
func (c columns) blank(cells []string) bool {
	for i, cell := range cells {
		if !c.ignored[i] && strings.TrimSpace(cell) != "" {
			return false
		}
	}
	return true
}
