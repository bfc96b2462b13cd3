package grading

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/go-ego/gse"
)

// fieldWords are terms of 客户服务管理 that gse's general dictionary cuts apart or glues
// to a neighbour (内部客户 inside 内部客户服务, 不妥 inside 并无不妥), one per line with a
// frequency high enough to win. They are fixed at build time, so segmentation never
// depends on which rubrics a process has seen.
//
//go:embed words.txt
var fieldWords string

// segmenter loads gse's embedded simplified-Chinese dictionary once per process, on
// first use (about 2 s and 130 MB of heap; see README). After loading it is only read,
// which gse allows from many goroutines at once.
var segmenter = sync.OnceValue(func() *gse.Segmenter {
	seg := &gse.Segmenter{SkipLog: true}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		panic("grading: gse's embedded dictionary: " + err.Error()) // embedded data: fails in every test or never
	}
	for _, line := range strings.Split(fieldWords, "\n") {
		if w := strings.TrimSpace(line); w != "" && !strings.HasPrefix(w, "#") {
			seg.AddToken(w, 100000)
		}
	}
	seg.CalcToken() // weighs the added words against the dictionary
	return seg
})

// LoadDictionary loads the segmenter's dictionary now, if no suggestion has yet, so that
// no reviewer's request waits the seconds it takes; the server calls it at start.
func LoadDictionary() { segmenter() }

// tokens are the words of a stretch of prepared text: each word's [from, to) in runes of
// the stretch as gse cut it, and bounds, every position where a word, or a dictionary
// word of two or more runes inside it, starts or ends. A term matches at
// positions that are both bounds: a run of whole words, never part of one (按时 is not
// in 按时间).
type tokens struct {
	words  [][2]int
	bounds map[int]bool
}

// cut segments s (prepared runes, no punctuation).
func cut(s []rune) tokens {
	tk := tokens{bounds: map[int]bool{0: true, len(s): true}}
	str := string(s)
	// gse reports byte offsets; map them to runes.
	runeAt := make(map[int]int, len(s)+1)
	b := 0
	for i, r := range s {
		runeAt[b] = i
		b += len(string(r))
	}
	runeAt[b] = len(s)
	// The words gse found inside a word (客户 and 满意度 in 客户满意度) add their bounds,
	// single characters do not: they would make every position a bound.
	var walk func(segs []*gse.Segment, base int)
	walk = func(segs []*gse.Segment, base int) {
		for _, sg := range segs {
			from, to := runeAt[base+sg.Start()], runeAt[base+sg.End()]
			if to-from < 2 {
				continue
			}
			tk.bounds[from], tk.bounds[to] = true, true
			if sub := sg.Token().Segments(); len(sub) > 1 {
				walk(sub, base+sg.Start())
			}
		}
	}
	segs := segmenter().Segment([]byte(str))
	for i := range segs {
		sg := &segs[i]
		from, to := runeAt[sg.Start()], runeAt[sg.End()]
		tk.words = append(tk.words, [2]int{from, to})
		tk.bounds[from], tk.bounds[to] = true, true
		if sub := sg.Token().Segments(); len(sub) > 1 {
			walk(sub, sg.Start())
		}
	}
	return tk
}
