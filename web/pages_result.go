package web

import (
	"fmt"

	"github.com/csmexam/csmexam/exam"
)

// The result page's review, built for a phone: a summary, a chart by chapter, an index of
// every question coloured by its outcome, and only the questions the filter shows, each
// collapsed. A 180-question mock renders the index and the few items the candidate needs
// (the wrong ones, by default), not 180 expanded questions.

// Outcomes of a question on the result page, also its CSS class.
const (
	outcomeRight      = "right"
	outcomeWrong      = "wrong"
	outcomeUnanswered = "unanswered"
	outcomePending    = "pending" // a case awaiting an instructor
)

var outcomeTitle = map[string]string{outcomeRight: "答对", outcomeWrong: "答错", outcomeUnanswered: "未作答", outcomePending: "待阅卷"}

// The result page's filters (?show=): the wrong answers, the unanswered, or all.
const (
	showWrong      = "wrong"
	showUnanswered = "unanswered"
	showAll        = "all"
)

// resultItem is one question of the review: what was asked, answered and scored.
type resultItem struct {
	N        int
	Q        questionView
	Answer   exam.Answer
	Score    *exam.ItemScore
	Answered bool
	Outcome  string
}

// OutcomeTitle names the item's outcome for the candidate.
func (it resultItem) OutcomeTitle() string { return outcomeTitle[it.Outcome] }

// indexCell is one question in the result page's index: a link to the item, under the
// filter that shows it.
type indexCell struct {
	N       int
	Outcome string
	Href    string
}

// Title names the cell's outcome for the candidate.
func (c indexCell) Title() string { return outcomeTitle[c.Outcome] }

// resultFilter is one choice of the filter, with how many questions it shows.
type resultFilter struct {
	Show    string
	Label   string
	Count   int
	Current bool
}

// chartBar is one chapter's bar in the chart; Y is its row's top in the chart's units.
type chartBar struct {
	exam.ScoreLine
	Y int
}

// chartRowHeight is one chapter's row in the chart: a line of title, then the bar.
const chartRowHeight = 44

// resultReview is what the result page shows of an attempt.
type resultReview struct {
	Attempt     *attemptView
	Items       []resultItem // those the filter shows, in paper order
	Index       []indexCell  // every question
	Filters     []resultFilter
	Show        string
	Chart       []chartBar
	ChartHeight int
	Counts      map[string]int // by outcome
	// Events are the attempt's recorded departures and device switches (staff only).
	Events []exam.AttemptEvent
	Print  bool // staff: links to print the attempt's paper, key and 答题卡
	// Proctor is what proctors did to the attempt: all of it for staff (StaffView), the
	// close and its reason for the candidate.
	Proctor   []exam.ProctorAction
	StaffView bool
}

// ClosedBy is the proctor's close of the attempt, if a proctor closed it.
func (r resultReview) ClosedBy() *exam.ProctorAction {
	for i := range r.Proctor {
		if r.Proctor[i].Kind == exam.ProctorClose {
			return &r.Proctor[i]
		}
	}
	return nil
}

// buildReview lays out v's review under the filter show ("" takes the default: the wrong
// answers when there are any, else all). It is pure.
func buildReview(v *attemptView, show string) resultReview {
	scores := map[int64]*exam.ItemScore{}
	if v.Result != nil {
		for i := range v.Result.Items {
			scores[v.Result.Items[i].QuestionID] = &v.Result.Items[i]
		}
	}
	r := resultReview{Attempt: v, Counts: map[string]int{}}
	var all []resultItem
	for _, sec := range v.Sections {
		for _, q := range sec.Questions {
			ans, answered := v.Answers[fmt.Sprint(q.ID)]
			it := resultItem{N: len(all) + 1, Q: q, Answer: ans, Answered: answered, Score: scores[q.ID]}
			switch {
			case !answered:
				it.Outcome = outcomeUnanswered
			case it.Score != nil && it.Score.Pending:
				it.Outcome = outcomePending
			case it.Score != nil && it.Score.Correct:
				it.Outcome = outcomeRight
			default:
				it.Outcome = outcomeWrong
			}
			r.Counts[it.Outcome]++
			all = append(all, it)
		}
	}
	if show != showWrong && show != showUnanswered && show != showAll {
		show = showAll
		if r.Counts[outcomeWrong] > 0 {
			show = showWrong
		}
	}
	r.Show = show
	shows := func(it resultItem) bool {
		return show == showAll || show == showWrong && it.Outcome == outcomeWrong || show == showUnanswered && it.Outcome == outcomeUnanswered
	}
	for _, it := range all {
		cell := indexCell{N: it.N, Outcome: it.Outcome, Href: fmt.Sprintf("?show=%s#q%d", showAll, it.N)}
		if shows(it) {
			cell.Href = fmt.Sprintf("?show=%s#q%d", show, it.N)
			r.Items = append(r.Items, it)
		}
		r.Index = append(r.Index, cell)
	}
	r.Filters = []resultFilter{
		{Show: showWrong, Label: "只看错题", Count: r.Counts[outcomeWrong]},
		{Show: showUnanswered, Label: "未作答", Count: r.Counts[outcomeUnanswered]},
		{Show: showAll, Label: "全部", Count: len(all)},
	}
	for i := range r.Filters {
		r.Filters[i].Current = r.Filters[i].Show == show
	}
	if v.Result != nil {
		for i, c := range v.Result.Chapters {
			r.Chart = append(r.Chart, chartBar{ScoreLine: c, Y: i * chartRowHeight})
		}
		r.ChartHeight = len(r.Chart) * chartRowHeight
	}
	return r
}
