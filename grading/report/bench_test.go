package report

import (
	"io"
	"testing"
)

// BenchmarkEncode times the four-page sample report and the five-page one (the sample
// with four reviewed cases). The first Encode in the process pays the font parse;
// b.ResetTimer leaves it out, as a server pays it once.
func BenchmarkEncode(b *testing.B) {
	for _, c := range []struct {
		name string
		r    *Report
	}{{"sample-4pages", sampleReport()}, {"cases-5pages", fivePageReport()}} {
		b.Run(c.name, func(b *testing.B) {
			if err := Encode(io.Discard, c.r); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := Encode(io.Discard, c.r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
