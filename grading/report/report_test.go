package report

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/csmexam/csmexam/content"
)

// poppler returns the path of a poppler-utils tool: under CI=true a missing tool fails
// the test, elsewhere it skips it.
func poppler(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (apt-get install poppler-utils)", tool)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils)", tool)
	}
	return p
}

// encodeFile encodes r into a temporary PDF and returns its path.
func encodeFile(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(poppler(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// pdfText is the report's text as pdftotext reads it, with all whitespace removed so
// wrapped lines compare with the strings they came from.
func pdfText(t *testing.T, path, mode string) string {
	return squeeze(run(t, "pdftotext", mode, "-enc", "UTF-8", path, "-"))
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// TestEncodeFivePages: the report BenchmarkEncode times as five pages is five pages, and
// its last case is there.
func TestEncodeFivePages(t *testing.T) {
	t.Parallel()
	path := encodeFile(t, fivePageReport())
	if info := run(t, "pdfinfo", path); !strings.Contains(info, "Pages:           5") {
		t.Errorf("the five-page report lays out to:\n%s", info)
	}
	if text := pdfText(t, path, "-raw"); !strings.Contains(text, "案例4") || !strings.Contains(text, "73.5") {
		t.Errorf("the fourth case or the score is missing:\n%s", text)
	}
}

func TestEncodeSampleText(t *testing.T) {
	r := sampleReport()
	path := encodeFile(t, r)
	if info := run(t, "pdfinfo", path); !strings.Contains(info, "Pages:           4") {
		t.Errorf("sample should lay out to 4 pages:\n%s", info)
	}
	for _, mode := range []string{"-layout", "-raw"} {
		text := pdfText(t, path, mode)
		want := []string{r.Candidate, r.Username, r.Center, r.VerifyCode, "57.5", "/100分", "不合格", "合格线60分",
			"单项选择题", "讲师评语"}
		if mode == "-raw" { // -layout interleaves a wrapped chapter title with its bar's figures
			want = append(want, r.Chapters[2].Title)
		}
		for _, it := range r.Wrong {
			want = append(want, it.Stem)
			for _, o := range it.Options {
				want = append(want, o.Text)
			}
			if it.Explanation != "" {
				want = append(want, it.Explanation)
			}
		}
		for _, u := range r.Unanswered {
			want = append(want, fmt.Sprintf("%d.%s", u.No, u.Stem))
		}
		for _, c := range r.Cases {
			want = append(want, c.Material, c.Comment)
			for _, p := range c.Parts {
				want = append(want, p.Prompt, p.Answer)
			}
		}
		for p := 1; p <= 4; p++ {
			want = append(want, fmt.Sprintf("第%d页/共4页", p))
		}
		for _, w := range want {
			if !strings.Contains(text, squeeze(w)) {
				t.Errorf("pdftotext %s: missing %q", mode, w)
			}
		}
		if strings.Contains(text, "待阅卷") {
			t.Errorf("pdftotext %s: a graded report says 待阅卷", mode)
		}
	}
}

func TestEncodeEmbedsTheFont(t *testing.T) {
	out := run(t, "pdffonts", encodeFile(t, sampleReport()))
	lines := strings.Split(strings.TrimSpace(out), "\n")[2:]
	if len(lines) < 2 {
		t.Fatalf("want the subset font under two or more single-byte fonts:\n%s", out)
	}
	for _, l := range lines {
		// name type encoding emb sub uni object ID
		if f := strings.Fields(l); f[1] != "TrueType" || f[3] != "yes" || f[4] != "yes" {
			t.Errorf("not an embedded TrueType subset: %s", l)
		}
	}
}

func TestEncodeFirstPageIsNotBlank(t *testing.T) {
	path := encodeFile(t, sampleReport())
	prefix := filepath.Join(t.TempDir(), "page")
	if out := run(t, "pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", "-singlefile", path, prefix); out != "" {
		t.Errorf("pdftoppm complains about the PDF:\n%s", out)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	inked, b := 0, img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xE000 || g < 0xE000 || bl < 0xE000 {
				inked++
			}
		}
	}
	// At 50 dpi an A4 page is 413×585 pixels; the header, score box, table and chart
	// ink several percent of it.
	if total := b.Dx() * b.Dy(); inked < total/50 {
		t.Errorf("page 1 looks blank: %d of %d pixels inked", inked, total)
	}
}

func TestEncodeVerdicts(t *testing.T) {
	passed := sampleReport()
	passed.Score, passed.Passed = content.Pts(82), true
	text := pdfText(t, encodeFile(t, passed), "-raw")
	if !strings.Contains(text, "合格") || strings.Contains(text, "不合格") || strings.Contains(text, "待阅卷") {
		t.Errorf("a passed report must say 合格 only")
	}

	pending := sampleReport()
	pending.Pending = true
	for i := range pending.Cases {
		pending.Cases[i].Score, pending.Cases[i].Comment = 0, ""
		for j := range pending.Cases[i].Parts {
			pending.Cases[i].Parts[j].Points = nil
		}
	}
	text = pdfText(t, encodeFile(t, pending), "-raw")
	for _, w := range []string{"待阅卷", "案例分析题尚待讲师阅卷", "待阅卷·满分17.5分"} {
		if !strings.Contains(text, w) {
			t.Errorf("pending report: missing %q", w)
		}
	}
	if strings.Contains(text, "不合格") {
		t.Errorf("a pending report must not say 不合格 yet")
	}
}

func TestEncodeAnswers(t *testing.T) {
	text := pdfText(t, encodeFile(t, sampleReport()), "-raw")
	for _, w := range []string{
		"你的答案B·正确答案C",          // single choice
		"B.围绕产品的交易和使用而展开的服务✗",  // the wrong choice marked
		"C.提供产品和服务以满足客户需要的行为✓", // the right option marked
		"你的答案A、B·正确答案A、B、C、D",  // multiple choice
		"你的答案正确·正确答案错误",        // true/false shows words, not T/F
		"错题（9道）", "未作答（3道）",
		"指出服务渠道（呼叫中心）能力不足22", // per-point score table row
	} {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q", w)
		}
	}
}

var footer = regexp.MustCompile(`第\d+页/共\d+页验证码[0-9A-Z-]+`)

// A long report breaks across many pages; every stem must survive the breaks whole and
// every page must carry its footer.
func TestEncodeLongReportKeepsEveryStem(t *testing.T) {
	r := sampleReport()
	var many []Item
	for i := 0; i < 6; i++ {
		for _, it := range r.Wrong {
			it.No += 50 * i
			it.Stem = fmt.Sprintf("（第 %d 组）%s%s", i+1, it.Stem, strings.Repeat(it.Explanation, 2))
			many = append(many, it)
		}
	}
	r.Wrong = many
	path := encodeFile(t, r)
	text := pdfText(t, path, "-raw")
	// A stem that runs over a page break has that page's footer between its halves.
	body := footer.ReplaceAllString(text, "")
	for _, it := range r.Wrong {
		if !strings.Contains(body, squeeze(it.Stem)) {
			t.Errorf("stem of question %d lost or cut", it.No)
		}
	}
	info := run(t, "pdfinfo", path)
	var pages int
	for _, l := range strings.Split(info, "\n") {
		if strings.HasPrefix(l, "Pages:") {
			fmt.Sscan(strings.TrimPrefix(l, "Pages:"), &pages)
		}
	}
	if pages < 10 {
		t.Fatalf("expected a long report, got %d pages", pages)
	}
	for p := 1; p <= pages; p++ {
		if w := fmt.Sprintf("第%d页/共%d页", p, pages); !strings.Contains(text, w) {
			t.Errorf("missing footer %q", w)
		}
	}
}

// Characters no embedded font has show as □ instead of vanishing; control and format
// characters do not break the document.
func TestEncodeUnknownCharacters(t *testing.T) {
	r := sampleReport()
	r.Candidate = "李𠀾明😀"                 // CJK Extension B and an emoji: outside the fonts
	r.Wrong[0].Stem = "甲\t乙\u200b丙\r\n丁" // tab, zero-width space, CRLF
	text := pdfText(t, encodeFile(t, r), "-raw")
	for _, w := range []string{"李□明□", "甲乙丙丁"} {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q", w)
		}
	}
}

func TestEncodeEmptyReport(t *testing.T) {
	var a, b bytes.Buffer
	if err := Encode(&a, &Report{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Errorf("not a PDF")
	}
	if err := Encode(&b, &Report{}); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("an empty report must encode the same twice (no clock read): %v", err)
	}
}

func TestEncodeIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Encode(&a, sampleReport()); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("the same report encoded twice gives different bytes")
	}
}
