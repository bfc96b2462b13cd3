package format

import (
	"bytes"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// TestWriteMoodleXMLForMoodle: what Moodle itself reads, without our comments: a case is
// one essay per part with the stem, the material and the part in its text and the
// reference as grader information; multiple choice weights add up to 100 %; every
// question sits under its chapter's category.
func TestWriteMoodleXMLForMoodle(t *testing.T) {
	t.Parallel()
	qs := []content.Question{
		{Type: content.Multiple, Stem: "甲<乙>", Options: []content.Option{{Key: "A", Text: "一"}, {Key: "B", Text: "二"}, {Key: "C", Text: "三"}}, Answer: []string{"A", "C"}, Unit: "JC.1.2.1", Difficulty: 3, Explanation: "因为", Source: "来源--甲"},
		{Type: content.Case, Stem: "阅读以下案例，回答问题。", Material: "某公司\n第二段", Unit: "JC.2.1.1", Difficulty: 3, Parts: []content.CasePart{
			{Prompt: "问一", Points: content.Pts(4), Reference: "答一", Rubric: []content.RubricPoint{{Point: "要点", Score: content.Pts(4), Keywords: []string{"及时"}}}},
			{Prompt: "问二", Points: content.Pts(6), Reference: "答二", Rubric: []content.RubricPoint{{Point: "要点二", Score: content.Pts(6), Keywords: []string{"多样"}}}},
		}},
	}
	var buf bytes.Buffer
	if err := WriteBank(&buf, "moodle", qs); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`<text>$course$/top/客户服务管理师/JC.1</text>`, `<text>$course$/top/客户服务管理师/JC.2</text>`,
		`<answer fraction="50" format="html"><text>一</text>`, `<answer fraction="-100" format="html"><text>二</text>`,
		`&lt;p&gt;某公司&lt;br&gt;第二段&lt;/p&gt;`, `第2小题（6分）：问二`, `<defaultgrade>6</defaultgrade>`,
		`参考答案：答一`, `采分点（4分）：要点；关键词：及时`, `<text>甲&amp;lt;乙&amp;gt;</text>`, `来源-\u002d甲`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s:\n%s", want, out)
		}
	}
	if n := strings.Count(out, `<question type="essay">`); n != 2 {
		t.Errorf("%d essays for a case of 2 parts", n)
	}
	_, syl := bundled(t)
	res, err := Read("bank.xml", &buf, syl)
	if err != nil || len(res.Errors) > 0 || len(res.Items) != 2 {
		t.Fatalf("read back: %v %v %d items", err, res.Errors, len(res.Items))
	}
	// A later part without its first is named, not silently dropped.
	lone := `<quiz><!-- csmexam: {"part":2} --><question type="essay"><name><text>x</text></name><questiontext><text>x</text></questiontext></question></quiz>`
	res, err = Read("lone.xml", strings.NewReader(lone), syl)
	if err != nil || len(res.Errors) != 1 || res.Errors[0].Field != "csmexam" {
		t.Fatalf("lone part: %v %+v", err, res)
	}
}
