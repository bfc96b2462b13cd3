package format

import (
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// TestTextFormatsReportEveryFault reads, in each text format, one question with several
// distinct faults after a good one: every fault is listed, each at the line the question
// starts on, with its field (and the question's name where the format has one), as a
// sheet lists every fault of a row.
func TestTextFormatsReportEveryFault(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	cases := []struct {
		name, file, text string
		want             []content.RowError // Message: a part of it
	}{{
		name: "aiken", file: "faults.txt",
		text: "客户服务的特点不包括（  ）。\nA. 层次性\nB. 垄断性\nANSWER: B\n知识点：JC.1.2.1\n\n" +
			"选项乱序、没有答案行的题（  ）。\nA. 甲\nC. 乙\n知识点：没有这个知识点\n难度：高\n",
		want: []content.RowError{
			{Row: 7, Field: "options", Message: "第 9 行：选项应按 A、B、C 的顺序排列"},
			{Row: 7, Field: "answer", Message: "缺少答案行"},
			{Row: 7, Field: "difficulty", Message: "“高”"},
			{Row: 7, Field: "unit", Message: "没有这个知识点"},
		},
	}, {
		name: "gift", file: "faults.gift",
		text: "::JC.1.2.1::客户服务的特点不包括（  ）。{~层次性 =垄断性}\n\n" +
			"// csmexam: {\"unit\":\"JC.1.2.1\",\"bogus\":1}\n" +
			"::没有这个知识点::哪些正确？{~%abc%甲 ~%50%乙 ~%50%丙}\n",
		want: []content.RowError{
			{Row: 3, Field: "csmexam", Message: "未知字段", Name: "没有这个知识点"},
			{Row: 3, Field: "answer", Message: "选项 A 的权重“%abc%”无法识别", Name: "没有这个知识点"},
			{Row: 3, Field: "unit", Message: "找不到知识点", Name: "没有这个知识点"},
		},
	}, {
		name: "moodle", file: "faults.xml",
		text: `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<question type="truefalse">
  <name><text>JC.1.2.1</text></name>
  <questiontext format="html"><text>客户服务具有层次性。</text></questiontext>
  <answer fraction="100"><text>true</text></answer>
  <answer fraction="0"><text>false</text></answer>
</question>
<question type="multichoice">
  <name><text>没有这个知识点</text></name>
  <questiontext format="html"><text>哪一项正确？</text></questiontext>
  <single>true</single>
  <answer fraction="abc"><text>甲</text></answer>
  <answer fraction="100"><text>乙</text></answer>
  <answer fraction="0"><text></text></answer>
</question>
</quiz>
`,
		want: []content.RowError{
			{Row: 9, Field: "answer", Message: "fraction“abc”不是数字", Name: "没有这个知识点"},
			{Row: 9, Field: "unit", Message: "找不到知识点", Name: "没有这个知识点"},
			{Row: 9, Field: "options[2].text", Message: "选项 C 的内容不能为空", Name: "没有这个知识点"},
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res, err := Read(c.file, strings.NewReader(c.text), syl)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != 1 {
				t.Errorf("items %+v", res.Items)
			}
			if len(res.Errors) != len(c.want) {
				t.Fatalf("errors %q, want %d", res.Errors, len(c.want))
			}
			for i, w := range c.want {
				e := res.Errors[i]
				if e.Row != w.Row || e.Field != w.Field || e.Name != w.Name || !strings.Contains(e.Message, w.Message) {
					t.Errorf("error %d = %+v, want %+v", i, e, w)
				}
			}
		})
	}
}
