package grading_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/pack"
	"github.com/csmexam/csmexam/grading"
	"gopkg.in/yaml.v3"
)

// evalSet is testdata/eval/<case key>.yaml: per part of a bundled case, answers written as
// candidates write them, with the score an experienced instructor gives.
type evalSet struct {
	Case  string `yaml:"case"`
	Parts []struct {
		Answers []evalAnswer `yaml:"answers"`
	} `yaml:"parts"`
}

type evalAnswer struct {
	Kind  string  `yaml:"kind"`
	Score float64 `yaml:"score"`
	Text  string  `yaml:"text"` // empty for pasted: the case material itself
}

// evalKinds are the answers every part needs: a strong paraphrase, one with numerals in
// words, a keyword list without reasoning, the material pasted back, a negated answer and
// a partial one.
var evalKinds = []string{"strong", "numerals", "keywords", "pasted", "negated", "partial"}

// Limits of the evaluation, as shares of a part's points.
const (
	maxMeanError   = 0.15 // mean absolute error of the suggestion over the set
	maxPastedScore = 0.10 // the material pasted back
	minStrongScore = 0.60 // a strong paraphrase
)

// TestSuggestAgreesWithInstructors scores every evaluation answer of every case of the
// bundled pack and compares the suggestion with the instructor's score. A case (or a
// part) of the pack without an evaluation set fails the test by name, so a case added
// later needs its answers too.
func TestSuggestAgreesWithInstructors(t *testing.T) {
	t.Parallel()
	p, err := pack.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-16s %5s %8s %8s %8s\n", "case", "parts", "answers", "MAE%", "pasted%")
	var sumErr float64
	var n int
	kindErr, kindN := map[string]float64{}, map[string]int{}
	cases := 0
	for _, q := range p.Questions {
		if q.Type != content.Case {
			continue
		}
		cases++
		set, err := readEvalSet(q.PackKey)
		if err != nil {
			t.Errorf("case %s has no evaluation set: %v", q.PackKey, err)
			continue
		}
		var caseErr, pastedScore, pastedMax float64
		caseN := 0
		for i, part := range q.Parts {
			if i >= len(set.Parts) {
				t.Errorf("case %s part %d has no evaluation answers", q.PackKey, i+1)
				continue
			}
			answers := set.Parts[i].Answers
			for _, k := range evalKinds {
				if !slices.ContainsFunc(answers, func(a evalAnswer) bool { return a.Kind == k }) {
					t.Errorf("case %s part %d lacks a %q answer", q.PackKey, i+1, k)
				}
			}
			max := part.Points.Float()
			for j, a := range answers {
				text := a.Text
				if a.Kind == "pasted" && text == "" {
					text = q.Material
				}
				if a.Score < 0 || a.Score > max {
					t.Errorf("case %s part %d answer %d: instructor's score %v out of 0…%v", q.PackKey, i+1, j+1, a.Score, max)
				}
				got := 0.0
				for _, pt := range grading.Suggest(part, grading.Given(&q, part), text).Points {
					got += pt.Suggested.Float()
				}
				e := math.Abs(got-a.Score) / max
				caseErr += e
				caseN++
				kindErr[a.Kind] += e
				kindN[a.Kind]++
				switch a.Kind {
				case "pasted":
					pastedScore += got
					pastedMax += max
					if got > maxPastedScore*max {
						t.Errorf("case %s part %d: pasted material suggested %v of %v", q.PackKey, i+1, got, max)
					}
				case "strong":
					if got < minStrongScore*max {
						t.Errorf("case %s part %d answer %d: a strong paraphrase suggested %v of %v (instructor %v): %s", q.PackKey, i+1, j+1, got, max, a.Score, text)
					}
				}
				if testing.Verbose() && e > 0.25 {
					t.Logf("%s part %d %s: suggested %v, instructor %v", q.PackKey, i+1, a.Kind, got, a.Score)
				}
			}
		}
		if len(set.Parts) > len(q.Parts) {
			t.Errorf("case %s: evaluation set has %d parts, the case %d", q.PackKey, len(set.Parts), len(q.Parts))
		}
		sumErr += caseErr
		n += caseN
		fmt.Fprintf(&table, "%-16s %5d %8d %7.1f%% %7.1f%%\n", q.PackKey, len(q.Parts), caseN, 100*caseErr/float64(max1(caseN)), 100*pastedScore/math.Max(pastedMax, 1))
	}
	mae := sumErr / float64(max1(n))
	fmt.Fprintf(&table, "%-16s %5s %8d %7.1f%%\n", "all", "", n, 100*mae)
	for _, k := range evalKinds {
		fmt.Fprintf(&table, "%-16s %5s %8d %7.1f%%\n", "  "+k, "", kindN[k], 100*kindErr[k]/float64(max1(kindN[k])))
	}
	t.Logf("suggestion against instructors, error as a share of each part's points:\n%s", table.String())
	if cases == 0 {
		t.Fatal("the bundled pack has no case")
	}
	if mae > maxMeanError {
		t.Errorf("mean absolute error %.1f%% of a part's points, want at most %.0f%%", 100*mae, 100*maxMeanError)
	}
}

func max1(n int) int { return max(n, 1) }

func readEvalSet(key string) (*evalSet, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "eval", key+".yaml"))
	if err != nil {
		return nil, err
	}
	var s evalSet
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s.yaml: %w", key, err)
	}
	if s.Case != key {
		return nil, fmt.Errorf("%s.yaml names case %q", key, s.Case)
	}
	return &s, nil
}
