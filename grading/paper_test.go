package grading_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	"github.com/csmexam/csmexam/grading"
	"github.com/csmexam/csmexam/grading/report"
)

// bundledBlueprint is the bundled blueprint code.
func bundledBlueprint(tb testing.TB, code string) exam.Blueprint {
	tb.Helper()
	bps := exam.Bundled()
	i := slices.IndexFunc(bps, func(bp exam.Blueprint) bool { return bp.Code == code })
	if i < 0 {
		tb.Fatalf("no bundled blueprint %s", code)
	}
	return bps[i]
}

// printedPaper draws bundled blueprint code's paper from the bundled bank with seed and
// builds it for printing; it returns the assembled paper and the bank by version too.
func printedPaper(tb testing.TB, code string, seed int64) (exam.Paper, map[content.Ref]*content.Question, *report.Paper) {
	tb.Helper()
	bank, qs, _ := bundledBank(tb)
	bp := bundledBlueprint(tb, code)
	paper, err := exam.Assemble(bank, bp, seed)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := grading.BuildPaper(grading.PaperInput{Rules: bp, Paper: paper, Questions: qs, Center: "演示培训中心"})
	if err != nil {
		tb.Fatal(err)
	}
	return paper, qs, p
}

func encodePaper(tb testing.TB, p *report.Paper, part report.Part) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := report.EncodePaper(&b, p, part); err != nil {
		tb.Fatalf("EncodePaper %s: %v", part, err)
	}
	return b.Bytes()
}

// poppler runs a poppler-utils tool on pdf (apt-get install poppler-utils).
func poppler(t *testing.T, tool string, pdf []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool, append(args, "-", "-")...)
	if tool == "pdfinfo" {
		cmd = exec.Command(tool, "-")
	}
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s (poppler-utils): %v", tool, err)
	}
	return string(out)
}

var (
	pageNumber = regexp.MustCompile(`(?m)^第 \d+ 页 共 \d+ 页$`)
	reprint    = regexp.MustCompile(`(?m)^.*卷码 [0-9A-F]{8} \S+$`)
)

