package report

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// stressPaper is a paper built to trip the layout: options short enough for one line,
// long enough for two columns and too long for any, eight options, a stem that is one
// long Latin word, a true/false stem without its bracket, a case whose material runs over
// pages and whose rubric total is scaled, and many questions.
func stressPaper(singles int) *Paper {
	long := strings.Repeat("客户服务管理师应当按照服务规范和企业制度，及时、准确、完整地处理客户的咨询、投诉与建议，", 3)
	p := &Paper{Title: "压力测试试卷", Center: "某某职业技能培训学校", Blueprint: "stress", Seed: 123456, Code: "ABCD1234",
		Minutes: 90, Total: content.Pts(100), Pass: content.Pts(60), Instructions: []string{"第一条。", long}}
	single := PaperSection{Type: content.Single, Title: "单项选择题", Note: "每题只有一个正确答案。", PointsEach: content.Pts(0.5)}
	for i := range singles {
		q := PaperQuestion{No: i + 1, Stem: fmt.Sprintf("第 %d 题：下列说法正确的是（  ）。", i+1), Key: "B",
			Options: []Choice{{"A", "甲"}, {"B", "乙"}, {"C", "丙"}, {"D", "丁"}}}
		switch i % 4 {
		case 1:
			q.Options[0].Text = "客户服务是企业提供的服务行为"
		case 2:
			q.Options[2].Text = long
			q.Stem = "Supercalifragilisticexpialidocious" + strings.Repeat("Xy", 60) + "（  ）"
		}
		single.Questions = append(single.Questions, q)
	}
	no := singles
	next := func() int { no++; return no }
	truefalse := PaperSection{Type: content.TrueFalse, Title: "判断题", PointsEach: content.Pts(0.5), Questions: []PaperQuestion{
		{No: next(), Stem: "客户服务只面向企业外部的客户。", Key: "×"}}}
	var eight []Choice
	for i := range 8 {
		eight = append(eight, Choice{string(rune('A' + i)), fmt.Sprintf("选项%d", i+1)})
	}
	multiple := PaperSection{Type: content.Multiple, Title: "多项选择题", PointsEach: content.Pts(1), Questions: []PaperQuestion{
		{No: next(), Stem: "以下哪些属于客户服务的特点？（  ）", Options: eight, Key: "ACDFH"}}}
	cases := PaperSection{Type: content.Case, Title: "解析题", PointsEach: content.Pts(15), Questions: []PaperQuestion{
		{No: next(), Stem: "阅读以下案例，回答问题。", Material: strings.Repeat(long+"\n", 12), RawPoints: content.Pts(20), Parts: []Prompt{
			{Prompt: "分析原因。", Points: content.Pts(12), Reference: long, Rubric: []Criterion{
				{Point: long, Keywords: []string{"原因", "制度"}, Synonyms: strings.Split(long, "，"), Score: content.Pts(6)},
				{Point: "提出改进措施", Keywords: []string{"措施"}, Score: content.Pts(6)}}},
			{Prompt: "提出建议。", Points: content.Pts(8), Reference: "（1）建议一。（2）建议二。"}}}}}
	p.Sections = []PaperSection{single, truefalse, multiple, cases}
	return p
}

