package main

import (
	"os"
	"strconv"
	"testing"
)

// TestCPUOf: --cpu-of takes NAME=PID of a running process only, and the CPU read for a
// process grows as it works (this test's own, spinning until the kernel counts a tick).
func TestCPUOf(t *testing.T) {
	t.Parallel()
	var procs []watched
	f := watchFlag{&procs}
	for _, bad := range []string{"server", "=1", "server=x", "server=999999999"} {
		if err := f.Set(bad); err == nil {
			t.Errorf("--cpu-of %s was taken", bad)
		}
	}
	if err := f.Set("me=" + strconv.Itoa(os.Getpid())); err != nil || len(procs) != 1 {
		t.Fatalf("--cpu-of me=PID: %v %v", err, procs)
	}
	before := cpuSeconds(procs)
	if len(before) != 2 {
		t.Fatalf("read %v, want the tool's and one process's", before)
	}
	x := 0
	for after := before; after[1] <= before[1]; after = cpuSeconds(procs) {
		for i := range 1 << 20 {
			x += i
		}
	}
	if x == 0 || procCPU("999999999") != 0 {
		t.Error("a process that is gone reads as other than 0")
	}
}
