package format

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func bundled(t testing.TB) (*pack.Pack, *Syllabus) {
	t.Helper()
	p, err := pack.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	return p, NewSyllabus(p.Nodes)
}

// readCSVString reads a CSV written in the test.
func readCSVString(t *testing.T, s string) *Result {
	t.Helper()
	_, syl := bundled(t)
	res, err := Read("q.csv", strings.NewReader(s), syl)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReadAliasesAndSpellings(t *testing.T) {
	t.Parallel()
	// Every header alias and answer spelling instructors use.
	csv := "\uFEFF序号,*试题类型,题目（必填）,A选项,选项 B,选项Ｃ,选项D,正确答案,答案解析,难度系数,知识点名称,出处\n" +
		"1,单选,客户服务的特点不包括（  ）。,层次性,系统性,垄断性,多样性,c,因为,2,客户服务的五个特点,教材\n" +
		"2,单项选择题,单选题二,甲,乙,,,Ｂ,,,JC.1.2.1,\n" +
		"2,多选,多选题一,甲,乙,丙,丁,\"A,B\",,,JC.1.2.1 客户服务的五个特点,\n" +
		"2,多选题,多选题二,甲,乙,丙,丁,A、C、D,,,JC.1.2.1,\n" +
		"2,多项选择题,多选题三,甲,乙,丙,丁,ABCD,,5,JC.1.2.1,\n" +
		"2,判断,判断一,,,,,对,,,JC.1.2.1,\n" +
		"2,判断题,判断二,,,,,错,,,JC.1.2.1,\n" +
		"2,判断题,判断三,,,,,正确,,,JC.1.2.1,\n" +
		"2,判断题,判断四,,,,,错误,,,JC.1.2.1,\n" +
		"2,判断题,判断五,,,,,√,,,JC.1.2.1,\n" +
		"2,判断题,判断六,,,,,×,,,JC.1.2.1,\n" +
		"2,判断题,判断七,,,,,T,,,JC.1.2.1,\n" +
		"2,判断题,判断八,,,,,f,,,JC.1.2.1,\n" +
		"2,判断题,判断九,正确,错误,,,A,,,JC.1.2.1,\n" +
		"\n" +
		",,,,,,,,,,\n" +
		"17,,,,,,,,,,\n"
	res := readCSVString(t, csv)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	want := []struct {
		row    int
		typ    content.Type
		answer string
	}{
		{2, content.Single, "C"}, {3, content.Single, "B"}, {4, content.Multiple, "AB"}, {5, content.Multiple, "ACD"},
		{6, content.Multiple, "ABCD"}, {7, content.TrueFalse, "T"}, {8, content.TrueFalse, "F"}, {9, content.TrueFalse, "T"},
		{10, content.TrueFalse, "F"}, {11, content.TrueFalse, "T"}, {12, content.TrueFalse, "F"}, {13, content.TrueFalse, "T"},
		{14, content.TrueFalse, "F"}, {15, content.TrueFalse, "T"},
	}
	if len(res.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(res.Items), len(want))
	}
	for i, w := range want {
		it := res.Items[i]
		if it.Row != w.row || it.Question.Type != w.typ || strings.Join(it.Question.Answer, "") != w.answer {
			t.Errorf("item %d: row %d %s %v, want row %d %s %s", i, it.Row, it.Question.Type, it.Question.Answer, w.row, w.typ, w.answer)
		}
		if it.Question.Unit != "JC.1.2.1" {
			t.Errorf("row %d unit %q", it.Row, it.Question.Unit)
		}
	}
	first := res.Items[0].Question
	if first.Difficulty != 2 || first.Explanation != "因为" || first.Source != "教材" || len(first.Options) != 4 || first.Options[2].Text != "垄断性" {
		t.Errorf("first row read as %+v", first)
	}
	if res.Items[1].Question.Difficulty != DefaultDifficulty || len(res.Items[1].Question.Options) != 2 {
		t.Errorf("empty 难度 or short options: %+v", res.Items[1].Question)
	}
	if q := res.Items[13].Question; len(q.Options) != 2 || q.Options[0].Key != "T" {
		t.Errorf("true/false options: %+v", q.Options)
	}
}

