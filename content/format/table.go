// Package format reads and writes the question bank in the files instructors use (XLSX
// and CSV in the 题型/题干/选项A… layout, JSON, the pack's YAML, GIFT, Moodle XML, Aiken)
// and writes plain tables such as results exports.
// Reading and writing are pure (bytes and values in, values and row-level errors out);
// only Import, which runs a whole file into the bank, calls the content store.
package format

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// formulaStarts are the first characters that make Excel, LibreOffice or Numbers read a
// cell as a formula (CR and tab because some of them skip leading whitespace).
const formulaStarts = "=+-@\t\r"

// EscapeCell defuses spreadsheet formulas: a cell beginning with = + - @ or a tab (or CR)
// gets a leading '. So that UnescapeCell can always undo it, a cell that already begins
// with quotes followed by one of those characters gets one more quote.
func EscapeCell(s string) string {
	rest := strings.TrimLeft(s, "'")
	if rest != "" && strings.IndexByte(formulaStarts, rest[0]) >= 0 {
		return "'" + s
	}
	return s
}

// UnescapeCell undoes EscapeCell: UnescapeCell(EscapeCell(s)) == s for every s. A cell
// that was not escaped (no quotes before a formula character) comes back as it is.
func UnescapeCell(s string) string {
	rest := strings.TrimLeft(s, "'")
	if len(rest) < len(s) && rest != "" && strings.IndexByte(formulaStarts, rest[0]) >= 0 {
		return s[1:]
	}
	return s
}

// bom makes Excel read a CSV file as UTF-8 rather than the system's ANSI code page.
const bom = "\uFEFF"

// WriteCSV writes a UTF-8 CSV with a BOM (Excel opens Chinese correctly), every cell escaped.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	// CRLF is what Excel writes and expects.
	cw.UseCRLF = true
	write := func(cells []string) error {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = EscapeCell(c)
		}
		return cw.Write(out)
	}
	if err := write(header); err != nil {
		return err
	}
	for _, r := range rows {
		if err := write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes one sheet named sheet with a bold header row, every cell escaped and
// stored as text, but in the numeric columns (by index), where a cell that is a number is
// stored as one, so that Excel sums it. It fails on a sheet name Excel does not accept
// (over 31 characters, or one of : \ / ? * [ ]).
func WriteXLSX(w io.Writer, sheet string, header []string, rows [][]string, numeric ...int) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return fmt.Errorf("sheet name %q: %w", sheet, err)
	}
	if err := writeSheet(f, sheet, header, rows, numeric...); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}

// writeSheet streams header and rows into an existing sheet of f (numeric: see WriteXLSX).
func writeSheet(f *excelize.File, sheet string, header []string, rows [][]string, numeric ...int) error {
	// Number format 49 is "@", text: Excel keeps "007" or "1E3" as typed when edited.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, max(len(header), 1), 18); err != nil {
		return err
	}
	write := func(n int, cells []string, style int) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = excelize.Cell{StyleID: style, Value: EscapeCell(c)}
			if style == text && slices.Contains(numeric, i) {
				if v, err := strconv.ParseFloat(c, 64); err == nil {
					vals[i] = excelize.Cell{Value: v}
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, vals)
	}
	if err := write(1, header, bold); err != nil {
		return err
	}
	for i, r := range rows {
		if err := write(i+2, r, text); err != nil {
			return err
		}
	}
	return sw.Flush()
}
