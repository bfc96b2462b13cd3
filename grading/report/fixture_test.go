package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
)

// sampleReport is a realistic failed 二级 theory-and-skills attempt: long Chinese stems,
// mixed Latin and digits, unanswered and true/false questions, two reviewed cases. It
// lays out to four A4 pages; BenchmarkEncode times it.
func sampleReport() *Report {
	// abcd letters texts A, B, … and marks the right and the chosen ones.
	abcd := func(key, given string, texts ...string) []Option {
		var o []Option
		for i, t := range texts {
			l := string(rune('A' + i))
			o = append(o, Option{Letter: l, Text: t, Key: strings.Contains(key, l), Given: strings.Contains(given, l)})
		}
		return o
	}
	trueFalse := func(key, given string) []Option {
		return []Option{{Text: "正确", Key: key == "正确", Given: given == "正确"}, {Text: "错误", Key: key == "错误", Given: given == "错误"}}
	}
	wrong := []Item{
		{No: 3, Section: "单项选择题", Stem: "客户服务是指企业通过其员工提供产品和服务以满足客户需求的行为。对客户服务演变的认识中，把客户服务看作“服务产品+产品服务”的观点，强调的是（ ）。",
			Options: abcd("C", "B", "客户服务就是售后服务", "围绕产品的交易和使用而展开的服务", "提供产品和服务以满足客户需要的行为", "以价格竞争为核心的促销活动"),
			Given:   "B", Key: "C", Explanation: "客户服务的演变经历了三种认识：售后服务、“产品服务”，以及“提供产品和服务以满足客户需要的行为”，即“服务产品+产品服务”。", MaxScore: content.Pts(1)},
		{No: 12, Section: "单项选择题", Stem: "客户服务环境是指与企业营销活动有潜在关系的所有外部力量和相关因素的集合。在宏观环境分析中，被称为构成市场的第一要素的是（ ）。",
			Options: abcd("B", "A", "经济环境", "市场人口", "政治法律环境", "技术环境"), Given: "A", Key: "B",
			Explanation: "宏观环境包括市场人口、经济环境、政治法律环境、技术环境和社会文化环境，其中人口是构成市场的第一要素；科学技术是社会生产力最新和最活跃的因素。", MaxScore: content.Pts(1)},
		{No: 18, Section: "单项选择题", Stem: "某电信企业 2025 年第 3 季度的客户满意度调查显示，CSAT 由 86% 下降到 79%，NPS 由 32 降到 18。客户服务部经理首先应当做的是（ ）。",
			Options: abcd("B", "C", "立即调整全部服务流程", "分析满意度下降的根本原因并评估各环节", "增加呼叫中心座席人数", "对一线员工进行处罚"), Given: "C", Key: "B",
			Explanation: "发现问题后应先找到请求的根本原因，再对客户的需求作出反应，采取有成效的行动并积极反馈，最后评估客户满意度。", MaxScore: content.Pts(1)},
		{No: 23, Section: "单项选择题", Stem: "客户服务代理是指客户服务代理人以被代理人的名义，在代理权限内代理客户服务活动的行为。下列关于客户服务代理的说法中，错误的是（ ）。",
			Options: abcd("C", "D", "代理人可以是一个人，也可以是数人", "代理人要取得代理权", "代理人可以根据客户需要超越代理权限", "代理人的代理后果由企业承担责任"), Given: "D", Key: "C",
			Explanation: "代理人不得超越代理权限代理，更不得滥用代理权，损害被代理人的利益。", MaxScore: content.Pts(1)},
		{No: 26, Section: "单项选择题", Stem: "客户服务的多样性源自客户对不同服务形式的需要。客户服务变革的目的是推陈出新，变革的要求是（ ）。",
			Options: abcd("B", "C", "降低成本", "与时俱进", "统一标准", "扩大规模"), Given: "C", Key: "B",
			Explanation: "客户服务的变革性：变革的目的是推陈出新，变革的要求是与时俱进，包括改革和创新两个方面。", MaxScore: content.Pts(1)},
		{No: 28, Section: "单项选择题", Stem: "企业作为提供服务的主体即服务的操作者，在客户服务中的主体作用不包括（ ）。",
			Options: abcd("D", "B", "企业是客户服务的组织者", "企业是客户服务成功的保证", "企业是客户服务的责任人", "企业是客户服务的最终评价者"), Given: "B", Key: "D",
			Explanation: "企业的主体作用表现在：企业是客户服务的组织者，是客户服务成功的保证，是客户服务的责任人；服务的评价者是客户。", MaxScore: content.Pts(1)},
		{No: 31, Section: "多项选择题", Stem: "制订客户服务工作的规章制度，将各岗位上客户服务人员的责任和权利更加具体地予以规定或说明。客户服务部门建立的规章制度主要应该有（ ）。",
			Options: abcd("ABCD", "AB", "各类服务业务规程和操作规程", "岗位责任制度", "售后服务规程和培训制度", "客户服务人员考勤制度和奖惩制度", "企业年度财务预算制度"),
			Given:   "A、B", Key: "A、B、C、D",
			Explanation: "主要有各类服务业务规程、操作规程、岗位责任制度、售后服务规程、培训制度、客户服务人员考勤制度和奖惩制度等，以便于执行和监督检查。", MaxScore: content.Pts(2)},
		{No: 38, Section: "多项选择题", Stem: "微观环境分析中，企业之所以要重视营销环境，是因为（ ）。",
			Options: abcd("ABC", "AD", "市场营销环境是一个动态系统", "构成营销环境的诸多元素都受众多因素的影响", "环境因素的变化速度呈加快趋势", "营销环境与企业经营活动没有关系"), Given: "A、D", Key: "A、B、C",
			Explanation: "营销环境是在一定的时间和空间发生的、对企业营销活动有影响的各项因素，每一环境因素都随着社会经济的发展而不断变化。", MaxScore: content.Pts(2)},
		{No: 45, Section: "判断题", Stem: "客户服务员工“覆盖企业的各个等级”，既可以是企业员工的总体，也可以是企业员工的一部分，但不包括企业的代理人。",
			Options: trueFalse("错误", "正确"), Given: "正确", Key: "错误",
			Explanation: "客户服务员工可能“是企业的代表，亦可能是企业的代理”，并且包括所有直接或间接参加企业活动的人。", MaxScore: content.Pts(0.5)},
	}
	return &Report{
		Center:     "上海浦东新区职业技能培训中心（客户服务管理师鉴定站）",
		Candidate:  "欧阳晓燕",
		Username:   "oyxy2026",
		Blueprint:  "客户服务管理师二级 · 理论知识与专业能力模拟卷 B",
		Date:       time.Date(2026, 11, 29, 14, 35, 0, 0, time.FixedZone("CST", 8*3600)),
		AttemptID:  40917,
		VerifyCode: "K7Q2-9XMD",
		Score:      content.Pts(57.5), MaxScore: content.Pts(100), PassScore: content.Pts(60),
		TimeUsed: 98*time.Minute + 12*time.Second,
		Sections: []Line{
			{Title: "单项选择题", Score: content.Pts(35), MaxScore: content.Pts(40), Count: 40, Correct: 35},
			{Title: "多项选择题", Score: content.Pts(8), MaxScore: content.Pts(20), Count: 10, Correct: 4},
			{Title: "判断题", Score: content.Pts(4.5), MaxScore: content.Pts(5), Count: 10, Correct: 9},
			{Title: "案例分析题", Score: content.Pts(10), MaxScore: content.Pts(35), Count: 2},
		},
		Chapters: []Line{
			{Title: "第一章 客户服务管理规划", Score: content.Pts(12), MaxScore: content.Pts(15)},
			{Title: "第二章 客服人员管理", Score: content.Pts(9.5), MaxScore: content.Pts(14)},
			{Title: "第三章 客户服务质量管理与服务质量差距分析（含 SERVQUAL 模型）", Score: content.Pts(6), MaxScore: content.Pts(16)},
			{Title: "第四章 客户信息与客户关系管理", Score: content.Pts(11), MaxScore: content.Pts(12)},
			{Title: "第五章 客户投诉管理", Score: content.Pts(8), MaxScore: content.Pts(18)},
			{Title: "第六章 售后服务与客户承诺管理", Score: content.Pts(11), MaxScore: content.Pts(25)},
		},
		Wrong: wrong,
		Unanswered: []Unanswered{
			{No: 7, Stem: "对于约定的服务要求，能按质按量按时提供和完成服务；对于临时性的服务要求，能在合理的时间内提供和完成服务。这体现了客户服务的（ ）。"},
			{No: 34, Stem: "客户信息管理主要是对客户资料和客户信用两个方面进行管理。下列属于客户信用管理工作内容的有（ ）。"},
			{No: 49, Stem: "服务质量差距分析中，客户期望与管理者对客户期望的认知之间的差距，通常可以通过加强市场调研和改进向上沟通来缩小。"},
		},
		Cases: []CaseItem{sampleCase(1, 6), sampleCase(2, 4)},
	}
}