func TestReadRowErrors(t *testing.T) {
	t.Parallel()
	csv := "题型,题干,选项A,选项B,选项C,选项D,答案,难度,章节,案例材料,小题\n" +
		"单选题,,甲,乙,,,A,,JC.1.2.1,,\n" + // 2: empty stem
		"单选题,缺答案,甲,乙,,,,,JC.1.2.1,,\n" + // 3
		"单选题,答案不在选项中,甲,乙,,,D,,JC.1.2.1,,\n" + // 4
		"多选题,多选只有一个答案,甲,乙,丙,,A,,JC.1.2.1,,\n" + // 5
		"填空题,未知题型,,,,,,,JC.1.2.1,,\n" + // 6
		"判断题,判断答案乱写,,,,,也许,,JC.1.2.1,,\n" + // 7
		"单选题,难度越界,甲,乙,,,A,6,JC.1.2.1,,\n" + // 8
		"单选题,知识点不存在,甲,乙,,,A,,JC.99.1.1,,\n" + // 9
		"单选题,知识点是一节,甲,乙,,,A,,JC.1.2,,\n" + // 10
		"单选题,选项有空缺,甲,,丙,,A,,JC.1.2.1,,\n" + // 11
		"单选题,选项重复,甲,甲,,,A,,JC.1.2.1,,\n" + // 12
		"案例分析,阅读案例,,,,,,,JC.1.2.1,材料,\"[{\"\"prompt\"\":1}]\"\n" + // 13
		"案例分析,阅读案例,,,,,,,JC.1.2.1,材料,\"[{\"\"prompt\"\":\"\"问\"\",\"\"points\"\":4,\"\"reference\"\":\"\"答\"\",\"\"rubric\"\":[{\"\"point\"\":\"\"甲\"\",\"\"score\"\":3,\"\"keywords\"\":[\"\"甲\"\"]}]}]\"\n" + // 14: rubric sum
		"单选题,好题,甲,乙,,,A,,JC.1.2.1,,\n" + // 15: fine
		"单选题,好题,甲,乙,,,B,,JC.1.2.1,,\n" + // 16: duplicate of 15
		"单选题,答案乱写,甲,乙,,,A或B,,JC.1.2.1,,\n" + // 17
		"判断题,判断题带选项,甲,乙,,,A,,JC.1.2.1,,\n" // 18
	res := readCSVString(t, csv)
	want := []content.RowError{
		{Row: 2, Field: "题干", Message: ""}, {Row: 3, Field: "答案", Message: ""}, {Row: 4, Field: "答案", Message: "答案 D 不在选项中"}, {Row: 5, Field: "答案", Message: ""}, {Row: 6, Field: "题型", Message: ""}, {Row: 7, Field: "答案", Message: ""},
		{Row: 8, Field: "难度", Message: ""}, {Row: 9, Field: "章节", Message: ""}, {Row: 10, Field: "章节", Message: "JC.1.2 不是知识点（它是节），请填写其下某个知识点的编码"}, {Row: 11, Field: "选项C", Message: ""},
		{Row: 12, Field: "选项B", Message: ""}, {Row: 13, Field: "小题", Message: ""}, {Row: 14, Field: "小题", Message: ""}, {Row: 16, Field: "题干", Message: "与第 15 行题干与选项相同，答案却不同：请删去错的一道"}, {Row: 17, Field: "答案", Message: ""},
		{Row: 18, Field: "选项A", Message: "判断题不填选项（或只填“正确”“错误”两项）"},
	}
	if len(res.Errors) != len(want) {
		t.Fatalf("errors: %v", res.Errors)
	}
	for i, w := range want {
		e := res.Errors[i]
		if e.Row != w.Row || e.Field != w.Field || e.Message == "" || (w.Message != "" && e.Message != w.Message) {
			t.Errorf("error %d = %+v, want %+v", i, e, w)
		}
	}
	if len(res.Items) != 1 || res.Items[0].Row != 15 {
		t.Errorf("items: %+v", res.Items)
	}
}

func TestParseRowInvalidUTF8(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	c, _ := parseHeader([]string{"题型", "题干", "知识点"}, syl)
	_, faults := parseRow(c, []string{"判断题", "坏\xff", "JC.1.2.1"}, 9, syl)
	if len(faults) != 1 || faults[0].Row != 9 || faults[0].Field != "题干" {
		t.Fatalf("%+v", faults)
	}
}

func TestReadHeaderErrors(t *testing.T) {
	t.Parallel()
	res := readCSVString(t, "题型,题干,答按,题目\n单选题,x,A,y\n")
	got := fmt.Sprint(res.Errors)
	for _, want := range []string{"第 1 行 答按：无法识别的列名", "第 1 行 题目：与“题干”列重复", "第 1 行 知识点：缺少“知识点”列"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors %s lack %q", got, want)
		}
	}
	if len(res.Items) != 0 {
		t.Error("rows read despite a bad header")
	}
}

