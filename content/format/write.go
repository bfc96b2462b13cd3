package format

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/csmexam/csmexam/content"
	"github.com/xuri/excelize/v2"
)

// Export formats: the name clients ask for, the file extension and the media type.
type Export struct {
	Ext, MediaType string
	write          func(w io.Writer, qs []content.Question) error
	images         bool // carries the questions' images (their bytes must be loaded)
}

// Exports are the formats WriteBank knows.
var Exports = map[string]Export{
	"xlsx":   {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", writeBankXLSX, false},
	"csv":    {".csv", "text/csv; charset=utf-8", writeBankCSV, false},
	"json":   {".json", "application/json", writeBankJSON, false},
	"gift":   {".gift", "text/plain; charset=utf-8", writeBankGIFT, false},
	"moodle": {".xml", "application/xml", writeBankMoodleXML, true},
	"qti21":  {".zip", "application/zip", writeBankQTI21, true},
	"qti30":  {".zip", "application/zip", writeBankQTI30, true},
}

// ExportBank writes the bank of centers in the named format, with the images of its
// questions where the format carries them. An unknown format is as for WriteBank.
func ExportBank(ctx context.Context, store *content.Store, w io.Writer, format string, centers []int64) error {
	qs, err := store.Bank(ctx, centers)
	if err != nil {
		return err
	}
	if Exports[format].images {
		if err := store.LoadFiles(ctx, qs); err != nil {
			return err
		}
	}
	return WriteBank(w, format, qs)
}

// WriteBank writes qs in the named format; an unknown format is an Invalid *errs.Error on
// "format". Every export reads back through Read into the same questions.
func WriteBank(w io.Writer, format string, qs []content.Question) error {
	e, ok := Exports[format]
	if !ok {
		return content.Invalid("format", "format 必须是 %s，而不是“%s”", exportNames(), format)
	}
	return e.write(w, qs)
}

// bankHeader is the header of the question sheet with n option columns.
func bankHeader(n int) []string {
	h := []string{colType, colStem}
	for _, l := range optionLetters[:n] {
		h = append(h, optionColumn(string(l)))
	}
	return append(h, colAnswer, colExplanation, colDifficulty, colUnit, colSource, colMaterial, colParts)
}

// bankTable lays qs out as the question sheet.
func bankTable(qs []content.Question) ([]string, [][]string, error) {
	n := templateOptions
	for i := range qs {
		if qs[i].Type != content.TrueFalse {
			n = max(n, min(len(qs[i].Options), len(optionLetters)))
		}
	}
	rows := make([][]string, len(qs))
	for i := range qs {
		row, err := bankRow(&qs[i], n)
		if err != nil {
			return nil, nil, err
		}
		rows[i] = row
	}
	return bankHeader(n), rows, nil
}

// bankRow writes options by position under 选项A, 选项B …, and the answer in those letters.
func bankRow(q *content.Question, nOptions int) ([]string, error) {
	opts := make([]string, nOptions)
	letter := map[string]string{}
	answer := ""
	switch q.Type {
	case content.TrueFalse:
		if slices.Equal(q.Answer, []string{"T"}) {
			answer = "正确"
		} else {
			answer = "错误"
		}
	case content.Single, content.Multiple:
		for i, o := range q.Options {
			if i < nOptions {
				opts[i] = o.Text
				letter[o.Key] = optionLetters[i : i+1]
			}
		}
		for _, a := range q.Answer {
			answer += letter[a]
		}
	}
	parts := ""
	if len(q.Parts) > 0 {
		b, err := json.Marshal(q.Parts)
		if err != nil {
			return nil, fmt.Errorf("encode the parts of question %d: %w", q.ID, err)
		}
		parts = string(b)
	}
	label := q.Type.Name()
	if l, ok := formLabel[q.Form]; ok {
		label = l
	}
	row := []string{label, q.Stem}
	row = append(row, opts...)
	return append(row, answer, q.Explanation, strconv.Itoa(q.Difficulty), q.Unit, q.Source, q.Material, parts), nil
}

func writeBankCSV(w io.Writer, qs []content.Question) error {
	h, rows, err := bankTable(qs)
	if err != nil {
		return err
	}
	return WriteCSV(w, h, rows)
}

func writeBankXLSX(w io.Writer, qs []content.Question) error {
	h, rows, err := bankTable(qs)
	if err != nil {
		return err
	}
	return writeWorkbook(w, h, rows)
}

// writeWorkbook writes the question sheet and the instructions sheet.
func writeWorkbook(w io.Writer, header []string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), sheetName); err != nil {
		return err
	}
	if err := writeSheet(f, sheetName, header, rows); err != nil {
		return err
	}
	if _, err := f.NewSheet(instructionsSheet); err != nil {
		return err
	}
	help, err := instructions()
	if err != nil {
		return err
	}
	if err := writeSheet(f, instructionsSheet, []string{"列名", "必填", "怎么填"}, help); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func writeBankJSON(w io.Writer, qs []content.Question) error {
	if qs == nil {
		qs = []content.Question{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Questions []content.Question `json:"questions"`
	}{qs})
}

const instructionsSheet = "填写说明"

// exampleUnit is the knowledge point the template's examples use (客户服务的五个特点 in the
// bundled syllabus; published codes never change meaning).
const exampleUnit = "JC.1.2.1"

