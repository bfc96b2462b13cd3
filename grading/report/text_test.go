package report

import (
	"slices"
	"strings"
	"testing"
)

func testWidth(t *testing.T, size float64) func(rune) float64 {
	fs, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	d := &doc{fonts: fs}
	return d.runeWidth(size)
}

func TestWrapKeepsEveryRune(t *testing.T) {
	width := testWidth(t, body)
	texts := []string{
		"客户服务是指企业通过其员工提供产品和服务以满足客户需求的行为。对客户服务演变的认识中，把客户服务看作“服务产品+产品服务”的观点，强调的是（ ）。",
		"某电信企业 2025 年第 3 季度的客户满意度调查显示，CSAT 由 86% 下降到 79%，NPS 由 32 降到 18。",
		"Customer satisfaction (CSAT) and the Net Promoter Score are measured every quarter by the service department.",
		"https://example.com/a/very/long/path/without/any/spaces/that/is/wider/than/one/line/of/the/report/page",
		"。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。",
		"  两个空格开头，   中间多个空格   ，结尾也有  ",
		"",
		"一",
	}
	for _, text := range texts {
		for _, max := range []float64{3, 20, 57.3, 120, 174} {
			ls := wrap(text, max, width)
			if got := strings.Join(ls, ""); got != text {
				t.Fatalf("wrap(%q, %v) lost characters:\n got %q\nwant %q", text, max, got, text)
			}
			for _, l := range ls {
				w := 0.0
				for _, r := range strings.TrimRight(l, " ") {
					w += width(r)
				}
				if w > max+1e-9 && len([]rune(strings.TrimRight(l, " "))) > 1 {
					t.Errorf("wrap(%q, %v): line %q is %.1f wide", text, max, l, w)
				}
			}
		}
	}
}

func TestWrapBreaksWell(t *testing.T) {
	width := testWidth(t, body)
	text := "某电信企业 2025 年第 3 季度的客户满意度调查显示，CSAT 由 86% 下降到 79%，NPS 由 32 降到 18。客户服务部经理首先应当做的是（ ）。"
	for _, max := range []float64{30, 45, 60, 80} {
		for i, l := range wrap(text, max, width) {
			if !strings.Contains(text, l) {
				t.Fatalf("line %q not in text", l)
			}
			first := []rune(l)[0]
			if i > 0 && strings.ContainsRune(noLineStart, first) {
				t.Errorf("max %v: line %q starts with closing punctuation", max, l)
			}
			last := []rune(strings.TrimRight(l, " "))
			if strings.ContainsRune(noLineEnd, last[len(last)-1]) {
				t.Errorf("max %v: line %q ends with opening punctuation", max, l)
			}
		}
		// No Latin word or number is split between lines.
		ls := wrap(text, max, width)
		for i := 1; i < len(ls); i++ {
			a, b := []rune(ls[i-1]), []rune(ls[i])
			if isWordRune(a[len(a)-1]) && isWordRune(b[0]) {
				t.Errorf("max %v: word split between %q and %q", max, ls[i-1], ls[i])
			}
		}
	}
}

func TestLinesKeepsHardBreaks(t *testing.T) {
	width := testWidth(t, body)
	got := lines("第一行\n\n第三行", 100, width)
	if want := []string{"第一行", "", "第三行"}; !slices.Equal(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

func TestCleanMarksMissingGlyphs(t *testing.T) {
	fs, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"李𠀾明":          "李□明",
		"A\tB\r\nC\rD": "A B\nC\nD",
		"\ufeff开头":     "开头",
		"客户 CSAT 86%":  "客户 CSAT 86%",
	} {
		if got := clean(fs, in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
