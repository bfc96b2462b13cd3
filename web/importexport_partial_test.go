package web_test

import (
	"os"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestImportAsPublished: Moodle's own GIFT fixture, which names no knowledge point and
// holds types we do not take, imports nothing as it is; with a default point it still
// imports nothing (all or nothing) but says why, question by question; in partial mode
// its four good questions are stored, the rest listed with line, name and reason, the
// repeat counted. A category mapping sends a Moodle XML file's categories to points and
// names the unmapped ones; a bad default point or mapping is refused on its field.
func TestImportAsPublished(t *testing.T) {
	t.Parallel()
	gift, err := os.ReadFile("../content/format/testdata/moodle/gift_questions.gift")
	if err != nil {
		t.Fatal(err)
	}
	xml, err := os.ReadFile("../content/format/testdata/moodle/xml_nested_categories_with_questions.xml")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		count := func(q string) int {
			_, b := h.do("GET", "/api/v1/questions?q="+q, "instructor", nil)
			return decode[struct{ Total int }](t, b).Total
		}
		s, b := h.uploadFields("/api/v1/questions/import", "instructor", "moodle.gift", nil, gift)
		if r := decode[importReport](t, b); s != 422 || r.Imported != 0 || !strings.Contains(string(b), "找不到知识点") {
			t.Fatalf("without a default: %d %s", s, b)
		}
		s, b = h.uploadFields("/api/v1/questions/import", "instructor", "moodle.gift", [][2]string{{"unit", "JC.1.2.1"}}, gift)
		if r := decode[importReport](t, b); s != 422 || r.Imported != 0 || len(r.Errors) != 4 {
			t.Fatalf("all or nothing: %d %s", s, b)
		}
		if n := count("orange"); n != 0 {
			t.Fatalf("%d imported from a refused file", n)
		}
		s, b = h.uploadFields("/api/v1/questions/import", "instructor", "moodle.gift", [][2]string{{"unit", "JC.1.2.1"}, {"partial", "1"}}, gift)
		r := decode[importReport](t, b)
		if s != 200 || r.Imported != 4 || !r.Partial || len(r.Errors) != 4 || len(r.Repeats) != 1 || r.Repeats[0].Row != 49 {
			t.Fatalf("partial: %d %s", s, b)
		}
		if e := r.Errors[1]; e.Row != 5 || e.Name != "Moodle activities" || e.Message != "不支持的题型：匹配题" {
			t.Errorf("skipped question: %+v", e)
		}
		if n := count("orange"); n != 2 {
			t.Fatalf("%d questions about orange imported, want 2", n)
		}
		// Again: the four are repeats now, skipped and counted.
		s, b = h.uploadFields("/api/v1/questions/import", "instructor", "moodle.gift", [][2]string{{"unit", "JC.1.2.1"}, {"partial", "1"}}, gift)
		if r := decode[importReport](t, b); s != 200 || r.Imported != 0 || len(r.Repeats) != 5 {
			t.Fatalf("partial again: %d %s", s, b)
		}

		s, b = h.uploadFields("/api/v1/questions/import?dry_run=1", "instructor", "moodle.xml", [][2]string{{"unit", "JC.1.1.1"}, {"map", "Iota=JC.1.2.1\n$course$/Iota/Kappa/Lambda=JC.1.2.2"}, {"partial", "1"}}, xml)
		r = decode[importReport](t, b)
		if s != 200 || r.Valid != 4 || len(r.Errors) != 1 || len(r.Unmapped) != 2 || r.Unmapped[0].Category != "$course$/Iota/Kappa" || r.Unmapped[0].Questions != 1 {
			t.Fatalf("mapping: %d %s", s, b)
		}
		for _, f := range [][2]string{{"unit", "JC.1.2"}, {"map", "Iota=JC.99"}, {"map", "没有等号"}} {
			s, b := h.uploadFields("/api/v1/questions/import", "instructor", "moodle.xml", [][2]string{f}, xml)
			if s != 422 || decode[apiError](t, b).Field != f[0] {
				t.Errorf("%v: %d %s", f, s, b)
			}
		}
	})
}
