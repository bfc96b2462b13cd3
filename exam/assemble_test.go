package exam

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/pack"
)

// spec asks synthBank for n questions of typ in unit; difficulty 0 cycles through 1..5.
type spec struct {
	unit       string
	typ        content.Type
	n          int
	difficulty int
}

// synthBank makes valid questions with IDs 1, 2, 3 … in the order of specs, and versions
// 1 to 3 so that tests see the version carried onto the paper.
func synthBank(specs ...spec) []content.Question {
	var bank []content.Question
	for _, s := range specs {
		for i := range s.n {
			id := int64(len(bank) + 1)
			q := content.Question{ID: id, Version: int(id%3) + 1, Type: s.typ, Unit: s.unit, Difficulty: s.difficulty,
				Stem: fmt.Sprintf("题目 %d", id), Explanation: "解析", Source: "测试"}
			if q.Difficulty == 0 {
				q.Difficulty = i%5 + 1
			}
			switch s.typ {
			case content.Single, content.Multiple:
				for k := range 5 {
					q.Options = append(q.Options, content.Option{Key: string(rune('A' + k)), Text: fmt.Sprintf("选项 %d", k)})
				}
				q.Answer = []string{"A"}
				if s.typ == content.Multiple {
					q.Answer = []string{"A", "C"}
				}
			case content.TrueFalse:
				q.Answer = []string{"T"}
			case content.Case:
				q.Material = "案例"
				q.Parts = []content.CasePart{{Prompt: "问", Points: content.Pts(10), Reference: "答",
					Rubric: []content.RubricPoint{{Point: "要点", Score: content.Pts(10), Keywords: []string{"要点"}}}}}
			}
			q.Normalize()
			bank = append(bank, q)
		}
	}
	return bank
}

func testBlueprint(sections ...Section) Blueprint {
	bp := Blueprint{Code: "test", Title: "测试", DurationS: 600, Sections: sections}
	bp.Normalize()
	return bp
}

func index(bank []content.Question) map[int64]*content.Question {
	m := make(map[int64]*content.Question, len(bank))
	for i := range bank {
		m[bank[i].ID] = &bank[i]
	}
	return m
}

func mustAssemble(t testing.TB, bank []content.Question, bp Blueprint, seed int64) Paper {
	t.Helper()
	p, err := Assemble(bank, bp, seed)
	if err != nil {
		t.Fatalf("%s, seed %d: %v", bp.Code, seed, err)
	}
	return p
}

// countBy counts a section's items by what key says of their question.
func countBy(s PaperSection, byID map[int64]*content.Question, key func(q *content.Question) string) map[string]int {
	m := map[string]int{}
	for _, it := range s.Items {
		m[key(byID[it.QuestionID])]++
	}
	return m
}

func chapterKey(q *content.Question) string { return content.ChapterOf(q.Unit) }

// checkPaper asserts what every paper must be: the blueprint's sections with the right
// counts and types, each question once, as the bank's version, with its own option keys.
func checkPaper(t *testing.T, p Paper, bp Blueprint, byID map[int64]*content.Question) {
	t.Helper()
	if p.Blueprint != bp.Code || len(p.Sections) != len(bp.Sections) {
		t.Fatalf("paper %s has %d sections, want %s with %d", p.Blueprint, len(p.Sections), bp.Code, len(bp.Sections))
	}
	seen := map[int64]bool{}
	var total content.Points
	for i, s := range p.Sections {
		want := bp.Sections[i]
		if s.Type != want.Type || s.PointsEach != want.PointsEach || len(s.Items) != want.Count {
			t.Fatalf("section %d: %s × %d at %s, want %s × %d at %s", i, s.Type, len(s.Items), s.PointsEach, want.Type, want.Count, want.PointsEach)
		}
		for _, it := range s.Items {
			q := byID[it.QuestionID]
			if q == nil {
				t.Fatalf("question %d is not in the bank", it.QuestionID)
			}
			if seen[it.QuestionID] {
				t.Fatalf("question %d appears twice", it.QuestionID)
			}
			seen[it.QuestionID] = true
			if q.Type != s.Type || it.Version != q.Version {
				t.Fatalf("question %d: %s v%d in a %s section as v%d", q.ID, q.Type, q.Version, s.Type, it.Version)
			}
			if !bp.inScope(q.Unit) {
				t.Fatalf("question %d (%s) is outside the scope %v", q.ID, q.Unit, bp.Scope.Units)
			}
			keys := q.OptionKeys()
			switch {
			case q.Type == content.Case:
				if it.Options != nil {
					t.Fatalf("case %d has options %v", q.ID, it.Options)
				}
			case q.Type == content.TrueFalse:
				if !slices.Equal(it.Options, []string{"T", "F"}) {
					t.Fatalf("true/false %d shows %v", q.ID, it.Options)
				}
			case !bp.ShuffleOptions:
				if !slices.Equal(it.Options, keys) {
					t.Fatalf("question %d shows %v unshuffled, want %v", q.ID, it.Options, keys)
				}
			default:
				got := slices.Clone(it.Options)
				slices.Sort(got)
				slices.Sort(keys)
				if !slices.Equal(got, keys) {
					t.Fatalf("question %d shows %v, not a permutation of its keys", q.ID, it.Options)
				}
			}
			total += s.PointsEach
		}
	}
	if total != bp.Total() {
		t.Fatalf("paper is worth %s, blueprint %s", total, bp.Total())
	}
}

