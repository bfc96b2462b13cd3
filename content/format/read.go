package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/content/pack"
)

// Result is what reading a file found: the questions that are fine, a report of every
// row that is not, and the questions the file holds twice (the later ones, skipped).
type Result struct {
	Items   []Item
	Errors  []content.RowError
	Repeats []content.RowError
	// stemField is what the file calls the stem, for errors about a whole question.
	stemField string
	// questionRow maps the row of a fault to the row its question starts on, where they
	// differ (yf-exam's option rows), so that a question is counted once.
	questionRow map[int]int
}

// Questions lists the items' questions.
func (r *Result) Questions() []content.Question {
	qs := make([]content.Question, len(r.Items))
	for i, it := range r.Items {
		qs[i] = it.Question
	}
	return qs
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
	".xml":  readXML,
	".zip":  readQTIPackage,
}

// Read reads questions from a file named name; the extension picks the format (.xlsx,
// .csv, .json, .yaml, .gift, .xml for Moodle XML or one QTI item, .zip for a QTI
// content package, .txt for Aiken). Problems with single
// rows are in the result; the error is for a file that cannot be read at all, an
// Invalid *errs.Error on field "file" (too large, a text file not in UTF-8, not a spreadsheet, too
// many rows).
func Read(name string, r io.Reader, syl *Syllabus) (*Result, error) {
	ext := strings.ToLower(filepath.Ext(name))
	imp, ok := importers[ext]
	if !ok {
		return nil, content.Invalid("file", "不支持的文件类型“%s”：请使用 .xlsx、.csv、.json、.yaml、.gift、.xml（Moodle 或 QTI）、.zip（QTI 内容包）或 .txt（Aiken）；.xls 请在 Excel 中另存为 .xlsx", ext)
	}
	b, err := readLimited(name, r)
	if err != nil {
		return nil, err
	}
	return imp(b, syl)
}

// sheetName is the sheet the export and the template write the questions to; a file
// without it is read from its first sheet.
const sheetName = "题库"

func readXLSX(b []byte, syl *Syllabus) (*Result, error) {
	return readSheet(".xlsx", b, syl)
}

func readCSV(b []byte, syl *Syllabus) (*Result, error) {
	return readSheet(".csv", b, syl)
}

// readSheet reads a spreadsheet of questions; a CSV line that does not parse is a row
// error of the result, not of the file.
func readSheet(ext string, b []byte, syl *Syllabus) (*Result, error) {
	table, err := readTableFile(ext, b, sheetName)
	var re content.RowError
	if errors.As(err, &re) {
		return &Result{Errors: []content.RowError{re}}, nil
	}
	if err != nil {
		return nil, err
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
	var problems []content.RowError
	for i, m := range raw {
		n := i + 1
		var in QuestionJSON
		dec := json.NewDecoder(bytes.NewReader(m))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			problems = append(problems, content.RowError{Row: n, Field: jsonField(err), Message: "无法读取这道题（" + jsonProblem(err) + "）"})
			continue
		}
		q := in.Question()
		if rerr := checkItem(&q, n, syl); rerr != nil {
			problems = append(problems, *rerr)
			continue
		}
		items = append(items, Item{Row: n, Question: q})
	}
	return dedupe(items, problems, "stem"), nil
}

// checkItem resolves the knowledge point (a code, or a point's title), normalizes and
// validates q, item n of a JSON or YAML file; a problem names the API field.
func checkItem(q *content.Question, n int, syl *Syllabus) *content.RowError {
	if q.Unit != "" {
		if code, err := syl.namedUnit(q.Unit); err == nil {
			q.Unit = code
		}
	} else {
		q.Unit = syl.defaultUnit()
	}
	if q.Difficulty == 0 {
		q.Difficulty = DefaultDifficulty
	}
	return checkRow(q, n, syl)
}

// checkRow normalizes and validates q, the question at row of a file, and cites its
// options by reference (citeByReference); a problem names the API field.
func checkRow(q *content.Question, row int, syl *Syllabus) *content.RowError {
	q.Normalize()
	err := q.Validate(syl.IsPoint)
	if err == nil {
		err = citeByReference(q)
	}
	if err != nil {
		return &content.RowError{Row: row, Field: validationField(err), Message: validationMessage(err)}
	}
	return nil
}

// withUnit is the end of a reader that reports one fault a question (QTI): the first
// of those questionFaults.finish finds.
func withUnit(q content.Question, row int, unit string, unitErr error, syl *Syllabus) (content.Question, *content.RowError) {
	f := &questionFaults{line: row}
	q, faults := f.finish(q, unit, unitErr, syl)
	if len(faults) > 0 {
		return q, &faults[0]
	}
	return q, nil
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
	var problems []content.RowError
	for i := range p.Questions {
		q := p.Questions[i]
		q.PackKey = ""
		if rerr := checkItem(&q, i+1, syl); rerr != nil {
			problems = append(problems, *rerr)
			continue
		}
		items = append(items, Item{Row: i + 1, Question: q})
	}
	return dedupe(items, problems, "stem"), nil
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

// validationMessage is what a validation error tells the user.
func validationMessage(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Message
	}
	return err.Error()
}

// QuestionJSON is a question as clients write it in JSON: the body of the API's POST
// and PUT /questions, and an item of an imported JSON file. The fields a GET or an export
// returns but no client sets (id, center_id, pack_key, created_at) are accepted and
// ignored, so that what the server wrote reads back. Version, on PUT, is the version the
// editor started from: a newer one on the server makes the PUT a 409 instead of a silent
// overwrite. A file's versions are ignored.
type QuestionJSON struct {
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
	// Attachments name images already in the bank (by sha256): an edit keeps them, a JSON
	// file moves them between banks of one installation.
	Attachments []content.Attachment `json:"attachments"`
	Version     int                  `json:"version"`
	ID          int64                `json:"id"`
	CenterID    int64                `json:"center_id"`
	PackKey     string               `json:"pack_key"`
	CreatedAt   time.Time            `json:"created_at"`
}

// Question is the question j describes, without identity.
func (j *QuestionJSON) Question() content.Question {
	return content.Question{Type: j.Type, Stem: j.Stem, Options: j.Options, Answer: j.Answer, Explanation: j.Explanation,
		Unit: j.Unit, Difficulty: j.Difficulty, Source: j.Source, Form: j.Form, Material: j.Material, Parts: j.Parts,
		Attachments: j.Attachments}
}

// validationField is the field a validation error names, if any.
func validationField(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Field
	}
	return ""
}

// dedupe keeps the first of two identical questions (sameKey) in one file and lists the
// second as a repeat.
func dedupe(items []Item, problems []content.RowError, field string) *Result {
	seen := map[string]Item{}
	var kept []Item
	var repeats []content.RowError
	for _, it := range items {
		k := sameKey(&it.Question)
		if first, dup := seen[k]; dup {
			if sameAnswer(&first.Question, &it.Question) {
				repeats = append(repeats, content.RowError{Row: it.Row, Field: field, Message: fmt.Sprintf("与第 %d 行是同一道题（题干、选项与答案都相同），已跳过", first.Row)})
			} else {
				problems = append(problems, content.RowError{Row: it.Row, Field: field, Message: fmt.Sprintf("与第 %d 行题干与选项相同，答案却不同：请删去错的一道", first.Row)})
			}
			continue
		}
		seen[k] = it
		kept = append(kept, it)
	}
	slices.SortStableFunc(problems, func(a, b content.RowError) int { return a.Row - b.Row })
	return &Result{Items: kept, Errors: problems, Repeats: repeats, stemField: field}
}
