package grading_test

import (
	"strings"
	"testing"
	"time"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
)

// bundledBank is the bundled pack's questions numbered 1..n as a fresh database numbers
// them, indexed by version, and the syllabus titles by code.
func bundledBank(tb testing.TB) ([]content.Question, map[content.Ref]*content.Question, map[string]string) {
	p, err := pack.Bundled()
	if err != nil {
		tb.Fatal(err)
	}
	bank := make([]content.Question, len(p.Questions))
	qs := make(map[content.Ref]*content.Question, len(bank))
	for i := range p.Questions {
		bank[i] = p.Questions[i]
		bank[i].ID, bank[i].Version = int64(i+1), 1
		qs[content.Ref{ID: bank[i].ID, Version: 1}] = &bank[i]
	}
	titles := make(map[string]string, len(p.Nodes))
	for _, n := range p.Nodes {
		titles[n.Code] = n.Title
	}
	return bank, qs, titles
}

// l2TheoryInput is a full L2-theory paper drawn from the bundled bank, every question
// answered (the first option shown), as finalize hands it to the grader.
func l2TheoryInput(tb testing.TB) exam.GradeInput {
	bank, qs, titles := bundledBank(tb)
	bp := exam.Bundled()[0]
	paper, err := exam.Assemble(bank, bp, 42)
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	end := start.Add(80 * time.Minute)
	a := &exam.Attempt{ID: 1, Rules: bp, Paper: paper, StartedAt: start, SubmittedAt: &end, Status: exam.InProgress}
	answers := map[int64]exam.Answer{}
	for _, s := range paper.Sections {
		for _, it := range s.Items {
			answers[it.QuestionID] = exam.Answer{Choice: it.Options[:1]}
		}
	}
	return exam.GradeInput{Attempt: a, Questions: qs, Answers: answers, Titles: titles, Now: end}
}

func TestGradeL2Theory(t *testing.T) {
	t.Parallel()
	in := l2TheoryInput(t)
	r := grading.Grade(in)
	if r.MaxScore != content.Pts(100) || r.Status != exam.Graded || len(r.Items) != 180 || r.TimeUsedS != 4800 || len(r.Chapters) == 0 || r.Sections[0].Title != "单项选择题" || r.Chapters[0].Title == "" {
		t.Fatalf("L2-theory result: %s/%s %s, %d items", r.Score, r.MaxScore, r.Status, len(r.Items))
	}
	var sum content.Points
	for _, it := range r.Items {
		sum += it.Score
	}
	if sum != r.Score {
		t.Fatalf("items add up to %s, total %s", sum, r.Score)
	}
}

// BenchmarkGradeL2Theory times the pure grader on a full L2-theory paper (180 questions):
// what submit spends scoring, with no database round trip per question.
func BenchmarkGradeL2Theory(b *testing.B) {
	in := l2TheoryInput(b)
	b.ReportAllocs()
	for b.Loop() {
		grading.Grade(in)
	}
}

// BenchmarkSuggest times one suggestion for a typical answer (the part's reference,
// about 250 runes) and for one at the length limit (content.MaxTextRunes), every idea at
// work: words, numbers, negation, the copy search against the case material. The
// dictionary is loaded before the timer starts.
func BenchmarkSuggest(b *testing.B) {
	p, err := pack.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	var q *content.Question
	for i := range p.Questions {
		if p.Questions[i].PackKey == "L2.1.2-case-01" {
			q = &p.Questions[i]
		}
	}
	part := q.Parts[2]
	var long []rune
	for len(long) < content.MaxTextRunes {
		long = append(long, []rune(part.Reference+"本案当周咨询量下降约三成，并不是偶然。"+q.Material)...)
	}
	grading.Suggest(part, q.Material, part.Reference)
	for _, c := range []struct{ name, answer string }{
		{"typical", part.Reference},
		{"long", string(long[:content.MaxTextRunes])},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				grading.Suggest(part, q.Material, c.answer)
			}
		})
	}
}

// BenchmarkRescoreL2Skills times rescoring a full L2-skills paper (five cases, every part
// answered with its reference): what the review queue spends per attempt. "fresh" makes
// every answer new each time (what a first view costs), "again" repeats them (every later
// view and grade, served by the suggestion cache).
func BenchmarkRescoreL2Skills(b *testing.B) {
	p, err := pack.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	bank := make([]content.Question, len(p.Questions))
	qs := make(map[content.Ref]*content.Question, len(bank))
	for i := range p.Questions {
		bank[i] = p.Questions[i]
		bank[i].ID, bank[i].Version = int64(i+1), 1
		qs[content.Ref{ID: bank[i].ID, Version: 1}] = &bank[i]
	}
	var bp exam.Blueprint
	for _, x := range exam.Bundled() {
		if x.Code == exam.L2Skills {
			bp = x
		}
	}
	paper, err := exam.Assemble(bank, bp, 42)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	a := &exam.Attempt{ID: 1, Rules: bp, Paper: paper, StartedAt: start, SubmittedAt: &start, Status: exam.PendingReview}
	answers := func(suffix string) map[int64]exam.Answer {
		out := map[int64]exam.Answer{}
		for _, it := range paper.Sections[0].Items {
			q := qs[content.Ref{ID: it.QuestionID, Version: 1}]
			parts := make([]string, len(q.Parts))
			for i, part := range q.Parts {
				parts[i] = part.Reference + suffix
			}
			out[it.QuestionID] = exam.Answer{Parts: parts}
		}
		return out
	}
	in := exam.GradeInput{Attempt: a, Questions: qs, Answers: answers(""), Now: start}
	grading.Grade(in) // the dictionary, and the cache for "again"
	b.Run("fresh", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n++
			in := in
			in.Answers = answers(strings.Repeat("。", n))
			grading.Grade(in)
		}
	})
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			grading.Grade(in)
		}
	})
}
