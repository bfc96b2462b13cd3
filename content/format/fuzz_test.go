package format

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// FuzzParseRow feeds arbitrary cells (separated by |) under the full header. Whatever the
// input: no panic; a failure is one row-level message naming a column; a success is a
// valid question that exports and reads back unchanged.
func FuzzParseRow(f *testing.F) {
	for _, seed := range []string{
		"单选题|题干|甲|乙|||||A|解析|2|JC.1.2.1|来源||",
		"多选|题|甲|乙|丙||||A、C||5|客户服务的五个特点|||",
		"判断|=1|||||||√||||JC.1.2.1|||",
		"判断题|'-x|正确|错误||||||B|||JC.1.2.1 名称||",
		`案例分析|阅读|||||||||4|JC.1.2.1||材料|[{"prompt":"问","points":2,"reference":"答","rubric":[{"point":"点","score":2,"keywords":["词"]}]}]`,
		"案例分析|材料在题干|||||||||||JC.1.2.1|||[{}]",
		"案例分析|阅读|||||||||4|JC.1.2.1||材料|第1小题（2分）：问\n参考答案：答\n采分点（2分）：点；关键词：词、语；同义词：字",
		"单选题|\xff\xfe|甲|乙||||||A||3.0|JC.1.2|",
		"||||||||||||||",
		"单选|题|甲||丙||||A||0|JC.1.2.1",
		"单选|题|Ａ|Ｂ||||||ｂ||５|ＪＣ.1.2.1",
	} {
		f.Add(seed)
	}
	_, syl := bundled(f)
	header := bankHeader(len(optionLetters))
	cols, herrs := parseHeader(header, syl)
	if len(herrs) > 0 {
		f.Fatal(herrs)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cells := strings.Split(line, "|")
		q, faults := parseRow(cols, cells, 7, syl)
		if len(faults) > 0 {
			for _, f := range faults {
				if f.Row != 7 || f.Field == "" || f.Message == "" {
					t.Fatalf("bad row error %+v", f)
				}
			}
			return
		}
		if err := q.Validate(syl.IsPoint); err != nil {
			t.Fatalf("accepted an invalid question: %v", err)
		}
		var buf bytes.Buffer
		h, rows, err := bankTable([]content.Question{q})
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteCSV(&buf, h, rows); err != nil {
			t.Fatal(err)
		}
		res, err := Read("q.csv", &buf, syl)
		if err != nil || len(res.Errors) > 0 || len(res.Items) != 1 {
			t.Fatalf("export of %q does not read back: %v %v", line, err, res.Errors)
		}
		if got := res.Items[0].Question; !reflect.DeepEqual(got, q) {
			t.Fatalf("round trip changed %q:\n%+v\n%+v", line, q, got)
		}
	})
}

// textFormats are the import formats FuzzRead feeds.
var textFormats = []string{".gift", ".txt", ".xml", ".yaml", ".json", ".csv"}

// FuzzRead: any text read as any text format gives questions or row-level errors (or a
// file error), never a panic, and never an invalid question.
func FuzzRead(f *testing.F) {
	seeds := map[string][]string{
		".gift": {"::JC.1.2.1::题 {=甲 ~乙}\n", "// csmexam: {\"unit\":\"JC.1.2.1\"}\n::x::题{T}",
			"$CATEGORY: a/客户服务的五个特点\n题 {~%50%甲 ~%50%乙 ~%-100%丙 #### 解析}\n\n题二 {F}",
			"题 {=甲 -> 乙}", "{", "}", "::", "\\", "题 {~%x%甲}", "// csmexam: {\"parts\":[{}]}\n题{}"},
		".txt": {"题\nA. 甲\nB. 乙\nANSWER: A\n知识点：JC.1.2.1\n", "题\nANSWER: 对\n知识点：JC.1.2.1", "A. 甲", "ANSWER:", "知识点：\n难度：9",
			"题\nA. 甲\nC. 乙\n", "题\nA. 甲\nB. 乙\nI. 丙\nANSWER: AI\n知识点：x"},
		".xml": {`<quiz><question type="truefalse"><name><text>JC.1.2.1</text></name><questiontext><text>题</text></questiontext><answer fraction="100"><text>true</text></answer></question></quiz>`,
			`<quiz><question type="multichoice"><single>true</single><answer fraction="x"/></question></quiz>`, `<quiz>`, `<a/>`},
		".yaml": {"questions:\n  - type: truefalse\n    unit: JC.1.2.1\n    stem: 题\n    answer: T\n", "questions: [{type: case}]", "nodes: []"},
		".json": {`[{"type":"single","stem":"题","unit":"JC.1.2.1","options":[{"key":"A","text":"甲"},{"key":"B","text":"乙"}],"answer":["A"]}]`, `{"questions":[1]}`, `[`},
		".csv":  {"题型,题干,知识点\n判断题,题,JC.1.2.1\n", "\"", "序号\n1\n"},
	}
	for i, ext := range textFormats {
		for _, s := range seeds[ext] {
			f.Add(uint8(i), s)
		}
	}
	_, syl := bundled(f)
	f.Fuzz(func(t *testing.T, format uint8, text string) {
		ext := textFormats[int(format)%len(textFormats)]
		res, err := Read("q"+ext, strings.NewReader(text), syl)
		if err != nil {
			return
		}
		for _, e := range res.Errors {
			if e.Row < 1 || e.Message == "" {
				t.Fatalf("%s: bad row error %+v", ext, e)
			}
		}
		for _, it := range res.Items {
			if err := it.Question.Validate(syl.IsPoint); err != nil {
				t.Fatalf("%s: accepted an invalid question: %v", ext, err)
			}
		}
	})
}