func encodePaperFile(t *testing.T, p *Paper, part Part) string {
	t.Helper()
	var b bytes.Buffer
	if err := EncodePaper(&b, p, part); err != nil {
		t.Fatalf("EncodePaper %s: %v", part, err)
	}
	path := filepath.Join(t.TempDir(), string(part)+".pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// word is one word of pdftotext -bbox, in millimetres.
type word struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

func words(t *testing.T, path string) []word {
	t.Helper()
	var doc struct {
		Pages []struct {
			Words []struct {
				XMin float64 `xml:"xMin,attr"`
				YMin float64 `xml:"yMin,attr"`
				XMax float64 `xml:"xMax,attr"`
				YMax float64 `xml:"yMax,attr"`
				Text string  `xml:",chardata"`
			} `xml:"word"`
		} `xml:"body>doc>page"`
	}
	out := run(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
	if err := xml.Unmarshal([]byte(out[strings.Index(out, "<html"):]), &doc); err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	const mm = 25.4 / 72
	var ws []word
	for i, p := range doc.Pages {
		for _, w := range p.Words {
			ws = append(ws, word{i + 1, w.XMin * mm, w.YMin * mm, w.XMax * mm, w.YMax * mm, w.Text})
		}
	}
	return ws
}

// Nothing a paper prints runs past its margins or into the footer, whatever its texts.
func TestPaperStaysInsideItsMargins(t *testing.T) {
	t.Parallel()
	p := stressPaper(40)
	for _, part := range Parts {
		left, right := marginX, pageW-marginX
		if part == PartSheet {
			left, right = sheetMargin, pageW-sheetMargin
		}
		ws := words(t, encodePaperFile(t, p, part))
		if len(ws) == 0 {
			t.Fatalf("%s: no text", part)
		}
		for _, w := range ws {
			footer := w.yMin > bottom+2
			if w.xMin < left-0.3 || w.xMax > right+0.3 || !footer && w.yMax > bottom+0.3 {
				t.Errorf("%s page %d: %q at x %.1f–%.1f, y %.1f–%.1f mm is outside the page's margins", part, w.page, w.text, w.xMin, w.xMax, w.yMin, w.yMax)
			}
		}
	}
}

// Options share a line when they fit it whole: four short ones on one line, four of
// medium length two by two, a long one each on its own lines.
func TestOptionColumns(t *testing.T) {
	t.Parallel()
	p := stressPaper(3)
	ws := words(t, encodePaperFile(t, p, PartPaper))
	slices.SortStableFunc(ws, func(a, b word) int {
		return cmp.Or(cmp.Compare(a.page, b.page), cmp.Compare(math.Round(a.yMin), math.Round(b.yMin)), cmp.Compare(a.xMin, b.xMin))
	})
	number := regexp.MustCompile(`^\d+\.$`)
	lines := map[int][]float64{} // question → the y of its A., B., C., D., in order
	q := 0
	for _, w := range ws {
		switch {
		case w.xMin < marginX+0.5 && number.MatchString(w.text):
			q, _ = strconv.Atoi(strings.TrimSuffix(w.text, "."))
		case q >= 1 && q <= 3 && len(w.text) == 2 && w.text[1] == '.' && w.text[0] >= 'A' && w.text[0] <= 'D':
			lines[q] = append(lines[q], w.yMin)
		}
	}
	distinct := func(ys []float64) int {
		n := 0
		for i, y := range ys {
			if i == 0 || y-ys[i-1] > 1 {
				n++
			}
		}
		return n
	}
	for q, want := range map[int]int{1: 1, 2: 2, 3: 4} {
		if got := distinct(lines[q]); len(lines[q]) != 4 || got != want {
			t.Errorf("question %d: options on %d lines (%v), want %d", q, got, lines[q], want)
		}
	}
}

// A sheet too long for one page goes on to the next, every box still on a page.
func TestLongAnswerSheetBreaksPages(t *testing.T) {
	t.Parallel()
	path := encodePaperFile(t, stressPaper(500), PartSheet)
	text := pdfText(t, path, "-raw")
	for _, w := range []string{"500ABCD", "501√×", "502ABCDEFGH", "案例分析题作答区", "第503题（2）"} {
		if !strings.Contains(text, w) {
			t.Errorf("long sheet: no %q", w)
		}
	}
	var pages int
	fmt.Sscan(strings.TrimSpace(regexp.MustCompile(`Pages:\s+\d+`).FindString(run(t, "pdfinfo", path))[len("Pages:"):]), &pages)
	if pages < 3 {
		t.Errorf("500 questions and a case on %d pages", pages)
	}
}

func TestEncodePaperRefusesUnknownPart(t *testing.T) {
	t.Parallel()
	if err := EncodePaper(&bytes.Buffer{}, stressPaper(1), "answers"); err == nil {
		t.Fatal("an unknown part encoded")
	}
}

func TestNumeral(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 12: "十二", 20: "二十", 35: "三十五", 100: "100"} {
		if got := numeral(n); got != want {
			t.Errorf("numeral(%d) = %q, want %q", n, got, want)
		}
	}
}
