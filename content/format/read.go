package format

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/xuri/excelize/v2"
)

// Result is what reading a file found: the questions that are fine and a report of every
// row that is not. A file with any error must import nothing.
type Result struct {
	Items  []Item
	Errors []RowError
	// stemField is what the file calls the stem, for errors about a whole question.
	stemField string
}

// Questions lists the items' questions.
func (r *Result) Questions() []content.Question {
	qs := make([]content.Question, len(r.Items))
	for i, it := range r.Items {
		qs[i] = it.Question
	}
	return qs
}

// Problems lists every error of the file and every item already in bank (the same type,
// stem, options and material), by row. Nothing may be imported unless it is empty.
func (r *Result) Problems(bank []content.Question) []RowError {
	errs := append(slices.Clone(r.Errors), duplicates(r.Items, bank, r.stemField)...)
	slices.SortStableFunc(errs, func(a, b RowError) int { return cmp.Compare(a.Row, b.Row) })
	return errs
}

// Import formats by file extension.
var importers = map[string]func(b []byte, syl *Syllabus) (*Result, error){
	".xlsx": readXLSX,
	".csv":  readCSV,
	".json": readJSON,
	".gift": readGIFT,
	".txt":  readAiken,
	".yaml": readPack,
	".yml":  readPack,
	".xml":  readMoodleXML,
}

// Read reads questions from a file named name; the extension picks the format (.xlsx,
// .csv, .json, .yaml, .gift, .xml for Moodle XML, .txt for Aiken). Problems with single
// rows are in the result; the error is for a file that cannot be read at all, a
// content.ValidationError on field "file" (too large, not UTF-8, not a spreadsheet, too
// many rows).
func Read(name string, r io.Reader, syl *Syllabus) (*Result, error) {
	ext := strings.ToLower(filepath.Ext(name))
	imp, ok := importers[ext]
	if !ok {
		return nil, content.Invalid("file", "不支持的文件类型“%s”：请使用 .xlsx、.csv、.json、.yaml、.gift、.xml（Moodle）或 .txt（Aiken）；.xls 请在 Excel 中另存为 .xlsx", ext)
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxFileBytes {
		return nil, content.Invalid("file", "文件超过 %d MB，请拆分后分批导入", MaxFileBytes>>20)
	}
	return imp(b, syl)
}

func tooManyRows() error {
	return content.Invalid("file", "文件超过 %d 道题，请拆分后分批导入", MaxRows)
}

// sheetName is the sheet the export and the template write the questions to; a file
// without it is read from its first sheet.
const sheetName = "题库"

func readXLSX(b []byte, syl *Syllabus) (*Result, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: UnzipLimit, UnzipXMLSizeLimit: UnzipXMLLimit})
	if err != nil {
		// excelize has no sentinel for its own limit; its message is stable.
		if strings.HasPrefix(err.Error(), "unzip size exceeds") {
			return nil, content.Invalid("file", "Excel 文件解压后超过 %d MB，请拆分后分批导入", UnzipLimit>>20)
		}
		return nil, content.Invalid("file", "无法读取 Excel 文件（%s）：请上传 .xlsx 格式（不是 .xls）", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, content.Invalid("file", "Excel 文件中没有工作表")
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if s == sheetName {
			sheet = s
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, content.Invalid("file", "无法读取工作表“%s”（%s）", sheet, err)
	}
	defer rows.Close()
	var table [][]string
	for rows.Next() {
		if len(table) > MaxRows {
			return nil, tooManyRows()
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, content.Invalid("file", "无法读取工作表“%s”（%s）", sheet, err)
		}
		table = append(table, cells)
	}
	if err := rows.Error(); err != nil {
		return nil, content.Invalid("file", "无法读取工作表“%s”（%s）", sheet, err)
	}
	return tableResult(table, syl)
}

// tableResult reads a table whose first row is the header.
func tableResult(table [][]string, syl *Syllabus) (*Result, error) {
	if len(table) == 0 {
		return nil, content.Invalid("file", "文件是空的")
	}
	if (columns{}).blank(table[0]) {
		return nil, content.Invalid("file", "第 1 行应为列名（题型、题干、选项A……），但它是空的")
	}
	return readTable(table[0], table[1:], syl), nil
}

func readCSV(b []byte, syl *Syllabus) (*Result, error) {
	b = bytes.TrimPrefix(b, []byte(bom))
	if !utf8.Valid(b) {
		return nil, content.Invalid("file", "CSV 文件不是 UTF-8 编码（可能是 GBK）：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或直接上传 .xlsx")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	var table [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &Result{Errors: []RowError{{Row: len(table) + 1, Field: fmt.Sprintf("第 %d 列", pe.Column), Message: fmt.Sprintf("CSV 格式错误（文件第 %d 行）：多半是引号不成对", pe.Line)}}}, nil
			}
			return nil, err
		}
		if len(table) > MaxRows {
			return nil, tooManyRows()
		}
		table = append(table, rec)
	}
	return tableResult(table, syl)
}

