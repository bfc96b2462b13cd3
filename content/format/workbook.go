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
// escaped text, as WriteXLSX does. Chart, when set, is drawn beside the table.
type Sheet struct {
	Name    string
	Header  []string
	Rows    [][]string
	Numeric []int
	Chart   *Chart
}

// Chart is a native Excel chart over a sheet's own columns, its first Rows rows:
// Categories labels the points, each of Series (column indexes, numeric) is one series named by its header.
type Chart struct {
	Type       excelize.ChartType
	Title      string
	Categories int
	Series     []int
	Rows       int // how many rows from the first it covers; 0: all
}

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
		if sh.Chart != nil && len(sh.Rows) > 0 {
			if err := addChart(f, sh); err != nil {
				return fmt.Errorf("sheet %s: chart: %w", sh.Name, err)
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

func addChart(f *excelize.File, sh Sheet) error {
	n := len(sh.Rows)
	if sh.Chart.Rows > 0 {
		n = min(n, sh.Chart.Rows)
	}
	last := strconv.Itoa(n + 1)
	ref := func(col int) string {
		return fmt.Sprintf("'%s'!$%s$2:$%s$%s", sh.Name, colName(col+1), colName(col+1), last)
	}
	c := &excelize.Chart{Type: sh.Chart.Type, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: sh.Chart.Title}}},
		Legend: excelize.ChartLegend{Position: "bottom"}, Dimension: excelize.ChartDimension{Width: 640, Height: 320}}
	for _, col := range sh.Chart.Series {
		c.Series = append(c.Series, excelize.ChartSeries{Name: fmt.Sprintf("'%s'!$%s$1", sh.Name, colName(col+1)),
			Categories: ref(sh.Chart.Categories), Values: ref(col)})
	}
	return f.AddChart(sh.Name, colName(len(sh.Header)+2)+"2", c)
}

func colName(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}