// fivePageReport is the sample with four reviewed cases instead of two, as a paper with a
// longer 案例分析 part carries (the section and the totals grow to match, the pass mark
// stays 60 %): five A4 pages, and what BenchmarkEncode times besides the sample. The
// sample itself was five pages before the compact listing of wrong answers.
func fivePageReport() *Report {
	r := sampleReport()
	r.Cases = append(r.Cases, sampleCase(3, 7), sampleCase(4, 9))
	cases := &r.Sections[len(r.Sections)-1]
	cases.Count += 2
	cases.Score += content.Pts(16)
	cases.MaxScore += content.Pts(35)
	r.Score += content.Pts(16)
	r.MaxScore += content.Pts(35)
	last := &r.Chapters[len(r.Chapters)-1]
	last.Score += content.Pts(16)
	last.MaxScore += content.Pts(35)
	r.PassScore = content.Pts(81)
	return r
}

func sampleCase(no int, score float64) CaseItem {
	return CaseItem{
		No:       no,
		Material: fmt.Sprintf("某家电企业（案例 %d）近年来销售额持续增长，但售后投诉量同比上升 42%%。客户反映：报修电话经常占线，上门服务预约时间一再推迟，维修人员对故障原因解释不清，部分客户在社交媒体上公开抱怨，对企业品牌形象造成了负面影响。企业客户服务部现有座席 35 人，上门服务工程师 120 人，尚未建立统一的客户信息管理系统，各地服务网点的服务标准也不一致。", no),
		Stem:     "请结合客户服务管理的有关知识，回答下列问题。",
		Parts: []CasePart{
			{Prompt: "该企业在客户服务管理方面存在哪些主要问题？", Answer: "一是服务渠道不畅，报修电话占线；二是服务不及时，预约时间一再推迟；三是服务人员专业能力和沟通能力不足；四是缺乏统一的客户信息管理系统和服务标准。",
				Points: []PointScore{
					{Point: "指出服务渠道（呼叫中心）能力不足", Score: content.Pts(2), MaxScore: content.Pts(2)},
					{Point: "指出服务及时性差，违背客户服务的及时性要求", Score: content.Pts(1), MaxScore: content.Pts(2)},
					{Point: "指出客户信息管理缺失、服务标准不统一", Score: content.Pts(1), MaxScore: content.Pts(2)},
				}, Score: content.Pts(4), MaxScore: content.Pts(6)},
			{Prompt: "请为该企业设计改进客户服务质量的措施，并说明如何评估改进效果。", Answer: "建立客户服务标准，加强培训。",
				Points: []PointScore{
					{Point: "制订统一的客户服务标准、业务标准和流程标准", Score: content.Pts(1), MaxScore: content.Pts(3)},
					{Point: "建立客户信息管理系统，实现客户资料和信用管理", Score: content.Pts(0), MaxScore: content.Pts(3)},
					{Point: "加强客服人员培训与绩效考核", Score: content.Pts(1), MaxScore: content.Pts(2)},
					{Point: "通过满意度调查、投诉率等指标评估改进效果", Score: content.Pts(0), MaxScore: content.Pts(3)},
				}, Score: content.Pts(score - 4), MaxScore: content.Pts(11)},
		},
		Comment:  "问题分析较准确，但改进措施过于简略，没有说明如何评估效果。建议按照“发现问题—分析原因—制订措施—评估反馈”的思路作答，并结合服务质量差距模型展开。",
		Score:    content.Pts(score),
		MaxScore: content.Pts(17.5),
	}
}
