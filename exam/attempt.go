package exam

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// Sentinel errors of attempts; the web layer maps them (closed and stale are conflicts).
var (
	ErrNotFound      = content.ErrNotFound
	ErrAttemptClosed = errs.New(errs.Conflict, "作答已结束，答案未保存")
	// ErrAnswerLocked is a practice answer changed after its key was shown.
	ErrAnswerLocked = errs.New(errs.Conflict, "答案已提交并显示了解析，练习中不能再修改这道题的答案")
	ErrStaleWrite   = errs.New(errs.Conflict, "这道题已有更新的答案（可能来自另一个窗口），本次保存被拒绝")
	// ErrSeqReused is a save whose seq the stored answer already has, with another choice:
	// a client numbering its writes wrongly, told so rather than answered 200 for nothing.
	ErrSeqReused = errs.New(errs.Conflict, "这道题的保存序号已用于另一个答案，本次保存被拒绝，请刷新页面")
	// ErrNotSubmitted is a review, a grade or a report asked of an attempt still in progress.
	ErrNotSubmitted = errs.New(errs.Conflict, "作答尚未提交，还没有成绩")
)

// Status is where an attempt stands.
type Status string

const (
	InProgress    Status = "in_progress"
	Submitted     Status = "submitted"
	PendingReview Status = "pending_review"
	Graded        Status = "graded"
	Abandoned     Status = "abandoned"
)

// Attempt is one candidate's sitting of a paper. Rules is the blueprint as it was when
// the attempt started: later edits to the blueprint do not change a running attempt.
type Attempt struct {
	ID          int64
	CandidateID int64
	CenterID    int64
	Mode        Mode
	Status      Status
	Rules       Blueprint
	Paper       Paper
	StartedAt   time.Time
	Deadline    *time.Time // nil: untimed (practice)
	ClosesAt    *time.Time // the last moment a save is accepted: deadline plus any grace
	ExtensionS  int
	SubmittedAt *time.Time
	Result      *Result
	// Integrity is the policy the attempt runs under (nil: none), without the access code.
	Integrity      *Integrity
	FocusLosses    int    // departures from the exam page recorded
	DeviceSwitches int    // moves to another device confirmed
	SubmitReason   string // why the system submitted it, when a rule did ("" otherwise)
	// Opened is set on the attempt a start has just created (not on one it resumed): it
	// has no answers yet, and a view of it need not look for them.
	Opened bool
}

// Open reports whether the attempt still takes answers at now.
func (a *Attempt) Open(now time.Time) bool {
	return a.Status == InProgress && (a.ClosesAt == nil || now.Before(*a.ClosesAt))
}

// Overdue reports whether the sweeper should finalise the attempt at now.
func (a *Attempt) Overdue(now time.Time) bool {
	return a.Status == InProgress && a.ClosesAt != nil && !now.Before(*a.ClosesAt)
}

// RevealsKey tells whether a question's answer key, explanation and reference may be
// shown with a, answered or not: all of them once a is closed (for review); while it is
// open, never in an exam, and in practice a question's once it is answered. It is pure.
func (a *Attempt) RevealsKey(answered bool) bool {
	return a.Status != InProgress || a.Mode == ModePractice && answered
}

// Clock computes the deadline and the close of saves for a start at t with extra seconds.
func Clock(rules *Blueprint, mode Mode, start time.Time, extensionS int) (deadline, closes *time.Time) {
	if mode == ModePractice || rules.DurationS == 0 {
		return nil, nil
	}
	d := start.Add(time.Duration(rules.DurationS+extensionS) * time.Second)
	c := d
	if rules.Overdue == OverdueGrace {
		c = d.Add(time.Duration(rules.GraceS) * time.Second)
	}
	return &d, &c
}

// Answer is a candidate's saved answer to one question.
type Answer struct {
	QuestionID int64     `json:"-"`
	Choice     []string  `json:"choice,omitempty"`
	Text       string    `json:"text,omitempty"`
	Parts      []string  `json:"parts,omitempty"`
	Seq        int64     `json:"seq,omitempty"`
	SavedAt    time.Time `json:"saved_at"`
}

// MaxAnswerRunes bounds a written answer (a case part or free text).
const MaxAnswerRunes = 5000

// ItemOf finds a question on the paper.
func (p *Paper) ItemOf(questionID int64) (PaperSection, Item, bool) {
	for _, s := range p.Sections {
		for _, it := range s.Items {
			if it.QuestionID == questionID {
				return s, it, true
			}
		}
	}
	return PaperSection{}, Item{}, false
}

// Refs lists the question versions on the paper.
func (p *Paper) Refs() []content.Ref {
	var refs []content.Ref
	for _, s := range p.Sections {
		for _, it := range s.Items {
			refs = append(refs, content.Ref{ID: it.QuestionID, Version: it.Version})
		}
	}
	return refs
}

