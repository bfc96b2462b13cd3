package grading

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"slices"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/exam"
	lru "github.com/hashicorp/golang-lru/v2"
)

// maxCachedSuggestions bounds the suggestions a process remembers: a few hundred bytes
// each, so a full review queue (100 attempts × 5 cases × 3 parts) fits many times over.
const maxCachedSuggestions = 8192

// suggestions remembers Suggest's answers by what they depend on alone (the part, the
// given text and the answer, hashed), so the review queue, a grade and a rescore reuse a
// part's suggestion instead of segmenting it again (about 4 ms a part, 24 ms for a long
// answer). Suggest is pure, so a remembered answer is always the one it would give; the
// cache holds no more than any caller could compute. Least recently used goes first.
var suggestions = func() *lru.Cache[[sha256.Size]byte, exam.PartScore] {
	c, err := lru.New[[sha256.Size]byte, exam.PartScore](maxCachedSuggestions)
	if err != nil {
		panic("grading: suggestion cache: " + err.Error()) // only for a size <= 0
	}
	return c
}()

// suggest is Suggest, remembered. The result's Points are the caller's own to change.
func suggest(part content.CasePart, given, answer string) exam.PartScore {
	rubric, err := json.Marshal(part)
	if err != nil { // a CasePart always marshals; compute rather than fail
		return Suggest(part, given, answer)
	}
	h := sha256.New()
	for _, s := range [][]byte{rubric, []byte(given), []byte(answer)} {
		h.Write(binary.AppendUvarint(nil, uint64(len(s)))) // lengths keep the fields apart
		h.Write(s)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	ps, ok := suggestions.Get(key)
	if !ok {
		ps = Suggest(part, given, answer)
		suggestions.Add(key, ps)
	}
	ps.Points = slices.Clone(ps.Points)
	return ps
}
