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
// time per report, garbage collection on the other core included: the work a report
// costs a server, which waiting for the CPU on a shared machine does not add to as it
// adds to ns/op.
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
