package format

import (
	"errors"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

func TestReadMoodleXML(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/客户服务的五个特点</text></category></question>
  <question type="multichoice">
    <name><text>Q1</text></name>
    <questiontext format="html"><text><![CDATA[<p>客户服务的特点<b>不包括</b>&nbsp;（&nbsp;&nbsp;）。</p>]]></text></questiontext>
    <generalfeedback format="plain_text"><text>五个特点&lt;见教材&gt;</text></generalfeedback>
    <single>true</single>
    <answer fraction="0"><text>层次性</text></answer>
    <answer fraction="100"><text>垄断性</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Q2</text></name>
    <questiontext><text>属于客户服务特点的有</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>及时性</text></answer>
    <answer fraction="50"><text>变革性</text></answer>
    <answer fraction="-100"><text>一次性</text></answer>
    <tags><tag><text>JC.1.2.1</text></tag></tags>
  </question>
  <question type="truefalse">
    <name><text>JC.1.2.1</text></name>
    <questiontext><text>垄断性是客户服务的特点之一。</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
  <question type="essay">
    <name><text>Q4</text></name>
    <questiontext><text>论述</text></questiontext>
  </question>
</quiz>`
	res, err := Read("moodle.xml", strings.NewReader(doc), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 3 {
		t.Fatalf("items %+v errors %v", res.Items, res.Errors)
	}
	q := res.Items[0].Question
	if q.Type != content.Single || q.Stem != "客户服务的特点不包括 （  ）。" || q.Answer[0] != "B" || q.Explanation != "五个特点<见教材>" || q.Unit != "JC.1.2.1" || res.Items[0].Row != 4 {
		t.Errorf("single %+v row %d", q, res.Items[0].Row)
	}
	if q := res.Items[1].Question; q.Type != content.Multiple || strings.Join(q.Answer, "") != "AB" {
		t.Errorf("multiple %+v", q)
	}
	if q := res.Items[2].Question; q.Type != content.TrueFalse || q.Answer[0] != "F" {
		t.Errorf("true/false %+v", q)
	}
	if len(res.Errors) != 1 || res.Errors[0].Field != "type" || res.Errors[0].Row != 27 {
		t.Errorf("errors %v", res.Errors)
	}
	for _, bad := range []string{`<questestinterop><item/></questestinterop>`, `<quiz><question>`, ``} {
		_, err := Read("bad.xml", strings.NewReader(bad), syl)
		var ve *content.ValidationError
		if !errors.As(err, &ve) || ve.Field != "file" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
