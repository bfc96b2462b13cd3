package format

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet of a workbook: a bold header row, then rows; cells of the numeric
// columns (by index) that hold numbers are stored as numbers, every other cell as
// escaped text, as WriteXLSX does. Charts are drawn beside the table, one under another.
type Sheet struct {
	Name    string
	Header  []string
	Rows    [][]string
	Numeric []int
	Charts  []Chart
}

// Chart is a native Excel chart over a sheet's own columns, Rows rows from row First
// (0-based, of Sheet.Rows): Categories labels the points, each of Series (column
// indexes, numeric) is one series named by its header.
type Chart struct {
	Type       excelize.ChartType
	Title      string
	Categories int
	Series     []int
	First      int
	Rows       int // how many rows it covers; 0: all from First
}

// chartHeight is a chart's height in pixels, chartRows the sheet rows it spans (at
// Excel's default 20 px a row) with a gap below.
const (
	chartHeight = 320
	chartRows   = chartHeight/20 + 1
)

// WriteWorkbook writes sheets, in order, as one XLSX file. Statistics sheets are small (a
// row a question or a candidate), so cells are set directly rather than streamed, which
// lets a chart refer to them. It fails on a sheet name Excel does not accept.
func WriteWorkbook(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), sh.Name)
		} else {
			_, err = f.NewSheet(sh.Name)
		}
		if err != nil {
			return fmt.Errorf("sheet name %q: %w", sh.Name, err)
		}
		if err := writeCells(f, sh, bold); err != nil {
			return fmt.Errorf("sheet %s: %w", sh.Name, err)
		}
		for k, c := range sh.Charts {
			if err := addChart(f, sh, c, k); err != nil {
				return fmt.Errorf("sheet %s: chart %d: %w", sh.Name, k+1, err)
			}
		}
	}
	_, err = f.WriteTo(w)
	return err
}

func writeCells(f *excelize.File, sh Sheet, bold int) error {
	if err := f.SetColWidth(sh.Name, "A", colName(max(len(sh.Header), 1)), 14); err != nil {
		return err
	}
	header := make([]any, len(sh.Header))
	for i, h := range sh.Header {
		header[i] = EscapeCell(h)
	}
	if err := f.SetSheetRow(sh.Name, "A1", &header); err != nil {
		return err
	}
	if err := f.SetRowStyle(sh.Name, 1, 1, bold); err != nil {
		return err
	}
	for r, row := range sh.Rows {
		vals := make([]any, len(row))
		for i, c := range row {
			vals[i] = EscapeCell(c)
			if slices.Contains(sh.Numeric, i) {
				if v, err := strconv.ParseFloat(c, 64); err == nil {
					vals[i] = v
				}
			}
		}
		if err := f.SetSheetRow(sh.Name, "A"+strconv.Itoa(r+2), &vals); err != nil {
			return err
		}
	}
	return nil
}

// addChart draws c as the sheet's k-th chart (0-based), below the ones before it; a
// chart of no rows is left out.
func addChart(f *excelize.File, sh Sheet, c Chart, k int) error {
	n := len(sh.Rows) - c.First
	if c.Rows > 0 {
		n = min(n, c.Rows)
	}
	if c.First < 0 || n <= 0 {
		return nil
	}
	first, last := strconv.Itoa(c.First+2), strconv.Itoa(c.First+n+1)
	ref := func(col int) string {
		return fmt.Sprintf("'%s'!$%s$%s:$%s$%s", sh.Name, colName(col+1), first, colName(col+1), last)
	}
	chart := &excelize.Chart{Type: c.Type, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
		Legend: excelize.ChartLegend{Position: "bottom"}, Dimension: excelize.ChartDimension{Width: 640, Height: chartHeight}}
	for _, col := range c.Series {
		chart.Series = append(chart.Series, excelize.ChartSeries{Name: fmt.Sprintf("'%s'!$%s$1", sh.Name, colName(col+1)),
			Categories: ref(c.Categories), Values: ref(col)})
	}
	return f.AddChart(sh.Name, colName(len(sh.Header)+2)+strconv.Itoa(2+k*chartRows), chart)
}

func colName(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}
