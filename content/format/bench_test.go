package format

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/csmexam/csmexam/content"
)

// maxBank is MaxRows distinct questions made from the bundled bank.
func maxBank(b *testing.B) ([]content.Question, *Syllabus) {
	p, syl := bundled(b)
	qs := make([]content.Question, MaxRows)
	for i := range qs {
		qs[i] = p.Questions[i%len(p.Questions)]
		qs[i].Stem = fmt.Sprintf("%s（%d）", qs[i].Stem, i)
	}
	return qs, syl
}

// BenchmarkRead reads a file of MaxRows questions in each table format: parsing,
// knowledge point lookup, validation and duplicate detection.
func BenchmarkRead(b *testing.B) {
	qs, syl := maxBank(b)
	for _, name := range []string{"xlsx", "csv", "gift"} {
		b.Run(name, func(b *testing.B) {
			var buf bytes.Buffer
			if err := WriteBank(&buf, name, qs); err != nil {
				b.Fatal(err)
			}
			file := buf.Bytes()
			b.SetBytes(int64(len(file)))
			b.ResetTimer()
			for b.Loop() {
				res, err := Read("bank"+Exports[name].Ext, bytes.NewReader(file), syl)
				if err != nil || len(res.Errors) > 0 || len(res.Items) != MaxRows {
					b.Fatalf("%v %v", err, res.Errors)
				}
			}
			b.ReportMetric(float64(b.N*MaxRows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkWriteBankXLSX exports MaxRows questions as XLSX.
func BenchmarkWriteBankXLSX(b *testing.B) {
	qs, _ := maxBank(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteBank(&buf, "xlsx", qs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*MaxRows)/b.Elapsed().Seconds(), "rows/s")
}
