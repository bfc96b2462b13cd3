package exam

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
)

// ErrBankShort means the bank, within a blueprint's scope, cannot fill the blueprint.
var ErrBankShort = errs.BankShort

// ShortageError says which part of a blueprint the bank cannot fill: a whole section
// (Unit empty) or one quota. It matches ErrBankShort, and reads as an *errs.Error of
// that kind whose message is its text.
type ShortageError struct {
	Type content.Type
	Form content.Form // the section's form, for a case section split by form
	Unit string       // the quota's unit; "" for the section as a whole
	Need int          // questions asked for
	Have int          // questions available
}

// Error reads, in Chinese, "单选题：需要 140 道，范围内只有 120 道" for a section and
// "知识点 JC.1 的多选题：需要 5 道，只有 3 道" for a quota.
func (e ShortageError) Error() string {
	if e.Unit == "" {
		name := e.Type.Name()
		if e.Form != "" {
			name = e.Form.Title()
		}
		return fmt.Sprintf("%s：需要 %d 道，范围内只有 %d 道", name, e.Need, e.Have)
	}
	return fmt.Sprintf("知识点 %s 的%s：需要 %d 道，只有 %d 道", e.Unit, e.Type.Name(), e.Need, e.Have)
}

func (e *ShortageError) Is(target error) bool { return target == ErrBankShort }

// As lets errors.As read e as an *errs.Error, as web's error table does.
func (e *ShortageError) As(target any) bool {
	t, ok := target.(**errs.Error)
	if ok {
		*t = &errs.Error{Kind: errs.BankShort, Message: e.Error()}
	}
	return ok
}

// Paper is an assembled exam: which version of which question sits where, and in which
// order its options are shown. An attempt stores its paper, so the candidate, the grader
// and the report all see exactly the same thing, even after the bank changes.
type Paper struct {
	Blueprint string         `json:"blueprint"`
	Seed      int64          `json:"seed"`
	Sections  []PaperSection `json:"sections"`
}

// PaperSection is one section of a paper, in the blueprint's order.
type PaperSection struct {
	Type       content.Type   `json:"type"`
	Form       content.Form   `json:"form,omitempty"`
	PointsEach content.Points `json:"points_each"`
	Items      []Item         `json:"items"`
}

// Title is the section's name on the paper: its form's, else its type's.
func (s PaperSection) Title() string {
	return Section{Type: s.Type, Form: s.Form}.Title()
}

// Item is one question on a paper. Options are the option keys in display order (T, F for
// true/false; none for a case).
type Item struct {
	QuestionID int64    `json:"question_id"`
	Version    int      `json:"version"`
	Options    []string `json:"options,omitempty"`
}

// Assemble draws a paper for bp from bank, the current version of each question with its
// real ID. It is pure and deterministic: the same bank (in any order), blueprint and seed
// give the same paper.
//
// For each section, in the blueprint's order, it takes only questions of the section's
// type within the scope, never one twice:
//  1. quotas first, the deepest unit first (questions beneath the unit, at random);
//  2. the rest spread over chapters (content.ChapterOf of each question's unit) in
//     proportion to each chapter's share of the questions still available (largest
//     remainder, ties broken at random), at random within a chapter;
//  3. with a difficulty mix, each section's levels are targeted at count × share (largest
//     remainder), and the picks within the chapter split meet those targets as closely as
//     the bank allows;
//  4. questions are shuffled when bp.ShuffleQuestions, else ordered by chapter (in code
//     order, L2.9 before L2.10) then by ID; option keys are shuffled per question when
//     bp.ShuffleOptions, except true/false (always T, F).
//
// An invalid blueprint returns its validation error (content.ErrInvalid). When the bank
// cannot fill a section or a quota, Assemble returns a *ShortageError for the first one
// (errors.Is(err, ErrBankShort)). A bank holding an ID twice is an error.
func Assemble(bank []content.Question, bp Blueprint, seed int64) (Paper, error) {
	p, err := newDrawPlan(bank, bp)
	if err != nil {
		return Paper{}, err
	}
	return p.draw(seed)
}

// drawPlan is what Assemble prepares from a bank and a blueprint before it draws: the
// same for every seed, so a server keeps it for the starts of a class (see plans).
// draw leaves it as it was: draws may run at once.
type drawPlan struct {
	bp       Blueprint // normalized
	chapters int
	sections []plannedSection
}

// plannedSection is a section with the pool it draws from (questions of its type in
// the scope, in ID order) and its quotas.
type plannedSection struct {
	sec    Section
	pool   []candidate
	quotas []Quota
	stream uint64
}

