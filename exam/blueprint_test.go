package exam

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

func bundledByCode(t testing.TB, code string) Blueprint {
	t.Helper()
	for _, bp := range Bundled() {
		if bp.Code == code {
			return bp
		}
	}
	t.Fatalf("no bundled blueprint %s", code)
	return Blueprint{}
}

func TestBundledBlueprintsAreValid(t *testing.T) {
	t.Parallel()
	codes := map[string]bool{}
	for _, bp := range Bundled() {
		if err := bp.Validate(); err != nil {
			t.Errorf("%s: %v", bp.Code, err)
		}
		if bp.MaxScore != bp.Total() || bp.MaxScore <= 0 {
			t.Errorf("%s: max_score %s, sections add up to %s", bp.Code, bp.MaxScore, bp.Total())
		}
		codes[bp.Code] = true
	}
	for _, c := range []string{L2Theory, L2Skills, QuickQuiz} {
		if !codes[c] {
			t.Errorf("bundled blueprint %s is missing", c)
		}
	}
	// Each call returns fresh values.
	a := Bundled()
	a[0].Sections[0].Count = 1
	a[0].Scope.Units[0] = "XX"
	if b := Bundled(); b[0].Sections[0].Count == 1 || b[0].Scope.Units[0] == "XX" {
		t.Fatal("Bundled shares its slices between calls")
	}
}

func TestL2TheoryAddsUpToExactly100(t *testing.T) {
	t.Parallel()
	bp := bundledByCode(t, L2Theory)
	want := []Section{
		{Type: content.Single, Count: 140, PointsEach: 50},
		{Type: content.TrueFalse, Count: 20, PointsEach: 50},
		{Type: content.Multiple, Count: 20, PointsEach: 100},
	}
	if !reflect.DeepEqual(bp.Sections, want) {
		t.Fatalf("sections = %+v, want %+v", bp.Sections, want)
	}
	subtotals := []content.Points{7000, 1000, 2000} // 70 + 10 + 20 points, in hundredths
	for i, s := range bp.Sections {
		if s.Points() != subtotals[i] {
			t.Errorf("section %s = %s points, want %s", s.Type, s.Points(), subtotals[i])
		}
	}
	if bp.Total() != content.Pts(100) || bp.MaxScore != 10000 || bp.MaxScore.String() != "100" {
		t.Fatalf("max score = %s (%d hundredths), want exactly 100", bp.MaxScore, bp.MaxScore)
	}
	// Adding 180 half and whole points one by one stays exact.
	var sum content.Points
	for _, s := range bp.Sections {
		for range s.Count {
			sum += s.PointsEach
		}
	}
	if sum != content.Pts(100) {
		t.Fatalf("item by item the paper is worth %s", sum)
	}
	if bp.PassScore != content.Pts(60) || bp.DurationS != 5400 || bp.Overdue != OverdueAutoSubmit ||
		!bp.ShuffleOptions || bp.MultipleScoring != AllOrNothing || bp.Mode != ModeExam {
		t.Fatalf("L2-theory rules = %+v", bp)
	}

	skills := bundledByCode(t, L2Skills)
	if skills.MaxScore != content.Pts(100) || skills.PassScore != content.Pts(60) || skills.DurationS != 7200 ||
		!slices.Equal(skills.Sections, []Section{
			{Type: content.Case, Form: content.Short, Count: 5, PointsEach: content.Pts(6)},
			{Type: content.Case, Form: content.Essay, Count: 4, PointsEach: content.Pts(10)},
			{Type: content.Case, Form: content.Analysis, Count: 2, PointsEach: content.Pts(15)}}) {
		t.Fatalf("L2-skills = %+v", skills)
	}
	quiz := bundledByCode(t, QuickQuiz)
	n := 0
	for _, s := range quiz.Sections {
		n += s.Count
	}
	if n != 10 || quiz.DurationS != 600 {
		t.Fatalf("quick-quiz has %d questions in %d s", n, quiz.DurationS)
	}
}

