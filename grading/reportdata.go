package grading

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/exam/account"
	"github.com/csmexam/csmexam/grading/report"
)

// ReportInput is what a score report is built from: the attempt with its stored result,
// its questions and answers (GradeInput), its review, and the names to print.
type ReportInput struct {
	exam.GradeInput
	Review    Review
	Center    string
	Candidate string
	Username  string
	Images    map[string][]byte // the bytes of the questions' images, by content hash
}

// BuildReport turns a finalised attempt into the values a score report prints: the
// stored result's totals, sections and chapters (with counts of questions and correct
// ones), the objective questions answered wrong with the candidate's choice, the key
// and the explanation as the candidate saw them, the unanswered ones by stem, and the
// case analyses per part and 采分点 with the instructor's comment. Numbers (No) are positions on the paper, from 1. BuildReport is pure.
func BuildReport(in ReportInput) *report.Report {
	a := in.Attempt
	res := a.Result
	if res == nil {
		res = &exam.Result{}
	}
	r := &report.Report{Center: in.Center, Candidate: in.Candidate, Username: in.Username, Blueprint: a.Rules.Title,
		AttemptID: a.ID, Score: res.Score, MaxScore: res.MaxScore, PassScore: res.PassScore, Passed: res.Passed,
		Pending: res.Status == exam.PendingReview, TimeUsed: time.Duration(res.TimeUsedS) * time.Second}
	if a.SubmittedAt != nil {
		r.Date = a.SubmittedAt.In(exam.Beijing) // the report prints the time as it is given
		r.VerifyCode = VerifyCode(a.ID, res.Score, *a.SubmittedAt)
	}
	items := make(map[int64]exam.ItemScore, len(res.Items))
	for _, is := range res.Items {
		items[is.QuestionID] = is
	}
	chapters := map[string]*report.Line{}
	no := 0
	for si, sec := range a.Paper.Sections {
		line := report.Line{Title: sec.Title()}
		if si < len(res.Sections) {
			line.Score, line.MaxScore = res.Sections[si].Score, res.Sections[si].MaxScore
		}
		for _, it := range sec.Items {
			no++
			is := items[it.QuestionID]
			q := in.Review.question(in.GradeInput, it.QuestionID)
			line.Count++
			if is.Correct {
				line.Correct++
			}
			if q == nil {
				continue
			}
			c := chapters[content.ChapterOf(q.Unit)]
			if c == nil {
				c = &report.Line{}
				chapters[content.ChapterOf(q.Unit)] = c
			}
			c.Count++
			if is.Correct {
				c.Correct++
			}
			ans := in.Answers[it.QuestionID]
			switch {
			case sec.Type == content.Case:
				r.Cases = append(r.Cases, reportCase(no, q, ans, is, in.Images))
			case len(ans.Choice) == 0:
				r.Unanswered = append(r.Unanswered, report.Unanswered{No: no, Stem: q.Stem, Images: reportImages(q, in.Images)})
			case !is.Correct:
				r.Wrong = append(r.Wrong, reportItem(no, sec, it, q, ans, is, in.Images))
			}
		}
		r.Sections = append(r.Sections, line)
	}
	for _, c := range res.Chapters {
		l := report.Line{Title: c.Title, Score: c.Score, MaxScore: c.MaxScore}
		if l.Title == "" {
			l.Title = c.Code
		}
		if n := chapters[c.Code]; n != nil {
			l.Count, l.Correct = n.Count, n.Correct
		}
		r.Chapters = append(r.Chapters, l)
	}
	return r
}

// reportItem is a wrong answer as the candidate saw it: options in the paper's order
// under the paper's letters (exam.Letters, as on the result page).
func reportItem(no int, sec exam.PaperSection, it exam.Item, q *content.Question, ans exam.Answer, is exam.ItemScore, images map[string][]byte) report.Item {
	l := exam.LettersOf(it, q.Type)
	item := report.Item{No: no, Section: sec.Title(), Stem: q.Stem, Given: l.Join(ans.Choice), Key: l.Join(q.Answer),
		Explanation: l.Explain(q), Images: reportImages(q, images), Score: is.Score, MaxScore: is.MaxScore}
	for _, o := range l.Options(q) {
		item.Options = append(item.Options, report.Option{Letter: o.Letter, Text: o.Text,
			Key: slices.Contains(q.Answer, o.Key), Given: slices.Contains(ans.Choice, o.Key)})
	}
	return item
}

// reportImages are q's images whose bytes are in images.
func reportImages(q *content.Question, images map[string][]byte) []report.Image {
	var out []report.Image
	for _, a := range q.Attachments {
		if data := images[a.SHA256]; data != nil {
			out = append(out, report.Image{Name: a.Name, Type: a.Type, Data: data})
		}
	}
	return out
}

