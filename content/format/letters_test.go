package format

import (
	"strings"
	"testing"
)

// An imported explanation that names options by letter is rewritten as {{opt:N}} where
// that is unambiguous, and a run of letters is reported by row and column.
func TestReadCitesOptionsByReference(t *testing.T) {
	t.Parallel()
	csv := "题型,题干,选项A,选项B,选项C,选项D,答案,解析,章节\n" +
		"单选题,客户服务的特点不包括（  ）。,层次性,系统性,垄断性,多样性,C,C 项垄断性不是特点；A、B、D 都是。,JC.1.2.1\n" + // 2
		"多选题,属于客户服务特点的有（  ）。,层次性,系统性,垄断性,多样性,ABD,故选ABD。,JC.1.2.1\n" + // 3
		"单选题,与字母无关（  ）。,甲,乙,丙,丁,A,A 类客户与 KPI 无关。,JC.1.2.1\n" // 4
	res := readCSVString(t, csv)
	if len(res.Errors) != 1 || res.Errors[0].Row != 3 || res.Errors[0].Field != "解析" || !strings.Contains(res.Errors[0].Message, "ABD") {
		t.Fatalf("errors: %+v, want row 3 解析 naming ABD", res.Errors)
	}
	if len(res.Items) != 2 {
		t.Fatalf("items: %+v", res.Items)
	}
	if got, want := res.Items[0].Question.Explanation, "{{opt:3}} 项垄断性不是特点；{{opt:1}}、{{opt:2}}、{{opt:4}} 都是。"; got != want {
		t.Errorf("row 2 explanation %q, want %q", got, want)
	}
	if got, want := res.Items[1].Question.Explanation, "A 类客户与 KPI 无关。"; got != want {
		t.Errorf("row 4 explanation %q, want it unchanged", got)
	}
}
