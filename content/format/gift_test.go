package format

import (
	"bytes"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// TestReadMoodleGIFT reads GIFT as Moodle writes it: no csmexam comment, the knowledge
// point from the title or the category.
func TestReadMoodleGIFT(t *testing.T) {
	t.Parallel()
	_, syl := bundled(t)
	gift := `// 从 Moodle 导出
$CATEGORY: $course$/top/客户服务的五个特点

::Q1:: 客户服务的特点不包括\: {
	~层次性 # 不对
	=垄断性 # 对
	~多样性
	#### 五个特点：层次性、系统性、及时性、多样性、变革性。
}

::JC.1.2.1::下列属于客户服务特点的有 {~%50%及时性 ~%50%变革性 ~%-100%一次性}

::Q3::[html]垄断性是客户服务的特点之一。{FALSE#错}

客户服务具有 {=层次性 ~垄断性} 的特点。

::Q5::2+2\= {#4}

::Q6:: 匹配 {=甲 -> 乙 =丙 -> 丁}

::Q7:: 说明文字，没有答案。

::Q8:: 论述 {}
`
	res, err := Read("moodle.gift", strings.NewReader(gift), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 4 {
		t.Fatalf("items %+v, errors %v", res.Items, res.Errors)
	}
	q := res.Items[0].Question
	if res.Items[0].Row != 4 || q.Type != content.Single || q.Stem != "客户服务的特点不包括:" || len(q.Options) != 3 || q.Answer[0] != "B" ||
		q.Options[0].Text != "层次性" || q.Unit != "JC.1.2.1" || !strings.HasPrefix(q.Explanation, "五个特点") {
		t.Errorf("single: %+v", q)
	}
	if q := res.Items[1].Question; q.Type != content.Multiple || strings.Join(q.Answer, "") != "AB" {
		t.Errorf("multiple: %+v", q)
	}
	if q := res.Items[2].Question; q.Type != content.TrueFalse || q.Answer[0] != "F" || q.Stem != "垄断性是客户服务的特点之一。" {
		t.Errorf("true/false: %+v", q)
	}
	if q := res.Items[3].Question; q.Stem != "客户服务具有（  ）的特点。" {
		t.Errorf("blank in the middle: %q", q.Stem)
	}
	wantRows := []int{17, 19, 21, 23}
	if len(res.Errors) != len(wantRows) {
		t.Fatalf("errors %v", res.Errors)
	}
	for i, e := range res.Errors {
		if e.Row != wantRows[i] || e.Field == "" || e.Message == "" {
			t.Errorf("error %d: %+v", i, e)
		}
	}
}

func TestWriteGIFTEscapes(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	q := content.Question{Type: content.Single, Stem: "a=b {c} ~d #e :f \\g\n第二行", Options: []content.Option{{Key: "A", Text: "=1"}, {Key: "B", Text: "~2"}},
		Answer: []string{"B"}, Unit: "JC.1.2.1", Difficulty: 3}
	if err := WriteBank(&buf, "gift", []content.Question{q}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `a\=b \{c\} \~d \#e \:f \\g\n第二行{`) || !strings.Contains(buf.String(), "\n=\\~2\n") {
		t.Fatalf("gift:\n%s", buf.String())
	}
}
