package grading_test

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

var stagesPart = content.CasePart{Prompt: "处于哪个阶段？", Points: content.Pts(6), Rubric: []content.RubricPoint{
	{Point: "售后服务阶段", Score: content.Pts(2), Keywords: []string{"售后服务", "第一阶段"}},
	{Point: "产品服务", Score: content.Pts(2), Keywords: []string{"交易和使用"}, Synonyms: []string{"产品服务"}},
	{Point: "服务产品+产品服务", Score: content.Pts(2), Keywords: []string{"服务产品+产品服务", "ＣＲＭ"}},
}}

func TestSuggestMatchesKeywordsAcrossWidthPunctuationAndCase(t *testing.T) {
	t.Parallel()
	answer := "该超市处于“第一 阶段”，即认为客户服务就是售后服务。现代观念是：服务产品 ＋ 产品服务，并借助crm。"
	ps := grading.Suggest(stagesPart, "", answer)
	if ps.MaxScore != content.Pts(6) || len(ps.Points) != 3 {
		t.Fatalf("part score %+v", ps)
	}
	// Point 1: "第一 阶段" (a space inside) and "售后服务" both hit, in text order.
	p := ps.Points[0]
	runes := []rune(answer)
	if p.Suggested != content.Pts(2) || len(p.Hits) != 2 || string(runes[p.Hits[0].Start:p.Hits[0].End]) != "第一 阶段" ||
		string(runes[p.Hits[1].Start:p.Hits[1].End]) != "售后服务" {
		t.Fatalf("point 1: %+v", p)
	}
	// Point 2: only the synonym 产品服务 occurs (inside "服务产品 ＋ 产品服务").
	if p := ps.Points[1]; p.Suggested != content.Pts(2) || len(p.Hits) != 1 || p.Hits[0].Word != "产品服务" {
		t.Fatalf("point 2: %+v", p)
	}
	// Point 3: the full-width ＋ and the spaces fold away; ＣＲＭ matches crm.
	p = ps.Points[2]
	if p.Suggested != content.Pts(2) || len(p.Hits) != 2 || string(runes[p.Hits[0].Start:p.Hits[0].End]) != "服务产品 ＋ 产品服务" ||
		string(runes[p.Hits[1].Start:p.Hits[1].End]) != "crm" {
		t.Fatalf("point 3: %+v", p)
	}
	if ps := grading.Suggest(stagesPart, "", "客户至上。"); ps.Points[0].Suggested != 0 || len(ps.Points[1].Hits) != 0 {
		t.Fatalf("an answer without keywords: %+v", ps)
	}
	punct := content.CasePart{Points: content.Pts(1), Rubric: []content.RubricPoint{{Score: content.Pts(1), Keywords: []string{"！！"}}}}
	if ps := grading.Suggest(punct, "", "任何回答！！"); ps.Points[0].Suggested != 0 {
		t.Fatal("a keyword of punctuation alone matched")
	}
}

func caseQuestion() *content.Question {
	return &content.Question{ID: 7, Version: 1, Type: content.Case, Unit: "JC.1.1.2", Parts: []content.CasePart{stagesPart,
		{Prompt: "说法对吗？", Points: content.Pts(4), Rubric: []content.RubricPoint{
			{Point: "不对", Score: content.Pts(2.5), Keywords: []string{"不对"}},
			{Point: "内部客户", Score: content.Pts(1.5), Keywords: []string{"内部客户"}}}}}}
}

