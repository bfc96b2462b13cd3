package grading

// minCopiedRun is the shortest run of runes, shared with the case material, that counts
// as copied: twelve runes is a clause, not a term. Rubric terms are at most about eight
// runes and a candidate naming a fact of the case (补货晚一到两天, 客服部挂在销售部之下)
// quotes fewer than twelve, while a sentence lifted from the material runs longer.
const minCopiedRun = 12

// mostlyCopied is the share of an answer's runes, copied from the material, from which
// the answer is flagged to the grader as mostly copied.
const mostlyCopied = 0.6

// copiedRunes marks the runes of answer that lie in a run of at least minCopiedRun runes
// also found in material (both prepared). Every such run is covered by its windows of
// exactly minCopiedRun runes, each of which occurs in the material, so a set of the
// material's windows finds them in time linear in both lengths.
func copiedRunes(answer, material []rune) []bool {
	mask := make([]bool, len(answer))
	if len(answer) < minCopiedRun || len(material) < minCopiedRun {
		return mask
	}
	windows := make(map[string]bool, len(material))
	for i := 0; i+minCopiedRun <= len(material); i++ {
		windows[string(material[i:i+minCopiedRun])] = true
	}
	for i := 0; i+minCopiedRun <= len(answer); i++ {
		if windows[string(answer[i:i+minCopiedRun])] {
			for k := i; k < i+minCopiedRun; k++ {
				mask[k] = true
			}
		}
	}
	return mask
}
