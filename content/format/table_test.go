package format

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestEscapeCell(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":              "",
		"普通文本":          "普通文本",
		"=SUM(A1:A2)":   "'=SUM(A1:A2)",
		"+86 10 1234":   "'+86 10 1234",
		"-1":            "'-1",
		"@cmd":          "'@cmd",
		"\t=1":          "'\t=1",
		"\r=1":          "'\r=1",
		"a=b":           "a=b",
		"'plain":        "'plain",
		"'=already":     "''=already",
		"''-x":          "'''-x",
		"'":             "'",
		"客户满意度=服务质量-期望": "客户满意度=服务质量-期望",
	}
	for in, want := range cases {
		if got := EscapeCell(in); got != want {
			t.Errorf("EscapeCell(%q) = %q, want %q", in, got, want)
		}
		if back := UnescapeCell(EscapeCell(in)); back != in {
			t.Errorf("UnescapeCell(EscapeCell(%q)) = %q", in, back)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	header := []string{"姓名", "得分"}
	rows := [][]string{{"张三", "=1+1"}, {"李四, \"小李\"", "-5"}}
	if err := WriteCSV(&buf, header, rows); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM: % x", b[:min(len(b), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"姓名", "得分"}, {"张三", "'=1+1"}, {"李四, \"小李\"", "'-5"}}
	if len(recs) != len(want) {
		t.Fatalf("records = %q", recs)
	}
	for i := range want {
		if !slices.Equal(recs[i], want[i]) {
			t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
		}
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Error("rows should end with CRLF")
	}
}

func TestWriteXLSXRoundTrip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	header := []string{"姓名", "得分", "备注"}
	rows := [][]string{{"张三", "007", "=HYPERLINK(\"http://x\")"}, {"李四", "95.5", "@SUM(1)"}}
	if err := WriteXLSX(&buf, "成绩", header, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"成绩"}) {
		t.Fatalf("sheets = %q", got)
	}
	got, err := f.GetRows("成绩")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{header, {"张三", "007", "'=HYPERLINK(\"http://x\")"}, {"李四", "95.5", "'@SUM(1)"}}
	for i := range want {
		if i >= len(got) || !slices.Equal(got[i], want[i]) {
			t.Fatalf("rows = %q, want %q", got, want)
		}
	}
	// Stored as text, never as a number or formula.
	for _, cell := range []string{"B2", "B3", "C2"} {
		typ, err := f.GetCellType("成绩", cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s type = %v, want a string", cell, typ)
		}
		if formula, _ := f.GetCellFormula("成绩", cell); formula != "" {
			t.Errorf("%s has formula %q", cell, formula)
		}
	}
	style, err := f.GetCellStyle("成绩", "A1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if s.Font == nil || !s.Font.Bold {
		t.Error("header is not bold")
	}
}

func TestWriteXLSXBadSheetName(t *testing.T) {
	t.Parallel()
	if err := WriteXLSX(&bytes.Buffer{}, "a/b", nil, nil); err == nil {
		t.Error("sheet name with / accepted")
	}
}
