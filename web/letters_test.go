package web_test

import (
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
)

// An explanation names options by {{opt:N}}: validation refuses a missing option, and the
// bank page, where nothing is shuffled, shows the letters of the bank's order.
func TestOptionReferencesInExplanations(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		q := singleChoice("引用选项：客户服务的特点不包括哪一项？")
		q["explanation"] = "{{opt:4}} 不存在。"
		h.expectError(422, "explanation", "POST", "/api/v1/questions", "instructor", q)

		q["explanation"] = "{{opt:2}} 不是特点，{{opt:1}}、{{opt:3}} 是。"
		s, b := h.do("POST", "/api/v1/questions", "instructor", q)
		if s != 201 {
			t.Fatalf("create: %d %s", s, b)
		}
		id := decode[struct{ ID int64 }](t, b).ID
		_, html, _ := h.page("/questions/"+itoa(id), "instructor")
		if !strings.Contains(html, "B 不是特点，A、C 是。") || strings.Contains(html, "{{opt:") {
			t.Fatalf("the bank page does not render the references in the bank's letters:\n%s", html)
		}
	})
}

// Candidates read the syllabus without sources (出处：000 …), on the page and in the API;
// staff still see them.
func TestCandidatesSeeNoSources(t *testing.T) {
	t.Parallel()
	h := newHarness(t, dbtest.SQLiteDSN(t))
	for who, want := range map[string]bool{"candidate": false, "instructor": true} {
		_, html, _ := h.page("/syllabus/JC.1", who)
		if strings.Contains(html, "出处") != want {
			t.Errorf("%s: 出处 on the study page is %v, want %v", who, !want, want)
		}
		_, b := h.do("GET", "/api/v1/syllabus/JC.1", who, nil)
		if strings.Contains(string(b), `"source"`) != want {
			t.Errorf("%s: source in the API is %v, want %v", who, !want, want)
		}
	}
}
