package exam

import (
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
)

// Letters is how one item of a paper names its options to the candidate: the option
// shown first is A, the next B, and so on, whatever its key in the bank (options are
// shuffled per paper, so bank key "C" may be shown as "A"). True/false options read 正确
// and 错误. Every place that shows or exports an answer names options through Letters —
// the exam page, result page, practice, the PDF report — so they agree with each other
// and with what the candidate saw. Letters is pure.
type Letters struct {
	order     []string // the bank's option keys in the paper's order
	trueFalse bool
}

// LettersOf names the options of it for a question of type t.
func LettersOf(it Item, t content.Type) Letters {
	return Letters{order: it.Options, trueFalse: t == content.TrueFalse}
}

// Of names the option with bank key k as the candidate saw it, or returns k when the
// paper does not show it.
func (l Letters) Of(k string) string {
	if l.trueFalse {
		switch k {
		case "T":
			return "正确"
		case "F":
			return "错误"
		}
	}
	if i := slices.Index(l.order, k); i >= 0 && i < 26 {
		return string(rune('A' + i))
	}
	return k
}

// Join names keys as the candidate saw them, in the paper's order: "A、C", or 正确.
// No keys make "".
func (l Letters) Join(keys []string) string {
	shown := make([]string, 0, len(keys))
	for _, k := range keys {
		shown = append(shown, l.Of(k))
	}
	slices.SortFunc(shown, func(a, b string) int { return strings.Compare(a, b) })
	return strings.Join(slices.Compact(shown), "、")
}

// ShownOption is one option as the paper shows it.
type ShownOption struct {
	Key    string `json:"key"`    // the bank's key: what an answer stores
	Letter string `json:"letter"` // what the candidate sees: A, B, … (empty for true/false)
	Text   string `json:"text"`
}

// Options lists q's options in the paper's order under the letters the candidate saw.
func (l Letters) Options(q *content.Question) []ShownOption {
	text := make(map[string]string, len(q.Options))
	for _, o := range q.Options {
		text[o.Key] = o.Text
	}
	out := make([]ShownOption, 0, len(l.order))
	for _, k := range l.order {
		o := ShownOption{Key: k, Text: text[k]}
		if !l.trueFalse {
			o.Letter = l.Of(k)
		}
		out = append(out, o)
	}
	return out
}

// Explain is q's explanation with each {{opt:N}} (the N-th option in the bank's order)
// written as the letter the candidate saw.
func (l Letters) Explain(q *content.Question) string {
	return content.RenderOptionRefs(q.Explanation, func(i int) string {
		if i >= len(q.Options) {
			return ""
		}
		return l.Of(q.Options[i].Key)
	})
}