// bundledBank is the bundled pack with IDs 1..n, as the store would number it.
func bundledBank(t testing.TB) ([]content.Question, []content.Node) {
	t.Helper()
	p, err := pack.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Questions {
		p.Questions[i].Normalize()
		p.Questions[i].ID = int64(i + 1)
		p.Questions[i].Version = 1
	}
	return p.Questions, p.Nodes
}

func mixedBank() []content.Question {
	return synthBank(
		spec{"A.1.1.1", content.Single, 40, 0}, spec{"A.1.2.1", content.Single, 10, 0},
		spec{"A.2.1.1", content.Single, 30, 0}, spec{"A.3.1.1", content.Single, 20, 0},
		spec{"A.1.1.1", content.TrueFalse, 12, 0}, spec{"A.2.1.1", content.TrueFalse, 12, 0},
		spec{"A.1.1.1", content.Multiple, 10, 0}, spec{"A.3.1.1", content.Multiple, 10, 0},
		spec{"A.2.1.1", content.Case, 4, 4},
	)
}

func mixedBlueprint() Blueprint {
	bp := testBlueprint(
		Section{Type: content.Single, Count: 30, PointsEach: content.Pts(1)},
		Section{Type: content.TrueFalse, Count: 8, PointsEach: content.Pts(0.5)},
		Section{Type: content.Multiple, Count: 6, PointsEach: content.Pts(2)},
		Section{Type: content.Case, Count: 2, PointsEach: content.Pts(20)},
	)
	bp.ShuffleQuestions, bp.ShuffleOptions = true, true
	bp.Quotas = []Quota{{Unit: "A.1.2", Type: content.Single, Count: 4}, {Unit: "A.3", Type: content.Multiple, Count: 3}}
	bp.DifficultyMix = []DifficultyShare{{Level: 2, SharePercent: 40}, {Level: 3, SharePercent: 60}}
	return bp
}

