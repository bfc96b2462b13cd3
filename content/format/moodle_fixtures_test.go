package format

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// verdict is what should become of one question of a published file: imported with key
// (key != ""), a repeat of an earlier one (repeat), or refused with a message containing
// reason.
type verdict struct {
	row    int
	key    string
	reason string
	repeat bool
}

// checkVerdicts compares every question of res with want, by row; no row may be missing
// or extra.
func checkVerdicts(t *testing.T, res *Result, want []verdict) {
	t.Helper()
	items := map[int]content.Question{}
	for _, it := range res.Items {
		items[it.Row] = it.Question
		if it.Question.Unit == "" {
			t.Errorf("row %d imported without a knowledge point", it.Row)
		}
	}
	refused := map[int]string{}
	for _, e := range res.Errors {
		refused[e.Row] += e.Message + "；"
	}
	repeats := map[int]bool{}
	for _, r := range res.Repeats {
		repeats[r.Row] = true
	}
	for _, w := range want {
		q, imported := items[w.row]
		msg, isRefused := refused[w.row]
		switch {
		case w.repeat && !repeats[w.row]:
			t.Errorf("row %d: want a repeat; imported %v, refused %q", w.row, imported, msg)
		case w.key != "" && imported && strings.Join(q.Answer, "") != w.key:
			t.Errorf("row %d: key %v, want %s (%+v)", w.row, q.Answer, w.key, q)
		case w.key != "" && !imported:
			t.Errorf("row %d: not imported (%q), want key %s", w.row, msg, w.key)
		case w.reason != "" && (!isRefused || !strings.Contains(msg, w.reason)):
			t.Errorf("row %d: refused %v %q, want a refusal saying %q", w.row, isRefused, msg, w.reason)
		}
		delete(items, w.row)
		delete(refused, w.row)
		delete(repeats, w.row)
	}
	if len(items)+len(refused)+len(repeats) > 0 {
		t.Errorf("questions without a verdict: imported %v, refused %v, repeats %v", items, refused, repeats)
	}
}

// TestCategoryMapping: Moodle's nested categories take the points the mapping gives
// (whole path or last part), the rest the default, and those are reported by name and
// count; without a default, an unmapped category is the question's problem, by name.
func TestCategoryMapping(t *testing.T) {
	t.Parallel()
	_, base := bundled(t)
	b, err := os.ReadFile(filepath.Join("testdata", "moodle", "xml_nested_categories_with_questions.xml"))
	if err != nil {
		t.Fatal(err)
	}
	syl, err := base.ForFile("JC.1.1.1", map[string]string{"Iota": "JC.1.2.1", "Iota/Kappa/Lambda": "JC.1.2.2", "不存在": "JC.1.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Read("q.xml", strings.NewReader(string(b)), syl)
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]string{}
	for _, it := range res.Items {
		units[it.Question.Stem] = it.Question.Unit
	}
	want := map[string]string{"Testing Iota Question": "JC.1.2.1", "Testing Kappa Question": "JC.1.1.1", "Testing Lambda Question": "JC.1.2.2", "Testing Mu Question": "JC.1.1.1"}
	for stem, u := range want {
		if units[stem] != u {
			t.Errorf("%s: unit %q, want %s", stem, units[stem], u)
		}
	}
	got := syl.Unmapped()
	if !slices.Equal(got, []Unmapped{{"$course$/Iota/Kappa", 1}, {"$course$/Iota/Mu", 1}}) {
		t.Errorf("unmapped %v", got)
	}

	// Without a default, the unmapped category is each question's problem.
	syl, _ = base.ForFile("", map[string]string{"$course$/Iota": "JC.1.2.1"})
	res, err = Read("q.xml", strings.NewReader(string(b)), syl)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || !strings.Contains(errorText(res), "分类“$course$/Iota/Mu”没有对应的知识点") {
		t.Errorf("items %d, errors %s", len(res.Items), errorText(res))
	}

	// A mapping or default that names no point is refused on its field.
	if _, err := base.ForFile("JC.1.2", nil); err == nil || !strings.Contains(err.Error(), "不是知识点") {
		t.Errorf("a section as default: %v", err)
	}
	if _, err := base.ForFile("", map[string]string{"甲": "JC.99"}); err == nil {
		t.Error("a mapping to no point accepted")
	}
	m, err := ParseCategoryMap([]string{"# 注释", "", "$course$/A=B=JC.1.2.1", " 乙 = JC.1.2.2 "})
	if err != nil || m["$course$/A=B"] != "JC.1.2.1" || m["乙"] != "JC.1.2.2" || len(m) != 2 {
		t.Errorf("parsed %v %v", m, err)
	}
	if _, err := ParseCategoryMap([]string{"没有等号"}); err == nil {
		t.Error("a line without = accepted")
	}
}

func errorText(res *Result) string {
	var b strings.Builder
	for _, e := range res.Errors {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}