func newDrawPlan(bank []content.Question, bp Blueprint) (*drawPlan, error) {
	// Normalize trims in place: work on copies of the slices the caller may share.
	bp.Quotas = slices.Clone(bp.Quotas)
	bp.Scope.Units = slices.Clone(bp.Scope.Units)
	bp.Normalize()
	if err := bp.Validate(); err != nil {
		return nil, fmt.Errorf("blueprint %s: %w", bp.Code, err)
	}

	eligible := make([]*content.Question, 0, len(bank))
	for i := range bank {
		q := &bank[i]
		if _, ok := bp.Section(q.Type); ok && bp.inScope(q.Unit) {
			eligible = append(eligible, q)
		}
	}
	slices.SortFunc(eligible, func(a, b *content.Question) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Version, b.Version))
	})
	for i := 1; i < len(eligible); i++ {
		if eligible[i].ID == eligible[i-1].ID {
			return nil, fmt.Errorf("assemble %s: the bank holds question %d twice", bp.Code, eligible[i].ID)
		}
	}

	// Number the chapters in code order once; units map to their chapter's number.
	unitChapter := make(map[string]int, len(eligible)/4) // unit → its chapter's number
	chapterNum := make(map[string]int)
	var chapters []string
	for _, q := range eligible {
		if _, ok := unitChapter[q.Unit]; ok {
			continue
		}
		ch := content.ChapterOf(q.Unit)
		c, ok := chapterNum[ch]
		if !ok {
			c = len(chapters)
			chapterNum[ch] = c
			chapters = append(chapters, ch)
		}
		unitChapter[q.Unit] = c
	}
	order := make([]int, len(chapters))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return CompareCodes(chapters[a], chapters[b]) })
	rank := make([]int, len(chapters))
	for k, c := range order {
		rank[c] = k
	}
	for u, c := range unitChapter {
		unitChapter[u] = rank[c]
	}

	p := &drawPlan{bp: bp, chapters: len(chapters), sections: make([]plannedSection, 0, len(bp.Sections))}
	for _, sec := range bp.Sections {
		ps := plannedSection{sec: sec}
		for _, q := range eligible {
			if sec.Takes(q) {
				ps.pool = append(ps.pool, candidate{q: q, chapter: unitChapter[q.Unit], level: level(q)})
			}
		}
		for _, q := range bp.Quotas {
			if q.Type == sec.Type {
				ps.quotas = append(ps.quotas, q)
			}
		}
		stream := "section:" + string(sec.Type)
		if sec.Form != "" { // a stream of its own per form; sections without one draw as before
			stream += "/" + string(sec.Form)
		}
		ps.stream = streamOf(stream, 0)
		p.sections = append(p.sections, ps)
	}
	return p, nil
}

// draw draws the paper of seed.
func (p *drawPlan) draw(seed int64) (Paper, error) {
	bp := &p.bp
	paper := Paper{Blueprint: bp.Code, Seed: seed, Sections: make([]PaperSection, 0, len(p.sections))}
	draws := make([]drawn, 0, len(p.sections))
	for _, ps := range p.sections {
		pool := slices.Clone(ps.pool) // a draw marks what it takes
		r := newRNG(seed, ps.stream)
		s := sectionDraw{pool: pool, chapters: p.chapters, sec: ps.sec, quotas: slices.Clone(ps.quotas), mix: bp.DifficultyMix, r: &r}
		picked, err := s.draw()
		if err != nil {
			return Paper{}, err
		}
		draws = append(draws, drawn{pool: pool, picked: picked, r: s.r, sec: ps.sec, quotas: len(ps.quotas) > 0})
	}
	if bp.TargetDifficulty > 0 {
		if err := meetTarget(draws, bp.TargetDifficulty, bp.Tolerance); err != nil {
			return Paper{}, fmt.Errorf("assemble %s: %w", bp.Code, err)
		}
	}
	for _, d := range draws {
		pool, picked := d.pool, d.picked
		if bp.ShuffleQuestions {
			shuffle(d.r, picked)
		} else {
			slices.SortFunc(picked, func(a, b int) int {
				return cmp.Or(cmp.Compare(pool[a].chapter, pool[b].chapter), cmp.Compare(a, b))
			})
		}
		ps := PaperSection{Type: d.sec.Type, Form: d.sec.Form, PointsEach: d.sec.PointsEach, Items: make([]Item, len(picked))}
		for i, p := range picked {
			ps.Items[i] = item(pool[p].q, bp.ShuffleOptions, seed)
		}
		paper.Sections = append(paper.Sections, ps)
	}
	return paper, nil
}

// item places q on a paper, its option keys shuffled by a stream of its own (so a
// question's option order depends on the seed and its ID only).
func item(q *content.Question, shuffleOptions bool, seed int64) Item {
	it := Item{QuestionID: q.ID, Version: q.Version}
	if q.Type == content.Case {
		return it
	}
	it.Options = q.OptionKeys()
	if shuffleOptions && q.Type != content.TrueFalse {
		r := newRNG(seed, optionsStream^splitmix(uint64(q.ID)))
		shuffle(&r, it.Options)
	}
	return it
}

