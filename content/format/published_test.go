package format

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// readWith reads body as a file named name with a default knowledge point.
func readWith(t *testing.T, name, body string) *Result {
	t.Helper()
	_, base := bundled(t)
	syl, err := base.ForFile("JC.1.2.1", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read(name, strings.NewReader(body), syl)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGIFTFeedbackArrow: -> in an answer's #feedback is text, not a matching pair.
func TestGIFTFeedbackArrow(t *testing.T) {
	t.Parallel()
	res := readWith(t, "q.gift", "::反馈::服务流程的第一步是（  ）。{\n=接待 # 对：接待 -> 诊断 -> 处理\n~处理 # 错：处理在诊断之后\n}\n")
	if len(res.Errors) != 0 || len(res.Items) != 1 || res.Items[0].Question.Answer[0] != "A" || res.Items[0].Question.Options[0].Text != "接待" {
		t.Fatalf("items %+v, errors %v", res.Items, res.Errors)
	}
	// Outside feedback -> still means matching.
	res = readWith(t, "q.gift", "::配对::配对（  ）。{\n=甲 -> 一\n=乙 -> 二\n~丙 -> 三\n}\n")
	if len(res.Items) != 0 || !strings.Contains(errorText(res), "不支持的题型：匹配题") {
		t.Fatalf("matching: %s", errorText(res))
	}
}

// TestGIFTNumerical: a numerical question is an unsupported type, named as such.
func TestGIFTNumerical(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"::数::1 到 5 之间的数？{#3:2}\n", "::数::π 约等于？{#\n=%100%3.14:0.005\n=%50%3.1:0.05\n}\n"} {
		res := readWith(t, "q.gift", body)
		if len(res.Errors) != 1 || res.Errors[0].Field != "type" || res.Errors[0].Message != "不支持的题型：数值题" || res.Errors[0].Name != "数" {
			t.Errorf("%q: %+v", body, res.Errors)
		}
	}
}

// TestGIFTShortAnswer: only = answers, even one, make a short answer, not a choice
// with too few options.
func TestGIFTShortAnswer(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"::简::客户服务的核心是？{=满意}\n", "::简::谁？{=甲 =乙}\n"} {
		res := readWith(t, "q.gift", body)
		if len(res.Errors) != 1 || res.Errors[0].Message != "不支持的题型：填空/简答题" {
			t.Errorf("%q: %+v", body, res.Errors)
		}
	}
}

// TestAikenOrphanAnswer: an ANSWER line with no question before it is reported as that,
// not as a true/false answer.
func TestAikenOrphanAnswer(t *testing.T) {
	t.Parallel()
	res := readWith(t, "q.txt", "A) 没有题干\n\nANSWER: A\n\n好题（  ）。\nA. 甲\nB. 乙\nANSWER: B\n")
	msgs := errorText(res)
	if len(res.Items) != 1 || !strings.Contains(msgs, "第 3 行 answer：这一行 ANSWER 前面没有题目") || strings.Contains(msgs, "判断题") {
		t.Fatalf("items %d, errors %s", len(res.Items), msgs)
	}
}

// TestMoodleUnsupportedTypes: each type we do not take is skipped with its name, its
// line and its question's name; the others of the file are read.
func TestMoodleUnsupportedTypes(t *testing.T) {
	t.Parallel()
	q := func(typ, name string) string {
		return `<question type="` + typ + `"><name><text>` + name + `</text></name><questiontext format="html"><text>题</text></questiontext></question>` + "\n"
	}
	body := "<quiz>\n" + q("matching", "配对") + q("cloze", "完形") + q("numerical", "数值") + q("shortanswer", "简答") + q("description", "说明") +
		`<question type="truefalse"><name><text>判断</text></name><questiontext><text>客户服务具有层次性。</text></questiontext><answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>` + "\n</quiz>\n"
	res := readWith(t, "q.xml", body)
	want := []struct{ name, reason string }{{"配对", "匹配题"}, {"完形", "完形填空题"}, {"数值", "数值题"}, {"简答", "填空/简答题"}, {"说明", "说明（不是题目）"}}
	if len(res.Items) != 1 || len(res.Errors) != len(want) {
		t.Fatalf("items %d, errors %s", len(res.Items), errorText(res))
	}
	for i, w := range want {
		e := res.Errors[i]
		if e.Row != i+2 || e.Name != w.name || !strings.HasPrefix(e.Message, "不支持的题型："+w.reason) {
			t.Errorf("error %d: %+v, want %s at line %d", i, e, w.reason, i+2)
		}
	}
}

