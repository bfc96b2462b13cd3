package grading

import (
	"maps"
	"slices"
)

// sharedSynonyms are words of the field that candidates use interchangeably, so that a
// rubric written with one accepts the others without every 采分点 listing them. A term is
// expanded by swapping one of its words for another of the same group (外部客户 →
// 外部顾客). Each group says why its words are one.
var sharedSynonyms = [][]string{
	{"客户", "顾客", "消费者", "用户"},                      // the textbook says 客户; cases and candidates say 顾客, 消费者, 用户 for the same party
	{"培训", "训练", "培养"},                             // staff training: 岗前培训, 岗前训练
	{"协作", "配合", "合作", "协同", "协调"},                 // cooperation between departments, the textbook's 职能协作
	{"流程", "程序", "步骤"},                             // 制度和程序: written procedures
	{"制度", "规章", "规章制度"},                           // rules of the company
	{"满意度", "满意"},                                  // 提高顾客满意度 and 让顾客满意
	{"不妥", "不对", "不正确", "错误", "不合理", "不恰当", "不可取"}, // a judgement that a view or plan is wrong
	{"及时", "按时", "准时"},                             // timeliness, the textbook's 及时性
	{"投诉", "抱怨"},                                   // complaints
	{"企业", "公司"},                                   // the firm in a case
	{"员工", "职工", "人员"},                             // staff
	{"竞争对手", "竞争者", "对手"},                          // competitors
	{"调查", "调研"},                                   // a survey
	{"问卷", "调查表"},                                  // a questionnaire
	{"提高", "提升"},                                   // raise (a level, satisfaction)
	{"改进", "改善"},                                   // improve (a service, a process)
	{"需要", "需求"},                                   // customers' needs
	{"反馈", "回馈"},                                   // feedback
	{"标杆", "对标", "榜样"},                             // benchmarking: 以对手为标杆
	{"部门", "科室"},                                   // departments
}

// synonymOf maps each word of sharedSynonyms to its group.
var synonymOf = func() map[string][]string {
	m := make(map[string][]string)
	for _, g := range sharedSynonyms {
		for _, w := range g {
			m[w] = g
		}
	}
	return m
}()

// variants lists the ways term may be written, term first: with one run of its words (as
// the segmenter cuts the prepared term, see tokens) swapped for a shared synonym, and a
// number in its other form.
func variants(term []rune) [][]rune {
	out := [][]rune{term}
	seen := map[string]bool{string(term): true}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, []rune(s))
		}
	}
	for _, w := range synonymOf[string(term)] {
		add(w)
	}
	bounds := slices.Sorted(maps.Keys(cut(term).bounds))
	for i := 1; i < len(bounds); i++ {
		for j := i - 1; j >= 0; j-- { // every word of the term, and the words inside it
			from, to := bounds[j], bounds[i]
			for _, syn := range synonymOf[string(term[from:to])] {
				add(string(term[:from]) + syn + string(term[to:]))
			}
		}
	}
	for _, v := range numberVariants(string(term)) {
		add(v)
	}
	return out
}
