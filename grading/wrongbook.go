package grading

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading/mastery"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// WrongEntry is one question of a candidate's 错题本, or of its 未作答 list.
type WrongEntry struct {
	QuestionID   int64        `json:"question_id"`
	Version      int          `json:"version"` // as last seen
	Type         content.Type `json:"type"`
	Stem         string       `json:"stem"`
	Unit         string       `json:"unit"`
	Chapter      string       `json:"chapter"`
	ChapterTitle string       `json:"chapter_title"`
	Count        int          `json:"count"`      // times answered wrong (0 on the 未作答 list)
	Unanswered   bool         `json:"unanswered"` // on the 未作答 list
	LastAttempt  int64        `json:"last_attempt"`
	LastAt       time.Time    `json:"last_at"`
	// The spaced review of a wrong question (mastery.Review): right answers in a row in
	// separate practices since the last miss, and when it is due again.
	RightInRow int       `json:"right_in_row"`
	Due        time.Time `json:"due"`
	IsDue      bool      `json:"is_due"`
	Reason     string    `json:"reason"` // why a practice takes it, in the candidate's words
}

// Book is a candidate's 错题本: the questions answered wrong and not yet mastered, due
// ones first, and apart from them the questions left unanswered in submitted exams.
type Book struct {
	Wrong      []WrongEntry `json:"items"`
	Unanswered []WrongEntry `json:"unanswered"`
}