func TestCaseReviewSuggestsThenScoresTheInstructorsGrade(t *testing.T) {
	t.Parallel()
	q := caseQuestion()
	paper := exam.Paper{Sections: []exam.PaperSection{{Type: content.Case, PointsEach: content.Pts(20), Items: []exam.Item{{QuestionID: 7, Version: 1}}}}}
	a := &exam.Attempt{ID: 3, Paper: paper, Rules: exam.Blueprint{PassScore: content.Pts(12)}}
	in := exam.GradeInput{Attempt: a, Questions: map[content.Ref]*content.Question{{ID: 7, Version: 1}: q},
		Answers: map[int64]exam.Answer{7: {Parts: []string{"该超市处于第一阶段，把客户服务当成售后服务。", "这种说法不对。"}}}}
	r := grading.Grade(in)
	it := r.Items[0]
	if r.Status != exam.PendingReview || r.Score != 0 || !it.Pending || !it.Answered || len(it.Parts) != 2 ||
		it.Parts[0].Points[0].Suggested != content.Pts(2) || it.Parts[0].Points[1].Suggested != 0 || it.Parts[1].Points[0].Suggested != content.Pts(2.5) {
		t.Fatalf("before review: %+v", r)
	}
	// 6 of 10 raw points on a 20-point case: 12.
	g := grading.CaseGrade{Scores: []content.Points{content.Pts(2), content.Pts(1.5), 0, content.Pts(2.5), 0}, Comment: "第二阶段答得不完整"}
	r = grading.Rescore(in, grading.Review{Grades: map[int64]grading.CaseGrade{7: g}})
	it = r.Items[0]
	if r.Status != exam.Graded || !r.Passed || r.Score != content.Pts(12) || it.Pending || it.Comment != g.Comment ||
		it.Parts[0].Score != content.Pts(3.5) || it.Parts[1].Points[0].Score != content.Pts(2.5) || r.Chapters[0].Score != content.Pts(12) {
		t.Fatalf("after review: %+v", r)
	}
	// A grade that no longer fits the rubric (a corrected question with fewer points) leaves the case pending.
	fixed := *q
	fixed.Version, fixed.Parts = 2, q.Parts[:1]
	r = grading.Rescore(in, grading.Review{Grades: map[int64]grading.CaseGrade{7: g}, Corrected: map[int64]*content.Question{7: &fixed}})
	if r.Status != exam.PendingReview || r.Score != 0 || len(r.Items[0].Parts) != 1 {
		t.Fatalf("grade against an old rubric: %+v", r)
	}
}

func TestCaseScoreRoundsToHalfPoints(t *testing.T) {
	t.Parallel()
	q := &content.Question{Parts: []content.CasePart{{Points: content.Pts(25)}}}
	for _, c := range []struct{ raw, weight, want float64 }{
		{15, 20, 12}, {25, 20, 20}, {0, 20, 0}, {0.5, 20, 0.5}, {1, 20, 1}, {13.5, 20, 11}, {12.5, 15, 7.5},
	} {
		if got := grading.CaseScore(q, []content.Points{content.Pts(c.raw)}, content.Pts(c.weight)); got != content.Pts(c.want) {
			t.Errorf("%v of 25 on %v: %s, want %v", c.raw, c.weight, got, c.want)
		}
	}
}

func TestCheckGradeNamesTheScore(t *testing.T) {
	t.Parallel()
	q := caseQuestion()
	for _, c := range []struct {
		scores []content.Points
		field  string
	}{
		{[]content.Points{1, 2}, "scores"},
		{[]content.Points{content.Pts(2.5), 0, 0, 0, 0}, "scores[0]"},
		{[]content.Points{0, 0, 0, 0, content.Pts(-0.5)}, "scores[4]"},
		{[]content.Points{0, 0, 0, content.Pts(0.25), 0}, "scores[3]"},
	} {
		err := grading.CheckGrade(q, c.scores)
		ve, ok := err.(*content.ValidationError)
		if !ok || ve.Field != c.field {
			t.Errorf("%v: %v, want a validation error on %s", c.scores, err, c.field)
		}
	}
	if err := grading.CheckGrade(q, []content.Points{content.Pts(2), content.Pts(2), content.Pts(0.5), content.Pts(2.5), content.Pts(1.5)}); err != nil {
		t.Fatal(err)
	}
}

// reasonsOf lists a point's reasons as "kind:word" (and "/cue").
func reasonsOf(p exam.PointScore) []string {
	var out []string
	for _, r := range p.Reasons {
		s := string(r.Kind) + ":" + r.Word
		if r.Cue != "" {
			s += "/" + r.Cue
		}
		out = append(out, s)
	}
	return out
}

func TestSuggestReadsNumbersWrittenInWords(t *testing.T) {
	t.Parallel()
	part := content.CasePart{Points: content.Pts(3), Rubric: []content.RubricPoint{
		{Point: "抱怨平均告诉10人", Score: content.Pts(1), Keywords: []string{"10个人"}},
		{Point: "81%的抱怨客户永远消失", Score: content.Pts(1), Keywords: []string{"81%"}},
		{Point: "咨询量下降约三成", Score: content.Pts(1), Keywords: []string{"30%"}},
	}}
	answer := "不满的顾客会告诉十个人，百分之八十一的抱怨客户会永远消失，咨询量下降了三成。"
	ps := grading.Suggest(part, "", answer)
	runes := []rune(answer)
	for i, want := range []string{"十个人", "百分之八十一", "三成"} {
		p := ps.Points[i]
		if p.Suggested != content.Pts(1) || len(p.Hits) != 1 || string(runes[p.Hits[0].Start:p.Hits[0].End]) != want {
			t.Errorf("point %d: %+v, want a hit on %s", i+1, p, want)
		}
	}
	if ps := grading.Suggest(part, "", "只有4%的人说出来，其余的人沉默，0.81的抱怨客户会永远消失。"); ps.Points[1].Suggested != content.Pts(1) {
		t.Errorf("0.81 is 81%%: %+v", ps.Points[1])
	}
}

