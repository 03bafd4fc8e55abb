package egresstest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchFile writes a benchmark's generated input to a file, so that a
// reader and wc -l are timed on the same input from the same place.
func BenchFile(b *testing.B, name string, data []byte) string {
	b.Helper()
	p := filepath.Join(b.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// ReportLines reports lines per second of wall time and per second of CPU
// time (the process's, every thread's, so the garbage collector's work
// counts). The second is the measure on a shared machine, where other
// processes take cores; cpu is zero where it cannot be read.
func ReportLines(b *testing.B, lines int, cpu time.Duration) {
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
	if cpu > 0 {
		b.ReportMetric(float64(lines*b.N)/cpu.Seconds(), "lines/cpu-s")
	}
}

// BenchWCL times `wc -l` (GNU coreutils) on path, which must have lines
// lines: the floor a line reader is compared with.
func BenchWCL(b *testing.B, path string, lines int) {
	b.Helper()
	var cpu time.Duration
	for b.Loop() {
		cmd := exec.Command("wc", "-l", path)
		out, err := cmd.Output()
		if err != nil || !strings.HasPrefix(string(out), strconv.Itoa(lines)+" ") {
			b.Fatalf("wc -l: %v %q", err, out)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	ReportLines(b, lines, cpu)
}
