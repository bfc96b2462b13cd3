package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/csmexam/csmexam/exam"
)

// Tests of the hardening findings of issue 18 that the HTTP API shows.

// TestSaveSeqReusedForAnotherAnswer: a save repeating the stored seq with another choice
// is 409, not a 200 for an answer the server did not keep; the same answer again is the
// idempotent 200.
func TestSaveSeqReusedForAnotherAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		h := newHarness(t, dsn)
		a, path := h.startAndPath("candidate", exam.L2Theory)
		q := a.Sections[0].Questions[0]
		qpath := path + "/answers/" + strconv.FormatInt(q.ID, 10)
		first := map[string]any{"choice": []string{q.Options[0].Key}, "seq": 5}
		for range 2 {
			if s, b := h.do("PUT", qpath, "candidate", first); s != 200 {
				t.Fatalf("save %d %s", s, b)
			}
		}
		h.expectError(409, "", "PUT", qpath, "candidate", map[string]any{"choice": []string{q.Options[1].Key}, "seq": 5})
		_, b := h.do("GET", path, "candidate", nil)
		if got := decode[attemptJSON](t, b).Answers[strconv.FormatInt(q.ID, 10)]; len(got.Choice) != 1 || got.Choice[0] != q.Options[0].Key {
			t.Fatalf("stored answer %+v", got)
		}
	})
}

var _ = strings.Contains