func TestBlueprintJSONMatchesTheAPI(t *testing.T) {
	t.Parallel()
	bp := bundledByCode(t, L2Theory)
	b, err := json.Marshal(bp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{
		"code": "L2-theory", "title": "二级理论知识模拟", "mode": "exam", "duration_s": 5400.0,
		"pass_score": 60.0, "max_score": 100.0, "overdue": "autosubmit", "grace_s": 0.0,
		"shuffle_questions": false, "shuffle_options": true, "attempts_allowed": 0.0,
		"multiple_scoring": "all_or_nothing",
	} {
		if m[key] != want {
			t.Errorf("%s = %#v, want %#v", key, m[key], want)
		}
	}
	s0 := m["sections"].([]any)[0].(map[string]any)
	if s0["type"] != "single" || s0["count"] != 140.0 || s0["points_each"] != 0.5 {
		t.Errorf("sections[0] = %v", s0)
	}
	if _, ok := m["quotas"]; ok {
		t.Error("empty quotas are written")
	}
	var back Blueprint
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, bp) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, bp)
	}

	in := `{"code":"mine","title":"练习","duration_s":60,"pass_score":1.5,"multiple_scoring":"partial",
		"sections":[{"type":"multiple","count":3,"points_each":1}],
		"quotas":[{"unit":" JC.1 ","type":"multiple","count":2}],
		"difficulty_mix":[{"level":2,"share_percent":100}],"scope":{"units":["JC"]}}`
	var got Blueprint
	if err := json.Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	got.Normalize()
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
	if got.PassScore != 150 || got.MaxScore != 300 || got.Quotas[0].Unit != "JC.1" || got.Scope.Units[0] != "JC" ||
		got.DifficultyMix[0] != (DifficultyShare{Level: 2, SharePercent: 100}) {
		t.Fatalf("decoded %+v", got)
	}
}

