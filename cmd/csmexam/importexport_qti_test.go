package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
)

// TestExportImportMoodleQTI: the bank goes out as Moodle XML (by the .xml extension), a
// QTI 2.1 package (by .zip) and a QTI 3.0 package (by --format), and each file imports
// into another center; --format names the format of a file whose extension does not.
func TestExportImportMoodleQTI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		cmd := func(args ...string) (int, string, string) {
			e, out, errOut := testEnv("")
			code := run(context.Background(), append([]string{args[0], "--db", dsn}, args[1:]...), e)
			return code, out.String(), errOut.String()
		}
		src := filepath.Join(dir, "good.csv")
		if err := os.WriteFile(src, []byte(cliCSV), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, errOut := cmd("import", "--center", "src", src); code != 0 {
			t.Fatalf("import: %d %q %q", code, out, errOut)
		}
		for i, c := range []struct{ file, format, renamed, importFormat string }{
			{"bank.xml", "", "", ""},
			{"bank.zip", "", "", ""},
			{"bank30.zip", "qti30", "", ""},
			{"bank30.zip", "qti30", "bank30.package", "qti30"},
		} {
			out := filepath.Join(dir, c.file)
			args := []string{"export", "--center", "src"}
			if c.format != "" {
				args = append(args, "--format", c.format)
			}
			if code, _, errOut := cmd(append(args, out)...); code != 0 {
				t.Fatalf("export %s: %d %q", c.file, code, errOut)
			}
			in := out
			if c.renamed != "" {
				in = filepath.Join(dir, c.renamed)
				if err := os.Rename(out, in); err != nil {
					t.Fatal(err)
				}
			}
			args = []string{"import", "--center", "dst" + string(rune('a'+i))}
			if c.importFormat != "" {
				args = append(args, "--format", c.importFormat)
			}
			if code, got, errOut := cmd(append(args, in)...); code != 0 || !strings.Contains(got, "已导入 2 道题") {
				t.Fatalf("import %s: %d %q %q", in, code, got, errOut)
			}
		}
		if code, _, errOut := cmd("import", "--format", "qti22", src); code == 0 || !strings.Contains(errOut, "--format") {
			t.Fatalf("unknown format: %d %q", code, errOut)
		}
	})
}