func TestUnitByTitle(t *testing.T) {
	t.Parallel()
	syl := NewSyllabus([]content.Node{
		{Code: "A", Kind: content.Level, Title: "甲"}, {Code: "A.1", Kind: content.Chapter}, {Code: "A.1.1", Kind: content.Section},
		{Code: "A.1.1.1", Kind: content.Point, Title: "沟通"}, {Code: "A.1.1.2", Kind: content.Point, Title: "沟通"}, {Code: "A.1.1.3", Kind: content.Point, Title: "倾听"},
	})
	if c, err := syl.unit("倾听"); err != nil || c != "A.1.1.3" {
		t.Errorf("unique title: %q %v", c, err)
	}
	if _, err := syl.unit("沟通"); err == nil || !strings.Contains(err.Error(), "A.1.1.1、A.1.1.2") {
		t.Errorf("ambiguous title: %v", err)
	}
	if _, err := syl.unit("不存在"); err == nil {
		t.Error("unknown title accepted")
	}
}

func TestReadFileErrors(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	cases := map[string]string{
		"q.xls":  "whatever",
		"q.xlsx": "not a zip",
		"q.json": "{",
	}
	for name, body := range cases {
		_, err := Read(name, strings.NewReader(body), syl)
		var ve *content.ValidationError
		if !errors.As(err, &ve) || ve.Field != "file" || ve.Message == "" {
			t.Errorf("%s: %v, want a file error", name, err)
		}
	}
	// A CSV saved by Excel on Chinese Windows (GBK) reads as the candidate import reads it.
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("题型,题干,答案,知识点\n判断题,客户服务具有层次性。,对,JC.1.2.1\n")
	if res, err := Read("q.csv", strings.NewReader(gbk), syl); err != nil || len(res.Errors) != 0 || len(res.Items) != 1 || res.Items[0].Question.Stem != "客户服务具有层次性。" {
		t.Errorf("GBK CSV: %+v, %v; want its question read", res, err)
	}
	big := strings.Repeat("x", MaxFileBytes+1)
	if _, err := Read("q.csv", strings.NewReader(big), syl); err == nil || !strings.Contains(err.Error(), "10 MB") {
		t.Errorf("oversized: %v", err)
	}
	var b strings.Builder
	b.WriteString("题型,题干,知识点\n")
	for i := range MaxRows + 1 {
		fmt.Fprintf(&b, "判断题,第%d题,JC.1.2.1\n", i)
	}
	if _, err := Read("q.csv", strings.NewReader(b.String()), syl); err == nil || !strings.Contains(err.Error(), "5000") {
		t.Errorf("too many rows: %v", err)
	}
}

