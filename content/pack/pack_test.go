package pack_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
	"unicode/utf8"

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
	b.WriteString("\n")
	writeSections(&b, p, titles)
	writeCueScores(&b, p)
	return b.String()
}

// writeSections lists the questions of every textbook section, by type.
func writeSections(b *strings.Builder, p *pack.Pack, titles map[string]string) {
	bySection := map[string]map[content.Type]int{}
	for _, q := range p.Questions {
		sec := sectionOf(q.Unit)
		if bySection[sec] == nil {
			bySection[sec] = map[content.Type]int{}
		}
		bySection[sec][q.Type]++
	}
	fmt.Fprintf(b, "%-9s %-28s %6s %6s %6s %6s\n", "section", "", "single", "tf", "multi", "case")
	for _, n := range p.Nodes {
		if n.Kind != content.Section {
			continue
		}
		c := bySection[n.Code]
		fmt.Fprintf(b, "%-9s %-28s %6d %6d %6d %6d\n", n.Code, titles[n.Code], c[content.Single], c[content.TrueFalse], c[content.Multiple], c[content.Case])
	}
}

// writeCueScores prints what the quality gates measure: the negative-stem share and what
// each guessing strategy scores.
func writeCueScores(b *strings.Builder, p *pack.Pack) {
	var single, negative, tf, absoluteRight, choice, dominant int
	var longest float64
	letters := map[string]int{}
	for _, q := range p.Questions {
		switch q.Type {
		case content.Single:
			single++
			letters[q.Answer[0]]++
			longest += longestKeyScore(q)
			if negativeStem.MatchString(q.Stem) {
				negative++
			}
		case content.TrueFalse:
			tf++
			if absoluteRuleRight(q) {
				absoluteRight++
			}
		}
		if q.Type == content.Single || q.Type == content.Multiple {
			choice++
			if dominantOption(q) {
				dominant++
			}
		}
	}
	share := func(n float64, of int) float64 {
		if of == 0 {
			return 0
		}
		return 100 * n / float64(of)
	}
	fmt.Fprintf(b, "negative single-choice stems: %.1f%% (%d of %d)\n", share(float64(negative), single), negative, single)
	fmt.Fprintf(b, "cues: longest option %.1f%% of single; absolute word → F %.1f%% of true/false; option over twice the others %.1f%% of choice\n",
		share(longest, single), share(float64(absoluteRight), tf), share(float64(dominant), choice))
	b.WriteString("single-choice keys:")
	for _, l := range []string{"A", "B", "C", "D"} {
		fmt.Fprintf(b, " %s %.1f%%", l, share(float64(letters[l]), single))
	}
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
		s := content.NewStore(g, time.Now)
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

// The second-edition quality gates (issue 14): a candidate who guesses by the shape of the
// options, or by absolute words, must not beat the paper; the bank reads like the real paper;
// one question per fact and wording pattern; explanations that survive option shuffling.

// objective reports whether q is answered by choosing (single, multiple, true/false).
func objective(q content.Question) bool {
	return q.Type == content.Single || q.Type == content.Multiple || q.Type == content.TrueFalse
}

func runes(s string) int { return utf8.RuneCountInString(strings.TrimSpace(s)) }

// longestKeyScore is what "always choose the longest option" earns on q: 1 if the key is the
// only longest option, 1/t if it ties with t−1 others, 0 otherwise.
func longestKeyScore(q content.Question) float64 {
	longest, ties, keyLen := 0, 0, 0
	for _, o := range q.Options {
		n := runes(o.Text)
		switch {
		case n > longest:
			longest, ties = n, 1
		case n == longest:
			ties++
		}
		if o.Key == q.Answer[0] {
			keyLen = n
		}
	}
	if keyLen != longest {
		return 0
	}
	return 1 / float64(ties)
}

// absoluteWords are the words a guesser reads as "this statement is false".
var absoluteWords = regexp.MustCompile(`只|一律|必须|所有|都|完全|任何|一切|总是|从不|绝对`)

// absoluteRuleRight reports whether "absolute word → F, else T" answers q right.
func absoluteRuleRight(q content.Question) bool {
	guess := "T"
	if absoluteWords.MatchString(q.Stem) {
		guess = "F"
	}
	return q.Answer[0] == guess
}

// dominantOption reports whether one option of q is more than twice the mean length (in
// runes) of the other options: "twice as long as the others", a cue to the key or away from it.
func dominantOption(q content.Question) bool {
	total := 0
	for _, o := range q.Options {
		total += runes(o.Text)
	}
	for _, o := range q.Options {
		n := runes(o.Text)
		othersMean := float64(total-n) / float64(len(q.Options)-1)
		if float64(n) > 2*othersMean {
			return true
		}
	}
	return false
}

// negativeStem matches the real paper's negative questions: which one does not belong, is wrong.
// 不能 counts only as 不能作为/不能帮助: "客户不能容忍的是" and "不能精确确定的问题" ask positively.
var negativeStem = regexp.MustCompile(`不属于|不正确|不准确|不恰当|不妥|说法错误|表述错误|错误的是|不包括|不是|不应|不能作为|不能帮助|不宜|不需要|不必|不符合|不涉及|除外`)

// bookPhrasing is the audit's 资料认为/按照教材: the real paper asks about facts, not about a text.
var bookPhrasing = regexp.MustCompile(`资料认为|按照教材|根据教材|教材认为`)

// letterCitation finds an explanation pointing at an option by its letter, which shuffling
// changes: A、B / A和C / 选项A / A项 / 故选C / 答案为 B / （A） / A正确 / A错.
var letterCitation = regexp.MustCompile(`(^|[^A-Za-z0-9])[A-F]\s*[、，,和与及]\s*[A-F]([^A-Za-z]|$)|选项\s*[A-F]([^A-Za-z]|$)|(^|[^A-Za-z0-9])[A-F]\s*项|选\s*[A-F]([^A-Za-z]|$)|答案(是|为)\s*[A-F]([^A-Za-z]|$)|[（(]\s*[A-F]\s*[）)]|(^|[^A-Za-z0-9])[A-F]\s*(正确|错误|错|对|不对|不正确|是|属于|不属于|说法|为|均|都|两项|三项)`)

func TestBankNoGuessingCues(t *testing.T) {
	p := bundled(t)
	var single, tf, choice int
	var longestScore float64
	var longestKeys, absoluteWrongOnes, dominantKeys []string
	absoluteRight := 0
	letters := map[string][]string{}
	for _, q := range p.Questions {
		switch q.Type {
		case content.Single:
			single++
			if s := longestKeyScore(q); s > 0 {
				longestScore += s
				longestKeys = append(longestKeys, q.PackKey)
			}
			letters[q.Answer[0]] = append(letters[q.Answer[0]], q.PackKey)
		case content.TrueFalse:
			tf++
			if absoluteRuleRight(q) {
				absoluteRight++
				absoluteWrongOnes = append(absoluteWrongOnes, q.PackKey)
			}
		}
		if q.Type == content.Single || q.Type == content.Multiple {
			choice++
			if dominantOption(q) {
				dominantKeys = append(dominantKeys, q.PackKey)
			}
		}
	}
	if single == 0 || tf == 0 {
		t.Fatalf("bank has %d single and %d true/false questions", single, tf)
	}
	if share := longestScore / float64(single); share > 0.30 {
		t.Errorf("choosing the longest option scores %.1f%% of single choice, want ≤ 30%%; the key is (one of) the longest in: %s",
			share*100, strings.Join(longestKeys, " "))
	}
	if share := float64(absoluteRight) / float64(tf); share > 0.60 {
		t.Errorf("\"absolute word → F, else T\" scores %.1f%% of true/false, want ≤ 60%%; it guesses right: %s",
			share*100, strings.Join(absoluteWrongOnes, " "))
	}
	for _, l := range []string{"A", "B", "C", "D"} {
		if share := float64(len(letters[l])) / float64(single); share < 0.20 || share > 0.30 {
			t.Errorf("%s is the key of %.1f%% of single choice, want 20–30%%: %s", l, share*100, strings.Join(letters[l], " "))
		}
	}
	if share := float64(len(dominantKeys)) / float64(choice); share > 0.10 {
		t.Errorf("%.1f%% of choice questions have an option longer than twice the others' mean, want ≤ 10%%: %s",
			share*100, strings.Join(dominantKeys, " "))
	}
}

func TestBankReadsLikeTheRealPaper(t *testing.T) {
	p := bundled(t)
	single, negative, objectives, hard := 0, 0, 0, 0
	levels := map[int]int{}
	for _, q := range p.Questions {
		if bookPhrasing.MatchString(q.Stem) {
			t.Errorf("%s: the stem speaks of a text (%s); ask the fact", q.PackKey, bookPhrasing.FindString(q.Stem))
		}
		if q.Type == content.Single {
			single++
			if negativeStem.MatchString(q.Stem) {
				negative++
			}
		}
		if objective(q) {
			objectives++
			levels[q.Difficulty]++
			if q.Difficulty >= 4 {
				hard++
			}
		}
	}
	if share := float64(negative) / float64(single); share < 0.30 {
		t.Errorf("%.1f%% of single-choice stems are negative (%d of %d), want ≥ 30%%", share*100, negative, single)
	}
	for l := 1; l <= 5; l++ {
		if levels[l] == 0 {
			t.Errorf("no objective question at difficulty %d: %v", l, levels)
		}
	}
	if share := float64(hard) / float64(objectives); share < 0.10 {
		t.Errorf("%.1f%% of objective questions at difficulty 4–5, want ≥ 10%%", share*100)
	}
}

func TestExplanationsNameOptionsNotLetters(t *testing.T) {
	for _, q := range bundled(t).Questions {
		if q.Type != content.Single && q.Type != content.Multiple {
			continue
		}
		if m := letterCitation.FindString(q.Explanation); m != "" {
			t.Errorf("%s: the explanation cites an option by letter (%q); shuffled papers show other letters, name the option's content", q.PackKey, strings.TrimSpace(m))
		}
	}
}

// nearDuplicateThreshold is the share of character bigrams (Jaccard) from which two
// normalised stems of the same type with the same key text ask one fact in one wording
// pattern. Chosen on the bank: in the first edition the only such pair at 0.50
// (L2.9.1.2-01 / L2.9.1.6-01, 技术环境 asked as 属于宏观 and as 不属于微观) was a repeat,
// while two true statements on different facts (JC.1.1.1-04 / JC.1.11.2-04: what customer
// service is, and that it presupposes a trade) already shared 0.30 of their bigrams only
// through 客户服务…企业与客户. 0.35 sits above that noise; the closest pairs left print in
// TestBankNoNearDuplicates. Repeats below it (a definition and a scenario on the same fact,
// two false statements of one misconception) are not told apart by bigrams and were removed
// by reading.
const nearDuplicateThreshold = 0.35

// questionWords are dropped before comparing stems: negation and question words turn one
// fact into "which is / which is not", which is the same question asked twice.
var questionWords = regexp.MustCompile(`不属于|不包括|不正确|不准确|不恰当|说法错误|表述错误|错误的是|正确的是|不是|不应|不能|属于|包括|下列|以下|哪一项|哪项|哪些|哪个|哪种|什么|说法|表述|关于|选项|正确|错误|的是|是|不`)

// comparableStem folds width and case, drops the blank （  ）, punctuation and question words.
func comparableStem(s string) string {
	s = strings.ReplaceAll(norm.NFKC.String(s), "(  )", "")
	s = normalizeStem(s)
	return questionWords.ReplaceAllString(s, "")
}

func bigrams(s string) map[string]bool {
	r := []rune(s)
	set := map[string]bool{}
	for i := 0; i+1 < len(r); i++ {
		set[string(r[i:i+2])] = true
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	shared := 0
	for g := range a {
		if b[g] {
			shared++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

// keyText is what a question's answer says: the key options' texts (order-free), or T/F.
func keyText(q content.Question) string {
	if q.Type == content.TrueFalse {
		return q.Answer[0]
	}
	var texts []string
	for _, a := range q.Answer {
		for _, o := range q.Options {
			if o.Key == a {
				texts = append(texts, normalizeStem(o.Text))
			}
		}
	}
	sort.Strings(texts)
	return strings.Join(texts, "|")
}

type stemPair struct {
	a, b string
	sim  float64
}

func TestBankNoNearDuplicates(t *testing.T) {
	p := bundled(t)
	type item struct {
		key, keyText string
		typ          content.Type
		grams        map[string]bool
	}
	var items []item
	for _, q := range p.Questions {
		if objective(q) {
			items = append(items, item{q.PackKey, keyText(q), q.Type, bigrams(comparableStem(q.Stem))})
		}
	}
	var flagged, closest []stemPair
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			a, b := items[i], items[j]
			if a.typ != b.typ || a.keyText != b.keyText {
				continue
			}
			pair := stemPair{a.key, b.key, jaccard(a.grams, b.grams)}
			if pair.sim >= nearDuplicateThreshold {
				flagged = append(flagged, pair)
			} else {
				closest = append(closest, pair)
			}
		}
	}
	for _, f := range flagged {
		t.Errorf("%s and %s ask the same fact in the same pattern (stem bigrams %.2f shared, same key)", f.a, f.b, f.sim)
	}
	sort.Slice(closest, func(i, j int) bool { return closest[i].sim > closest[j].sim })
	var b strings.Builder
	b.WriteString("closest surviving pairs (same type, same key):\n")
	for i := 0; i < len(closest) && i < 15; i++ {
		fmt.Fprintf(&b, "  %.2f %s %s\n", closest[i].sim, closest[i].a, closest[i].b)
	}
	t.Log(b.String())
}

// TestBankSecondEditionSize is issue 14's size: a full real-mix paper and chapter practice
// for every 二级 chapter, and every textbook section with questions to study from.
func TestBankSecondEditionSize(t *testing.T) {
	p := bundled(t)
	perType := map[content.Type]int{}
	perChapter := map[string]map[content.Type]int{}
	perSection := map[string]int{}
	for _, q := range p.Questions {
		perType[q.Type]++
		ch := content.ChapterOf(q.Unit)
		if perChapter[ch] == nil {
			perChapter[ch] = map[content.Type]int{}
		}
		perChapter[ch][q.Type]++
		if objective(q) {
			perSection[sectionOf(q.Unit)]++
		}
	}
	for typ, min := range map[content.Type]int{content.Single: 540, content.TrueFalse: 180, content.Multiple: 180} {
		if perType[typ] < min {
			t.Errorf("%s: %d questions in the bank, need at least %d", typ, perType[typ], min)
		}
	}
	for _, n := range p.Nodes {
		switch {
		case n.Kind == content.Chapter && strings.HasPrefix(n.Code, "L2."):
			for typ, min := range map[content.Type]int{content.Single: 40, content.TrueFalse: 10, content.Multiple: 10} {
				if got := perChapter[n.Code][typ]; got < min {
					t.Errorf("chapter %s %s: %d %s questions, need at least %d", n.Code, n.Title, got, typ, min)
				}
			}
		case n.Kind == content.Section && strings.HasPrefix(n.Code, "L2."):
			if got := perSection[n.Code]; got < 8 {
				t.Errorf("section %s %s: %d questions, need at least 8", n.Code, n.Title, got)
			}
		}
	}
}

// sectionOf is the textbook section a unit belongs to: its first three code segments.
func sectionOf(code string) string {
	parts := strings.SplitN(code, ".", 4)
	if len(parts) < 3 {
		return code
	}
	return strings.Join(parts[:3], ".")
}
