package intune

import (
	"bytes"
	"context"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/intune/tenantgen"
)

// The tenant of the benchmarks: 10,000 devices of 150 apps, made once
// and shared by both benchmarks (and every -count run) so that neither
// times its making.
const (
	benchDevices = 10_000
	benchApps    = 150
)

type benchFile struct {
	name string
	data []byte
}

var benchTenant = sync.OnceValues(func() ([]benchFile, error) {
	var files []benchFile
	err := tenantgen.GenerateTenant(benchDevices, benchApps, 17, func(name string, data []byte) error {
		files = append(files, benchFile{name, bytes.Clone(data)})
		return nil
	})
	return files, err
})

func tenantFiles(b *testing.B) ([]benchFile, int64) {
	b.Helper()
	files, err := benchTenant()
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, f := range files {
		size += int64(len(f.data))
	}
	return files, size
}

// cpuTime is the CPU time the process has used: on a shared machine a
// steadier measure than the time that passed.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start as cpu-ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkGraphRead reads every page of the tenant with GraphReader,
// as a scan of the directory would, one input per file.
func BenchmarkGraphRead(b *testing.B) {
	files, size := tenantFiles(b)
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		var items, devices int
		for _, f := range files {
			inv, err := GraphReader{}.Read(ctx, f.name, bytes.NewReader(f.data), inventory.DefaultLimits)
			if err != nil {
				b.Fatal(err)
			}
			items += len(inv.Items)
			devices += len(inv.Devices)
		}
		if items != benchDevices*benchApps || devices != 2*benchDevices {
			b.Fatalf("%d items and %d device records, want %d and %d", items, devices, benchDevices*benchApps, 2*benchDevices)
		}
	}
	reportCPU(b, start)
}

// BenchmarkGraphDecodeFloor decodes the same files with encoding/json
// alone into the documented resources: the floor GraphRead is measured
// against.
func BenchmarkGraphDecodeFloor(b *testing.B) {
	files, size := tenantFiles(b)
	b.SetBytes(size)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		var apps, devices int
		for _, f := range files {
			a, d, err := tenantgen.DecodeFloor(f.name, f.data)
			if err != nil {
				b.Fatal(err)
			}
			apps, devices = apps+a, devices+d
		}
		if apps != benchDevices*benchApps || devices != benchDevices {
			b.Fatalf("%d apps and %d devices", apps, devices)
		}
	}
	reportCPU(b, start)
}
