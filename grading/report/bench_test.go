package report

import (
	"io"
	"testing"
)

// BenchmarkEncodeSample times the four-page sample report. The first Encode in the
// process pays the font parse; b.ResetTimer leaves it out, as a server pays it once.
func BenchmarkEncodeSample(b *testing.B) {
	r := sampleReport()
	if err := Encode(io.Discard, r); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Encode(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
