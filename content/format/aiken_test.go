package format

import (
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

func TestReadAiken(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	txt := "\uFEFF客户服务的特点不包括（  ）。\n" +
		"A. 层次性\nB) 垄断性\nC、多样性\n" +
		"ANSWER: B\n知识点：JC.1.2.1\n难度：2\n解析：垄断性不是特点。\n" +
		"下列属于客户服务特点的有（  ）。\n" + // no blank line: a new question after the answer's lines
		"A．及时性\nb. 变革性\nC. 一次性\n答案：A、B\n知识点：客户服务的五个特点\n" +
		"\n" +
		"垄断性是客户服务的特点之一。\nANSWER: 错\n知识点：JC.1.2.1\n" +
		"\n" +
		"缺知识点\nA. 甲\nB. 乙\nANSWER: A\n" +
		"\n" +
		"选项乱序\nA. 甲\nC. 乙\nANSWER: A\n知识点：JC.1.2.1\n" +
		"\n" +
		"没有答案\nA. 甲\nB. 乙\n知识点：JC.1.2.1\n"
	res, err := Read("aiken.txt", strings.NewReader(txt), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 3 {
		t.Fatalf("items %+v errors %v", res.Items, res.Errors)
	}
	q := res.Items[0].Question
	if q.Type != content.Single || q.Answer[0] != "B" || len(q.Options) != 3 || q.Difficulty != 2 || q.Explanation != "垄断性不是特点。" || q.Unit != "JC.1.2.1" {
		t.Errorf("single %+v", q)
	}
	if it := res.Items[1]; it.Row != 9 || it.Question.Type != content.Multiple || strings.Join(it.Question.Answer, "") != "AB" {
		t.Errorf("multiple %+v", it)
	}
	if q := res.Items[2].Question; q.Type != content.TrueFalse || q.Answer[0] != "F" {
		t.Errorf("true/false %+v", q)
	}
	// Each at the line its question starts on; a fault of a later line names it.
	want := []content.RowError{{Row: 20, Field: "unit"}, {Row: 25, Field: "options", Message: "第 27 行"}, {Row: 31, Field: "answer"}}
	if len(res.Errors) != len(want) {
		t.Fatalf("errors %v", res.Errors)
	}
	for i, w := range want {
		if e := res.Errors[i]; e.Row != w.Row || e.Field != w.Field || e.Message == "" || !strings.Contains(e.Message, w.Message) {
			t.Errorf("error %d = %v, want row %d field %s", i, e, w.Row, w.Field)
		}
	}
}
