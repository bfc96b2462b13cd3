package grading

import (
	"slices"
	"testing"
)

func TestPrepareNormalizesNumbers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"十个人", "10个人"},
		{"百分之八十一", "81%"},
		{"81％的客户", "81%的客户"},
		{"两成", "20%"},
		{"八成顾客", "80%顾客"},
		{"三分之一", "1/3"},
		{"１/３", "1/3"},
		{"0.81", "0.81"},
		{"一千二百张订单", "1200张订单"},
		{"1.2万张", "12000张"},
		{"二十九", "29"},
		{"第一阶段", "第1阶段"},
		{"①属于品牌竞争者", "1属于品牌竞争者"},
		{"一是统一标准，一致对外", "一是统一标准一致对外"}, // a lone 一 that counts nothing stays a word
		{"两者都要", "两者都要"},
	} {
		if got := string(prepare(c.in).r); got != c.want {
			t.Errorf("prepare(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPrepareMapsRunesBackAndSplitsClauses(t *testing.T) {
	t.Parallel()
	tx := prepare("共 百分之八十一，甲、乙。\n丙")
	// "81%" came from runes 2…7 of the original (百分之八十一).
	if string(tx.r[:3]) != "共81" || tx.start[1] != 2 || tx.end[1] != 8 || tx.end[3] != 8 {
		t.Fatalf("runes %q start %v end %v", string(tx.r), tx.start, tx.end)
	}
	var got []string
	for _, cl := range tx.clauses {
		s := string(tx.r[cl.from:cl.to])
		if cl.listed {
			s = "、" + s
		}
		got = append(got, s)
	}
	if want := []string{"共81%", "甲", "、乙", "丙"}; !slices.Equal(got, want) {
		t.Fatalf("clauses %q, want %q", got, want)
	}
}

func TestNumberVariants(t *testing.T) {
	t.Parallel()
	if v := numberVariants("81%"); !slices.Equal(v, []string{"0.81"}) {
		t.Errorf("81%%: %v", v)
	}
	if v := numberVariants("0.29"); !slices.Equal(v, []string{"29%"}) {
		t.Errorf("0.29: %v", v)
	}
	if v := numberVariants("服务"); v != nil {
		t.Errorf("服务: %v", v)
	}
}

func TestCopiedRunesMarksLongRunsOnly(t *testing.T) {
	t.Parallel()
	material := prepare("调查发现，生鲜缺货的主要原因是配送中心向门店补货经常比约定时间晚一到两天。").r
	answer := prepare("缺货是因为配送中心向门店补货经常比约定时间晚，门店是内部客户。").r
	mask := copiedRunes(answer, material)
	var copied []rune
	for i, c := range mask {
		if c {
			copied = append(copied, answer[i])
		}
	}
	if string(copied) != "配送中心向门店补货经常比约定时间晚" {
		t.Fatalf("copied %q", string(copied))
	}
	// A short quotation (缺货, 配送中心) is not copying.
	if mask := copiedRunes(prepare("生鲜缺货，配送中心要改").r, material); slices.Contains(mask, true) {
		t.Fatal("a short quotation counted as copied")
	}
}

func TestNegationsCountBothSidesUpToANewClaim(t *testing.T) {
	t.Parallel()
	a := analyse("主管没有权力。灯光不是问题。不是个人行为而是企业行为。没有流程导致重复处理。按时间排序。缺少地位、权力和权威")
	for _, c := range []struct {
		term string
		want []int
	}{
		{"权力", []int{1, 1}}, // 没有权力; 缺少 reaches over 、
		{"灯光", []int{1}},
		{"个人行为", []int{1}},
		{"企业行为", []int{0}}, // 而是 starts a new claim
		{"重复处理", []int{0}}, // so does 导致
	} {
		var got []int
		for _, o := range a.find([]rune(c.term)) {
			got = append(got, o.negations)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: negations %v, want %v", c.term, got, c.want)
		}
	}
	// Words, not substrings: 按时 is no word of 按时间; 时间 is.
	if occ := a.find([]rune("按时")); len(occ) != 0 {
		t.Errorf("found 按时 inside 按时间: %v", occ)
	}
	if occ := a.find([]rune("时间")); len(occ) != 1 {
		t.Errorf("时间: %v", occ)
	}
}