func TestAssembleIsDeterministic(t *testing.T) {
	t.Parallel()
	bank := mixedBank()
	bp := mixedBlueprint()
	byID := index(bank)
	first := mustAssemble(t, bank, bp, 42)
	checkPaper(t, first, bp, byID)
	if first.Seed != 42 {
		t.Fatalf("seed = %d", first.Seed)
	}
	// The bank's order does not matter: shuffle it and assemble again.
	for round := range 5 {
		shuffled := slices.Clone(bank)
		rand.New(rand.NewPCG(uint64(round), 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := mustAssemble(t, shuffled, bp, 42); !reflect.DeepEqual(again, first) {
			t.Fatalf("round %d: the same seed over a reordered bank gave another paper", round)
		}
	}
	// Different seeds give different papers.
	distinct := map[string]bool{}
	for seed := range int64(20) {
		p := mustAssemble(t, bank, bp, seed)
		checkPaper(t, p, bp, byID)
		distinct[fmt.Sprint(p.Sections)] = true
	}
	if len(distinct) < 19 {
		t.Fatalf("20 seeds gave only %d distinct papers", len(distinct))
	}
}

func TestAssembleDoesNotChangeItsInputs(t *testing.T) {
	t.Parallel()
	bank := mixedBank()
	bp := mixedBlueprint()
	bp.Quotas[0].Unit = " A.1.2 "
	bankBefore, bpBefore := slices.Clone(bank), bp
	bpBefore.Quotas = slices.Clone(bp.Quotas)
	mustAssemble(t, bank, bp, 7)
	if !reflect.DeepEqual(bank, bankBefore) || !reflect.DeepEqual(bp, bpBefore) {
		t.Fatal("Assemble changed the bank or the blueprint")
	}
}

func TestAssembleMeetsQuotas(t *testing.T) {
	t.Parallel()
	// A.1.2 holds 10 of 100 singles and A.3 10 of 20 multiples: the chapter spread alone
	// would give them about 3 and 3; the quotas ask for more.
	bank := mixedBank()
	byID := index(bank)
	bp := testBlueprint(
		Section{Type: content.Single, Count: 30, PointsEach: content.Pts(1)},
		Section{Type: content.Multiple, Count: 6, PointsEach: content.Pts(2)},
	)
	bp.Quotas = []Quota{
		{Unit: "A.1", Type: content.Single, Count: 10},      // 10 more from A.1 besides A.1.2's 8
		{Unit: "A.1.2", Type: content.Single, Count: 8},     // nested: taken first
		{Unit: "A.3.1.1", Type: content.Multiple, Count: 5}, // a knowledge point
	}
	for seed := range int64(50) {
		p := mustAssemble(t, bank, bp, seed)
		checkPaper(t, p, bp, byID)
		single, multiple := p.Sections[0], p.Sections[1]
		under := func(s PaperSection, unit string) int {
			n := 0
			for _, it := range s.Items {
				if content.Beneath(byID[it.QuestionID].Unit, unit) {
					n++
				}
			}
			return n
		}
		if n := under(single, "A.1.2"); n < 8 {
			t.Fatalf("seed %d: %d singles from A.1.2, quota 8", seed, n)
		}
		if n := under(single, "A.1"); n < 18 {
			t.Fatalf("seed %d: %d singles from A.1, quotas 10 + 8", seed, n)
		}
		if n := under(multiple, "A.3.1.1"); n < 5 {
			t.Fatalf("seed %d: %d multiples from A.3.1.1, quota 5", seed, n)
		}
	}
}

func TestAssembleSpreadsOverChaptersByShare(t *testing.T) {
	t.Parallel()
	bank := synthBank(
		spec{"B.1.1.1", content.Single, 30, 0}, spec{"B.1.2.1", content.Single, 20, 0}, // B.1: 50
		spec{"B.2.1.1", content.Single, 30, 0}, // B.2: 30
		spec{"B.3.1.1", content.Single, 20, 0}, // B.3: 20
		spec{"B.4.1.1", content.Multiple, 9, 0},
	)
	byID := index(bank)
	cases := []struct {
		name   string
		count  int
		quotas []Quota
		want   map[string]int
	}{
		// 17 × 50/100 = 8.5, 17 × 30/100 = 5.1, 17 × 20/100 = 3.4: floors 8, 5, 3 and the
		// seat left goes to B.1's remainder .5.
		{"no quotas", 17, nil, map[string]int{"B.1": 9, "B.2": 5, "B.3": 3}},
		// 7 × (.5, .3, .2) = 3.5, 2.1, 1.4 → 3, 2, 1 + B.1.
		{"seven", 7, nil, map[string]int{"B.1": 4, "B.2": 2, "B.3": 1}},
		// All of them.
		{"everything", 100, nil, map[string]int{"B.1": 50, "B.2": 30, "B.3": 20}},
		// The quota takes 5 from B.3 first; 12 are spread over what is left (50, 30, 15 of
		// 95): 6.32, 3.79, 1.89 → 6, 3, 1 and the two seats left go to B.3 (.89) and B.2 (.79).
		{"after a quota", 17, []Quota{{Unit: "B.3", Type: content.Single, Count: 5}}, map[string]int{"B.1": 6, "B.2": 4, "B.3": 7}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bp := testBlueprint(Section{Type: content.Single, Count: c.count, PointsEach: content.Pts(1)})
			bp.Quotas = c.quotas
			for seed := range int64(30) {
				p := mustAssemble(t, bank, bp, seed)
				checkPaper(t, p, bp, byID)
				if got := countBy(p.Sections[0], byID, chapterKey); !reflect.DeepEqual(got, c.want) {
					t.Fatalf("seed %d: per chapter %v, want %v", seed, got, c.want)
				}
			}
		})
	}
}

func TestAssembleBreaksChapterTiesBySeed(t *testing.T) {
	t.Parallel()
	// Three chapters of 10: 4 questions are 1⅓ each, and the one seat left is a tie.
	bank := synthBank(spec{"C.1.1.1", content.Single, 10, 2}, spec{"C.2.1.1", content.Single, 10, 2}, spec{"C.3.1.1", content.Single, 10, 2})
	byID := index(bank)
	bp := testBlueprint(Section{Type: content.Single, Count: 4, PointsEach: content.Pts(1)})
	extra := map[string]int{}
	for seed := range int64(60) {
		got := countBy(mustAssemble(t, bank, bp, seed).Sections[0], byID, chapterKey)
		for ch, n := range got {
			if n != 1 && n != 2 {
				t.Fatalf("seed %d: %v", seed, got)
			}
			if n == 2 {
				extra[ch]++
			}
		}
	}
	if len(extra) != 3 {
		t.Fatalf("the tied seat went only to %v over 60 seeds", extra)
	}
}

func TestAssembleHonoursTheDifficultyMix(t *testing.T) {
	t.Parallel()
	level := func(q *content.Question) string { return fmt.Sprint(q.Difficulty) }
	t.Run("when the bank allows", func(t *testing.T) {
		// D.1 holds only easy questions, D.2 easy and hard: with 2 picks from each chapter,
		// 50% level 1 and 50% level 3 is only met if D.2 gives both hard ones.
		bank := synthBank(spec{"D.1.1.1", content.Single, 10, 1}, spec{"D.2.1.1", content.Single, 5, 1}, spec{"D.2.1.2", content.Single, 5, 3})
		byID := index(bank)
		bp := testBlueprint(Section{Type: content.Single, Count: 4, PointsEach: content.Pts(1)})
		bp.DifficultyMix = []DifficultyShare{{Level: 1, SharePercent: 50}, {Level: 3, SharePercent: 50}}
		for seed := range int64(30) {
			s := mustAssemble(t, bank, bp, seed).Sections[0]
			if got := countBy(s, byID, level); !reflect.DeepEqual(got, map[string]int{"1": 2, "3": 2}) {
				t.Fatalf("seed %d: levels %v", seed, got)
			}
			if got := countBy(s, byID, chapterKey); !reflect.DeepEqual(got, map[string]int{"D.1": 2, "D.2": 2}) {
				t.Fatalf("seed %d: chapters %v", seed, got)
			}
		}
	})
	t.Run("with quotas and a three-level mix", func(t *testing.T) {
		bank := mixedBank() // levels cycle 1..5 in every unit
		byID := index(bank)
		bp := testBlueprint(Section{Type: content.Single, Count: 30, PointsEach: content.Pts(1)})
		bp.Quotas = []Quota{{Unit: "A.1.2", Type: content.Single, Count: 4}}
		bp.DifficultyMix = []DifficultyShare{{Level: 1, SharePercent: 20}, {Level: 2, SharePercent: 30}, {Level: 4, SharePercent: 50}}
		for seed := range int64(30) {
			s := mustAssemble(t, bank, bp, seed).Sections[0]
			if got := countBy(s, byID, level); !reflect.DeepEqual(got, map[string]int{"1": 6, "2": 9, "4": 15}) {
				t.Fatalf("seed %d: levels %v", seed, got)
			}
		}
	})
	t.Run("as closely as the bank allows", func(t *testing.T) {
		// Half of 10 should be level 5, but the bank has only 2 of them.
		bank := synthBank(spec{"E.1.1.1", content.Single, 30, 3}, spec{"E.2.1.1", content.Single, 2, 5}, spec{"E.2.1.1", content.Single, 10, 2})
		byID := index(bank)
		bp := testBlueprint(Section{Type: content.Single, Count: 10, PointsEach: content.Pts(1)})
		bp.DifficultyMix = []DifficultyShare{{Level: 3, SharePercent: 50}, {Level: 5, SharePercent: 50}}
		for seed := range int64(30) {
			p := mustAssemble(t, bank, bp, seed)
			checkPaper(t, p, bp, byID)
			got := countBy(p.Sections[0], byID, level)
			if got["5"] != 2 || got["3"] < 5 {
				t.Fatalf("seed %d: levels %v, want both level-5 questions and at least 5 of level 3", seed, got)
			}
		}
	})
}

func TestAssembleOrder(t *testing.T) {
	t.Parallel()
	// IDs run against the chapter order: F.10 first, then F.9, then F.2.
	bank := synthBank(spec{"F.10.1.1", content.Single, 8, 2}, spec{"F.9.1.1", content.Single, 8, 2}, spec{"F.2.1.1", content.Single, 8, 2})
	byID := index(bank)
	bp := testBlueprint(Section{Type: content.Single, Count: 12, PointsEach: content.Pts(1)})
	plain := mustAssemble(t, bank, bp, 3)
	var chapters []string
	items := plain.Sections[0].Items
	for i, it := range items {
		ch := content.ChapterOf(byID[it.QuestionID].Unit)
		if len(chapters) == 0 || chapters[len(chapters)-1] != ch {
			chapters = append(chapters, ch)
		} else if items[i-1].QuestionID >= it.QuestionID {
			t.Fatalf("within %s, %d comes before %d", ch, items[i-1].QuestionID, it.QuestionID)
		}
	}
	if !slices.Equal(chapters, []string{"F.2", "F.9", "F.10"}) {
		t.Fatalf("chapter order %v, want F.2, F.9, F.10", chapters)
	}

	bp.ShuffleQuestions = true
	shuffledSomewhere := false
	for seed := int64(3); seed < 13; seed++ {
		a := mustAssemble(t, bank, testBlueprint(bp.Sections...), seed).Sections[0].Items
		b := mustAssemble(t, bank, bp, seed).Sections[0].Items
		ids := func(items []Item) []int64 {
			var out []int64
			for _, it := range items {
				out = append(out, it.QuestionID)
			}
			return out
		}
		ia, ib := ids(a), ids(b)
		if !slices.Equal(ia, ib) {
			shuffledSomewhere = true
		}
		slices.Sort(ia)
		slices.Sort(ib)
		if !slices.Equal(ia, ib) {
			t.Fatalf("seed %d: shuffling changed which questions were drawn", seed)
		}
	}
	if !shuffledSomewhere {
		t.Fatal("shuffle_questions never changed the order")
	}
}

func TestAssembleOptionOrder(t *testing.T) {
	t.Parallel()
	bank := mixedBank()
	byID := index(bank)
	bp := mixedBlueprint()
	bp.ShuffleOptions = false
	checkPaper(t, mustAssemble(t, bank, bp, 1), bp, byID) // options in the bank's order

	bp.ShuffleOptions = true
	moved, total := 0, 0
	orders := map[int64]string{}
	for seed := range int64(10) {
		p := mustAssemble(t, bank, bp, seed)
		checkPaper(t, p, bp, byID) // true/false stay T, F; cases have none
		for _, s := range p.Sections {
			if s.Type != content.Single && s.Type != content.Multiple {
				continue
			}
			for _, it := range s.Items {
				total++
				if !slices.Equal(it.Options, byID[it.QuestionID].OptionKeys()) {
					moved++
				}
				if seed == 0 {
					orders[it.QuestionID] = strings.Join(it.Options, "")
				}
			}
		}
	}
	// Five options stay in place once in 120 shuffles.
	if moved < total*9/10 {
		t.Fatalf("only %d of %d questions had their options shuffled", moved, total)
	}
	// Each question is shuffled on its own: one paper shows many different orders.
	distinct := map[string]bool{}
	for _, o := range orders {
		distinct[o] = true
	}
	if len(distinct) < len(orders)/2 {
		t.Fatalf("%d questions share %d option orders", len(orders), len(distinct))
	}
	// A question's option order depends on the seed and its ID only, not on the rest of the paper.
	other := bp
	other.Sections = bp.Sections[:1]
	other.Quotas = bp.Quotas[:1]
	for _, it := range mustAssemble(t, bank, other, 0).Sections[0].Items {
		if want, ok := orders[it.QuestionID]; ok && strings.Join(it.Options, "") != want {
			t.Fatalf("question %d: %v here, %s on the other paper", it.QuestionID, it.Options, want)
		}
	}
}

func TestAssembleKeepsToTheScope(t *testing.T) {
	t.Parallel()
	// G.1 must not take in G.10.
	bank := synthBank(spec{"G.1.1.1", content.Single, 12, 2}, spec{"G.10.1.1", content.Single, 50, 2}, spec{"H.1.1.1", content.Single, 50, 2})
	byID := index(bank)
	bp := testBlueprint(Section{Type: content.Single, Count: 12, PointsEach: content.Pts(1)})
	bp.Scope.Units = []string{"G.1"}
	for seed := range int64(10) {
		p := mustAssemble(t, bank, bp, seed)
		checkPaper(t, p, bp, byID)
		if got := countBy(p.Sections[0], byID, chapterKey); !reflect.DeepEqual(got, map[string]int{"G.1": 12}) {
			t.Fatalf("seed %d: %v", seed, got)
		}
	}
	bp.Sections[0].Count = 13
	if _, err := Assemble(bank, bp, 1); !errors.Is(err, ErrBankShort) || err.Error() != "单选题：需要 13 道，范围内只有 12 道" {
		t.Fatalf("err = %v", err)
	}
}

func TestAssembleNamesWhatIsShort(t *testing.T) {
	t.Parallel()
	l2 := bundledByCode(t, L2Theory)
	bank := synthBank(spec{"JC.1.1.1", content.Single, 100, 2}, spec{"L2.1.1.1", content.Single, 20, 2},
		spec{"L3.1.1.1", content.Single, 50, 2}, // outside L2-theory's scope
		spec{"JC.1.1.1", content.TrueFalse, 40, 2}, spec{"JC.1.1.1", content.Multiple, 3, 2}, spec{"L2.1.1.1", content.Multiple, 40, 2})
	_, err := Assemble(bank, l2, 1)
	var se *ShortageError
	if !errors.Is(err, ErrBankShort) || !errors.As(err, &se) {
		t.Fatalf("err = %v, want a ShortageError", err)
	}
	if err.Error() != "单选题：需要 140 道，范围内只有 120 道" {
		t.Fatalf("message = %q", err.Error())
	}
	if *se != (ShortageError{Type: content.Single, Need: 140, Have: 120}) {
		t.Fatalf("shortage = %+v", *se)
	}

	l2.Sections[0].Count = 120
	l2.PassScore = content.Pts(50)
	l2.Quotas = []Quota{{Unit: "JC.1", Type: content.Multiple, Count: 5}}
	_, err = Assemble(bank, l2, 1)
	if !errors.Is(err, ErrBankShort) || !errors.As(err, &se) {
		t.Fatalf("err = %v, want a ShortageError", err)
	}
	if err.Error() != "知识点 JC.1 的多选题：需要 5 道，只有 3 道" {
		t.Fatalf("message = %q", err.Error())
	}
	if *se != (ShortageError{Type: content.Multiple, Unit: "JC.1", Need: 5, Have: 3}) {
		t.Fatalf("shortage = %+v", *se)
	}

	l2.Quotas[0].Count = 3
	mustAssemble(t, bank, l2, 1)

	skills := bundledByCode(t, L2Skills)
	if _, err := Assemble(bank, skills, 1); err == nil || err.Error() != "问题：需要 5 道，范围内只有 0 道" {
		t.Fatalf("err = %v", err)
	}
}

func TestAssembleRejectsBadInput(t *testing.T) {
	t.Parallel()
	bank := mixedBank()
	bp := mixedBlueprint()
	bp.Sections[0].Count = 0
	if _, err := Assemble(bank, bp, 1); !errors.Is(err, content.ErrInvalid) || errors.Is(err, ErrBankShort) {
		t.Fatalf("invalid blueprint: err = %v", err)
	}
	bp = mixedBlueprint()
	dup := append(slices.Clone(bank), bank[3])
	dup[len(dup)-1].Version++
	if _, err := Assemble(dup, bp, 1); err == nil || errors.Is(err, ErrBankShort) || !strings.Contains(err.Error(), "question 4 twice") {
		t.Fatalf("duplicate ID: err = %v", err)
	}
}

func TestAssembleBundledBlueprints(t *testing.T) {
	t.Parallel()
	bank, _ := bundledBank(t)
	byID := index(bank)
	for _, bp := range Bundled() {
		t.Run(bp.Code, func(t *testing.T) {
			spread := map[string]int{}
			for seed := range int64(25) {
				p := mustAssemble(t, bank, bp, seed)
				checkPaper(t, p, bp, byID)
				for ch, n := range countBy(p.Sections[0], byID, chapterKey) {
					spread[ch] += n
				}
				if bp.Code == L2Theory { // one paper, not just many, reaches every 二级 chapter
					drawn := map[string]bool{}
					for _, sec := range p.Sections {
						for ch := range countBy(sec, byID, chapterKey) {
							drawn[ch] = true
						}
					}
					for c := 1; c <= 9; c++ {
						if ch := fmt.Sprintf("L2.%d", c); !drawn[ch] {
							t.Fatalf("seed %d: the L2-theory paper has nothing from %s: %v", seed, ch, drawn)
						}
					}
				}
				for _, sec := range p.Sections { // a form section holds only its form
					for _, it := range sec.Items {
						if q := byID[it.QuestionID]; sec.Form != "" && q.CaseForm() != sec.Form {
							t.Fatalf("seed %d: %s (%s) in the %s section", seed, q.PackKey, q.CaseForm(), sec.Form)
						}
					}
				}
			}
			if bp.Code == L2Theory && len(spread) < 9 {
				t.Fatalf("L2-theory singles came from only %v", spread)
			}
		})
	}
}

func TestEveryPracticeBlueprintAssembles(t *testing.T) {
	t.Parallel()
	bank, nodes := bundledBank(t)
	byID := index(bank)
	objective := map[string]int{}
	for _, q := range bank {
		if q.Type != content.Case {
			objective[content.ChapterOf(q.Unit)]++
		}
	}
	var want []string
	for _, n := range nodes {
		if n.Kind == content.Chapter && objective[n.Code] >= PracticeCount {
			want = append(want, "practice-"+n.Code)
		}
	}
	bps := PracticeBlueprints(bank, nodes)
	var got []string
	for _, bp := range bps {
		got = append(got, bp.Code)
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("practice blueprints %v, want %v", got, want)
	}
	for _, bp := range bps {
		if err := bp.Validate(); err != nil {
			t.Fatalf("%s: %v", bp.Code, err)
		}
		t.Logf("%s %s: %+v", bp.Code, bp.Title, bp.Sections)
		for seed := range int64(5) {
			p := mustAssemble(t, bank, bp, seed)
			checkPaper(t, p, bp, byID)
			for _, s := range p.Sections {
				for _, it := range s.Items {
					if !content.Beneath(byID[it.QuestionID].Unit, bp.Scope.Units[0]) {
						t.Fatalf("%s drew question %d from %s", bp.Code, it.QuestionID, byID[it.QuestionID].Unit)
					}
				}
			}
		}
	}
}

func TestLargestRemainder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		total   int
		weights []int
		rank    []int
		want    []int
	}{
		{17, []int{50, 30, 20}, nil, []int{9, 5, 3}},
		{10, []int{1, 1, 1}, nil, []int{4, 3, 3}},
		{10, []int{1, 1, 1}, []int{2, 0, 1}, []int{3, 4, 3}},
		{140, []int{20, 50, 30}, nil, []int{28, 70, 42}},
		{5, []int{0, 3, 0}, nil, []int{0, 5, 0}},
		{0, []int{4, 5}, nil, []int{0, 0}},
	}
	for _, c := range cases {
		if got := largestRemainder(c.total, c.weights, c.rank); !slices.Equal(got, c.want) {
			t.Errorf("largestRemainder(%d, %v, %v) = %v, want %v", c.total, c.weights, c.rank, got, c.want)
		}
	}
}

