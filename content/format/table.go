// Package format reads and writes the question bank in the files instructors use (XLSX
// and CSV in the 题型/题干/选项A… layout, JSON, the pack's YAML, GIFT, Moodle XML, Aiken)
// and writes plain tables such as results exports.
// Reading and writing are pure (bytes and values in, values and row-level errors out);
// only Import, which runs a whole file into the bank, calls the content store.
package format

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/csmexam/csmexam/content"
	"github.com/csmexam/csmexam/content/errs"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
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

// ReadTable reads the rows of a spreadsheet upload, name's extension saying which kind:
// .xlsx (the sheet called sheet if there is one, else the first) or .csv (UTF-8 with or
// without a BOM, or GB18030/GBK as Excel on Chinese Windows saves it). Both imports, of
// questions and of candidates, read their files through it, under the same limits
// (MaxFileBytes, UnzipLimit, MaxRows rows after the header). A file that cannot be read
// is an Invalid error on field "file"; a CSV line that does not parse is one whose cause
// is the content.RowError naming its row and column.
func ReadTable(name string, r io.Reader, sheet string) ([][]string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".xlsx" && ext != ".csv" {
		return nil, content.Invalid("file", "只支持 .csv 和 .xlsx 文件")
	}
	b, err := readLimited(name, r)
	if err != nil {
		return nil, err
	}
	return readTableFile(ext, b, sheet)
}

// readLimited reads a whole upload, refusing one over MaxFileBytes.
func readLimited(name string, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxFileBytes {
		return nil, content.Invalid("file", "文件超过 %d MB，请拆分后分批导入", MaxFileBytes>>20)
	}
	return b, nil
}

// readTableFile is ReadTable of a file already read; ext is ".xlsx" or ".csv".
func readTableFile(ext string, b []byte, sheet string) ([][]string, error) {
	if ext == ".csv" {
		return readCSVTable(b)
	}
	return readXLSXTable(b, sheet)
}

func tooManyRows() error {
	return content.Invalid("file", "文件超过 %d 行，请拆分后分批导入", MaxRows)
}

func readXLSXTable(b []byte, sheet string) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: UnzipLimit, UnzipXMLSizeLimit: UnzipXMLLimit})
	if err != nil {
		// excelize has no sentinel for its own limit; its message is stable.
		if strings.HasPrefix(err.Error(), "unzip size exceeds") {
			return nil, content.Invalid("file", "Excel 文件解压后超过 %d MB，请拆分后分批导入", UnzipLimit>>20)
		}
		return nil, content.Invalid("file", "无法读取 Excel 文件（%s）：请上传 .xlsx 格式（不是 .xls）", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, content.Invalid("file", "Excel 文件中没有工作表")
	}
	if !slices.Contains(sheets, sheet) {
		sheet = sheets[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, content.Invalid("file", "无法读取工作表“%s”（%s）", sheet, err)
	}
	defer rows.Close()
	var table [][]string
	for rows.Next() {
		if len(table) > MaxRows {
			return nil, tooManyRows()
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, content.Invalid("file", "无法读取工作表“%s”（%s）", sheet, err)
		}
		table = append(table, cells)
	}
	if err := rows.Error(); err != nil {
		return nil, content.Invalid("file", "无法读取工作表“%s”（%s）", sheet, err)
	}
	return table, nil
}

func readCSVTable(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte(bom))
	if !utf8.Valid(b) {
		var err error
		if b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(b); err != nil {
			return nil, content.Invalid("file", "CSV 文件的编码无法识别：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或直接上传 .xlsx")
		}
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	var table [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return table, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				re := content.RowError{Row: len(table) + 1, Field: fmt.Sprintf("第 %d 列", pe.Column), Message: fmt.Sprintf("CSV 格式错误（文件第 %d 行）：多半是引号不成对", pe.Line)}
				return nil, &errs.Error{Kind: errs.Invalid, Field: "file", Message: re.Error(), Err: re}
			}
			return nil, err
		}
		if len(table) > MaxRows {
			return nil, tooManyRows()
		}
		table = append(table, rec)
	}
}