var judgePart = content.CasePart{Points: content.Pts(4), Reference: "这一想法不妥。客服部门可以牵头，但不可以总揽。人员配备和培训不到位。",
	Rubric: []content.RubricPoint{
		{Point: "判断不妥", Score: content.Pts(2), Keywords: []string{"不妥"}},
		{Point: "人员配备和培训不到位", Score: content.Pts(2), Keywords: []string{"培训"}},
	}}

func TestSuggestNegationCancelsAHitAgainstTheRubricsSense(t *testing.T) {
	t.Parallel()
	ps := grading.Suggest(judgePart, "", "我认为总经理的想法并无不妥，这样安排责任明确，员工已经接受过培训，不是缺少培训的问题。")
	if p := ps.Points[0]; p.Suggested != 0 || len(p.Hits) != 0 || !slices.Contains(reasonsOf(p), "negated:不妥/并无") {
		t.Errorf("并无不妥: %+v", p)
	}
	// 接受过培训 is not what the rubric means (培训不到位); 不是缺少培训 denies it.
	if p := ps.Points[1]; p.Suggested != content.Pts(2) && p.Suggested != 0 {
		t.Errorf("培训: %+v", p)
	}
	// A lack, said as the rubric says it, is no negation of the point.
	ps = grading.Suggest(judgePart, "", "这个想法不妥，客服部只能牵头。员工没有经过岗前培训，不熟悉产品。")
	if ps.Points[0].Suggested != content.Pts(2) || ps.Points[1].Suggested != content.Pts(2) {
		t.Errorf("不妥 and 没有培训: %+v", ps.Points)
	}
	ps = grading.Suggest(judgePart, "", "问题不是缺少培训，而是态度。")
	if p := ps.Points[1]; p.Suggested != 0 || !slices.Contains(reasonsOf(p), "negated:培训/缺少") {
		t.Errorf("不是缺少培训: %+v", p)
	}
}

var competitorPart = content.CasePart{Points: content.Pts(4), Rubric: []content.RubricPoint{
	{Point: "①品牌竞争者", Score: content.Pts(2), Keywords: []string{"品牌竞争者"}, Pairs: [][]string{{"品牌竞争者", "1"}}},
	{Point: "②产品形式竞争者", Score: content.Pts(2), Keywords: []string{"产品形式竞争者"}, Pairs: [][]string{{"产品形式竞争者", "2"}}},
}}

func TestSuggestScoresAPairOnlyWithinOneClause(t *testing.T) {
	t.Parallel()
	ps := grading.Suggest(competitorPart, "", "①属于品牌竞争者，规格相同而品牌不同；第二种情况属于产品形式竞争者，规格不同。")
	if ps.Points[0].Suggested != content.Pts(2) || ps.Points[1].Suggested != content.Pts(2) || len(ps.Points[0].Hits) != 2 {
		t.Fatalf("right pairs: %+v", ps.Points)
	}
	ps = grading.Suggest(competitorPart, "", "①不是品牌竞争者，①属于产品形式竞争者，规格不同；②属于品牌竞争者，品牌不同。")
	if r := reasonsOf(ps.Points[0]); !slices.Contains(r, "negated:品牌竞争者/不是") || !slices.Contains(r, "pair_broken:品牌竞争者/1") {
		t.Errorf("reasons of a negated and a broken pair: %v", r)
	}
	for i, p := range ps.Points {
		if p.Suggested != 0 || len(p.Hits) != 0 || !slices.ContainsFunc(reasonsOf(p), func(r string) bool { return strings.HasPrefix(r, "pair_broken:") }) {
			t.Errorf("swapped types, point %d: %+v", i+1, p)
		}
	}
}

