package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csmexam/csmexam/content/db/dbtest"
	"github.com/xuri/excelize/v2"
)

const cliCSV = "题型,题干,选项A,选项B,答案,知识点\n" +
	"单选题,命令行导入：甲还是乙？,甲,乙,A,JC.1.2.1\n" +
	"判断题,命令行导入：=1 是公式。,,,错,JC.1.2.1\n"

func TestImportExportCommands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		write := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
		cmd := func(args ...string) (int, string, string) {
			e, out, errOut := testEnv("")
			code := run(context.Background(), args, e)
			return code, out.String(), errOut.String()
		}

		// A bad row: non-zero exit, the report, nothing imported.
		bad := write("bad.csv", cliCSV+"多选题,命令行导入：坏,甲,乙,A,JC.1.2.1\n")
		code, out, errOut := cmd("import", "--db", dsn, "--center", "bj01", bad)
		if code == 0 || !strings.Contains(out, "第 4 行 答案：多选题至少要有 2 个答案") || !strings.Contains(errOut, "未导入任何题目") {
			t.Fatalf("bad file: %d %q %q", code, out, errOut)
		}
		good := write("good.csv", cliCSV)
		if code, out, errOut := cmd("import", "--db", dsn, "--center", "bj01", "--dry-run", good); code != 0 || !strings.Contains(out, "2 道题检查通过") {
			t.Fatalf("dry run: %d %q %q", code, out, errOut)
		}
		// Nothing was imported so far: the export of bj01 is empty.
		empty := filepath.Join(dir, "empty.csv")
		if code, _, errOut := cmd("export", "--db", dsn, "--center", "bj01", empty); code != 0 || !strings.Contains(errOut, "exported 0 questions") {
			t.Fatalf("export of an empty bank: %d %q", code, errOut)
		}
		if code, out, errOut := cmd("import", "--db", dsn, "--center", "bj01", good); code != 0 || !strings.Contains(out, "已导入 2 道题") {
			t.Fatalf("import: %d %q %q", code, out, errOut)
		}
		// The same file again: both questions are repeats, skipped and counted, not a failure.
		if code, out, _ := cmd("import", "--db", dsn, "--center", "bj01", good); code != 0 || !strings.Contains(out, "题库中已有") || !strings.Contains(out, "2 道题与题库中已有的题") || !strings.Contains(out, "已导入 0 道题") {
			t.Fatalf("second import: %d %q", code, out)
		}

		// Export as XLSX, import into another center: the same two questions.
		xlsx := filepath.Join(dir, "bank.xlsx")
		if code, _, errOut := cmd("export", "--db", dsn, "--center", "bj01", "--format", "xlsx", xlsx); code != 0 {
			t.Fatalf("export: %d %q", code, errOut)
		}
		f, err := excelize.OpenFile(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("题库")
		f.Close()
		if len(rows) != 3 || rows[2][1] != "命令行导入：=1 是公式。" {
			t.Fatalf("exported rows %q", rows)
		}
		if code, out, errOut := cmd("import", "--db", dsn, "--center", "sh02", xlsx); code != 0 || !strings.Contains(out, "已导入 2 道题到培训中心 sh02") {
			t.Fatalf("import of the export: %d %q %q", code, out, errOut)
		}
		code, j, errOut := cmd("export", "--db", dsn, "--center", "sh02", "--format", "json", "-")
		if code != 0 || !strings.Contains(j, "命令行导入：甲还是乙？") || strings.Count(j, `"stem"`) != 2 {
			t.Fatalf("json export: %d %s %q", code, j, errOut)
		}

		if code, _, errOut := cmd("export", "--db", dsn, "--format", "pdf", "x.pdf"); code == 0 || !strings.Contains(errOut, "--format") {
			t.Fatalf("pdf export: %d %q", code, errOut)
		}
		if code, _, errOut := cmd("import", "--db", dsn, filepath.Join(dir, "missing.csv")); code == 0 || errOut == "" {
			t.Fatalf("missing file: %d %q", code, errOut)
		}
		if code, _, errOut := cmd("import", "--db", dsn, write("q.xls", "x")); code == 0 || !bytes.Contains([]byte(errOut), []byte("不支持的文件类型")) {
			t.Fatalf("xls: %d %q", code, errOut)
		}
	})
}