// readJSON reads the API's Question JSON: an array, or an object with "questions" (our
// export) or "items" (a page of GET /questions). Identity fields are ignored.
func readJSON(b []byte, syl *Syllabus) (*Result, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		var doc struct {
			Questions []json.RawMessage `json:"questions"`
			Items     []json.RawMessage `json:"items"`
		}
		if err2 := json.Unmarshal(b, &doc); err2 != nil {
			return nil, content.Invalid("file", "不是有效的 JSON（%s）：应为题目数组，或 {\"questions\": [...]}", jsonProblem(err))
		}
		raw = append(doc.Questions, doc.Items...)
	}
	if len(raw) > MaxRows {
		return nil, tooManyRows()
	}
	var items []Item
	var errs []RowError
	for i, m := range raw {
		n := i + 1
		var in jsonQuestion
		dec := json.NewDecoder(bytes.NewReader(m))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			errs = append(errs, RowError{n, jsonField(err), "无法读取这道题（" + jsonProblem(err) + "）"})
			continue
		}
		q := in.question()
		if rerr := checkItem(&q, n, syl); rerr != nil {
			errs = append(errs, *rerr)
			continue
		}
		items = append(items, Item{Row: n, Question: q})
	}
	return dedupe(items, errs, "stem"), nil
}

// checkItem resolves the knowledge point (a code, or a point's title), normalizes and
// validates q, item n of a JSON or YAML file; a problem names the API field.
func checkItem(q *content.Question, n int, syl *Syllabus) *RowError {
	if q.Unit != "" {
		if code, err := syl.unit(q.Unit); err == nil {
			q.Unit = code
		}
	}
	if q.Difficulty == 0 {
		q.Difficulty = DefaultDifficulty
	}
	q.Normalize()
	if err := q.Validate(syl.IsPoint); err != nil {
		return &RowError{n, validationField(err), validationMessage(err)}
	}
	return nil
}

// readPack reads questions in the YAML format of the bundled pack (content/pack/README.md).
// Their keys are dropped: keys belong to the bundled bank. Nodes are refused: the syllabus
// ships with the program.
func readPack(b []byte, syl *Syllabus) (*Result, error) {
	var p pack.Pack
	if err := p.Read("file", b); err != nil {
		return nil, content.Invalid("file", "不是有效的题目包 YAML（%s）", strings.TrimPrefix(err.Error(), "pack file: "))
	}
	if len(p.Nodes) > 0 {
		return nil, content.Invalid("file", "导入文件只能包含 questions；大纲节点（nodes）随程序发布，不能导入")
	}
	if len(p.Questions) > MaxRows {
		return nil, tooManyRows()
	}
	var items []Item
	var errs []RowError
	for i := range p.Questions {
		q := p.Questions[i]
		q.PackKey = ""
		if rerr := checkItem(&q, i+1, syl); rerr != nil {
			errs = append(errs, *rerr)
			continue
		}
		items = append(items, Item{Row: i + 1, Question: q})
	}
	return dedupe(items, errs, "stem"), nil
}

// jsonField is the field a JSON decoding error is about, if any.
func jsonField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return strings.Trim(f, `"`)
	}
	return ""
}

func validationMessage(err error) string {
	var ve *content.ValidationError
	if errors.As(err, &ve) {
		return ve.Message
	}
	return err.Error()
}

// jsonQuestion is one question of a JSON file: the API's Question, whose read-only
// fields are accepted and ignored so that an export reads back.
type jsonQuestion struct {
	Type        content.Type       `json:"type"`
	Stem        string             `json:"stem"`
	Options     []content.Option   `json:"options"`
	Answer      []string           `json:"answer"`
	Explanation string             `json:"explanation"`
	Unit        string             `json:"unit"`
	Difficulty  int                `json:"difficulty"`
	Source      string             `json:"source"`
	Form        content.Form       `json:"form"`
	Material    string             `json:"material"`
	Parts       []content.CasePart `json:"parts"`
	ID          json.RawMessage    `json:"id"`
	Version     json.RawMessage    `json:"version"`
	CenterID    json.RawMessage    `json:"center_id"`
	PackKey     json.RawMessage    `json:"pack_key"`
	CreatedAt   json.RawMessage    `json:"created_at"`
}

func (j *jsonQuestion) question() content.Question {
	return content.Question{Type: j.Type, Stem: j.Stem, Options: j.Options, Answer: j.Answer, Explanation: j.Explanation,
		Unit: j.Unit, Difficulty: j.Difficulty, Source: j.Source, Form: j.Form, Material: j.Material, Parts: j.Parts}
}

func validationField(err error) string {
	var ve *content.ValidationError
	if errors.As(err, &ve) {
		return ve.Field
	}
	return ""
}

// dedupe reports the second of two identical questions in one file.
func dedupe(items []Item, errs []RowError, field string) *Result {
	seen := map[string]int{}
	var kept []Item
	for _, it := range items {
		k := sameKey(&it.Question)
		if first, dup := seen[k]; dup {
			errs = append(errs, RowError{it.Row, field, fmt.Sprintf("与第 %d 行是同一道题（题干与选项都相同）", first)})
			continue
		}
		seen[k] = it.Row
		kept = append(kept, it)
	}
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Row - b.Row })
	return &Result{Items: kept, Errors: errs, stemField: field}
}
