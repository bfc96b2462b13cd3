// Package exam knows how a mock exam is made and taken: blueprints (what a paper holds),
// paper assembly from the bank, attempts, answers and the exam clock.
package exam

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
)

// Mode says how an attempt runs: an exam keeps the key hidden until it is submitted;
// practice may reveal a question's key once that question is answered.
type Mode string

const (
	ModeExam     Mode = "exam"
	ModePractice Mode = "practice"
)

// Overdue says what happens to an attempt still open at its deadline.
type Overdue string

const (
	// OverdueAutoSubmit submits what was saved, at the deadline.
	OverdueAutoSubmit Overdue = "autosubmit"
	// OverdueGrace keeps accepting answers for GraceS seconds, then submits.
	OverdueGrace Overdue = "grace"
	// OverdueAbandon closes the attempt ungraded.
	OverdueAbandon Overdue = "abandon"
)

// Scoring says how a multiple-choice answer earns points.
type Scoring string

const (
	// AllOrNothing: the exact set of keys earns points_each; anything else earns 0.
	AllOrNothing Scoring = "all_or_nothing"
	// Partial: the exact set earns points_each; a non-empty proper subset of the keys with
	// no wrong choice earns points_each × partial_fraction; anything else earns 0.
	Partial Scoring = "partial"
)

// DefaultPartialFraction is the share of points_each a correct subset earns under Partial
// scoring when the blueprint names none: one half.
const DefaultPartialFraction = content.Points(50)

// Limits that keep a blueprint sane.
const (
	MaxTitleRunes     = 100
	MaxSectionCount   = 500
	MaxPointsEach     = content.Points(100 * 100) // 100 points per question or case
	MaxDurationS      = 24 * 60 * 60
	MaxGraceS         = 60 * 60
	MaxUnitCodeLength = 64
)

// Section is one part of a paper: Count questions of one Type, each worth PointsEach.
//
// For a case section PointsEach is the weight of one case, not a sum of its parts: a
// case's raw rubric total (content.Question.MaxPoints, e.g. 25) is scaled to PointsEach
// (e.g. 20), so a candidate with 15 of 25 raw points earns 15 × 20 / 25 = 12. Cases with
// different rubric totals thereby weigh the same on a paper.
//
// A case section may name a Form, drawing only cases of that form (问题, 论述 or 解析题),
// so a blueprint can mirror the real skills paper with one case section per form; without
// a Form it draws cases of every form.
type Section struct {
	Type       content.Type   `json:"type"`
	Form       content.Form   `json:"form,omitempty"`
	Count      int            `json:"count"`
	PointsEach content.Points `json:"points_each"`
}

// Title is the section's name on a paper: its form's, else its type's.
func (s Section) Title() string {
	if s.Form != "" {
		return s.Form.Title()
	}
	return s.Type.Title()
}

// Takes reports whether a question of the bank belongs in the section.
func (s Section) Takes(q *content.Question) bool {
	return q.Type == s.Type && (s.Form == "" || q.CaseForm() == s.Form)
}

// Points is what the section is worth: Count × PointsEach, exactly.
func (s Section) Points() content.Points { return content.Points(s.Count) * s.PointsEach }

// Quota reserves Count questions of Type from beneath Unit (any syllabus node code: a
// chapter, a section or a knowledge point). Quota questions count towards their type's
// section. Quotas on nested units are separate demands: {JC.1 × 5, JC.1.2 × 2} takes 7
// questions from beneath JC.1, at least 2 of them from beneath JC.1.2.
type Quota struct {
	Unit  string       `json:"unit"`
	Type  content.Type `json:"type"`
	Count int          `json:"count"`
}

// DifficultyShare asks that SharePercent of every section's questions have difficulty
// Level (1 easy … 5 hard). Assembly honours the mix as closely as the bank allows.
type DifficultyShare struct {
	Level        int `json:"level"`
	SharePercent int `json:"share_percent"`
}

// Scope limits a blueprint to questions beneath Units (node codes); empty means the whole bank.
type Scope struct {
	Units []string `json:"units,omitempty"`
}

