package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
)

func TestPaperCommand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		cmd := func(args ...string) (int, string) {
			e, _, errOut := testEnv("")
			return run(context.Background(), append([]string{"paper", "--db", dsn}, args...), e), errOut.String()
		}
		first, second := filepath.Join(dir, "a.pdf"), filepath.Join(dir, "b.pdf")
		code, errOut := cmd("--blueprint", "L2-theory", "--seed", "7", "--part", "sheet", "-o", first)
		if code != 0 || !strings.Contains(errOut, "种子 7") || !strings.Contains(errOut, "--blueprint L2-theory --seed 7") {
			t.Fatalf("paper: %d %q", code, errOut)
		}
		if code, errOut := cmd("--blueprint", "L2-theory", "--seed", "7", "--part", "sheet", "-o", second); code != 0 {
			t.Fatalf("paper again: %d %q", code, errOut)
		}
		a, _ := os.ReadFile(first)
		b, _ := os.ReadFile(second)
		if !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Equal(a, b) {
			t.Fatalf("the same seed printed two different 答题卡 (%d and %d bytes)", len(a), len(b))
		}
		for _, bad := range [][]string{
			{"--seed", "7", "-o", first},                                     // no blueprint
			{"--blueprint", "L2-theory", "--seed", "7"},                      // no output
			{"--blueprint", "L2-theory", "--part", "answers", "-o", first},   // unknown part
			{"--blueprint", "no-such-blueprint", "--seed", "7", "-o", first}, // unknown blueprint
		} {
			if code, errOut := cmd(bad...); code == 0 || errOut == "" {
				t.Errorf("%v: exit %d %q", bad, code, errOut)
			}
		}
	})
}