// templateExamples are one row of each type, in the template's column order.
func templateExamples() ([][]string, error) {
	_, rows, err := bankTable([]content.Question{
		{Type: content.Single, Stem: "客户服务的特点不包括（  ）。", Options: []content.Option{{Key: "A", Text: "层次性"}, {Key: "B", Text: "系统性"}, {Key: "C", Text: "垄断性"}, {Key: "D", Text: "多样性"}},
			Answer: []string{"C"}, Explanation: "客户服务的特点是层次性、系统性、及时性、多样性和变革性。", Difficulty: 2, Unit: exampleUnit},
		{Type: content.Multiple, Stem: "下列属于客户服务特点的有（  ）。", Options: []content.Option{{Key: "A", Text: "及时性"}, {Key: "B", Text: "变革性"}, {Key: "C", Text: "一次性"}, {Key: "D", Text: "层次性"}},
			Answer: []string{"A", "B", "D"}, Difficulty: 3, Unit: exampleUnit},
		{Type: content.TrueFalse, Stem: "垄断性是客户服务的特点之一。", Answer: []string{"F"}, Difficulty: 1, Unit: exampleUnit},
		{Type: content.Case, Stem: "阅读案例，回答问题。", Material: "某公司客服中心……（案例材料）", Difficulty: 4, Unit: exampleUnit,
			Parts: []content.CasePart{{Prompt: "该公司的做法体现了客户服务的哪些特点？", Points: content.Pts(4), Reference: "及时性、多样性。",
				Rubric: []content.RubricPoint{{Point: "及时性", Score: content.Pts(2), Keywords: []string{"及时"}}, {Point: "多样性", Score: content.Pts(2), Keywords: []string{"多样"}}}}}},
	})
	if err != nil {
		return nil, err
	}
	// The case example shows the line form of 小题, easier to type than the export's JSON.
	rows[3][len(rows[3])-1] = "第1小题（4分）：该公司的做法体现了客户服务的哪些特点？\n参考答案：及时性、多样性。\n采分点（2分）：及时性；关键词：及时、迅速\n采分点（2分）：多样性；关键词：多样"
	return rows, nil
}

// instructions is the instructions sheet: one row per column, then the examples.
func instructions() ([][]string, error) {
	rows := [][]string{
		{colType, "是", "单选题、多选题、判断题 或 案例分析题（也可写 单选、多选、判断、案例分析、解析题）；技能题的问题写 简答题（或 问题），论述写 论述题，二者同案例分析一样在“小题”列写参考答案与采分点，但不需要案例材料。列名也可写“题目类型”。"},
		{colStem, "是", "题目正文。列名也可写“题目”或“试题”。案例分析题：写题目要求（如“阅读案例，回答问题。”），材料写在“案例材料”列；若没有“案例材料”列，题干即材料。"},
		{"选项A … 选项H", "选择题是", "每列一个选项，从 A 起连续填写，至少 2 个。判断题和案例分析题不填。"},
		{colAnswer, "除案例分析外是", "单选写一个字母，如 C；多选写 AB、A,B 或 A、B。判断题写 对/错、正确/错误、√/× 或 T/F。列名也可写“正确答案”。"},
		{colExplanation, "否", "答案解析。"},
		{colDifficulty, "否", fmt.Sprintf("1（容易）到 5（很难）的整数；留空按 %d。", DefaultDifficulty)},
		{colUnit, "是", "知识点编码（如 " + exampleUnit + "），或大纲中的知识点名称（名称须唯一，否则请填编码）。列名也可写“知识点名称”或“章节”。导入时给出了默认知识点，或有“分类”列时，可不填。"},
		{colCategory, "否", "题目在原系统中的分类（列名也可写“试题分类”“所属题库”）：导入时用“分类映射”（分类=知识点编码）对应到知识点；没有对应的分类会列在报告中。"},
		{colSource, "否", "出处，如教材章节。"},
		{colMaterial, "案例分析是", "案例分析题的案例材料。"},
		{colParts, "案例分析是", "案例分析题的小题，每行一项：\n第1小题（4分）：问题\n参考答案：……\n采分点（2分）：说明；关键词：甲、乙；同义词：丙；配对：类型甲=实例甲、类型乙=实例乙\n（同义词、配对可省；有配对的采分点只在一对词出现在同一句时得分。可有多个小题、多个采分点；不以这些开头的行接在上一行的问题或参考答案后。）每小题的采分点分值之和须等于小题分值，以 0.5 分为单位。也可填 JSON（导出时的写法）：" + `[{"prompt":"问题","points":4,"reference":"参考答案","rubric":[{"point":"采分点","score":2,"keywords":["关键词"]}]}]`},
		{"", "", ""},
		{"规则", "", fmt.Sprintf("第 1 行是列名，每行一道题；空行跳过；“序号”“分值”列不读取。任何一行有错，整个文件都不导入（勾选“部分导入”时只跳过有错的题），报告会列出每个错误的行号、列名和原因，一行有几处错就列几处。同一文件中或题库中已有的相同题目（题型、题干、选项、答案都相同）跳过并计数，不算错误。最多 %d 道题、%d MB；CSV 可为 UTF-8 或 GBK 编码。以 = + - @ 开头的内容在导出时前面加了 '，导入时会自动去掉。", MaxRows, MaxFileBytes>>20)},
		{"", "", ""},
		{"示例", "", "下面几行是示例，可复制到“题库”工作表（列的顺序与“题库”表相同）。"},
	}
	examples, err := templateExamples()
	if err != nil {
		return nil, err
	}
	rows = append(rows, bankHeader(templateOptions))
	return append(rows, examples...), nil
}

// WriteTemplate writes the empty XLSX import template: the question sheet with its
// header, and the instructions sheet with an example of each type.
func WriteTemplate(w io.Writer) error {
	return writeWorkbook(w, bankHeader(templateOptions), nil)
}