// Blueprint describes a paper: its sections, its clock and its scoring rules. Assemble
// turns a blueprint and a seed into a Paper.
type Blueprint struct {
	Code string `json:"code"`
	// Version counts the saves of a center's blueprint: 1, then one more per edit. An
	// attempt keeps the blueprint as it was at its start (Attempt.Rules), version included.
	Version int `json:"version,omitempty"`
	// Retired blueprints are not offered for new starts or assignments; they stay
	// readable, and their attempts keep their results.
	Retired bool `json:"retired,omitempty"`
	// Bundled blueprints ship with the program and are read-only.
	Bundled bool `json:"bundled,omitempty"`
	// CenterID owns the blueprint; 0: shared (bundled, or an administrator's).
	CenterID  int64          `json:"center_id,omitempty"`
	Title     string         `json:"title"`
	Mode      Mode           `json:"mode"`
	DurationS int            `json:"duration_s"` // 0 in practice mode: untimed
	PassScore content.Points `json:"pass_score"`
	MaxScore  content.Points `json:"max_score"` // computed by Normalize from the sections
	Sections  []Section      `json:"sections"`

	Overdue          Overdue `json:"overdue"`
	GraceS           int     `json:"grace_s"` // only with Overdue == OverdueGrace
	ShuffleQuestions bool    `json:"shuffle_questions"`
	ShuffleOptions   bool    `json:"shuffle_options"`  // never true/false questions: T then F
	AttemptsAllowed  int     `json:"attempts_allowed"` // 0: unlimited

	MultipleScoring Scoring `json:"multiple_scoring"`
	// PartialFraction is a fraction in Points' hundredths (50 = 0.5, written 0.5 in JSON)
	// of a multiple-choice section's points_each that a correct subset earns under Partial.
	PartialFraction content.Points `json:"partial_fraction"`

	Quotas        []Quota           `json:"quotas,omitempty"`
	DifficultyMix []DifficultyShare `json:"difficulty_mix,omitempty"`
	// TargetDifficulty asks for a paper whose mean difficulty (observed where item analysis
	// has calibrated it, else authored; 1–5) lies within Tolerance of it; 0: no target.
	TargetDifficulty float64 `json:"target_difficulty,omitempty"`
	Tolerance        float64 `json:"tolerance,omitempty"`
	Scope            Scope   `json:"scope,omitzero"`

	// Integrity is the blueprint's 防作弊 policy (nil: none); an assignment may replace it.
	Integrity *Integrity `json:"integrity,omitempty"`
}

// Total is what a paper of the blueprint is worth: the sum of its sections, exactly.
func (bp *Blueprint) Total() content.Points {
	var sum content.Points
	for _, s := range bp.Sections {
		sum += s.Points()
	}
	return sum
}

// Section returns the blueprint's section of type t.
func (bp *Blueprint) Section(t content.Type) (Section, bool) {
	for _, s := range bp.Sections {
		if s.Type == t {
			return s, true
		}
	}
	return Section{}, false
}

// PartialCredit is what a correct subset of a multiple-choice question worth pointsEach
// earns: pointsEach × PartialFraction, or 0 under AllOrNothing. Validate guarantees the
// product is a whole number of hundredths for the blueprint's multiple section.
func (bp *Blueprint) PartialCredit(pointsEach content.Points) content.Points {
	if bp.MultipleScoring != Partial {
		return 0
	}
	return pointsEach * bp.PartialFraction / 100
}

// Normalize trims codes and titles, fills defaults (mode exam, overdue autosubmit,
// all-or-nothing scoring, a partial fraction of 0.5 under partial scoring) and computes
// MaxScore. Call it before Validate.
func (bp *Blueprint) Normalize() {
	bp.Code = strings.TrimSpace(bp.Code)
	bp.Title = strings.TrimSpace(bp.Title)
	if bp.Mode == "" {
		bp.Mode = ModeExam
	}
	if bp.Overdue == "" {
		bp.Overdue = OverdueAutoSubmit
	}
	if bp.MultipleScoring == "" {
		bp.MultipleScoring = AllOrNothing
	}
	if bp.MultipleScoring == Partial && bp.PartialFraction == 0 {
		bp.PartialFraction = DefaultPartialFraction
	}
	for i := range bp.Quotas {
		bp.Quotas[i].Unit = strings.TrimSpace(bp.Quotas[i].Unit)
	}
	for i := range bp.Scope.Units {
		bp.Scope.Units[i] = strings.TrimSpace(bp.Scope.Units[i])
	}
	if bp.Integrity != nil {
		bp.Integrity.Normalize()
		if !bp.Integrity.Active() {
			bp.Integrity = nil
		}
	}
	bp.MaxScore = bp.Total()
}

