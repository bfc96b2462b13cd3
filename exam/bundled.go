package exam

import (
	"slices"

	"github.com/csmexam/csmexam/content"
)

// Codes of the bundled blueprints.
const (
	L2Theory  = "L2-theory"
	L2Skills  = "L2-skills"
	QuickQuiz = "quick-quiz"
)

// bundledScope is the bundled bank's two levels: the shared 基础知识 and level 2.
var bundledScope = []string{"JC", "L2"}

// Bundled returns the blueprints that ship with csmexam, normalized and valid; each call
// returns fresh values the caller may change.
//
//   - L2-theory, 二级理论知识模拟, the composition of the level-2 theory paper (seed 002):
//     140 single × 0.5 + 20 true/false × 0.5 + 20 multiple × 1 = 100 points, 90 minutes,
//     pass 60, submitted automatically at the deadline, options shuffled, multiple choice
//     all or nothing.
//   - L2-skills, 二级技能模拟, the composition of the level-2 skills paper (seed 002: "问题
//     5题, 论述4题, 加2题解析题"): 5 问题 × 6 + 4 论述 × 10 + 2 解析题 × 15 = 100 points,
//     120 minutes, pass 60. No source we could find gives the real points per item; this
//     split weighs an argued essay above a short answer and a case above both.
//   - quick-quiz, 快速小测: 6 single, 2 true/false and 2 multiple choice at 1 point each,
//     10 minutes, pass 6.
func Bundled() []Blueprint {
	bps := []Blueprint{
		{
			Code: L2Theory, Title: "二级理论知识模拟", Mode: ModeExam, DurationS: 5400, PassScore: content.Pts(60),
			Sections: []Section{
				{Type: content.Single, Count: 140, PointsEach: content.Pts(0.5)},
				{Type: content.TrueFalse, Count: 20, PointsEach: content.Pts(0.5)},
				{Type: content.Multiple, Count: 20, PointsEach: content.Pts(1)},
			},
			Overdue: OverdueAutoSubmit, ShuffleOptions: true, MultipleScoring: AllOrNothing,
		},
		{
			Code: L2Skills, Title: "二级技能模拟", Mode: ModeExam, DurationS: 7200, PassScore: content.Pts(60),
			Sections: []Section{
				{Type: content.Case, Form: content.Short, Count: 5, PointsEach: content.Pts(6)},
				{Type: content.Case, Form: content.Essay, Count: 4, PointsEach: content.Pts(10)},
				{Type: content.Case, Form: content.Analysis, Count: 2, PointsEach: content.Pts(15)},
			},
			Overdue: OverdueAutoSubmit, MultipleScoring: AllOrNothing,
		},
		{
			Code: QuickQuiz, Title: "快速小测", Mode: ModeExam, DurationS: 600, PassScore: content.Pts(6),
			Sections: []Section{
				{Type: content.Single, Count: 6, PointsEach: content.Pts(1)},
				{Type: content.TrueFalse, Count: 2, PointsEach: content.Pts(1)},
				{Type: content.Multiple, Count: 2, PointsEach: content.Pts(1)},
			},
			Overdue: OverdueAutoSubmit, ShuffleQuestions: true, ShuffleOptions: true, MultipleScoring: AllOrNothing,
		},
	}
	for i := range bps {
		bps[i].Scope = Scope{Units: append([]string(nil), bundledScope...)}
		bps[i].Normalize()
	}
	return bps
}

// Practice blueprints: one per chapter, PracticeCount objective questions in PracticeDurationS.
const (
	PracticeCount     = 20
	PracticeDurationS = 1200
)

// practiceTypes are the types a chapter practice draws, in paper order.
var practiceTypes = []content.Type{content.Single, content.TrueFalse, content.Multiple}

// PracticeBlueprints returns one practice blueprint per chapter of nodes, in syllabus
// order: code "practice-<chapter code>", title "章节练习：<chapter title>", mode practice,
// 20 questions at 1 point each (pass 12), 1200 seconds, scoped to the chapter. bank holds
// one entry per question (current versions); only chapters with at least 20 single,
// true/false and multiple-choice questions get one. The 20 are split over the three types
// in proportion to what the chapter has (largest remainder, ties to the earlier type), so
// the split never asks for more of a type than the chapter holds.
func PracticeBlueprints(bank []content.Question, nodes []content.Node) []Blueprint {
	have := make(map[string]*[3]int)
	for i := range bank {
		t := slices.Index(practiceTypes, bank[i].Type)
		if t < 0 {
			continue
		}
		ch := content.ChapterOf(bank[i].Unit)
		if have[ch] == nil {
			have[ch] = new([3]int)
		}
		have[ch][t]++
	}
	var out []Blueprint
	for _, n := range nodes {
		counts := have[n.Code]
		if n.Kind != content.Chapter || counts == nil {
			continue
		}
		if counts[0]+counts[1]+counts[2] < PracticeCount {
			continue
		}
		split := largestRemainder(PracticeCount, counts[:], nil)
		bp := Blueprint{
			Code: "practice-" + n.Code, Title: "章节练习：" + n.Title, Mode: ModePractice,
			DurationS: PracticeDurationS, PassScore: content.Pts(PracticeCount * 0.6),
			Overdue: OverdueAutoSubmit, ShuffleQuestions: true, ShuffleOptions: true,
			MultipleScoring: AllOrNothing, Scope: Scope{Units: []string{n.Code}},
		}
		for t, c := range split {
			if c > 0 {
				bp.Sections = append(bp.Sections, Section{Type: practiceTypes[t], Count: c, PointsEach: content.Pts(1)})
			}
		}
		bp.Normalize()
		out = append(out, bp)
	}
	return out
}
