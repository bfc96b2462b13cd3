package format

import (
	"encoding/json"
	"errors"
	"fmt"
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
	add(ignoredColumn, "序号", "题号", "编号", "ID")
	for _, l := range optionLetters {
		add(optionColumn(string(l)), string(l)+"选项")
	}
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
// would otherwise drop a column silently. Empty headers are ignored.
func parseHeader(header []string) (columns, []content.RowError) {
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
	for _, need := range []string{colType, colStem, colUnit} {
		if _, ok := c.index[need]; !ok {
			problems = append(problems, content.RowError{Row: 1, Field: need, Message: "缺少“" + need + "”列"})
		}
	}
	return c, problems
}

// parseRow reads one data row into a normalized, validated question. The error names
// the column as the file wrote it.
func parseRow(c columns, cells []string, row int, syl *Syllabus) (content.Question, *content.RowError) {
	fail := func(col, format string, args ...any) (content.Question, *content.RowError) {
		return content.Question{}, &content.RowError{Row: row, Field: c.name(col), Message: fmt.Sprintf(format, args...)}
	}
	cells = slices.Clone(cells)
	for i := range cells {
		if !utf8.ValidString(cells[i]) {
			col := fmt.Sprintf("第 %d 列", i+1)
			if i < len(c.headers) && strings.TrimSpace(c.headers[i]) != "" {
				col = strings.TrimSpace(c.headers[i])
			}
			return content.Question{}, &content.RowError{Row: row, Field: col, Message: "含有无效的文字编码（文件须为 UTF-8）"}
		}
		cells[i] = UnescapeCell(cells[i])
	}
	var q content.Question
	typ := c.cell(cells, colType)
	typeName := strings.ToLower(strings.ReplaceAll(width.Fold.String(typ), " ", ""))
	t, ok := typeNames[typeName]
	if form, isForm := caseFormNames[typeName]; isForm {
		t, ok, q.Form = content.Case, true, form
	}
	if !ok {
		if typ == "" {
			return fail(colType, "题型不能为空")
		}
		return fail(colType, "无法识别的题型“%s”：应为 单选题、多选题、判断题、案例分析、简答题 或 论述题", typ)
	}
	q.Type = t
	q.Stem = c.cell(cells, colStem)
	q.Explanation = c.cell(cells, colExplanation)
	q.Source = c.cell(cells, colSource)

	q.Difficulty = DefaultDifficulty
	if d := width.Fold.String(c.cell(cells, colDifficulty)); d != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(d, ".0"))
		if err != nil || n < 1 || n > 5 {
			return fail(colDifficulty, "难度应为 1 到 5 的整数（留空为 %d），而不是“%s”", DefaultDifficulty, d)
		}
		q.Difficulty = n
	}
	unitCell := c.cell(cells, colUnit)
	if unitCell == "" {
		return fail(colUnit, "知识点不能为空")
	}
	unit, err := syl.unit(unitCell)
	if err != nil {
		return fail(colUnit, "%s", err)
	}
	q.Unit = unit

	// Options: the filled 选项 columns, without gaps.
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
			return fail(optionColumn(key), "选项%s为空，但后面还有选项%s：选项须从 A 起连续填写", gap, key)
		}
		q.Options = append(q.Options, content.Option{Key: key, Text: text})
	}
	answer := c.cell(cells, colAnswer)
	switch q.Type {
	case content.Single, content.Multiple:
		keys, err := choiceAnswer(answer)
		if err != nil {
			return fail(colAnswer, "%s", err)
		}
		q.Answer = keys
	case content.TrueFalse:
		for _, o := range q.Options {
			if _, ok := trueFalseWords[strings.ToUpper(width.Fold.String(o.Text))]; !ok || len(q.Options) != 2 {
				return fail(optionColumn(o.Key), "判断题不填选项（或只填“正确”“错误”两项）")
			}
		}
		a, err := trueFalseAnswer(answer, q.Options)
		if err != nil {
			return fail(colAnswer, "%s", err)
		}
		q.Answer, q.Options = []string{a}, nil
	case content.Case:
		if len(q.Options) > 0 {
			return fail(optionColumn(q.Options[0].Key), "案例分析题不填选项，小题写在“%s”列", c.name(colParts))
		}
		if answer != "" {
			return fail(colAnswer, "案例分析题不填答案，参考答案与采分点写在“%s”列", c.name(colParts))
		}
		q.Material = c.cell(cells, colMaterial)
		if q.Material == "" && q.CaseForm() == content.Analysis {
			// A sheet without a material column puts the case text in 题干.
			q.Material, q.Stem = q.Stem, defaultCaseStem
		}
		parts, err := caseParts(c.cell(cells, colParts))
		if err != nil {
			return fail(colParts, "%s", err)
		}
		q.Parts = parts
	}
	q.Normalize()
	err = q.Validate(syl.IsPoint)
	if err == nil {
		err = citeByReference(&q)
	}
	if err != nil {
		var ve *errs.Error
		if errors.As(err, &ve) {
			return fail(fieldColumn(ve.Field), "%s", ve.Message)
		}
		return fail(colStem, "%s", err)
	}
	return q, nil
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

// sameKey identifies a question for duplicate detection: the same type, stem, options
// and material. Many stems ("下列说法正确的是（ ）") repeat with other options.
func sameKey(q *content.Question) string {
	var b strings.Builder
	b.WriteString(string(q.Type) + "\x00" + q.Stem + "\x00" + q.Material)
	for _, o := range q.Options {
		b.WriteString("\x00" + o.Text)
	}
	return b.String()
}

// readTable turns a header and data rows into questions and row errors. rows[i] is
// spreadsheet row i+2; empty rows are skipped.
func readTable(header []string, rows [][]string, syl *Syllabus) *Result {
	c, problems := parseHeader(header)
	if len(problems) > 0 {
		return &Result{Errors: problems}
	}
	var items []Item
	for i, cells := range rows {
		if c.blank(cells) {
			continue
		}
		row := i + 2
		q, rerr := parseRow(c, cells, row, syl)
		if rerr != nil {
			problems = append(problems, *rerr)
			continue
		}
		items = append(items, Item{Row: row, Question: q})
	}
	return dedupe(items, problems, c.name(colStem))
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

// duplicates reports the items that are already in bank (same type, stem, options and
// material), on field: importing the same file twice would otherwise double the bank.
func duplicates(items []Item, bank []content.Question, field string) []content.RowError {
	have := make(map[string]int64, len(bank))
	for i := range bank {
		have[sameKey(&bank[i])] = bank[i].ID
	}
	var problems []content.RowError
	for _, it := range items {
		if id, ok := have[sameKey(&it.Question)]; ok {
			problems = append(problems, content.RowError{Row: it.Row, Field: field, Message: fmt.Sprintf("题库中已有这道题（编号 %d）", id)})
		}
	}
	return problems
}