func TestNormalizeFillsDefaults(t *testing.T) {
	t.Parallel()
	bp := Blueprint{Code: " mine ", Title: " 小测 ", DurationS: 60, MultipleScoring: Partial,
		Sections: []Section{{Type: content.Multiple, Count: 4, PointsEach: content.Pts(2)}}}
	bp.Normalize()
	if bp.Code != "mine" || bp.Title != "小测" || bp.Mode != ModeExam || bp.Overdue != OverdueAutoSubmit ||
		bp.PartialFraction != DefaultPartialFraction || bp.MaxScore != content.Pts(8) {
		t.Fatalf("normalized = %+v", bp)
	}
	if err := bp.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := bp.PartialCredit(content.Pts(2)); got != content.Pts(1) {
		t.Fatalf("partial credit of 2 at 0.5 = %s", got)
	}
	bp.PartialFraction = content.Pts(0.25)
	if got := bp.PartialCredit(content.Pts(2)); got != content.Pts(0.5) {
		t.Fatalf("partial credit of 2 at 0.25 = %s", got)
	}
	var none Blueprint
	none.Normalize()
	if none.MultipleScoring != AllOrNothing || none.PartialFraction != 0 || none.PartialCredit(100) != 0 {
		t.Fatalf("all or nothing: %+v", none)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(bp *Blueprint)
		field string
	}{
		{"empty code", func(bp *Blueprint) { bp.Code = "" }, "code"},
		{"one-letter code", func(bp *Blueprint) { bp.Code = "a" }, "code"},
		{"code starting with a dash", func(bp *Blueprint) { bp.Code = "-abc" }, "code"},
		{"code with a space", func(bp *Blueprint) { bp.Code = "L2 theory" }, "code"},
		{"code too long", func(bp *Blueprint) { bp.Code = strings.Repeat("a", 65) }, "code"},
		{"empty title", func(bp *Blueprint) { bp.Title = "" }, "title"},
		{"unknown mode", func(bp *Blueprint) { bp.Mode = "quiz" }, "mode"},
		{"exam without duration", func(bp *Blueprint) { bp.DurationS = 0 }, "duration_s"},
		{"negative duration", func(bp *Blueprint) { bp.DurationS = -60 }, "duration_s"},
		{"practice with negative duration", func(bp *Blueprint) { bp.Mode, bp.DurationS = ModePractice, -1 }, "duration_s"},
		{"no sections", func(bp *Blueprint) { bp.Sections = nil }, "sections"},
		{"unknown type", func(bp *Blueprint) { bp.Sections[1].Type = "essay" }, "sections[1].type"},
		{"type twice", func(bp *Blueprint) { bp.Sections[2].Type = content.Single }, "sections[2].type"},
		{"zero count", func(bp *Blueprint) { bp.Sections[1].Count = 0 }, "sections[1].count"},
		{"negative count", func(bp *Blueprint) { bp.Sections[0].Count = -1 }, "sections[0].count"},
		{"quarter points", func(bp *Blueprint) { bp.Sections[0].PointsEach = content.Pts(0.25) }, "sections[0].points_each"},
		{"zero points", func(bp *Blueprint) { bp.Sections[2].PointsEach = 0 }, "sections[2].points_each"},
		{"pass above max", func(bp *Blueprint) { bp.PassScore = content.Pts(100.5) }, "pass_score"},
		{"pass in quarters", func(bp *Blueprint) { bp.PassScore = content.Pts(59.75) }, "pass_score"},
		{"negative pass", func(bp *Blueprint) { bp.PassScore = -50 }, "pass_score"},
		{"unknown overdue", func(bp *Blueprint) { bp.Overdue = "later" }, "overdue"},
		{"grace without seconds", func(bp *Blueprint) { bp.Overdue = OverdueGrace }, "grace_s"},
		{"grace seconds without grace", func(bp *Blueprint) { bp.GraceS = 60 }, "grace_s"},
		{"negative attempts", func(bp *Blueprint) { bp.AttemptsAllowed = -1 }, "attempts_allowed"},
		{"unknown scoring", func(bp *Blueprint) { bp.MultipleScoring = "some" }, "multiple_scoring"},
		{"fraction of 1", func(bp *Blueprint) { bp.MultipleScoring, bp.PartialFraction = Partial, 100 }, "partial_fraction"},
		{"fraction without partial", func(bp *Blueprint) { bp.PartialFraction = 50 }, "partial_fraction"},
		{"inexact partial credit", func(bp *Blueprint) {
			bp.MultipleScoring, bp.PartialFraction, bp.Sections[2].PointsEach = Partial, 33, content.Pts(0.5)
		}, "partial_fraction"},
		{"bad scope unit", func(bp *Blueprint) { bp.Scope.Units = []string{"JC", "L2..1"} }, "scope.units[1]"},
		{"scope unit twice", func(bp *Blueprint) { bp.Scope.Units = []string{"JC", "JC"} }, "scope.units[1]"},
		{"bad quota unit", func(bp *Blueprint) { bp.Quotas = []Quota{{Unit: "", Type: content.Single, Count: 1}} }, "quotas[0].unit"},
		{"quota outside the scope", func(bp *Blueprint) { bp.Quotas = []Quota{{Unit: "L3.1", Type: content.Single, Count: 1}} }, "quotas[0].unit"},
		{"quota for a missing section", func(bp *Blueprint) { bp.Quotas = []Quota{{Unit: "JC.1", Type: content.Case, Count: 1}} }, "quotas[0].type"},
		{"quota of zero", func(bp *Blueprint) { bp.Quotas = []Quota{{Unit: "JC.1", Type: content.Single, Count: 0}} }, "quotas[0].count"},
		{"quota twice", func(bp *Blueprint) {
			bp.Quotas = []Quota{{Unit: "JC.1", Type: content.Single, Count: 1}, {Unit: "JC.1", Type: content.Single, Count: 2}}
		}, "quotas[1].unit"},
		{"quotas beyond the section", func(bp *Blueprint) {
			bp.Quotas = []Quota{{Unit: "JC.1", Type: content.Multiple, Count: 15}, {Unit: "L2.1", Type: content.Multiple, Count: 6}}
		}, "quotas[1].count"},
		{"form on a single-choice section", func(bp *Blueprint) { bp.Sections[0].Form = content.Short }, "sections[0].form"},
		{"unknown form", func(bp *Blueprint) {
			bp.Sections = append(bp.Sections, Section{Type: content.Case, Form: "poem", Count: 1, PointsEach: content.Pts(10)})
		}, "sections[3].form"},
		{"case split without a form", func(bp *Blueprint) {
			bp.Sections = append(bp.Sections, Section{Type: content.Case, Form: content.Short, Count: 1, PointsEach: content.Pts(5)},
				Section{Type: content.Case, Count: 1, PointsEach: content.Pts(5)})
		}, "sections[4].type"},
		{"one form twice", func(bp *Blueprint) {
			bp.Sections = append(bp.Sections, Section{Type: content.Case, Form: content.Essay, Count: 1, PointsEach: content.Pts(5)},
				Section{Type: content.Case, Form: content.Essay, Count: 1, PointsEach: content.Pts(5)})
		}, "sections[4].form"},
		{"quota on a type split by form", func(bp *Blueprint) {
			bp.Sections = append(bp.Sections, Section{Type: content.Case, Form: content.Essay, Count: 1, PointsEach: content.Pts(5)})
			bp.Quotas = []Quota{{Unit: "L2.1", Type: content.Case, Count: 1}}
		}, "quotas[0].type"},
		{"difficulty 6", func(bp *Blueprint) { bp.DifficultyMix = []DifficultyShare{{Level: 6, SharePercent: 100}} }, "difficulty_mix[0].level"},
		{"difficulty twice", func(bp *Blueprint) {
			bp.DifficultyMix = []DifficultyShare{{Level: 2, SharePercent: 50}, {Level: 2, SharePercent: 50}}
		}, "difficulty_mix[1].level"},
		{"zero share", func(bp *Blueprint) {
			bp.DifficultyMix = []DifficultyShare{{Level: 2, SharePercent: 100}, {Level: 3, SharePercent: 0}}
		}, "difficulty_mix[1].share_percent"},
		{"shares not 100", func(bp *Blueprint) {
			bp.DifficultyMix = []DifficultyShare{{Level: 2, SharePercent: 60}, {Level: 3, SharePercent: 30}}
		}, "difficulty_mix"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bp := bundledByCode(t, L2Theory)
			c.edit(&bp)
			err := bp.Validate()
			var ve *content.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, content.ErrInvalid) {
				t.Fatalf("err = %v, want a ValidationError", err)
			}
			if ve.Field != c.field {
				t.Fatalf("field = %q (%s), want %q", ve.Field, ve.Message, c.field)
			}
			if ve.Message == "" {
				t.Fatal("no message")
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(bp *Blueprint){
		"untimed practice":        func(bp *Blueprint) { bp.Mode, bp.DurationS = ModePractice, 0 },
		"grace":                   func(bp *Blueprint) { bp.Overdue, bp.GraceS = OverdueGrace, 300 },
		"pass at max":             func(bp *Blueprint) { bp.PassScore = bp.Total() },
		"quotas filling the type": func(bp *Blueprint) { bp.Quotas = []Quota{{Unit: "JC.1", Type: content.Multiple, Count: 20}} },
		"nested quotas": func(bp *Blueprint) {
			bp.Quotas = []Quota{{Unit: "L2", Type: content.Single, Count: 9}, {Unit: "L2.9.1", Type: content.Single, Count: 2}}
		},
		"quota above the scope": func(bp *Blueprint) {
			bp.Scope.Units = []string{"L2.9"}
			bp.Quotas = []Quota{{Unit: "L2", Type: content.Single, Count: 1}}
		},
		"partial at 0.25": func(bp *Blueprint) { bp.MultipleScoring, bp.PartialFraction = Partial, 25 },
		"three-level mix": func(bp *Blueprint) {
			bp.DifficultyMix = []DifficultyShare{{Level: 1, SharePercent: 20}, {Level: 2, SharePercent: 50}, {Level: 3, SharePercent: 30}}
		},
	} {
		bp := bundledByCode(t, L2Theory)
		edit(&bp)
		if err := bp.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckUnits(t *testing.T) {
	t.Parallel()
	bp := bundledByCode(t, L2Theory)
	bp.Quotas = []Quota{{Unit: "JC.1", Type: content.Single, Count: 1}, {Unit: "JC.7", Type: content.Single, Count: 1}}
	known := map[string]bool{"JC": true, "L2": true, "JC.1": true}
	err := bp.CheckUnits(func(c string) bool { return known[c] })
	var ve *content.ValidationError
	if !errors.As(err, &ve) || ve.Field != "quotas[1].unit" {
		t.Fatalf("err = %v, want quotas[1].unit", err)
	}
	bp.Quotas = bp.Quotas[:1]
	if err := bp.CheckUnits(func(c string) bool { return known[c] }); err != nil {
		t.Fatal(err)
	}
	delete(known, "L2")
	if err := bp.CheckUnits(func(c string) bool { return known[c] }); !errors.As(err, &ve) || ve.Field != "scope.units[1]" {
		t.Fatalf("err = %v, want scope.units[1]", err)
	}
}

func TestPracticeBlueprintsSplitByWhatAChapterHas(t *testing.T) {
	t.Parallel()
	nodes := []content.Node{
		{Code: "X", Kind: content.Level, Title: "测试"},
		{Code: "X.1", Parent: "X", Kind: content.Chapter, Title: "第一章"},
		{Code: "X.2", Parent: "X", Kind: content.Chapter, Title: "第二章"},
		{Code: "X.3", Parent: "X", Kind: content.Chapter, Title: "第三章"},
		{Code: "X.4", Parent: "X", Kind: content.Chapter, Title: "第四章"},
		{Code: "X.5", Parent: "X", Kind: content.Chapter, Title: "第五章"},
	}
	bank := synthBank(
		spec{"X.1.1.1", content.Single, 15, 2}, spec{"X.1.2.1", content.TrueFalse, 9, 2},
		spec{"X.1.1.2", content.Multiple, 6, 3}, spec{"X.1.1.1", content.Case, 3, 4},
		spec{"X.2.1.1", content.Single, 7, 2}, spec{"X.2.1.1", content.TrueFalse, 7, 2}, spec{"X.2.1.1", content.Multiple, 7, 2},
		spec{"X.3.1.1", content.Single, 19, 2}, spec{"X.3.1.1", content.Case, 5, 2},
		spec{"X.4.1.1", content.Single, 20, 2},
	)
	want := []Blueprint{
		{Code: "practice-X.1", Title: "章节练习：第一章", Sections: []Section{
			{Type: content.Single, Count: 10, PointsEach: 100}, {Type: content.TrueFalse, Count: 6, PointsEach: 100}, {Type: content.Multiple, Count: 4, PointsEach: 100}}},
		// 20 × 7/21 = 6⅔ each; the two seats left go to the earlier types.
		{Code: "practice-X.2", Title: "章节练习：第二章", Sections: []Section{
			{Type: content.Single, Count: 7, PointsEach: 100}, {Type: content.TrueFalse, Count: 7, PointsEach: 100}, {Type: content.Multiple, Count: 6, PointsEach: 100}}},
		// X.3 has 19 objective questions (its cases do not count); X.5 has none.
		{Code: "practice-X.4", Title: "章节练习：第四章", Sections: []Section{{Type: content.Single, Count: 20, PointsEach: 100}}},
	}
	for round := range 3 {
		rand.New(rand.NewPCG(uint64(round), 9)).Shuffle(len(bank), func(i, j int) { bank[i], bank[j] = bank[j], bank[i] })
		got := PracticeBlueprints(bank, nodes)
		if len(got) != len(want) {
			t.Fatalf("got %d blueprints, want %d: %+v", len(got), len(want), got)
		}
		for i, bp := range got {
			w := want[i]
			if bp.Code != w.Code || bp.Title != w.Title || !reflect.DeepEqual(bp.Sections, w.Sections) {
				t.Fatalf("blueprint %d = %s %s %+v, want %s %s %+v", i, bp.Code, bp.Title, bp.Sections, w.Code, w.Title, w.Sections)
			}
			if bp.Mode != ModePractice || bp.DurationS != 1200 || bp.MaxScore != content.Pts(20) ||
				!reflect.DeepEqual(bp.Scope.Units, []string{w.Code[len("practice-"):]}) {
				t.Fatalf("blueprint %s = %+v", bp.Code, bp)
			}
			if err := bp.Validate(); err != nil {
				t.Fatalf("%s: %v", bp.Code, err)
			}
		}
	}
}