var (
	codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$`)
	unitPattern = regexp.MustCompile(`^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$`)
)

// Validate checks a normalized blueprint. The error is a *content.ValidationError (it
// matches content.ErrInvalid) naming the first wrong field, e.g. "sections[1].count".
// Unit codes are checked for form only; CheckUnits checks that they exist.
func (bp *Blueprint) Validate() error {
	if !codePattern.MatchString(bp.Code) {
		return content.Invalid("code", "代码须为 2 到 64 个字母、数字、点、下划线或连字符，且以字母或数字开头，而不是 %q", bp.Code)
	}
	if bp.Title == "" {
		return content.Invalid("title", "标题不能为空")
	}
	if utf8.RuneCountInString(bp.Title) > MaxTitleRunes {
		return content.Invalid("title", "标题不能超过 %d 字", MaxTitleRunes)
	}
	if err := content.CheckLine("title", bp.Title); err != nil {
		return err
	}
	switch bp.Mode {
	case ModeExam:
		if bp.DurationS <= 0 {
			return content.Invalid("duration_s", "考试模式的时长必须大于 0 秒")
		}
	case ModePractice:
		if bp.DurationS < 0 {
			return content.Invalid("duration_s", "时长不能为负数（0 表示不限时）")
		}
	default:
		return content.Invalid("mode", "模式必须是 exam 或 practice，而不是 %q", bp.Mode)
	}
	if bp.DurationS > MaxDurationS {
		return content.Invalid("duration_s", "时长不能超过 %d 秒", MaxDurationS)
	}
	if err := bp.validateSections(); err != nil {
		return err
	}
	total := bp.Total()
	if bp.PassScore < 0 || !bp.PassScore.HalfSteps() {
		return content.Invalid("pass_score", "及格分不能为负数，且以 0.5 分为单位")
	}
	if bp.PassScore > total {
		return content.Invalid("pass_score", "及格分 %s 超过了满分 %s", bp.PassScore, total)
	}
	switch bp.Overdue {
	case OverdueGrace:
		if bp.GraceS <= 0 {
			return content.Invalid("grace_s", "宽限时间必须大于 0 秒")
		}
		if bp.GraceS > MaxGraceS {
			return content.Invalid("grace_s", "宽限时间不能超过 %d 秒", MaxGraceS)
		}
	case OverdueAutoSubmit, OverdueAbandon:
		if bp.GraceS != 0 {
			return content.Invalid("grace_s", "只有 overdue 为 grace 时才有宽限时间")
		}
	default:
		return content.Invalid("overdue", "超时处理必须是 autosubmit、grace 或 abandon，而不是 %q", bp.Overdue)
	}
	if bp.AttemptsAllowed < 0 {
		return content.Invalid("attempts_allowed", "允许次数不能为负数（0 表示不限）")
	}
	if err := bp.validateScoring(); err != nil {
		return err
	}
	if err := bp.validateScope(); err != nil {
		return err
	}
	if err := bp.validateQuotas(); err != nil {
		return err
	}
	if err := bp.validateMix(); err != nil {
		return err
	}
	if bp.Integrity != nil {
		if err := bp.Integrity.Validate("integrity.", false); err != nil {
			return err
		}
	}
	return bp.validateTarget()
}

func (bp *Blueprint) validateSections() error {
	if len(bp.Sections) == 0 {
		return content.Invalid("sections", "至少要有一个题型部分")
	}
	for i, s := range bp.Sections {
		f := fmt.Sprintf("sections[%d]", i)
		if !s.Type.Valid() {
			return content.Invalid(f+".type", "题型必须是 single、multiple、truefalse 或 case，而不是 %q", s.Type)
		}
		if s.Form != "" && (s.Type != content.Case || !s.Form.Valid()) {
			return content.Invalid(f+".form", "只有案例分析题部分可以指定形式（short 问题、essay 论述、analysis 解析题），而不是 %q", s.Form)
		}
		for _, prev := range bp.Sections[:i] {
			if prev.Type != s.Type {
				continue
			}
			if prev.Form == "" || s.Form == "" {
				return content.Invalid(f+".type", "%s出现了两次（同一题型分成几部分时，每部分须指定不同的形式）", s.Type.Title())
			}
			if prev.Form == s.Form {
				return content.Invalid(f+".form", "%s出现了两次", s.Title())
			}
		}
		if s.Count <= 0 || s.Count > MaxSectionCount {
			return content.Invalid(f+".count", "%s的题数必须是 1 到 %d，而不是 %d", s.Type.Title(), MaxSectionCount, s.Count)
		}
		if s.PointsEach <= 0 || s.PointsEach > MaxPointsEach || !s.PointsEach.HalfSteps() {
			return content.Invalid(f+".points_each", "%s的每题分值必须大于 0、不超过 %s，且以 0.5 分为单位", s.Type.Title(), MaxPointsEach)
		}
	}
	return nil
}

func (bp *Blueprint) validateScoring() error {
	switch bp.MultipleScoring {
	case AllOrNothing:
		if bp.PartialFraction != 0 {
			return content.Invalid("partial_fraction", "只有 multiple_scoring 为 partial 时才有部分得分比例")
		}
	case Partial:
		if bp.PartialFraction <= 0 || bp.PartialFraction >= 100 {
			return content.Invalid("partial_fraction", "部分得分比例必须大于 0 且小于 1，而不是 %s", bp.PartialFraction)
		}
		if s, ok := bp.Section(content.Multiple); ok && s.PointsEach*bp.PartialFraction%100 != 0 {
			return content.Invalid("partial_fraction", "每题 %s 分的 %s 不是整百分之一分，请换一个比例", s.PointsEach, bp.PartialFraction)
		}
	default:
		return content.Invalid("multiple_scoring", "多选题计分必须是 all_or_nothing 或 partial，而不是 %q", bp.MultipleScoring)
	}
	return nil
}

func validUnit(code string) bool {
	return len(code) <= MaxUnitCodeLength && unitPattern.MatchString(code)
}

func (bp *Blueprint) validateScope() error {
	for i, u := range bp.Scope.Units {
		f := fmt.Sprintf("scope.units[%d]", i)
		if !validUnit(u) {
			return content.Invalid(f, "%q 不是知识单元代码（如 JC.1 或 L2.9.1）", u)
		}
		if slices.Contains(bp.Scope.Units[:i], u) {
			return content.Invalid(f, "范围 %s 出现了两次", u)
		}
	}
	return nil
}

// inScope reports whether a question of unit is within the blueprint's scope.
func (bp *Blueprint) inScope(unit string) bool {
	if len(bp.Scope.Units) == 0 {
		return true
	}
	for _, s := range bp.Scope.Units {
		if content.Beneath(unit, s) {
			return true
		}
	}
	return false
}

func (bp *Blueprint) validateQuotas() error {
	used := make(map[content.Type]int)
	for i, q := range bp.Quotas {
		f := fmt.Sprintf("quotas[%d]", i)
		if !validUnit(q.Unit) {
			return content.Invalid(f+".unit", "%q 不是知识单元代码（如 JC.1 或 L2.9.1）", q.Unit)
		}
		if len(bp.Scope.Units) > 0 && !slices.ContainsFunc(bp.Scope.Units, func(s string) bool {
			return content.Beneath(q.Unit, s) || content.Beneath(s, q.Unit)
		}) {
			return content.Invalid(f+".unit", "%s 不在本蓝图的范围内", q.Unit)
		}
		sec, ok := bp.Section(q.Type)
		if !ok {
			return content.Invalid(f+".type", "蓝图中没有%s部分", q.Type.Title())
		}
		if sec.Form != "" {
			return content.Invalid(f+".type", "%s按形式分成了几部分，不能再按知识单元设配额", q.Type.Title())
		}
		for _, prev := range bp.Quotas[:i] {
			if prev.Unit == q.Unit && prev.Type == q.Type {
				return content.Invalid(f+".unit", "%s 的%s配额出现了两次", q.Unit, q.Type.Title())
			}
		}
		if q.Count <= 0 {
			return content.Invalid(f+".count", "配额题数必须大于 0")
		}
		used[q.Type] += q.Count
		if used[q.Type] > sec.Count {
			return content.Invalid(f+".count", "%s的配额合计 %d 道，超过了该部分的 %d 道", q.Type.Title(), used[q.Type], sec.Count)
		}
	}
	return nil
}

func (bp *Blueprint) validateMix() error {
	if len(bp.DifficultyMix) == 0 {
		return nil
	}
	sum := 0
	for i, d := range bp.DifficultyMix {
		f := fmt.Sprintf("difficulty_mix[%d]", i)
		if d.Level < 1 || d.Level > 5 {
			return content.Invalid(f+".level", "难度必须是 1 到 5，而不是 %d", d.Level)
		}
		for _, prev := range bp.DifficultyMix[:i] {
			if prev.Level == d.Level {
				return content.Invalid(f+".level", "难度 %d 出现了两次", d.Level)
			}
		}
		if d.SharePercent <= 0 || d.SharePercent > 100 {
			return content.Invalid(f+".share_percent", "占比必须是 1 到 100，而不是 %d", d.SharePercent)
		}
		sum += d.SharePercent
	}
	if sum != 100 {
		return content.Invalid("difficulty_mix", "难度占比合计必须是 100，而不是 %d", sum)
	}
	return nil
}

// CheckUnits reports the first quota or scope unit that exists reports unknown, as a
// *content.ValidationError naming the field ("quotas[0].unit", "scope.units[1]").
func (bp *Blueprint) CheckUnits(exists func(code string) bool) error {
	for i, u := range bp.Scope.Units {
		if !exists(u) {
			return content.Invalid(fmt.Sprintf("scope.units[%d]", i), "知识单元 %s 不存在", u)
		}
	}
	for i, q := range bp.Quotas {
		if !exists(q.Unit) {
			return content.Invalid(fmt.Sprintf("quotas[%d].unit", i), "知识单元 %s 不存在", q.Unit)
		}
	}
	return nil
}