func TestSuggestGivesNothingForCopiedMaterialAndFlagsIt(t *testing.T) {
	t.Parallel()
	material := "森恒家居成立客户服务部，从仓库调来5名员工，没有安排任何岗前培训。客服部在组织架构上挂在销售部之下，主管无权要求生产部、物流部配合工作。"
	part := content.CasePart{Points: content.Pts(4), Reference: "缺少地位和权力；人员培训不到位。", Rubric: []content.RubricPoint{
		{Point: "缺少相应的地位、权力", Score: content.Pts(2), Keywords: []string{"无权", "销售部之下"}},
		{Point: "培训不到位", Score: content.Pts(2), Keywords: []string{"岗前培训"}},
	}}
	ps := grading.Suggest(part, material, material)
	if !ps.Copied || ps.Points[0].Suggested != 0 || ps.Points[1].Suggested != 0 ||
		!slices.Contains(reasonsOf(ps.Points[0]), "copied:无权") {
		t.Fatalf("pasted material: %+v", ps)
	}
	// Citing a fact in one's own words is not copying.
	ps = grading.Suggest(part, material, "客服部挂在销售部之下，地位低，主管无权调动别的部门；员工没有经过岗前培训。")
	if ps.Copied || ps.Points[0].Suggested != content.Pts(2) || ps.Points[1].Suggested != content.Pts(2) {
		t.Fatalf("an answer citing the case: %+v", ps)
	}
}

func TestSuggestGivesHalfForABareList(t *testing.T) {
	t.Parallel()
	ps := grading.Suggest(judgePart, "", "不妥、牵头、培训")
	if ps.Points[0].Suggested != content.Pts(1) || !slices.Contains(reasonsOf(ps.Points[0]), "listed:不妥") {
		t.Fatalf("a bare list: %+v", ps.Points)
	}
}

func TestSuggestMatchesWordsAndSharedSynonyms(t *testing.T) {
	t.Parallel()
	part := content.CasePart{Points: content.Pts(2), Rubric: []content.RubricPoint{
		{Point: "按时完成", Score: content.Pts(1), Keywords: []string{"按时"}},
		{Point: "外部客户", Score: content.Pts(1), Keywords: []string{"外部客户"}},
	}}
	ps := grading.Suggest(part, "", "按时间顺序排列以后，补货延误也伤害了外部顾客的利益。")
	if ps.Points[0].Suggested != 0 {
		t.Errorf("按时 matched inside 按时间: %+v", ps.Points[0])
	}
	if p := ps.Points[1]; p.Suggested != content.Pts(1) || p.Hits[0].Word != "外部客户" {
		t.Errorf("外部顾客 is 外部客户: %+v", p)
	}
}

func TestSuggestIsSafeFromManyGoroutines(t *testing.T) {
	t.Parallel()
	answer := "我认为这种说法不对。门店是配送中心的内部客户。"
	want := grading.Suggest(stagesPart, "", answer)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := grading.Suggest(stagesPart, "", answer); !reflect.DeepEqual(got, want) {
				t.Error("a different suggestion under concurrency")
			}
		}()
	}
	wg.Wait()
}

// TestSuggestReadsAskingWhetherAsNoDenial: 能不能 and 有没有 ask whether; they deny nothing,
// so the words after them still earn their point.
func TestSuggestReadsAskingWhetherAsNoDenial(t *testing.T) {
	t.Parallel()
	part := content.CasePart{Prompt: "环境有何作用？", Points: content.Pts(2), Reference: "环境决定企业拓展新客户。",
		Rubric: []content.RubricPoint{{Point: "拓展新客户", Score: content.Pts(2), Keywords: []string{"拓展新客户"}}}}
	for answer, want := range map[string]content.Points{
		"它决定企业能不能拓展新客户。":   content.Pts(2),
		"要看企业有没有拓展新客户的能力。": content.Pts(2),
		"企业不能拓展新客户。":       0,
	} {
		if got := grading.Suggest(part, "", answer).Points[0].Suggested; got != want {
			t.Errorf("%s: suggested %v, want %v", answer, got, want)
		}
	}
}

// TestSuggestGivesNothingForTheQuestionCopiedBack: a 问题 has no material, but its stem and
// prompt are given to the candidate (Given), and copying them back earns nothing.
func TestSuggestGivesNothingForTheQuestionCopiedBack(t *testing.T) {
	t.Parallel()
	q := &content.Question{Type: content.Case, Form: content.Short, Stem: "客户信息管理包括哪两个方面？"}
	part := content.CasePart{Prompt: "分别说明客户资料管理和客户信用管理的工作内容。", Points: content.Pts(2),
		Rubric: []content.RubricPoint{{Point: "客户资料管理", Score: content.Pts(1), Keywords: []string{"客户资料管理"}},
			{Point: "客户信用管理", Score: content.Pts(1), Keywords: []string{"客户信用管理"}}}}
	if got := grading.Suggest(part, grading.Given(q, part), part.Prompt); got.Points[0].Suggested != 0 || got.Points[1].Suggested != 0 {
		t.Errorf("the prompt copied back earned %+v", got.Points)
	}
}