// CheckAnswer validates an answer against the paper's item: choices must be option keys
// of the question (no repeats; one for single and true/false), written parts only for a
// case with no more parts than it has. parts is the case's number of parts.
func CheckAnswer(sec PaperSection, it Item, parts int, a *Answer) error {
	switch sec.Type {
	case content.Case:
		if len(a.Choice) > 0 {
			return content.Invalid("choice", "案例分析题请用 parts 作答")
		}
		if len(a.Parts) > parts {
			return content.Invalid("parts", "本题只有 %d 个小题", parts)
		}
		for i, p := range a.Parts {
			if utf8.RuneCountInString(p) > MaxAnswerRunes {
				return content.Invalid(fmt.Sprintf("parts[%d]", i), "每个小题的作答不能超过 %d 字", MaxAnswerRunes)
			}
		}
	default:
		if a.Text != "" || len(a.Parts) > 0 {
			return content.Invalid("choice", "选择题和判断题请用 choice 作答")
		}
		for i, k := range a.Choice {
			if !slices.Contains(it.Options, k) {
				return content.Invalid(fmt.Sprintf("choice[%d]", i), "选项 %q 不是本题的选项", k)
			}
			if slices.Contains(a.Choice[:i], k) {
				return content.Invalid(fmt.Sprintf("choice[%d]", i), "选项 %s 重复", k)
			}
		}
		if sec.Type != content.Multiple && len(a.Choice) > 1 {
			return content.Invalid("choice", "%s只能选一个选项", sec.Type.Title())
		}
		slices.Sort(a.Choice)
	}
	return nil
}

// Result is a graded (or partly graded) attempt.
type Result struct {
	Attempt   int64          `json:"attempt"`
	Status    Status         `json:"status"`
	Score     content.Points `json:"score"`
	MaxScore  content.Points `json:"max_score"`
	PassScore content.Points `json:"pass_score"`
	Passed    bool           `json:"passed"`
	TimeUsedS int64          `json:"time_used_s"`
	Sections  []ScoreLine    `json:"sections"`
	Chapters  []ScoreLine    `json:"chapters"`
	Units     []ScoreLine    `json:"units"`
	Items     []ItemScore    `json:"items"`
	History   []Change       `json:"history,omitempty"`
	// SubmitReason says why the system submitted the attempt when a rule did (the strike
	// policy); it is read from the attempt, never graded.
	SubmitReason string `json:"submit_reason,omitempty"`
}

// ScoreLine is a subtotal: of a section (Type), a chapter or a knowledge point (Code).
type ScoreLine struct {
	Type     content.Type   `json:"type,omitempty"`
	Form     content.Form   `json:"form,omitempty"`
	Code     string         `json:"code,omitempty"`
	Title    string         `json:"title,omitempty"`
	Score    content.Points `json:"score"`
	MaxScore content.Points `json:"max_score"`
}

// ItemScore is one question's score; Pending marks a case awaiting an instructor.
type ItemScore struct {
	QuestionID int64          `json:"question_id"`
	Score      content.Points `json:"score"`
	MaxScore   content.Points `json:"max_score"`
	Correct    bool           `json:"correct"`
	Answered   bool           `json:"answered"`
	Pending    bool           `json:"pending,omitempty"`
	// A case's rubric review: per part, per 采分点, with the server's suggestion.
	Parts   []PartScore `json:"parts,omitempty"`
	Comment string      `json:"comment,omitempty"`
}

// PartScore is one case part in a result: its raw rubric points and what they earned.
// Copied flags an answer mostly copied from the case material, for the grader to see.
type PartScore struct {
	Score    content.Points `json:"score"`
	MaxScore content.Points `json:"max_score"`
	Points   []PointScore   `json:"points"`
	Copied   bool           `json:"copied,omitempty"`
}

// PointScore is one 采分点: the score it earned (an instructor's, once the case is
// graded; 0 before), the server's suggestion, and where the candidate's text matched.
type PointScore struct {
	Score     content.Points `json:"score"`
	MaxScore  content.Points `json:"max_score"`
	Suggested content.Points `json:"suggested"`
	Hits      []Hit          `json:"hits,omitempty"`
	Reasons   []Reason       `json:"reasons,omitempty"`
}

// Hit is a keyword found in an answer: [Start, End) in runes of the part's text as saved.
type Hit struct {
	Word  string `json:"word"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// ReasonKind says why a suggestion counted a word of the answer, or did not.
type ReasonKind string

const (
	Matched    ReasonKind = "matched"     // the word earns the point
	Negated    ReasonKind = "negated"     // the word stands under a negation (Cue) in its clause
	CopiedText ReasonKind = "copied"      // the word lies in text copied from the case material
	PairBroken ReasonKind = "pair_broken" // the word occurs, but not in one clause with its partner (Cue)
	Listed     ReasonKind = "listed"      // the word stands alone in a bare list, with no reasoning around it
)

// Reason is one finding behind a suggestion: the rubric word, where it stands in the
// answer as saved ([Start, End) in runes), and the cue that decided (the negation word,
// or the missing partner of a pair).
type Reason struct {
	Kind  ReasonKind `json:"kind"`
	Word  string     `json:"word"`
	Cue   string     `json:"cue,omitempty"`
	Start int        `json:"start"`
	End   int        `json:"end"`
}

// Change is one regrade of a question on an attempt, kept in the result's history.
type Change struct {
	QuestionID int64          `json:"question_id"`
	OldVersion int            `json:"old_version"` // the version scored before
	NewVersion int            `json:"new_version"`
	OldScore   content.Points `json:"old_score"`
	NewScore   content.Points `json:"new_score"`
	By         int64          `json:"by"`
	At         time.Time      `json:"at"`
}

// GradeInput is everything grading needs, as plain values.
type GradeInput struct {
	Attempt   *Attempt
	Questions map[content.Ref]*content.Question
	Answers   map[int64]Answer
	Titles    map[string]string // syllabus titles by code
	Now       time.Time
}

// Grader scores an attempt; the grading package provides it. It is pure.
type Grader func(in GradeInput) Result

var errNoGrader = errors.New("exam: no grader configured")
