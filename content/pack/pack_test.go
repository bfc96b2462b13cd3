package pack_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/content/pack"
	"golang.org/x/text/unicode/norm"
)

func bundled(t *testing.T) *pack.Pack {
	t.Helper()
	p, err := pack.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// normalizeStem folds width, drops punctuation and spaces: two stems equal after this are duplicates.
func normalizeStem(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// TestBundledPackQuality holds the bundled bank to the gates candidates rely on.
func TestBundledPackQuality(t *testing.T) {
	p := bundled(t)
	points := map[string]content.Node{}
	children := map[string]int{}
	for _, n := range p.Nodes {
		children[n.Parent]++
		if n.Kind == content.Point {
			points[n.Code] = n
			if n.Text == "" || n.Source == "" {
				t.Errorf("knowledge point %s needs a study text and a source", n.Code)
			}
		}
	}
	for _, n := range p.Nodes {
		pending := n.Text == content.PendingText
		if n.Kind == content.Section && children[n.Code] == 0 && !pending {
			t.Errorf("section %s has no knowledge points and is not marked %s", n.Code, content.PendingText)
		}
		if pending && children[n.Code] > 0 {
			t.Errorf("section %s has knowledge points but is marked %s", n.Code, content.PendingText)
		}
	}

	perType := map[content.Type]int{}
	perForm := map[content.Form]int{}
	perUnit := map[string]int{}
	stems := map[string]string{}
	keys := map[string]bool{}
	trueCount, multiSizes, levels := 0, map[int]int{}, map[int]int{}
	for i := range p.Questions {
		q := p.Questions[i]
		q.Normalize()
		if err := q.Validate(func(c string) bool { _, ok := points[c]; return ok }); err != nil {
			t.Errorf("%s: %v", q.PackKey, err)
			continue
		}
		if keys[q.PackKey] {
			t.Errorf("key %s used twice", q.PackKey)
		}
		keys[q.PackKey] = true
		if q.Explanation == "" || q.Source == "" {
			t.Errorf("%s needs an explanation and a source", q.PackKey)
		}
		stem := normalizeStem(q.Stem + q.Material)
		if other, dup := stems[stem]; dup {
			t.Errorf("%s repeats the stem of %s", q.PackKey, other)
		}
		stems[stem] = q.PackKey
		perType[q.Type]++
		perUnit[q.Unit]++
		levels[q.Difficulty]++
		switch q.Type {
		case content.TrueFalse:
			if q.Answer[0] == "T" {
				trueCount++
			}
		case content.Multiple:
			multiSizes[len(q.Answer)]++
		case content.Case:
			perForm[q.CaseForm()]++
			// An analysis asks several things about its material; a 问题 or 论述 item is
			// usually one question, at most two.
			lo, hi := 2, 4
			if q.CaseForm() != content.Analysis {
				lo, hi = 1, 2
			}
			if n := len(q.Parts); n < lo || n > hi {
				t.Errorf("%s: a %s case needs %d–%d parts, has %d", q.PackKey, q.CaseForm(), lo, hi, n)
			}
		}
	}
	for code := range points {
		if perUnit[code] < 2 {
			t.Errorf("knowledge point %s has %d questions, needs at least 2", code, perUnit[code])
		}
	}
	for typ, min := range map[content.Type]int{content.Single: 250, content.TrueFalse: 75, content.Multiple: 75, content.Case: 12} {
		if perType[typ] < min {
			t.Errorf("%s: %d questions, need at least %d", typ, perType[typ], min)
		}
	}
	// The skills paper draws 问题 5, 论述 4 and 解析 2 items: the bank holds several papers' worth.
	for form, min := range map[content.Form]int{content.Short: 15, content.Essay: 12, content.Analysis: 20} {
		if perForm[form] < min {
			t.Errorf("case form %s: %d items, need at least %d", form, perForm[form], min)
		}
	}
	if tf := perType[content.TrueFalse]; tf > 0 {
		share := float64(trueCount) / float64(tf)
		if share < 0.4 || share > 0.6 {
			t.Errorf("true/false keys are %.0f%% true, want 40–60%%", share*100)
		}
	}
	if len(multiSizes) < 2 {
		t.Errorf("multiple-choice keys all have the same size: %v", multiSizes)
	}
	if len(levels) < 3 {
		t.Errorf("difficulty uses only %d levels: %v", len(levels), levels)
	}
	t.Log("\n" + statistics(p))
}

// statistics is the bank at a glance: per type, per chapter, per difficulty.
func statistics(p *pack.Pack) string {
	titles := map[string]string{}
	for _, n := range p.Nodes {
		titles[n.Code] = n.Title
	}
	byChapter := map[string]map[content.Type]int{}
	byLevel := map[int]int{}
	byType := map[content.Type]int{}
	byForm := map[content.Form]int{}
	for _, q := range p.Questions {
		ch := content.ChapterOf(q.Unit)
		if byChapter[ch] == nil {
			byChapter[ch] = map[content.Type]int{}
		}
		byChapter[ch][q.Type]++
		byLevel[q.Difficulty]++
		byType[q.Type]++
		byForm[q.CaseForm()]++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "bank: %d questions — single %d, truefalse %d, multiple %d, case %d\n", len(p.Questions),
		byType[content.Single], byType[content.TrueFalse], byType[content.Multiple], byType[content.Case])
	fmt.Fprintf(&b, "skills items: 问题 (short) %d, 论述 (essay) %d, 解析 (analysis) %d\n",
		byForm[content.Short], byForm[content.Essay], byForm[content.Analysis])
	chapters := make([]string, 0, len(byChapter))
	for ch := range byChapter {
		chapters = append(chapters, ch)
	}
	sort.Slice(chapters, func(i, j int) bool { return chapterLess(chapters[i], chapters[j]) })
	fmt.Fprintf(&b, "%-6s %-24s %6s %6s %6s %6s\n", "chapter", "", "single", "tf", "multi", "case")
	for _, ch := range chapters {
		c := byChapter[ch]
		fmt.Fprintf(&b, "%-6s %-24s %6d %6d %6d %6d\n", ch, titles[ch], c[content.Single], c[content.TrueFalse], c[content.Multiple], c[content.Case])
	}
	b.WriteString("difficulty:")
	for l := 1; l <= 5; l++ {
		fmt.Fprintf(&b, " %d:%d", l, byLevel[l])
	}
	return b.String()
}

var digits = regexp.MustCompile(`\d+`)

func chapterLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	if pa[0] != pb[0] {
		return pa[0] < pb[0]
	}
	na, nb := digits.FindString(pa[len(pa)-1]), digits.FindString(pb[len(pb)-1])
	return len(na) < len(nb) || len(na) == len(nb) && na < nb
}

func TestBundledPackLoadsIdempotently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		g := dbtest.Open(t, dsn)
		ctx := context.Background()
		if err := content.Migrate(ctx, g); err != nil {
			t.Fatal(err)
		}
		s := content.NewStore(g)
		first, err := pack.Load(ctx, s, bundled(t))
		if err != nil {
			t.Fatal(err)
		}
		if first.Added != len(bundled(t).Questions) {
			t.Fatalf("first load added %d of %d", first.Added, len(bundled(t).Questions))
		}
		again, err := pack.Load(ctx, s, bundled(t))
		if err != nil || again.Added != 0 || again.Updated != 0 {
			t.Fatalf("second load: %+v, %v", again, err)
		}
		nodes, _ := s.Syllabus(ctx)
		if len(nodes) != len(bundled(t).Nodes) {
			t.Fatalf("%d nodes stored, want %d", len(nodes), len(bundled(t).Nodes))
		}
	})
}