// WrongBook replays a candidate's finalised attempts (oldest first, each with its
// result) into their 错题本 at now:
//   - a choice question answered wrong (anywhere) enters the book, or starts its review
//     again, and leaves the 未作答 list;
//   - answered right, it leaves the 未作答 list, and in a practice takes one step of
//     the book's SM-2 review (mastery.Review): mastery.Graduation right answers in a row,
//     in separate practices, take it out (a right answer in an exam leaves it as it is);
//   - left unanswered in a submitted exam, it goes to the 未作答 list unless it is in the
//     book; unanswered in a practice, it adds nothing, and neither does an abandoned
//     attempt;
//   - the 未作答 list leaves out what was last left unanswered at or before clearedAt.
//
// Wrong questions come due first (earliest due first), then by latest miss; the 未作答
// list latest first. Case analyses are graded by people and stay out. WrongBook is pure.
func WrongBook(attempts []exam.Attempt, questions map[content.Ref]*content.Question, titles map[string]string, clearedAt, now time.Time) Book {
	type tally struct {
		WrongEntry
		review mastery.Review
	}
	wrong := map[int64]*tally{}
	unanswered := map[int64]*WrongEntry{}
	for _, a := range attempts {
		if a.Result == nil || a.Status == exam.Abandoned || a.Result.Status == exam.Abandoned {
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
				chapter := content.ChapterOf(q.Unit)
				seen := WrongEntry{QuestionID: q.ID, Version: q.Version, Type: q.Type, Stem: q.Stem, Unit: q.Unit, Chapter: chapter,
					ChapterTitle: titles[chapter], LastAttempt: a.ID, LastAt: at}
				e := wrong[q.ID]
				switch {
				case !is.Answered:
					if a.Mode == exam.ModeExam && e == nil {
						seen.Unanswered = true
						unanswered[q.ID] = &seen
					}
				case is.Correct:
					delete(unanswered, q.ID)
					if e != nil && a.Mode == exam.ModePractice {
						var graduated bool
						if e.review, graduated = e.review.Answer(true, at); graduated {
							delete(wrong, q.ID)
						}
					}
				default:
					delete(unanswered, q.ID)
					if e == nil {
						e = &tally{review: mastery.NewReview(at)}
						wrong[q.ID] = e
					} else {
						e.review, _ = e.review.Answer(false, at)
					}
					seen.Count = e.Count + 1
					e.WrongEntry = seen
				}
			}
		}
	}
	book := Book{Wrong: make([]WrongEntry, 0, len(wrong)), Unanswered: make([]WrongEntry, 0, len(unanswered))}
	for _, e := range wrong {
		w := e.WrongEntry
		w.RightInRow, w.Due, w.IsDue = e.review.Repetitions, e.review.Due, e.review.IsDue(now)
		w.Reason = wrongReason(w)
		book.Wrong = append(book.Wrong, w)
	}
	for _, e := range unanswered {
		if e.LastAt.After(clearedAt) {
			e.Reason = fmt.Sprintf("%s 的考试中未作答", inBeijing(e.LastAt))
			book.Unanswered = append(book.Unanswered, *e)
		}
	}
	slices.SortFunc(book.Wrong, func(a, b WrongEntry) int {
		if a.IsDue != b.IsDue {
			if a.IsDue {
				return -1
			}
			return 1
		}
		return cmp.Or(a.Due.Compare(b.Due), b.LastAt.Compare(a.LastAt), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	slices.SortFunc(book.Unanswered, func(a, b WrongEntry) int {
		return cmp.Or(b.LastAt.Compare(a.LastAt), cmp.Compare(b.LastAttempt, a.LastAttempt), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	return book
}

// inBeijing is a day as candidates read it: M月D日, Beijing time.
func inBeijing(t time.Time) string { return t.In(content.Beijing).Format("1月2日") }

// wrongReason says why a practice of the book takes e (or would): it is due, with its
// history, or it is taken early.
func wrongReason(e WrongEntry) string {
	missed := fmt.Sprintf("答错 %d 次，最近在 %s", e.Count, inBeijing(e.LastAt))
	if e.RightInRow > 0 {
		missed += fmt.Sprintf("，之后已答对 %d 次，再答对 %d 次即移出", e.RightInRow, mastery.Graduation-e.RightInRow)
	}
	if e.IsDue {
		return "到期复习：" + missed
	}
	return fmt.Sprintf("提前复习（%s 到期）：%s", inBeijing(e.Due), missed)
}

// WrongBook returns the viewer's 错题本 now (see WrongBook), limited to questions beneath
// unit (a chapter such as L2.1, or any syllabus code) when unit is not empty.
func (s *Service) WrongBook(ctx context.Context, v exam.Viewer, unit string) (Book, error) {
	return s.wrongBookAt(ctx, v, unit, s.now().UTC())
}

// wrongBookAt is the viewer's 错题本 as it stood at t: only attempts finalised before t.
func (s *Service) wrongBookAt(ctx context.Context, v exam.Viewer, unit string, t time.Time) (Book, error) {
	as, err := s.exams.Finalised(ctx, v.UserID)
	if err != nil {
		return Book{}, err
	}
	as = slices.DeleteFunc(as, func(a exam.Attempt) bool { return a.SubmittedAt != nil && !a.SubmittedAt.Before(t) })
	qs := map[content.Ref]*content.Question{}
	for i := range as {
		m, err := s.exams.Questions(ctx, &as[i])
		if err != nil {
			return Book{}, err
		}
		for r, q := range m {
			qs[r] = q
		}
	}
	titles, err := s.exams.Titles(ctx)
	if err != nil {
		return Book{}, err
	}
	cleared, err := s.unansweredClearedAt(ctx, v.UserID)
	if err != nil {
		return Book{}, err
	}
	book := WrongBook(as, qs, titles, cleared, t)
	if unit != "" {
		beneath := func(e WrongEntry) bool { return !content.Beneath(e.Unit, unit) }
		book.Wrong = slices.DeleteFunc(book.Wrong, beneath)
		book.Unanswered = slices.DeleteFunc(book.Unanswered, beneath)
	}
	return book, nil
}

// ClearUnanswered empties the viewer's 未作答 list: what is on it now stays off it until
// it is left unanswered again in a later exam.
func (s *Service) ClearUnanswered(ctx context.Context, v exam.Viewer) error {
	row := wrongBookClearRow{CandidateID: v.UserID, UnansweredClearedAt: s.now().UTC().Truncate(time.Millisecond)}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
		return fmt.Errorf("clear the unanswered list: %w", err)
	}
	return nil
}

// unansweredClearedAt is when the candidate last cleared their 未作答 list (zero: never).
func (s *Service) unansweredClearedAt(ctx context.Context, candidate int64) (time.Time, error) {
	var row wrongBookClearRow
	err := s.db.WithContext(ctx).Where("candidate_id = ?", candidate).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return time.Time{}, nil
	}
	return row.UnansweredClearedAt, err
}

// The practice codes of the book's two lists: one open practice of each per candidate.
// No blueprint can take them (see exam.Practice).
const (
	WrongBookCode  = "_wrongbook"
	UnansweredCode = "_unanswered"
)

// MaxPracticeCount bounds the questions of one 错题本 practice.
const MaxPracticeCount = 100

// PracticeWrong starts a practice of up to count questions of the viewer's 错题本 beneath
// unit (all when empty), at their current versions, through the exam engine: of the wrong
// questions, due ones first (see WrongBook), or with unanswered of the 未作答 list, latest
// first. An open practice of that list is returned instead of a new one. A count outside
// 1..MaxPracticeCount, or a list with no such questions, is a *content.ValidationError.
func (s *Service) PracticeWrong(ctx context.Context, v exam.Viewer, unit string, count int, unanswered bool) (*exam.Attempt, error) {
	if count < 1 || count > MaxPracticeCount {
		return nil, content.Invalid("count", "题数须在 1 到 %d 之间", MaxPracticeCount)
	}
	book, err := s.WrongBook(ctx, v, unit)
	if err != nil {
		return nil, err
	}
	entries, code, title := book.Wrong, WrongBookCode, "错题练习"
	if unanswered {
		entries, code, title = book.Unanswered, UnansweredCode, "未作答题练习"
	}
	if len(entries) == 0 {
		return nil, content.Invalid("chapter", "错题本中没有这部分的题目")
	}
	ids := make([]int64, 0, count)
	for _, e := range entries[:min(count, len(entries))] {
		ids = append(ids, e.QuestionID)
	}
	// The title names the chapter in words: candidates read it, and codes (L2.8) are ours.
	if unit != "" && entries[0].ChapterTitle != "" {
		title += "：" + entries[0].ChapterTitle
	}
	return s.exams.StartPractice(ctx, v, exam.Practice{Code: code, Title: title, Questions: ids})
}

// PracticeReasons tells, for a practice of the 错题本 or of the weak points, why each
// question was chosen (by question id), from the book or the weak points as they stood
// when the practice started; nil for any other attempt.
func (s *Service) PracticeReasons(ctx context.Context, a *exam.Attempt) (map[int64]string, error) {
	if a.Mode != exam.ModePractice {
		return nil, nil
	}
	if a.Rules.Code == WeakPointsCode {
		return s.weakReasons(ctx, a)
	}
	if a.Rules.Code != WrongBookCode && a.Rules.Code != UnansweredCode {
		return nil, nil
	}
	book, err := s.wrongBookAt(ctx, exam.Viewer{UserID: a.CandidateID, CenterID: a.CenterID}, "", a.StartedAt)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, e := range append(book.Wrong, book.Unanswered...) {
		if _, _, ok := a.Paper.ItemOf(e.QuestionID); ok {
			out[e.QuestionID] = e.Reason
		}
	}
	return out, nil
}