// rawText is the PDF's text in drawing order (pdftotext -raw) without its page footers,
// which fall inside a case whose material runs over a page break.
func rawText(t *testing.T, pdf []byte) string {
	t.Helper()
	return reprint.ReplaceAllString(pageNumber.ReplaceAllString(poppler(t, "pdftotext", pdf, "-raw", "-enc", "UTF-8"), ""), "")
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func pages(t *testing.T, pdf []byte) int {
	t.Helper()
	var n int
	for _, l := range strings.Split(poppler(t, "pdfinfo", pdf), "\n") {
		if strings.HasPrefix(l, "Pages:") {
			fmt.Sscan(strings.TrimPrefix(l, "Pages:"), &n)
		}
	}
	return n
}

// inOrder checks that each of want occurs in text after the one before it.
func inOrder(t *testing.T, what, text string, want []string) {
	t.Helper()
	at := 0
	for i, w := range want {
		j := strings.Index(text[at:], w)
		if j < 0 {
			t.Fatalf("%s: item %d %q is missing or out of order", what, i+1, w)
		}
		at += j + len(w)
	}
}

// The printed 试卷 shows every question of the assembled paper, in the paper's order,
// numbered on across sections: stem, options under the paper's letters, a case's
// material and questions.
func TestPrintedPaperShowsEveryQuestionInOrder(t *testing.T) {
	t.Parallel()
	for _, code := range []string{exam.L2Theory, exam.L2Skills} {
		paper, qs, p := printedPaper(t, code, 7)
		text := squeeze(rawText(t, encodePaper(t, p, report.PartPaper)))
		var want []string
		no := 0
		for _, s := range paper.Sections {
			for _, it := range s.Items {
				no++
				q := qs[content.Ref{ID: it.QuestionID, Version: it.Version}]
				want = append(want, squeeze(fmt.Sprintf("%d.%s", no, q.Stem)))
				for _, o := range exam.LettersOf(it, q.Type).Options(q) {
					if o.Letter != "" {
						want = append(want, squeeze(o.Letter+"."+o.Text))
					}
				}
				if q.Material != "" {
					for _, para := range strings.Split(q.Material, "\n") {
						want = append(want, squeeze(para))
					}
				}
				for j, part := range q.Parts {
					want = append(want, squeeze(fmt.Sprintf("（%d）%s", j+1, part.Prompt)))
				}
			}
		}
		if no != map[string]int{exam.L2Theory: 180, exam.L2Skills: 11}[code] {
			t.Fatalf("%s: %d questions", code, no)
		}
		inOrder(t, code+" paper", text, want)
		for _, w := range []string{"姓名", "准考证号/考号", "培训机构", "日期", "注意事项", p.Title + "试卷", "满分：100分"} {
			if !strings.Contains(text, w) {
				t.Errorf("%s paper: no %q in the header", code, w)
			}
		}
	}
}

// The key lists every objective answer in the paper's order under the letters the paper
// shows (the letter of the option whose text is the bank's answer), true/false as √ and
// ×; each case's reference answers and 采分点 follow.
func TestPrintedKeyMatchesThePaper(t *testing.T) {
	t.Parallel()
	for _, code := range []string{exam.L2Theory, exam.L2Skills} {
		paper, qs, p := printedPaper(t, code, 11)
		keyText := squeeze(rawText(t, encodePaper(t, p, report.PartKey)))
		paperText := squeeze(rawText(t, encodePaper(t, p, report.PartPaper)))
		var cases []string
		no := 0
		for _, s := range paper.Sections {
			var keys []string
			for _, it := range s.Items {
				no++
				q := qs[content.Ref{ID: it.QuestionID, Version: it.Version}]
				switch q.Type {
				case content.TrueFalse:
					keys = append(keys, fmt.Sprintf("%d.%s", no, map[bool]string{true: "√", false: "×"}[q.Answer[0] == "T"]))
				case content.Case:
					cases = append(cases, squeeze(fmt.Sprintf("%d.%s", no, q.Stem)))
					for _, part := range q.Parts {
						cases = append(cases, squeeze(part.Reference))
						for _, r := range part.Rubric {
							cases = append(cases, squeeze(r.Point))
						}
					}
				default:
					// The paper shows option keys in the item's order, lettered from A.
					var letters []string
					for _, k := range q.Answer {
						letter := string(rune('A' + slices.Index(it.Options, k)))
						text := q.Options[slices.IndexFunc(q.Options, func(o content.Option) bool { return o.Key == k })].Text
						if !strings.Contains(paperText, squeeze(letter+"."+text)) {
							t.Fatalf("%s question %d: the paper does not show %s.%s", code, no, letter, text)
						}
						letters = append(letters, letter)
					}
					slices.Sort(letters)
					keys = append(keys, fmt.Sprintf("%d.%s", no, strings.Join(letters, "")))
				}
			}
			// A section's keys follow one another in the grid: "1.D2.D3.C…".
			if len(keys) > 0 && !strings.Contains(keyText, strings.Join(keys, "")) {
				t.Errorf("%s key: %s section does not read %s", code, s.Type, strings.Join(keys, " "))
			}
		}
		inOrder(t, code+" key cases", keyText, cases)
		if !strings.Contains(keyText, "参考答案及评分标准") || !strings.Contains(keyText, "请勿交给考生") {
			t.Errorf("%s key: no heading", code)
		}
	}
}

// The 答题卡 of the real L2 theory paper (180 questions) is one page: each question's
// number with a box per option under the paper's letters (√ and × for true/false), in
// paper order, under its section, and the grid for the candidate number.
func TestAnswerSheetFitsOnePage(t *testing.T) {
	t.Parallel()
	paper, qs, p := printedPaper(t, exam.L2Theory, 7)
	pdf := encodePaper(t, p, report.PartSheet)
	if n := pages(t, pdf); n != 1 {
		t.Fatalf("the L2-theory 答题卡 has %d pages, want 1", n)
	}
	text := rawText(t, pdf)
	row := regexp.MustCompile(`(?m)^(\d+) ([A-Z√×](?: [A-Z√×])*)$`)
	var got, want []string
	for _, m := range row.FindAllStringSubmatch(text, -1) {
		got = append(got, m[1]+" "+m[2])
	}
	no := 0
	for _, s := range paper.Sections {
		for _, it := range s.Items {
			no++
			q := qs[content.Ref{ID: it.QuestionID, Version: it.Version}]
			marks := "√ ×"
			if q.Type != content.TrueFalse {
				marks = strings.Join(strings.Split("ABCDEFGH"[:len(it.Options)], ""), " ")
			}
			want = append(want, fmt.Sprintf("%d %s", no, marks))
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("答题卡 rows:\n%v\nwant\n%v", got, want)
	}
	for _, w := range []string{"一、单项选择题（第 1～140 题）", "二、判断题（第 141～160 题）", "三、多项选择题（第 161～180 题）", "准考证号/考号", "0 0 0 0 0 0 0 0 0 0", "9 9 9 9 9 9 9 9 9 9"} {
		if !strings.Contains(text, w) {
			t.Errorf("答题卡: no %q", w)
		}
	}
	// A skills paper has no boxes to fill: its cases' answer space follows the header.
	_, _, skills := printedPaper(t, exam.L2Skills, 7)
	text = rawText(t, encodePaper(t, skills, report.PartSheet))
	for _, w := range []string{"案例分析题作答区", "第 1 题（1）", "第 11 题（1）"} {
		if !strings.Contains(text, w) {
			t.Errorf("L2-skills 答题卡: no %q", w)
		}
	}
}

// The same seed prints the same paper, byte for byte, in all three parts; another seed
// prints another paper, with another code in its footer.
func TestPrintedPaperIsReproducible(t *testing.T) {
	t.Parallel()
	_, _, a := printedPaper(t, exam.L2Theory, 7)
	_, _, b := printedPaper(t, exam.L2Theory, 7)
	_, _, c := printedPaper(t, exam.L2Theory, 8)
	for _, part := range report.Parts {
		if !bytes.Equal(encodePaper(t, a, part), encodePaper(t, b, part)) {
			t.Errorf("%s: seed 7 printed twice differs", part)
		}
	}
	if a.Code == c.Code || bytes.Equal(encodePaper(t, a, report.PartPaper), encodePaper(t, c, report.PartPaper)) {
		t.Fatalf("seeds 7 and 8 print the same paper (%s)", a.Code)
	}
	text := rawText(t, encodePaper(t, c, report.PartPaper))
	if raw := poppler(t, "pdftotext", encodePaper(t, c, report.PartPaper), "-raw"); !strings.Contains(raw, "L2-theory · 种子 8 · 卷码 "+c.Code) {
		t.Errorf("the footer does not name the seed and code")
	}
	if strings.Contains(text, "种子 7") {
		t.Errorf("seed 8's paper names seed 7")
	}
}

// BuildPaper states partial credit in the key, names an attempt's paper by its attempt,
// and refuses a paper whose question is missing.
func TestBuildPaperRules(t *testing.T) {
	t.Parallel()
	paper, qs, _ := printedPaper(t, exam.QuickQuiz, 3)
	bp := bundledBlueprint(t, exam.QuickQuiz)
	bp.MultipleScoring, bp.PartialFraction = exam.Partial, content.Pts(0.5)
	p, err := grading.BuildPaper(grading.PaperInput{Rules: bp, Paper: paper, Questions: qs, Attempt: 9})
	if err != nil {
		t.Fatal(err)
	}
	multiple := p.Sections[2]
	if multiple.Type != content.Multiple || !strings.Contains(multiple.Rule, "少选且所选均正确得 0.5 分") || !strings.Contains(multiple.Note, "少选且所选均正确得 0.5 分") {
		t.Fatalf("partial credit not stated: %+v", multiple)
	}
	if p.Attempt != 9 || p.Minutes != 10 || p.Total != content.Pts(10) || len(p.Instructions) == 0 || p.Sections[1].Questions[0].No != 7 {
		t.Fatalf("paper: %+v", p)
	}
	if raw := poppler(t, "pdftotext", encodePaper(t, p, report.PartKey), "-raw"); !strings.Contains(raw, "作答 9 · 种子 3 · 卷码 "+paper.Code()) {
		t.Errorf("an attempt's paper does not name the attempt in its footer")
	}
	delete(qs, content.Ref{ID: paper.Sections[0].Items[0].QuestionID, Version: 1})
	if _, err := grading.BuildPaper(grading.PaperInput{Rules: bp, Paper: paper, Questions: qs}); err == nil {
		t.Fatal("a paper with a missing question built")
	}
}

// BenchmarkEncodePaperL2Theory times printing the L2 theory paper (180 questions, 13
// pages), its key and its one-page answer sheet from a built paper.
func BenchmarkEncodePaperL2Theory(b *testing.B) {
	_, _, p := printedPaper(b, exam.L2Theory, 7)
	for _, part := range report.Parts {
		b.Run(string(part), func(b *testing.B) {
			encodePaper(b, p, part) // the font parse, once per process
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				encodePaper(b, p, part)
			}
		})
	}
}
