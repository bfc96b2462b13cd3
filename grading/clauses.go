package grading

import (
	"slices"
	"strings"
)

// negators are the words that deny what follows them in a clause (并无不妥, 没有完成交易),
// state a lack (缺少权力) or prevent (避免推脱). Besides these, a word that starts with 不, 没, 未, 无 or 非
// negates unless it is one of notNegators (不断, 不同, 非常 …).
var negators = map[string]bool{
	"不": true, "没": true, "没有": true, "并无": true, "并非": true, "无须": true, "无需": true, "不必": true,
	"未": true, "不是": true, "无": true, "非": true, "别": true, "毫无": true, "缺少": true, "缺乏": true,
	"欠缺": true, "难以": true,
	"避免": true, "防止": true, "杜绝": true, // deny what follows as much as 不: 避免推脱 is no 推脱
}

var notNegators = map[string]bool{
	"不断": true, "不仅": true, "不但": true, "不过": true, "不管": true, "不论": true, "不同": true, "不少": true,
	"不久": true, "不光": true, "不只": true, "无论": true, "非常": true, "未来": true, "不得不": true, "无不": true,
	"非得": true, "无比": true, "无限": true, "不一": true, "不满": true, // 不满的顾客: a word of its own

}

// scopeEnders end the reach of an earlier negation within a clause: a contrast (不是 A
// 而是 B) or a consequence (没有流程，导致重复处理) starts a new claim.
var scopeEnders = map[string]bool{
	"而是": true, "但是": true, "但": true, "却": true, "可是": true, "然而": true, "而": true, "导致": true,
	"造成": true, "使得": true, "从而": true, "所以": true, "因此": true, "只是": true, "才": true, "就是": true,
}

func isNegator(w string) bool {
	if negators[w] {
		return true
	}
	if notNegators[w] {
		return false
	}
	r := []rune(w)
	return len(r) >= 2 && strings.ContainsRune("不没未无非", r[0])
}

// group is a run of clauses that 、 joins (see span.listed), cut into words once: the
// reach of a negation.
type group struct {
	from, to int // in runes of the text
	tk       tokens
	words    []string
}

// analysis is prepared text with its clause groups cut into words.
type analysis struct {
	text
	groups  []group
	groupOf []int // group index of each clause
}

func analyse(s string) *analysis {
	a := &analysis{text: prepare(s)}
	for _, cl := range a.clauses {
		if !cl.listed || len(a.groups) == 0 {
			a.groups = append(a.groups, group{from: cl.from})
		}
		a.groups[len(a.groups)-1].to = cl.to
		a.groupOf = append(a.groupOf, len(a.groups)-1)
	}
	for i := range a.groups {
		g := &a.groups[i]
		g.tk = cut(a.r[g.from:g.to])
		for _, w := range g.tk.words {
			g.words = append(g.words, string(a.r[g.from+w[0]:g.from+w[1]]))
		}
	}
	return a
}

// occurrence is a term found in the text at runes [from, to) of clause c. negations
// counts the negators that reach it: in its clause and the list items 、 joins before it,
// before or after the term (没有培训, 培训不到位, 灯光没有必要改), up to a word that starts
// a new claim (而是, 导致 …); two negations cancel. negation is the nearest of them.
type occurrence struct {
	from, to, c int
	negations   int
	negation    string
}

// find lists the occurrences of term in a: within one clause, at word bounds.
func (a *analysis) find(term []rune) []occurrence {
	var out []occurrence
	if len(term) == 0 {
		return nil
	}
	for c, cl := range a.clauses {
		g := &a.groups[a.groupOf[c]]
		for i := cl.from; i+len(term) <= cl.to; i++ {
			if !slices.Equal(a.r[i:i+len(term)], term) || !g.tk.bounds[i-g.from] || !g.tk.bounds[i+len(term)-g.from] {
				continue
			}
			o := occurrence{from: i, to: i + len(term), c: c}
			for k, w := range g.tk.words {
				at, end, word := g.from+w[0], g.from+w[1], g.words[k]
				if at >= cl.to || at >= o.to && scopeEnders[word] {
					break // past the term's clause, or a new claim after the term
				}
				switch {
				case end > o.from && at < o.to: // a word of the term itself
				case scopeEnders[word]: // a new claim before the term: earlier negations stop here
					o.negations, o.negation = 0, ""
				case isNegator(word) && !a.asksWhether(at):
					o.negations++
					if o.negation == "" || end <= o.from {
						o.negation = word
					}
				}
			}
			out = append(out, o)
			i += len(term) - 1
		}
	}
	return out
}

// asksWhether reports whether the negator at rune i stands in an A-not-A question
// (能不能, 有没有, 履不履行): the same rune on both sides of 不 or 没 asks whether,
// it denies nothing.
func (a *analysis) asksWhether(i int) bool {
	return i > 0 && i+1 < len(a.r) && (a.r[i] == '不' || a.r[i] == '没') && a.r[i-1] == a.r[i+1]
}

// maxListedClause is the longest clause, in prepared runes, of an answer that is only a
// list of words: a clause that reasons about the case (主语、谓语 and the case's facts) runs
// longer, while rubric terms, and so the items of a bare list, run up to about eight.
const maxListedClause = 8

// listed reports whether the text is a bare list of words: three items or more (a short
// answer of one or two clauses is no list), none longer than maxListedClause.
func (a *analysis) listed() bool {
	for _, cl := range a.clauses {
		if cl.to-cl.from > maxListedClause {
			return false
		}
	}
	return len(a.clauses) >= 3
}
