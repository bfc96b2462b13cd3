package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestImportPublishedCommand: Moodle's own Moodle XML fixture imports with --unit and
// --map (and a --map-file), in --partial mode skipping the essay with its line and name
// and naming the unmapped categories; a bad --unit or --map is refused by its flag.
func TestImportPublishedCommand(t *testing.T) {
	t.Parallel()
	fixture, err := filepath.Abs("../../content/format/testdata/moodle/xml_nested_categories_with_questions.xml")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, dsn string) {
		cmd := func(args ...string) (int, string, string) {
			e, out, errOut := testEnv("")
			code := run(context.Background(), args, e)
			return code, out.String(), errOut.String()
		}
		mapFile := filepath.Join(t.TempDir(), "map.txt")
		if err := os.WriteFile(mapFile, []byte("# Moodle 分类\n$course$/Iota/Kappa/Lambda=JC.1.2.2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// All or nothing: the essay stops the file, and says so.
		code, out, errOut := cmd("import", "--db", dsn, "--unit", "JC.1.1.1", fixture)
		if code == 0 || !strings.Contains(out, "第 55 行（Kappa Essay Question）type：不支持的题型：论述题") || !strings.Contains(errOut, "未导入任何题目") {
			t.Fatalf("all or nothing: %d %q %q", code, out, errOut)
		}
		code, out, errOut = cmd("import", "--db", dsn, "--partial", "--unit", "JC.1.1.1", "--map", "Iota=JC.1.2.1", "--map-file", mapFile, fixture)
		for _, want := range []string{"跳过 第 55 行（Kappa Essay Question）", "未映射的分类“$course$/Iota/Kappa”：1 道题", "未映射的分类“$course$/Iota/Mu”：1 道题", "1 道题有错，已跳过（--partial）", "已导入 4 道题到共享题库"} {
			if code != 0 || !strings.Contains(out, want) {
				t.Errorf("partial: %d, output lacks %q:\n%s%s", code, want, out, errOut)
			}
		}
		code, out, _ = cmd("import", "--db", dsn, "--partial", "--unit", "JC.1.1.1", fixture)
		if code != 0 || !strings.Contains(out, "4 道题与题库中已有的题") || !strings.Contains(out, "已导入 0 道题") {
			t.Errorf("again: %d %q", code, out)
		}
		for flag, value := range map[string]string{"--unit": "JC.1.2", "--map": "Iota=JC.99"} {
			if code, _, errOut := cmd("import", "--db", dsn, flag, value, fixture); code == 0 || !strings.Contains(errOut, flag+":") {
				t.Errorf("%s %s: %d %q", flag, value, code, errOut)
			}
		}
	})
}
