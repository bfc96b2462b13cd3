package content

import (
	"regexp"
	"strconv"
	"strings"
)

// An explanation names an option by reference, {{opt:N}}, N being the option's 1-based
// position in the bank's order. Options are shuffled per paper, so a bare letter ("B 项错在…")
// written against the bank's order points at another option on most papers; a reference
// is rendered as the letter the reader sees (exam.Letters: the paper's letter for a
// candidate, the bank's order on the bank pages).
var optionRef = regexp.MustCompile(`\{\{\s*opt\s*:\s*(\d+)\s*\}\}`)

// OptionRef writes the reference to the option at position i (from 0).
func OptionRef(i int) string { return "{{opt:" + strconv.Itoa(i+1) + "}}" }

// RenderOptionRefs replaces each {{opt:N}} in text with name(N-1). A reference that
// name cannot resolve (it returns "") stays as written, so a fault shows rather than vanishes.
func RenderOptionRefs(text string, name func(i int) string) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	return optionRef.ReplaceAllStringFunc(text, func(m string) string {
		n, err := strconv.Atoi(optionRef.FindStringSubmatch(m)[1])
		if err != nil || n < 1 {
			return m
		}
		if s := name(n - 1); s != "" {
			return s
		}
		return m
	})
}

// validateOptionRefs checks that every {{opt:N}} in the explanation names an option of a
// choice question.
func (q *Question) validateOptionRefs() error {
	for _, m := range optionRef.FindAllStringSubmatch(q.Explanation, -1) {
		if q.Type != Single && q.Type != Multiple {
			return Invalid("explanation", "只有选择题的解析可以引用选项（%s）", m[0])
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 || n > len(q.Options) {
			return Invalid("explanation", "解析引用的选项 %s 不存在：本题只有 %d 个选项，写 {{opt:1}} 到 {{opt:%d}}", m[0], len(q.Options), len(q.Options))
		}
	}
	return nil
}

// LetterCitation is one place where an explanation names options by bare letters.
type LetterCitation struct {
	Start, End int    // byte offsets of the letters in the text
	Letters    string // as written, e.g. "B" or "ABD"
}

// letterRun finds runs of Latin capitals (half- or full-width); CitedLetters drops those
// inside or after a Latin word or number (KPI, 5C, Erlang C).
var letterRun = regexp.MustCompile(`[A-HＡ-Ｈ]+`)

// quotes before a letter make it the letter itself (MAN 法则中“A”是…), not an option.
const quotes = "“‘「『\"'"

// notCitation follows a letter that names a thing, not an option: A 类客户, B 级, ABC 分类法.
const notCitation = "类级型档等角分股轮套区栋座号"

// CitedLetters lists the runs of option letters in text: each a run of one or more of
// the question's option keys standing alone (not part of a longer Latin word or code and
// not followed by a word such as 类 or 级). A run of several letters counts only where it
// reads as an answer (选 ACD, 答案为 AB, AB 项, ACD 均正确): otherwise it is taken for a
// name such as ACD (自动呼叫分配). The caller decides what to do with them.
func (q *Question) CitedLetters(text string) []LetterCitation {
	keys := map[rune]bool{}
	for _, o := range q.Options {
		if r := []rune(o.Key); len(r) == 1 {
			keys[r[0]] = true
		}
	}
	var out []LetterCitation
	for _, loc := range letterRun.FindAllStringIndex(text, -1) {
		before, after := lastRune(text[:loc[0]]), firstRune(strings.TrimLeft(text[loc[1]:], " "))
		if isLatinOrDigit(before) || isLatinOrDigit(lastRune(strings.TrimRight(text[:loc[0]], " "))) || isLatinOrDigit(firstRune(text[loc[1]:])) || strings.ContainsRune(notCitation, after) ||
			strings.ContainsRune(quotes, before) {
			continue
		}
		run := text[loc[0]:loc[1]]
		if len([]rune(run)) > 1 && !answerContext(text[:loc[0]], text[loc[1]:]) {
			continue
		}
		all := true
		for _, r := range run {
			if !keys[halfWidth(r)] {
				all = false
			}
		}
		if all {
			out = append(out, LetterCitation{Start: loc[0], End: loc[1], Letters: run})
		}
	}
	return out
}

// CiteByReference rewrites the explanation's bare option letters as {{opt:N}} where that
// is unambiguous: a single letter standing alone. It returns ok false, and the text
// unchanged, when a run of several letters ("ABD") remains: that may be an answer or a
// name (ABC 分类法), and a person has to decide.
func (q *Question) CiteByReference(text string) (string, bool) {
	cites := q.CitedLetters(text)
	if len(cites) == 0 {
		return text, true
	}
	var b strings.Builder
	at := 0
	for _, c := range cites {
		rs := []rune(c.Letters)
		if len(rs) != 1 {
			return text, false
		}
		i := q.optionIndex(string(halfWidth(rs[0])))
		b.WriteString(text[at:c.Start])
		b.WriteString(OptionRef(i))
		at = c.End
	}
	b.WriteString(text[at:])
	return b.String(), true
}

// answerContext tells whether the text around a run of letters reads as naming options.
func answerContext(before, after string) bool {
	before, after = strings.TrimRight(before, " "), strings.TrimLeft(after, " ")
	for _, p := range []string{"选", "答案", "答案为", "答案是", "选项"} {
		if strings.HasSuffix(before, p) {
			return true
		}
	}
	for _, p := range []string{"项", "选项", "正确", "错误", "均", "都", "说法", "各项"} {
		if strings.HasPrefix(after, p) {
			return true
		}
	}
	return false
}

func (q *Question) optionIndex(key string) int {
	for i, o := range q.Options {
		if o.Key == key {
			return i
		}
	}
	return -1
}

func halfWidth(r rune) rune {
	if r >= 'Ａ' && r <= 'Ｚ' {
		return r - 'Ａ' + 'A'
	}
	return r
}

func isLatinOrDigit(r rune) bool {
	r = halfWidth(r)
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'ａ' && r <= 'ｚ' || r >= '０' && r <= '９'
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func lastRune(s string) rune {
	r := []rune(s)
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1]
}