// candidate is a question of a section's pool (in ID order) and what the draw knows of it.
type candidate struct {
	q       *content.Question
	chapter int // the chapter's place in code order
	level   int // difficulty 1..5; 0 for anything else
	taken   bool
}

func level(q *content.Question) int {
	if q.Difficulty < 1 || q.Difficulty > 5 {
		return 0
	}
	return q.Difficulty
}

// sectionDraw picks one section's questions from its pool.
type sectionDraw struct {
	pool     []candidate
	chapters int // chapter numbers run from 0 to chapters-1
	sec      Section
	quotas   []Quota
	mix      []DifficultyShare
	r        *rng

	picked []int  // indices into pool, in the order taken
	need   [6]int // per difficulty level: how many more the mix asks for (may go negative)
}

func (s *sectionDraw) take(i int) {
	s.pool[i].taken = true
	s.picked = append(s.picked, i)
	s.need[s.pool[i].level]--
}

// draw returns the indices of the picked questions, or a *ShortageError.
func (s *sectionDraw) draw() ([]int, error) {
	if len(s.pool) < s.sec.Count {
		return nil, &ShortageError{Type: s.sec.Type, Form: s.sec.Form, Need: s.sec.Count, Have: len(s.pool)}
	}
	s.picked = make([]int, 0, s.sec.Count)
	if len(s.mix) > 0 {
		var shares [6]int
		for _, d := range s.mix {
			shares[d.Level] = d.SharePercent
		}
		copy(s.need[:], largestRemainder(s.sec.Count, shares[:], nil))
	}

	// 1. Quotas, the deepest unit first so a broad quota does not use up a narrow one's questions.
	slices.SortStableFunc(s.quotas, func(a, b Quota) int {
		return cmp.Or(cmp.Compare(strings.Count(b.Unit, "."), strings.Count(a.Unit, ".")), CompareCodes(a.Unit, b.Unit))
	})
	for _, q := range s.quotas {
		var cands []int
		for i := range s.pool {
			if !s.pool[i].taken && content.Beneath(s.pool[i].q.Unit, q.Unit) {
				cands = append(cands, i)
			}
		}
		if len(cands) < q.Count {
			return nil, &ShortageError{Type: q.Type, Unit: q.Unit, Need: q.Count, Have: len(cands)}
		}
		shuffle(s.r, cands)
		for range q.Count {
			s.take(s.neediest(cands))
		}
	}

	// 2. The rest, spread over chapters by their share of what is left.
	rest := s.sec.Count - len(s.picked)
	if rest == 0 {
		return s.picked, nil
	}
	byChapter := make([][]int, s.chapters)
	for i := range s.pool {
		if !s.pool[i].taken {
			byChapter[s.pool[i].chapter] = append(byChapter[s.pool[i].chapter], i)
		}
	}
	var members [][]int // the chapters with questions left, in code order
	var avail []int
	for _, m := range byChapter {
		if len(m) > 0 {
			members = append(members, m)
			avail = append(avail, len(m))
		}
	}
	want := largestRemainder(rest, avail, s.r.perm(len(members)))
	for _, m := range members {
		shuffle(s.r, m)
	}

	// 3. Within the chapter split, meet the difficulty targets as far as the bank allows.
	if len(s.mix) > 0 {
		have := make([][6]int, len(members))
		for c, m := range members {
			for _, i := range m {
				have[c][s.pool[i].level]++
			}
		}
		x := matchLevels(want, have, s.need, s.r)
		for c, m := range members {
			for _, i := range m {
				if l := s.pool[i].level; x[c][l] > 0 {
					x[c][l]--
					want[c]--
					s.take(i)
				}
			}
		}
	}
	for c, m := range members {
		for _, i := range m {
			if want[c] == 0 {
				break
			}
			if !s.pool[i].taken {
				want[c]--
				s.take(i)
			}
		}
	}
	return s.picked, nil
}

// neediest returns the first untaken candidate of cands (shuffled) whose level the mix
// needs most, or the first untaken one when the mix needs none of theirs.
func (s *sectionDraw) neediest(cands []int) int {
	best, first := -1, -1
	for _, i := range cands {
		if s.pool[i].taken {
			continue
		}
		if first < 0 {
			first = i
		}
		if n := s.need[s.pool[i].level]; n > 0 && (best < 0 || n > s.need[s.pool[best].level]) {
			best = i
		}
	}
	if best < 0 {
		return first
	}
	return best
}

