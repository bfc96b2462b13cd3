package format

import (
	"reflect"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

func TestCaseTextParts(t *testing.T) {
	t.Parallel()
	cell := `第1小题（4分）：该公司的做法体现了客户服务的哪些特点？
请结合材料回答。
参考答案：及时性、多样性。
采分点（2分）：及时性；关键词：及时、迅速；同义词：马上
采分点(2分): 多样性; 关键词: 多样,多种/Ａ类
采分点（1分）：竞争者与实例；关键词：直接竞争者；配对：直接竞争者=同城超市、替代品 ＝ 网购
第２小题（1.5分）：还有什么问题？
参考答案：缺少协作。
采分点（1.5分）：协作；关键词：协作`
	got, err := caseParts(cell)
	if err != nil {
		t.Fatal(err)
	}
	want := []content.CasePart{
		{Prompt: "该公司的做法体现了客户服务的哪些特点？\n请结合材料回答。", Points: content.Pts(4), Reference: "及时性、多样性。", Rubric: []content.RubricPoint{
			{Point: "及时性", Score: content.Pts(2), Keywords: []string{"及时", "迅速"}, Synonyms: []string{"马上"}},
			{Point: "多样性", Score: content.Pts(2), Keywords: []string{"多样", "多种", "Ａ类"}},
			{Point: "竞争者与实例", Score: content.Pts(1), Keywords: []string{"直接竞争者"}, Pairs: [][]string{{"直接竞争者", "同城超市"}, {"替代品", "网购"}}}}},
		{Prompt: "还有什么问题？", Points: content.Pts(1.5), Reference: "缺少协作。", Rubric: []content.RubricPoint{
			{Point: "协作", Score: content.Pts(1.5), Keywords: []string{"协作"}}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parts\n%+v\nwant\n%+v", got, want)
	}
	for cell, want := range map[string]string{
		"参考答案：x": "应以“第1小题（4分）：问题”开头",
		"第1小题（4分）：问\n采分点（2分）：点":                "缺少关键词",
		"第1小题（4分）：问\n采分点（2分）：点；备注：x":           "无法识别",
		"第1小题（4分）：问\n采分点（2分）：点；关键词：a\n多余":      "无法识别",
		"第1小题（x分）：问":                           "应以",
		"第1小题（4分）：问\n采分点（2分）：点；关键词：a；配对：a=b=c": "类型=实例",
		"第1小题（4分）：问\n采分点（2分）：点；关键词：a；配对：a":     "类型=实例",
	} {
		if _, err := caseParts(cell); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", cell, err, want)
		}
	}
}
