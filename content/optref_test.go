package content_test

import (
	"errors"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

func choice() *content.Question {
	return &content.Question{Type: content.Multiple, Stem: "下列属于客户服务特点的有（  ）。", Unit: "JC.1", Difficulty: 2,
		Options: []content.Option{{Key: "A", Text: "及时性"}, {Key: "B", Text: "垄断性"}, {Key: "C", Text: "层次性"}, {Key: "D", Text: "多样性"}},
		Answer:  []string{"A", "C", "D"}}
}

func TestRenderOptionRefs(t *testing.T) {
	shown := []string{"C", "A", "D", "B"} // bank option i shown under this letter
	name := func(i int) string {
		if i < len(shown) {
			return shown[i]
		}
		return ""
	}
	for in, want := range map[string]string{
		"{{opt:2}} 错在垄断，{{opt:1}}、{{ opt:3 }} 正确。": "A 错在垄断，C、D 正确。",
		"没有引用":          "没有引用",
		"{{opt:9}} 不存在": "{{opt:9}} 不存在",
		"{{opt:0}} 不存在": "{{opt:0}} 不存在",
	} {
		if got := content.RenderOptionRefs(in, name); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestValidateOptionRefs(t *testing.T) {
	unit := func(string) bool { return true }
	q := choice()
	q.Explanation = "{{opt:2}} 不是客户服务的特点，{{opt:4}} 是。"
	if err := q.Validate(unit); err != nil {
		t.Fatalf("valid references refused: %v", err)
	}
	q.Explanation = "{{opt:5}} 不存在"
	var e *errs.Error
	if err := q.Validate(unit); !errors.As(err, &e) || e.Field != "explanation" {
		t.Fatalf("a reference past the last option: got %v, want an error on explanation", err)
	}
	tf := &content.Question{Type: content.TrueFalse, Stem: "客户服务具有层次性。", Unit: "JC.1", Difficulty: 1, Answer: []string{"T"},
		Explanation: "见 {{opt:1}}"}
	tf.Normalize()
	if err := tf.Validate(unit); !errors.As(err, &e) || e.Field != "explanation" {
		t.Fatalf("a reference in a true/false explanation: got %v, want an error on explanation", err)
	}
}

func TestCiteByReference(t *testing.T) {
	q := choice()
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"B 项错在垄断，A、C、D 均为特点。", "{{opt:2}} 项错在垄断，{{opt:1}}、{{opt:3}}、{{opt:4}} 均为特点。", true},
		{"选项Ｂ错误。", "选项{{opt:2}}错误。", true},
		{"A 类客户与 KPI、CRM、5S 无关。", "A 类客户与 KPI、CRM、5S 无关。", true}, // names, not options
		{"E 不是选项。", "E 不是选项。", true},
		{"故选 ACD。", "故选 ACD。", false}, // several letters: a person decides
		{"ABC 分类法。", "ABC 分类法。", true},
		{"来电由自动呼叫分配（ACD）完成，ACD 按技能分配。", "来电由自动呼叫分配（ACD）完成，ACD 按技能分配。", true}, // a name
		{"ABD 均正确。", "ABD 均正确。", false},
		{"按 Erlang C 换算。", "按 Erlang C 换算。", true},
		{"MAN 法则中“A”是决策权。", "MAN 法则中“A”是决策权。", true}, // the letter itself
	} {
		got, ok := q.CiteByReference(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("%q: got %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		p, max content.Points
		want   int
	}{{725, 1000, 73}, {724, 1000, 72}, {250, 7500, 3}, {0, 100, 0}, {100, 100, 100}, {1, 300, 0}, {-250, 1000, -25}} {
		if got, ok := content.Percent(c.p, c.max); !ok || got != c.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", c.p, c.max, got, c.want)
		}
	}
	if _, ok := content.Percent(5, 0); ok {
		t.Error("Percent of nothing should not be ok")
	}
}