// matchLevels decides how many of each chapter's want[c] picks come from each difficulty
// level, so that as many picks as possible fall on levels the mix still needs: a maximum
// flow from the chapters (capacity want[c]) through the levels they hold (have[c][l]) to
// the levels' targets (need[l]). Picks it cannot place on a needed level are left to the
// caller. Chapters are visited in a random order so no chapter is favoured for scarce levels.
func matchLevels(want []int, have [][6]int, need [6]int, r *rng) [][6]int {
	nc := len(want)
	n := nc + 8 // source, chapters, levels 0..5, sink
	src, sink := 0, n-1
	pos := r.perm(nc)
	chapterNode := func(c int) int { return 1 + pos[c] }
	levelNode := func(l int) int { return 1 + nc + l }
	capacity := make([]int, n*n)
	for c := range nc {
		capacity[src*n+chapterNode(c)] = want[c]
		for l := range 6 {
			capacity[chapterNode(c)*n+levelNode(l)] = have[c][l]
		}
	}
	for l := range 6 {
		capacity[levelNode(l)*n+sink] = max(need[l], 0)
	}
	residual := slices.Clone(capacity)
	parent := make([]int, n)
	queue := make([]int, 0, n)
	for {
		for i := range parent {
			parent[i] = -1
		}
		parent[src] = src
		queue = append(queue[:0], src)
		for h := 0; h < len(queue) && parent[sink] < 0; h++ {
			u := queue[h]
			for v := range n {
				if parent[v] < 0 && residual[u*n+v] > 0 {
					parent[v] = u
					queue = append(queue, v)
				}
			}
		}
		if parent[sink] < 0 {
			break
		}
		f := math.MaxInt
		for v := sink; v != src; v = parent[v] {
			f = min(f, residual[parent[v]*n+v])
		}
		for v := sink; v != src; v = parent[v] {
			u := parent[v]
			residual[u*n+v] -= f
			residual[v*n+u] += f
		}
	}
	x := make([][6]int, nc)
	for c := range nc {
		for l := range 6 {
			e := chapterNode(c)*n + levelNode(l)
			x[c][l] = capacity[e] - residual[e]
		}
	}
	return x
}

// largestRemainder splits total over weights in proportion (Hamilton's method): each gets
// floor(total·w/W), and what is left goes one each to the largest remainders. Ties go to
// the lower rank[i], or the lower index when rank is nil. When total ≤ W no share exceeds
// its weight.
func largestRemainder(total int, weights []int, rank []int) []int {
	out := make([]int, len(weights))
	w := 0
	for _, x := range weights {
		w += x
	}
	if w == 0 {
		return out
	}
	rem := make([]int, len(weights))
	left := total
	idx := make([]int, len(weights))
	for i, x := range weights {
		out[i] = total * x / w
		rem[i] = total * x % w
		left -= out[i]
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(rem[b], rem[a]); c != 0 {
			return c
		}
		if rank != nil {
			return cmp.Compare(rank[a], rank[b])
		}
		return cmp.Compare(a, b)
	})
	for _, i := range idx[:left] {
		out[i]++
	}
	return out
}

// CompareCodes orders syllabus codes segment by segment, numbers by value: L2.9 < L2.10.
func CompareCodes(a, b string) int {
	for a != "" || b != "" {
		as, arest, _ := strings.Cut(a, ".")
		bs, brest, _ := strings.Cut(b, ".")
		if c := compareSegment(as, bs); c != 0 {
			return c
		}
		a, b = arest, brest
	}
	return 0
}

func compareSegment(a, b string) int {
	if isDigits(a) && isDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// rng is a seeded PCG with its own bounded draws and shuffle, so a seed gives the same
// paper whatever the Go release (math/rand/v2 promises PCG's stream, not its helpers').
type rng struct{ pcg rand.PCG }

func newRNG(seed int64, stream uint64) rng {
	var r rng
	r.pcg.Seed(splitmix(uint64(seed)), splitmix(stream))
	return r
}

// intN returns a uniform int in [0, n), n > 0 (Lemire's multiply-and-reject).
func (r *rng) intN(n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(r.pcg.Uint64(), un)
	if lo < un {
		thresh := -un % un
		for lo < thresh {
			hi, lo = bits.Mul64(r.pcg.Uint64(), un)
		}
	}
	return int(hi)
}

// perm returns a random permutation of 0..n-1.
func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	shuffle(r, p)
	return p
}

// shuffle is Fisher–Yates.
func shuffle[T any](r *rng, s []T) {
	for i := len(s) - 1; i > 0; i-- {
		j := r.intN(i + 1)
		s[i], s[j] = s[j], s[i]
	}
}

// streamOf names an independent random stream: a purpose and a number.
func streamOf(purpose string, n uint64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	return h.Sum64() ^ splitmix(n)
}

// optionsStream is the purpose of the per-question option streams: streamOf("options", id).
var optionsStream = streamOf("options", 0) ^ splitmix(0)

// splitmix is SplitMix64's finalizer: it spreads nearby seeds far apart.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