func reportCase(no int, q *content.Question, ans exam.Answer, is exam.ItemScore, images map[string][]byte) report.CaseItem {
	c := report.CaseItem{No: no, Stem: q.Stem, Material: q.Material, Images: reportImages(q, images), Comment: is.Comment, Score: is.Score, MaxScore: is.MaxScore}
	for i, p := range q.Parts {
		part := report.CasePart{Prompt: p.Prompt, MaxScore: p.Points}
		if i < len(ans.Parts) {
			part.Answer = ans.Parts[i]
		}
		var scored []exam.PointScore
		if i < len(is.Parts) && len(is.Parts[i].Points) == len(p.Rubric) {
			scored = is.Parts[i].Points
			part.Score = is.Parts[i].Score
		}
		for j, rp := range p.Rubric {
			ps := report.PointScore{Point: rp.Point, MaxScore: rp.Score}
			if scored != nil {
				ps.Score = scored[j].Score
			}
			part.Points = append(part.Points, ps)
		}
		c.Parts = append(c.Parts, part)
	}
	return c
}

// VerifyCode is printed on a report so that a reader can check it against the server:
// the attempt id and 8 hex digits of a SHA-256 over the id, the score and the submission
// time, so an altered score or date on a printed report no longer matches the code the
// server computes from the stored attempt. It is a check digit, not a secret.
func VerifyCode(id int64, score content.Points, submitted time.Time) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "csmexam-report|%d|%s|%d", id, score, submitted.UTC().UnixMilli()))
	return fmt.Sprintf("%d-%X", id, sum[:4])
}

// Report builds the score report of an attempt for the viewer: its candidate, or staff
// of its center (anyone else: ErrNotFound). An attempt in progress is
// exam.ErrNotSubmitted; an abandoned one has no report (ErrConflict).
func (s *Service) Report(ctx context.Context, v exam.Viewer, id int64) (*report.Report, error) {
	a, err := s.exams.Attempt(ctx, v, id)
	if err != nil {
		return nil, err
	}
	switch a.Status {
	case exam.InProgress:
		return nil, exam.ErrNotSubmitted
	case exam.Abandoned:
		return nil, errs.New(errs.Conflict, "作答超时被作废，没有成绩单")
	}
	titles, err := s.exams.Titles(ctx)
	if err != nil {
		return nil, err
	}
	in := ReportInput{}
	if in.GradeInput, err = s.gradeInput(ctx, a, titles); err != nil {
		return nil, err
	}
	if in.Answers, err = s.exams.Answers(ctx, id); err != nil {
		return nil, err
	}
	if in.Review, err = s.review(ctx, s.db, a); err != nil {
		return nil, err
	}
	center, u, err := s.people(ctx, a)
	if err != nil {
		return nil, err
	}
	in.Center, in.Candidate, in.Username = center.Name, u.Name, u.Username
	if in.Images, err = s.content.Files(ctx, attachmentHashes(in)); err != nil {
		return nil, err
	}
	return BuildReport(in), nil
}

// people are the center and the candidate an attempt's report names.
func (s *Service) people(ctx context.Context, a *exam.Attempt) (*account.Center, *account.User, error) {
	center, err := s.accounts.Center(ctx, a.CenterID)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.accounts.User(ctx, a.CandidateID)
	return center, u, err
}

// Verification is what the server vouches for when a report's verify code matches.
type Verification struct {
	Attempt     int64          `json:"attempt"`
	Center      string         `json:"center"`
	Candidate   string         `json:"candidate"`
	Blueprint   string         `json:"blueprint"`
	Status      exam.Status    `json:"status"`
	Score       content.Points `json:"score"`
	MaxScore    content.Points `json:"max_score"`
	PassScore   content.Points `json:"pass_score"`
	Passed      bool           `json:"passed"`
	SubmittedAt time.Time      `json:"submitted_at"`
}

// Verify checks a report's verify code against the stored attempt and returns what the
// report should say. A code that is malformed, names no finalised attempt, or no longer
// matches its result (altered, or made before a grade or regrade changed the score) is
// ErrNotFound.
func (s *Service) Verify(ctx context.Context, code string) (*Verification, error) {
	bad := errs.New(errs.NotFound, "校验码 %s 与任何成绩单都不符", code)
	idText, _, ok := strings.Cut(code, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return nil, bad
	}
	a, err := s.exams.FinalisedAttempt(ctx, id)
	if errors.Is(err, content.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if a.Result == nil || a.SubmittedAt == nil ||
		subtle.ConstantTimeCompare([]byte(strings.ToUpper(code)), []byte(VerifyCode(a.ID, a.Result.Score, *a.SubmittedAt))) != 1 {
		return nil, bad
	}
	center, u, err := s.people(ctx, a)
	if err != nil {
		return nil, err
	}
	r := a.Result
	return &Verification{Attempt: a.ID, Center: center.Name, Candidate: u.Name, Blueprint: a.Rules.Title, Status: r.Status,
		Score: r.Score, MaxScore: r.MaxScore, PassScore: r.PassScore, Passed: r.Passed, SubmittedAt: *a.SubmittedAt}, nil
}

// attachmentHashes are the content hashes of the images of the attempt's questions.
func attachmentHashes(in ReportInput) []string {
	var shas []string
	for _, sec := range in.Attempt.Paper.Sections {
		for _, it := range sec.Items {
			if q := in.Review.question(in.GradeInput, it.QuestionID); q != nil {
				for _, a := range q.Attachments {
					shas = append(shas, a.SHA256)
				}
			}
		}
	}
	return shas
}