func TestCompareCodes(t *testing.T) {
	t.Parallel()
	codes := []string{"L2.10", "JC.1", "L2.9", "L2", "JC.10.1", "JC.2", "L2.9.1"}
	slices.SortFunc(codes, CompareCodes)
	want := []string{"JC.1", "JC.2", "JC.10.1", "L2", "L2.9", "L2.9.1", "L2.10"}
	if !slices.Equal(codes, want) {
		t.Fatalf("sorted %v, want %v", codes, want)
	}
}

func BenchmarkAssembleL2Theory(b *testing.B) {
	bank, _ := bundledBank(b)
	bp := bundledByCode(b, L2Theory)
	b.ReportAllocs()
	var seed int64
	for b.Loop() {
		seed++
		if _, err := Assemble(bank, bp, seed); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAssembleMeetsATargetDifficulty: a blueprint asking for a mean difficulty gets one
// within its tolerance, counting observed (calibrated) difficulty where a question has
// one, keeping its quotas and chapter spread; a target the bank cannot reach names the
// field; a target with a difficulty mix is refused.
func TestAssembleMeetsATargetDifficulty(t *testing.T) {
	t.Parallel()
	bank := mixedBank() // authored levels cycle 1..5 in every unit
	// Authors called some level-1 questions easy, but candidates found them hard.
	for i := range bank {
		if bank[i].Difficulty == 1 && i%2 == 0 {
			bank[i].Calibrated = 5
		}
	}
	byID := index(bank)
	observed := func(q *content.Question) float64 {
		if q.Calibrated > 0 {
			return float64(q.Calibrated)
		}
		return float64(q.Difficulty)
	}
	bp := testBlueprint(Section{Type: content.Single, Count: 30, PointsEach: content.Pts(1)})
	bp.Quotas = []Quota{{Unit: "A.1.2", Type: content.Single, Count: 4}}
	unbiased := mustAssemble(t, bank, bp, 1)
	for _, target := range []float64{2.0, 2.5, 3.8} {
		bp.TargetDifficulty, bp.Tolerance = target, 0.1
		for seed := range int64(10) {
			p := mustAssemble(t, bank, bp, seed)
			checkPaper(t, p, bp, byID)
			var sum float64
			for _, it := range p.Sections[0].Items {
				sum += observed(byID[it.QuestionID])
			}
			if mean := sum / 30; mean < target-0.1 || mean > target+0.1 {
				t.Fatalf("target %.1f, seed %d: mean %.2f", target, seed, mean)
			}
			if got, want := countBy(p.Sections[0], byID, chapterKey), countBy(unbiased.Sections[0], byID, chapterKey); !reflect.DeepEqual(got, want) {
				t.Fatalf("target %.1f: chapters %v, without a target %v", target, got, want)
			}
		}
	}
	bp.TargetDifficulty, bp.Tolerance = 5, 0.01
	if _, err := Assemble(bank, bp, 1); !errors.Is(err, content.ErrInvalid) || !strings.Contains(err.Error(), "平均难度") {
		t.Fatalf("an unreachable target: %v", err)
	}
	bp.TargetDifficulty, bp.Tolerance = 3, 0.2
	bp.DifficultyMix = []DifficultyShare{{Level: 3, SharePercent: 100}}
	var ve *content.ValidationError
	if _, err := Assemble(bank, bp, 1); !errors.As(err, &ve) || ve.Field != "target_difficulty" {
		t.Fatalf("a target with a mix: %v", err)
	}
}

// TestAPlanDrawsAsAssembleDoes: one draw plan, kept for a class's starts and drawn from
// by many at once, gives every seed the paper Assemble gives it, with quotas, a
// difficulty mix or a target, and shuffles: a draw leaves the plan as it found it.
func TestAPlanDrawsAsAssembleDoes(t *testing.T) {
	t.Parallel()
	bank := mixedBank()
	target := testBlueprint(Section{Type: content.Single, Count: 30, PointsEach: content.Pts(1)})
	target.Quotas = []Quota{{Unit: "A.1.2", Type: content.Single, Count: 4}}
	target.TargetDifficulty, target.Tolerance, target.ShuffleOptions = 3.5, 0.1, true
	for _, bp := range []Blueprint{mixedBlueprint(), target} {
		plan, err := newDrawPlan(bank, bp)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for seed := range int64(40) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := plan.draw(seed % 20) // every seed twice, the draws interleaved
				if err != nil {
					t.Error(err)
					return
				}
				if want := mustAssemble(t, bank, bp, seed%20); !reflect.DeepEqual(got, want) {
					t.Errorf("seed %d: the plan drew another paper than Assemble", seed%20)
				}
			}()
		}
		wg.Wait()
	}
}
