package grading

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
)

// WrongEntry is one question of a candidate's 错题本.
type WrongEntry struct {
	QuestionID   int64        `json:"question_id"`
	Version      int          `json:"version"` // as last seen
	Type         content.Type `json:"type"`
	Stem         string       `json:"stem"`
	Unit         string       `json:"unit"`
	Chapter      string       `json:"chapter"`
	ChapterTitle string       `json:"chapter_title"`
	Count        int          `json:"count"`      // times answered wrong or left unanswered
	Unanswered   bool         `json:"unanswered"` // at the latest occurrence
	LastAttempt  int64        `json:"last_attempt"`
	LastAt       time.Time    `json:"last_at"`
}

// WrongBook collects the objective questions a candidate got wrong or left unanswered
// across finalised attempts (given oldest first, each with its result). A question stays
// in the book while its latest occurrence is wrong or unanswered: answering it right once
// (in a practice, say) takes it out. Latest occurrence first. WrongBook is pure.
func WrongBook(attempts []exam.Attempt, questions map[content.Ref]*content.Question, titles map[string]string) []WrongEntry {
	type tally struct {
		WrongEntry
		open bool // the latest occurrence was missed
	}
	byID := map[int64]*tally{}
	for _, a := range attempts {
		if a.Result == nil {
			continue
		}
		at := a.StartedAt
		if a.SubmittedAt != nil {
			at = *a.SubmittedAt
		}
		k := 0
		for _, sec := range a.Paper.Sections {
			for _, it := range sec.Items {
				if k >= len(a.Result.Items) {
					break
				}
				is := a.Result.Items[k]
				k++
				q := questions[content.Ref{ID: it.QuestionID, Version: it.Version}]
				if sec.Type == content.Case || is.QuestionID != it.QuestionID || q == nil {
					continue
				}
				e := byID[q.ID]
				if is.Correct {
					if e != nil {
						e.open = false // mastered for now; a later miss brings it back
					}
					continue
				}
				if e == nil {
					e = &tally{}
					byID[q.ID] = e
				}
				chapter := content.ChapterOf(q.Unit)
				e.WrongEntry = WrongEntry{QuestionID: q.ID, Version: q.Version, Type: q.Type, Stem: q.Stem, Unit: q.Unit, Chapter: chapter,
					ChapterTitle: titles[chapter], Count: e.Count + 1, Unanswered: !is.Answered, LastAttempt: a.ID, LastAt: at}
				e.open = true
			}
		}
	}
	out := make([]WrongEntry, 0, len(byID))
	for _, e := range byID {
		if e.open {
			out = append(out, e.WrongEntry)
		}
	}
	slices.SortFunc(out, func(a, b WrongEntry) int {
		return cmp.Or(b.LastAt.Compare(a.LastAt), cmp.Compare(b.LastAttempt, a.LastAttempt), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	return out
}

// WrongBook returns the viewer's 错题本 (see WrongBook), limited to questions beneath
// unit (a chapter such as L2.1, or any syllabus code) when unit is not empty.
func (s *Service) WrongBook(ctx context.Context, v exam.Viewer, unit string) ([]WrongEntry, error) {
	as, err := s.exams.Finalised(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	qs := map[content.Ref]*content.Question{}
	for i := range as {
		m, err := s.exams.Questions(ctx, &as[i])
		if err != nil {
			return nil, err
		}
		for r, q := range m {
			qs[r] = q
		}
	}
	titles, err := s.exams.Titles(ctx)
	if err != nil {
		return nil, err
	}
	all := WrongBook(as, qs, titles)
	if unit == "" {
		return all, nil
	}
	out := make([]WrongEntry, 0, len(all))
	for _, e := range all {
		if content.Beneath(e.Unit, unit) {
			out = append(out, e)
		}
	}
	return out, nil
}

// WrongBookCode is the practice code of 错题本 attempts: one open at a time per candidate.
// No blueprint can take it (see exam.Practice).
const WrongBookCode = "_wrongbook"

// MaxPracticeCount bounds the questions of one 错题本 practice.
const MaxPracticeCount = 100

// PracticeWrong starts a practice attempt of the viewer's latest count wrong questions
// beneath unit (all when empty), at their current versions, through the exam engine; an
// open 错题本 practice is returned instead of a new one. A count outside 1..MaxPracticeCount
// or a book with no such questions is a *content.ValidationError.
func (s *Service) PracticeWrong(ctx context.Context, v exam.Viewer, unit string, count int) (*exam.Attempt, error) {
	if count < 1 || count > MaxPracticeCount {
		return nil, content.Invalid("count", "题数须在 1 到 %d 之间", MaxPracticeCount)
	}
	entries, err := s.WrongBook(ctx, v, unit)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, content.Invalid("chapter", "错题本中没有这部分的错题")
	}
	ids := make([]int64, 0, count)
	for _, e := range entries[:min(count, len(entries))] {
		ids = append(ids, e.QuestionID)
	}
	// The title names the chapter in words: candidates read it, and codes (L2.8) are ours.
	title := "错题练习"
	if unit != "" && entries[0].ChapterTitle != "" {
		title += "：" + entries[0].ChapterTitle
	}
	return s.exams.StartPractice(ctx, v, exam.Practice{Code: WrongBookCode, Title: title, Questions: ids})
}
