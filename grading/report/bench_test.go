package report

import (
	"io"
	"syscall"
	"testing"
	"time"
)

// BenchmarkEncode times the four-page sample report and the five-page one (the sample
// with four reviewed cases). The first Encode in the process pays the font parse;
// b.ResetTimer leaves it out, as a server pays it once. cpu-ms/op is the process's CPU
// time (garbage collection included) per report: on a machine shared with other work it
// is the figure that stays near what a quiet machine takes, where ns/op grows with the
// waiting.
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
			cpu0 := cpuTime(b)
			b.ResetTimer()
			for b.Loop() {
				if err := Encode(io.Discard, c.r); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