// TestReadXLSXBuilt reads a sheet an instructor made by hand: numbers as numbers, the
// questions on a sheet that is not called 题库, a formula-looking stem typed with '.
func TestReadXLSXBuilt(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	f := excelize.NewFile()
	rows := [][]any{
		{"题型", "试题", "选项A", "选项B", "选项C", "答案", "难度", "知识点"},
		{"单选题", "'=1+1 的结果是", "1", "2", "3", "B", 4, "JC.1.2.1"},
		{"判断题", "-5 小于 0。", nil, nil, nil, "√", 1, "JC.1.2.1"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := Read("题目.xlsx", &buf, syl)
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("%v %v", err, res.Errors)
	}
	q := res.Items[0].Question
	if q.Stem != "=1+1 的结果是" || q.Difficulty != 4 || q.Options[1].Text != "2" {
		t.Errorf("read %+v", q)
	}
	if s := res.Items[1].Question.Stem; s != "-5 小于 0。" {
		t.Errorf("unescaped stem %q", s)
	}
}

// TestBankRoundTrip exports the whole bundled bank, plus stems that look like formulas,
// in every format and reads it back unchanged.
func TestBankRoundTrip(t *testing.T) {
	t.Parallel()
	p, syl := bundled(t)
	qs := slices.Clone(p.Questions)
	extra := []content.Question{
		{Type: content.Single, Stem: "=SUM(A1:A9) 是什么？", Options: []content.Option{{Key: "A", Text: "+公式"}, {Key: "B", Text: "@提及"}}, Answer: []string{"A"}, Difficulty: 3, Unit: "JC.1.2.1", Explanation: "-负号开头"},
		{Type: content.TrueFalse, Stem: "-1 小于 0。", Answer: []string{"T"}, Difficulty: 1, Unit: "JC.1.2.1", Source: "'=引号开头"},
		// A 问题 and a 论述 item: cases without material, told apart by form in every format.
		{Type: content.Case, Form: content.Short, Stem: "问题", Difficulty: 3, Unit: "JC.1.2.1", Parts: []content.CasePart{{Prompt: "客户服务有哪些特点？", Points: content.Pts(5), Reference: "层次性等五个。",
			Rubric: []content.RubricPoint{{Point: "五个特点", Score: content.Pts(5), Keywords: []string{"层次性"}, Synonyms: []string{"层次"}}}}}},
		{Type: content.Case, Form: content.Essay, Stem: "论述", Difficulty: 4, Unit: "JC.1.2.1", Parts: []content.CasePart{{Prompt: "论述客户服务的系统性。", Points: content.Pts(10), Reference: "……",
			Rubric: []content.RubricPoint{{Point: "系统性", Score: content.Pts(10), Keywords: []string{"系统"}}}}}},
		{Type: content.Multiple, Stem: "\t缩进的题干", Options: []content.Option{{Key: "A", Text: "甲"}, {Key: "B", Text: "乙"}, {Key: "C", Text: "丙"}, {Key: "D", Text: "丁"}, {Key: "E", Text: "戊"}, {Key: "F", Text: "己"}, {Key: "G", Text: "庚"}}, Answer: []string{"B", "G"}, Difficulty: 5, Unit: "JC.1.2.1"},
	}
	for i := range extra {
		extra[i].Normalize()
	}
	qs = append(qs, extra...)
	for i := range qs {
		qs[i].PackKey = "" // identity is not exported as content
	}
	for name := range Exports {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteBank(&buf, name, qs); err != nil {
				t.Fatal(err)
			}
			res, err := Read("bank"+Exports[name].Ext, &buf, syl)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) > 0 {
				t.Fatalf("%d errors, first %v", len(res.Errors), res.Errors[0])
			}
			got := res.Questions()
			if len(got) != len(qs) {
				t.Fatalf("%d questions back, want %d", len(got), len(qs))
			}
			for i := range qs {
				// Stems are trimmed on the way in; "\t缩进的题干" was normalized before export.
				if !reflect.DeepEqual(got[i], qs[i]) {
					a, _ := json.Marshal(qs[i])
					b, _ := json.Marshal(got[i])
					t.Fatalf("question %d changed:\n%s\n%s", i, a, b)
				}
			}
		})
	}
}

func TestWriteBankUnknownFormat(t *testing.T) {
	t.Parallel()
	if err := WriteBank(&bytes.Buffer{}, "pdf", nil); err == nil {
		t.Error("format pdf accepted")
	}
}

// TestTemplate: the template has the header and instructions, and its examples, copied
// into the question sheet, import.
func TestTemplate(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	var buf bytes.Buffer
	if err := WriteTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !slices.Equal(got, []string{"题库", "填写说明"}) {
		t.Fatalf("sheets %q", got)
	}
	head, _ := f.GetRows("题库")
	if len(head) != 1 || head[0][0] != "题型" || head[0][2] != "选项A" || head[0][7] != "选项F" {
		t.Fatalf("template sheet %q", head)
	}
	guide, _ := f.GetRows("填写说明")
	var examples [][]string
	for i, r := range guide {
		if len(r) > 0 && r[0] == "示例" {
			examples = guide[i+1:]
		}
	}
	if len(examples) != 5 {
		t.Fatalf("examples %q", examples)
	}
	var csvBuf bytes.Buffer
	if err := WriteCSV(&csvBuf, examples[0], examples[1:]); err != nil {
		t.Fatal(err)
	}
	res, err := Read("examples.csv", &csvBuf, syl)
	if err != nil || len(res.Errors) > 0 || len(res.Items) != 4 {
		t.Fatalf("examples import: %v %v %d", err, res.Errors, len(res.Items))
	}
	// An empty template imports nothing and reports nothing.
	res, err = Read("template.xlsx", bytes.NewReader(buf.Bytes()), syl)
	if err != nil || len(res.Errors) > 0 || len(res.Items) != 0 {
		t.Fatalf("empty template: %v %v", err, res)
	}
}

func TestDuplicatesAgainstBank(t *testing.T) {
	t.Parallel()
	p, syl := bundled(t)
	var buf bytes.Buffer
	if err := WriteBank(&buf, "csv", p.Questions[:3]); err != nil {
		t.Fatal(err)
	}
	res, err := Read("q.csv", &buf, syl)
	if err != nil {
		t.Fatal(err)
	}
	bank := slices.Clone(p.Questions[1:2])
	bank[0].ID = 42
	items, repeats := res.withoutRepeats(bank)
	if len(repeats) != 1 || repeats[0].Row != 3 || repeats[0].Field != "题干" || !strings.Contains(repeats[0].Message, "42") || len(items) != 2 || len(res.Errors) != 0 {
		t.Fatalf("repeats %v, items %v, errors %v", repeats, items, res.Errors)
	}
}

