package content

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func validSingle() Question {
	return Question{Type: Single, Stem: "客户服务的特点不包括（ ）。", Unit: "JC.1.2.1", Difficulty: 2,
		Options: []Option{{"A", "层次性"}, {"B", "系统性"}, {"C", "垄断性"}, {"D", "多样性"}}, Answer: []string{"C"},
		Explanation: "五个特点是层次性、系统性、及时性、多样性、变革性。", Source: "000 第一单元 第10条"}
}

func validCase() Question {
	return Question{Type: Case, Stem: "阅读案例，回答问题。", Unit: "JC.1.2.1", Difficulty: 4, Material: "某公司……",
		Parts: []CasePart{{Prompt: "存在哪些问题？", Points: Pts(10), Reference: "……", Rubric: []RubricPoint{
			{Point: "服务标准", Score: Pts(5), Keywords: []string{"标准"}},
			{Point: "投诉处理", Score: Pts(5), Keywords: []string{"投诉"}},
		}}}}
}

func exists(code string) bool { return code == "JC.1.2.1" }

func TestQuestionValidateNamesTheField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(q *Question)
		field string
	}{
		{"unknown type", func(q *Question) { q.Type = "essay" }, "type"},
		{"empty stem", func(q *Question) { q.Stem = "  " }, "stem"},
		{"difficulty 0", func(q *Question) { q.Difficulty = 0 }, "difficulty"},
		{"difficulty 6", func(q *Question) { q.Difficulty = 6 }, "difficulty"},
		{"no unit", func(q *Question) { q.Unit = "" }, "unit"},
		{"unknown unit", func(q *Question) { q.Unit = "JC.9.9.9" }, "unit"},
		{"single with two keys", func(q *Question) { q.Answer = []string{"A", "C"} }, "answer"},
		{"single with no key", func(q *Question) { q.Answer = nil }, "answer"},
		{"key not an option", func(q *Question) { q.Answer = []string{"E"} }, "answer[0]"},
		{"duplicate option key", func(q *Question) { q.Options[1].Key = "A" }, "options[1].key"},
		{"empty option key", func(q *Question) { q.Options[2].Key = "" }, "options[2].key"},
		{"empty option text", func(q *Question) { q.Options[3].Text = "" }, "options[3].text"},
		{"same option twice", func(q *Question) { q.Options[3].Text = "层次性" }, "options[3].text"},
		{"one option", func(q *Question) { q.Options = q.Options[:1] }, "options"},
		{"multiple with one key", func(q *Question) { q.Type = Multiple }, "answer"},
		{"true/false keyed C", func(q *Question) { q.Type = TrueFalse }, "answer"},
		{"a tag in the stem", func(q *Question) { q.Stem = `客户服务<script>alert(1)</script>` }, "stem"},
		{"a tag in an option", func(q *Question) { q.Options[2].Text = `<img src=x onerror=alert(1)>` }, "options[2].text"},
		{"a comment in the explanation", func(q *Question) { q.Explanation = "见教材<!-- -->" }, "explanation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := validSingle()
			c.edit(&q)
			q.Normalize()
			err := q.Validate(exists)
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			if ve.Field != c.field {
				t.Fatalf("field = %q (%s), want %q", ve.Field, ve.Message, c.field)
			}
		})
	}
}

func TestQuestionValidateAcceptsEveryType(t *testing.T) {
	single := validSingle()
	multiple := validSingle()
	multiple.Type, multiple.Answer = Multiple, []string{"D", "a"}
	// A lone "<" is text, not markup.
	single.Stem = "满意度 < 80% 时应当（ ）。"
	tf := Question{Type: TrueFalse, Stem: "客户服务只是售后服务。", Unit: "JC.1.2.1", Difficulty: 1, Answer: []string{"f"}}
	cs := validCase()
	for _, q := range []*Question{&single, &multiple, &tf, &cs} {
		q.Normalize()
		if err := q.Validate(exists); err != nil {
			t.Errorf("%s: %v", q.Type, err)
		}
	}
	if got := multiple.Answer; got[0] != "A" || got[1] != "D" {
		t.Errorf("multiple answer not normalized: %v", got)
	}
	if len(tf.Options) != 2 || tf.Options[0].Text != "正确" || tf.Answer[0] != "F" {
		t.Errorf("true/false not normalized: %+v %v", tf.Options, tf.Answer)
	}
}

func TestCaseValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(q *Question)
		field string
	}{
		{"no material", func(q *Question) { q.Material = "" }, "material"},
		{"an analysis marked explicitly, without material", func(q *Question) { q.Form, q.Material = " Analysis ", "" }, "material"},
		{"unknown form", func(q *Question) { q.Form = "oral" }, "form"},
		{"no parts", func(q *Question) { q.Parts = nil }, "parts"},
		{"rubric short of points", func(q *Question) { q.Parts[0].Rubric[1].Score = Pts(4.5) }, "parts[0].rubric"},
		{"score not in half points", func(q *Question) { q.Parts[0].Rubric[1].Score = Pts(0.25) }, "parts[0].rubric[1].score"},
		{"no keywords", func(q *Question) { q.Parts[0].Rubric[0].Keywords = nil }, "parts[0].rubric[0].keywords"},
		{"blank keyword", func(q *Question) { q.Parts[0].Rubric[1].Keywords = []string{"投诉", "  "} }, "parts[0].rubric[1].keywords[1]"},
		{"a pair of one term", func(q *Question) { q.Parts[0].Rubric[0].Pairs = [][]string{{"价格竞争者"}} }, "parts[0].rubric[0].pairs[0]"},
		{"a pair with a blank term", func(q *Question) {
			q.Parts[0].Rubric[1].Pairs = [][]string{{"品牌竞争者", "甲公司"}, {"品牌竞争者", " "}}
		}, "parts[0].rubric[1].pairs[1]"},
		{"a pair of the same term twice", func(q *Question) { q.Parts[0].Rubric[0].Pairs = [][]string{{"甲", "甲"}} }, "parts[0].rubric[0].pairs[0]"},
		{"no reference", func(q *Question) { q.Parts[0].Reference = "" }, "parts[0].reference"},
		{"no prompt", func(q *Question) { q.Parts[0].Prompt = "" }, "parts[0].prompt"},
		{"options on a case", func(q *Question) { q.Options = []Option{{"A", "x"}} }, "options"},
		{"a tag in the material", func(q *Question) { q.Material = "某公司<b>很好</b>" }, "material"},
		{"a tag in a rubric point", func(q *Question) { q.Parts[0].Rubric[0].Point = "</p>服务标准" }, "parts[0].rubric[0].point"},
		{"a rubric point longer than a table row", func(q *Question) { q.Parts[0].Rubric[0].Point = strings.Repeat("说", MaxPointRunes+1) }, "parts[0].rubric[0].point"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := validCase()
			c.edit(&q)
			q.Normalize()
			var ve *ValidationError
			if err := q.Validate(exists); !errors.As(err, &ve) || ve.Field != c.field {
				t.Fatalf("err = %v, want field %s", err, c.field)
			}
		})
	}
}

func TestRubricPairsRoundTripThroughJSON(t *testing.T) {
	rp := RubricPoint{Point: "①价格竞争者", Score: Pts(2), Keywords: []string{"价格竞争者"}, Pairs: [][]string{{"价格竞争者", "1"}}}
	b, err := json.Marshal(rp)
	if err != nil || !strings.Contains(string(b), `"pairs":[["价格竞争者","1"]]`) {
		t.Fatalf("%s %v", b, err)
	}
	var back RubricPoint
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, rp) {
		t.Fatalf("%+v %v", back, err)
	}
	if b, _ := json.Marshal(RubricPoint{Point: "甲"}); strings.Contains(string(b), "pairs") {
		t.Fatalf("a point without pairs writes none: %s", b)
	}
}

// TestCaseForms: a 问题 or 论述 item stands without material; the analysis default is
// stored as no form, so existing cases keep their content hash; only a case has a form.
func TestCaseForms(t *testing.T) {
	for _, f := range []Form{Short, Essay} {
		q := validCase()
		q.Form, q.Material = " "+Form(strings.ToUpper(string(f))), ""
		q.Normalize()
		if err := q.Validate(exists); err != nil {
			t.Errorf("%s without material: %v", f, err)
		}
		if q.Form != f || q.CaseForm() != f {
			t.Errorf("form = %q, CaseForm = %q, want %q", q.Form, q.CaseForm(), f)
		}
	}
	plain, marked := validCase(), validCase()
	marked.Form = Analysis
	plain.Normalize()
	marked.Normalize()
	if body(&plain) != body(&marked) || marked.CaseForm() != Analysis {
		t.Errorf("an explicit analysis differs from the default: %s vs %s", body(&marked), body(&plain))
	}
	single := validSingle()
	single.Form = Short
	single.Normalize()
	var ve *ValidationError
	if err := single.Validate(exists); !errors.As(err, &ve) || ve.Field != "form" {
		t.Errorf("form on a single choice: err = %v, want field form", err)
	}
	if s := validSingle(); s.CaseForm() != "" {
		t.Errorf("CaseForm of a single choice = %q", s.CaseForm())
	}
}

func TestValidateNodes(t *testing.T) {
	good := []Node{
		{Code: "JC", Kind: Level, Title: "基础知识"},
		{Code: "JC.1", Parent: "JC", Kind: Chapter, Title: "客户服务概述"},
		{Code: "JC.1.1", Parent: "JC.1", Kind: Section, Title: "含义"},
		{Code: "JC.1.1.1", Parent: "JC.1.1", Kind: Point, Title: "服务"},
	}
	if err := ValidateNodes(good); err != nil {
		t.Fatal(err)
	}
	roots := Tree(good)
	if len(roots) != 1 || roots[0].Children[0].Children[0].Children[0].Code != "JC.1.1.1" {
		t.Fatalf("tree = %+v", roots)
	}
	if Find(roots, "JC.1.1") == nil || Find(roots, "JC.2") != nil {
		t.Fatal("Find")
	}
	bad := map[string][]Node{
		"parent later":    {good[1], good[0]},
		"skips a tier":    {good[0], {Code: "JC.1", Parent: "JC", Kind: Section, Title: "x"}},
		"code off parent": {good[0], {Code: "JX.1", Parent: "JC", Kind: Chapter, Title: "x"}},
		"duplicate":       {good[0], good[0]},
		"no title":        {{Code: "JC", Kind: Level}},
		"unknown kind":    {{Code: "JC", Kind: "book", Title: "x"}},
		"level w/ parent": {good[0], {Code: "JC.L", Parent: "JC", Kind: Level, Title: "x"}},
	}
	for name, nodes := range bad {
		if err := ValidateNodes(nodes); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if ChapterOf("JC.1.2.3") != "JC.1" || ChapterOf("JC.1") != "JC.1" || ChapterOf("JC") != "" {
		t.Error("ChapterOf")
	}
	if !Beneath("JC.1.2", "JC.1") || !Beneath("JC.1", "JC.1") || Beneath("JC.10", "JC.1") || Beneath("JC", "JC.1") {
		t.Error("Beneath")
	}
}