// TestEveryFaultOfARow: a row with several wrong cells reports each, by column.
func TestEveryFaultOfARow(t *testing.T) {
	t.Parallel()
	res := readCSVString(t, "题型,题干,选项A,选项B,选项C,答案,难度,知识点\n单选题,,甲,,丙,Z,9,JC.99.1.1\n")
	got := map[string]bool{}
	for _, e := range res.Errors {
		if e.Row != 2 {
			t.Errorf("fault on row %d: %v", e.Row, e)
		}
		got[e.Field] = true
	}
	for _, col := range []string{"题干", "选项C", "难度", "知识点"} {
		if !got[col] {
			t.Errorf("no fault on %s: %s", col, errorText(res))
		}
	}
	if len(res.Items) != 0 {
		t.Error("a wrong row was read")
	}
}

// TestYFExamFaults: a yf-exam question's faults name the option rows they are on, all of
// them, and the columns as yf-exam's header names them; a question without a right
// option is that option fault only, not also a fault of an 答案 column the file lacks.
func TestYFExamFaults(t *testing.T) {
	t.Parallel()
	res := readWith(t, "q.csv", "题目序号,题目类型,题目内容,整体解析,题目图片,题目视频,所属题库,是否正确项,选项内容,选项解析,选项图片\n"+
		"1,1,坏题（  ）。,,,,,1,甲,,\n"+
		"1,,,,,,,也许,乙,,\n"+
		"1,,,,,,,0,,,pic.png\n"+
		"2,9,类型错的题（  ）。,,,,,0,甲,,\n"+
		"2,,,,,,,,乙,,\n")
	got := errorText(res)
	for _, want := range []string{"第 3 行 是否正确项：是否正确项“也许”无法识别", "第 4 行 选项图片：不能导入图片或视频", "第 4 行 选项内容：选项内容不能为空",
		"第 5 行 题目类型：无法识别的题型“9”", "第 6 行 是否正确项：是否正确项不能为空"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	if len(res.Errors) != 5 || strings.Contains(got, "答案") {
		t.Errorf("want 5 faults, none of an 答案 column:\n%s", got)
	}
	// The report of an import counts questions, not the rows their faults are on.
	if rep := (&Report{Errors: res.Errors, questionRow: res.questionRow}); rep.Skipped() != 2 {
		t.Errorf("skipped %d questions, want 2", rep.Skipped())
	}
	if len(res.Items) != 0 {
		t.Error("a wrong question was read")
	}
}

// TestJoinedOptions splits PHPEMS's one-cell options in each of their spellings.
func TestJoinedOptions(t *testing.T) {
	t.Parallel()
	for cell, want := range map[string]string{
		"A.甲丨B.乙丨C.丙":      "甲|乙|丙",
		"A、甲\nB、乙":         "甲|乙",
		"A.甲 B.乙 C.丙 D.丁":  "甲|乙|丙|丁",
		"甲|乙":              "甲|乙",
		"A:满意度 > 80% B:其他": "满意度 > 80%|其他",
	} {
		got, err := splitJoinedOptions(cell)
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("%q: %q %v, want %q", cell, got, err, want)
		}
	}
	if _, err := splitJoinedOptions("A.甲丨C.丙"); err == nil {
		t.Error("a skipped letter accepted")
	}
}

// TestQTIPackageFolders: an item's folder in a QTI package is its category, mapped to a
// knowledge point like Moodle's.
func TestQTIPackageFolders(t *testing.T) {
	t.Parallel()
	item := `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="q1" title="Greeting" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>B</value></correctResponse></responseDeclaration>
  <itemBody><p>客户服务的核心是（  ）。</p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1"><simpleChoice identifier="A">产品</simpleChoice><simpleChoice identifier="B">客户</simpleChoice></choiceInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>`
	manifest := `<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="m"><organizations/><resources>
<resource identifier="r1" type="imsqti_item_xmlv2p1" href="items/客户服务概述/q1.xml"><file href="items/客户服务概述/q1.xml"/></resource>
</resources></manifest>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{"imsmanifest.xml": manifest, "items/客户服务概述/q1.xml": item} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	_, base := bundled(t)
	syl, err := base.ForFile("", map[string]string{"客户服务概述": "JC.1.2.2"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read("pkg.zip", bytes.NewReader(buf.Bytes()), syl)
	if err != nil || len(res.Items) != 1 || res.Items[0].Question.Unit != "JC.1.2.2" || res.Items[0].Question.Answer[0] != "B" {
		t.Fatalf("%v %+v %s", err, res.Items, errorText(res))
	}
}