func TestReadJSON(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	body := `[{"type":"single","stem":"题","options":[{"key":"A","text":"甲"},{"key":"B","text":"乙"}],"answer":["B"],"unit":"JC.1.2.1","id":7},
	{"type":"single","stem":"坏","unit":"JC.1.2.1"},
	{"type":"single","stem":1}]`
	res, err := Read("q.json", strings.NewReader(body), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Question.Difficulty != DefaultDifficulty || res.Items[0].Question.ID != 0 {
		t.Errorf("items %+v", res.Items)
	}
	if len(res.Errors) != 2 || res.Errors[0].Row != 2 || res.Errors[0].Field != "options" || res.Errors[1].Row != 3 || res.Errors[1].Field != "stem" {
		t.Errorf("errors %+v", res.Errors)
	}
}

func TestReadPackYAML(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	doc := `questions:
  - key: mine-01
    type: multiple
    unit: 客户服务的五个特点
    stem: 下列属于客户服务特点的有（  ）。
    options: [及时性, 变革性, 一次性]
    answer: AB
  - key: mine-02
    type: truefalse
    unit: JC.1.2.1
    difficulty: 9
    stem: 垄断性是客户服务的特点之一。
    answer: F
`
	res, err := Read("mine.yaml", strings.NewReader(doc), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Question.PackKey != "" || res.Items[0].Question.Unit != "JC.1.2.1" || res.Items[0].Question.Difficulty != DefaultDifficulty {
		t.Fatalf("items %+v", res.Items)
	}
	if len(res.Errors) != 1 || res.Errors[0].Row != 2 || res.Errors[0].Field != "difficulty" {
		t.Fatalf("errors %v", res.Errors)
	}
	for _, bad := range []string{"nodes:\n  - code: X\n", "questions:\n  - colour: red\n", "questions: ["} {
		_, err := Read("bad.yml", strings.NewReader(bad), syl)
		var ve *content.ValidationError
		if !errors.As(err, &ve) || ve.Field != "file" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestReadXLSXZipBomb: a small upload that inflates past UnzipLimit is refused before it
// is inflated.
func TestReadXLSXZipBomb(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range UnzipLimit>>20 + 1 {
		w.Write(zeros)
	}
	zw.Close()
	if buf.Len() > MaxFileBytes {
		t.Fatalf("the bomb is %d bytes, too large to pass the size limit", buf.Len())
	}
	_, err = Read("bomb.xlsx", &buf, syl)
	var ve *content.ValidationError
	if !errors.As(err, &ve) || ve.Field != "file" || !strings.Contains(ve.Message, "解压后超过 100 MB") {
		t.Fatalf("zip bomb: %v", err)
	}
}

// TestReadSkillsForms: 简答题/问题 and 论述题 in the 题型 column make cases of those forms,
// whose 题干 stays the question even in a sheet without a material column; 解析题 is an
// ordinary case analysis.
func TestReadSkillsForms(t *testing.T) {
	t.Parallel()
	parts := `"第1小题（5分）：作答。` + "\n" + `参考答案：要点。` + "\n" + `采分点（5分）：要点；关键词：甲"`
	csv := "题型,题干,知识点,小题\n" +
		"问题,客户服务有哪些特点？,JC.1.2.1," + parts + "\n" +
		"论述题,论述客户服务的系统性。,JC.1.2.1," + parts + "\n" +
		"解析题,某公司客服中心……,JC.1.2.1," + parts + "\n"
	res := readCSVString(t, csv)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	want := []struct {
		form           content.Form
		stem, material string
	}{
		{content.Short, "客户服务有哪些特点？", ""},
		{content.Essay, "论述客户服务的系统性。", ""},
		{content.Analysis, defaultCaseStem, "某公司客服中心……"},
	}
	if len(res.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(res.Items), len(want))
	}
	for i, w := range want {
		q := res.Items[i].Question
		if q.Type != content.Case || q.CaseForm() != w.form || q.Stem != w.stem || q.Material != w.material {
			t.Errorf("row %d: %s/%s stem %q material %q, want case/%s %q %q", i+2, q.Type, q.CaseForm(), q.Stem, q.Material, w.form, w.stem, w.material)
		}
	}
}