func TestParseNamesTheFileAndLine(t *testing.T) {
	fsys := fstest.MapFS{
		"00-a.yaml": {Data: []byte("nodes:\n  - code: JC\n    kind: level\n    title: 基础知识\n")},
		"10-b.yaml": {Data: []byte("questions:\n  - key: x\n    typo_field: 1\n")},
	}
	_, err := pack.Parse(fsys)
	if err == nil || !strings.Contains(err.Error(), "10-b.yaml") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v", err)
	}
	fsys["10-b.yaml"] = &fstest.MapFile{Data: []byte("nodes:\n  - code: JC.1.1\n    parent: JC\n    kind: section\n    title: 跳级\n")}
	if _, err := pack.Parse(fsys); err == nil || !strings.Contains(err.Error(), "JC.1.1") {
		t.Fatalf("err = %v", err)
	}
}

func TestPackAnswersAndOptions(t *testing.T) {
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(`nodes:
  - {code: JC, kind: level, title: 基础知识}
questions:
  - key: k1
    type: multiple
    unit: JC
    difficulty: 2
    stem: 题干
    options: [甲, 乙, 丙]
    answer: "A、C"
  - key: k2
    type: case
    unit: JC
    difficulty: 3
    stem: 阅读案例
    material: 材料
    parts:
      - prompt: 问
        points: 7.5
        reference: 答
        rubric:
          - {point: 一, score: 2.5, keywords: [甲]}
          - {point: 二, score: 5, keywords: [乙], synonyms: [丁], pairs: [[乙, " ①"], [乙, 丙]]}
  - key: k3
    type: case
    form: essay
    unit: JC
    difficulty: 4
    stem: 论述
    parts:
      - prompt: 论述甲与乙。
        points: 10
        reference: 答
        rubric:
          - {point: 甲乙, score: 10, keywords: [甲], synonyms: [乙]}
`)}}
	p, err := pack.Parse(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m := p.Questions[0]
	if len(m.Options) != 3 || m.Options[2].Key != "C" || m.Options[2].Text != "丙" || strings.Join(m.Answer, "") != "AC" {
		t.Fatalf("multiple = %+v", m)
	}
	c := p.Questions[1]
	if c.Parts[0].Points != content.Pts(7.5) || c.Parts[0].Rubric[0].Score != content.Pts(2.5) {
		t.Fatalf("case = %+v", c.Parts[0])
	}
	if r := c.Parts[0].Rubric[1]; len(r.Pairs) != 2 || r.Pairs[0][1] != "①" || r.Pairs[1][1] != "丙" || r.Synonyms[0] != "丁" {
		t.Fatalf("synonyms and pairs (trimmed) = %+v", r)
	}
	if err := c.Validate(func(string) bool { return true }); err != nil {
		t.Fatal(err)
	}
	if c.CaseForm() != content.Analysis {
		t.Fatalf("a case without form is %q, want analysis", c.CaseForm())
	}
	e := p.Questions[2]
	if err := e.Validate(func(string) bool { return true }); err != nil || e.Form != content.Essay || e.Material != "" {
		t.Fatalf("essay = form %q material %q, %v", e.Form, e.Material, err)
	}
}
