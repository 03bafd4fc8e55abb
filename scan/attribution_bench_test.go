package scan_test

// Benchmarks for the project's performance requirement: attribution of a
// 100,000-component CycloneDX JSON SBOM takes at most 1.5x the time that
// cyclonedx-go alone takes to decode the same file, in the same run.
//
//	go test -run '^$' -bench 'CycloneDX' -benchmem -count 6 ./scan/
//
// The SBOM is generated in memory by bench/gen (gen.Defaults: 100,000
// components, syft-like). EMBARGO_BENCH_SBOM=FILE benchmarks FILE instead.
// BENCHMARKS.md has the figures; bench/run.sh regenerates them.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/bench/gen"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/cyclonedx"
	"github.com/embargo-dev/embargo/scan"
)

var sbom struct {
	once sync.Once
	data []byte
	err  error
}

// sbomBytes returns the benchmark SBOM, generated once per process.
func sbomBytes(b *testing.B) []byte {
	sbom.once.Do(func() {
		if f := os.Getenv("EMBARGO_BENCH_SBOM"); f != "" {
			sbom.data, sbom.err = os.ReadFile(f)
			return
		}
		sbom.data, _, sbom.err = gen.Bytes(gen.Defaults)
	})
	if sbom.err != nil {
		b.Fatal(sbom.err)
	}
	return sbom.data
}

// sbomFile writes the benchmark SBOM to a temporary file, as scan.Run
// reads a file.
func sbomFile(b *testing.B) string {
	p := filepath.Join(b.TempDir(), "host.cdx.json")
	if err := os.WriteFile(p, sbomBytes(b), 0o600); err != nil {
		b.Fatal(err)
	}
	return p
}

func attributor(b *testing.B) *attribute.Attributor {
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	return attribute.New(cat)
}

// items counts what the walk visits: the metadata subject and every
// component and service, nested ones included.
func items(bom *cdx.BOM) int {
	n := 0
	_ = cyclonedx.Walk(bom, inventory.DefaultLimits.MaxDepth, func(cyclonedx.Node) error { n++; return nil })
	return n
}

func reportItems(b *testing.B, n int) {
	b.ReportMetric(float64(n), "items")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkDecodeCycloneDXGo is the floor: cyclonedx-go alone decoding the
// SBOM's bytes into a cdx.BOM.
func BenchmarkDecodeCycloneDXGo(b *testing.B) {
	data := sbomBytes(b)
	b.SetBytes(int64(len(data)))
	decode := func() *cdx.BOM {
		bom := new(cdx.BOM)
		if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(bom); err != nil {
			b.Fatal(err)
		}
		return bom
	}
	// A warm-up, untimed, so that the heap has grown to its working size
	// (as every benchmark here does); no BOM outlives its iteration.
	n := items(decode())
	for b.Loop() {
		decode()
	}
	reportItems(b, n)
}

// BenchmarkAttributeCycloneDX is what `embargo scan FILE` does minus
// loading the catalogue and encoding the output: scan.Run opens the file,
// sniffs it, reads and decodes it (cyclonedx.Reader), turns every component
// into an item, attributes every item and builds the report.
func BenchmarkAttributeCycloneDX(b *testing.B) {
	path := sbomFile(b)
	a := attributor(b)
	b.SetBytes(int64(len(sbomBytes(b))))
	opts := scan.Options{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	n, attributed := 0, 0
	run := func() {
		r, err := scan.Run(ctx, a, []string{path}, opts)
		if err != nil {
			b.Fatal(err)
		}
		n, attributed = r.Summary.Items, r.Summary.Attributed
	}
	run() // warm-up, untimed, as for the floor
	for b.Loop() {
		run()
	}
	reportItems(b, n)
	b.ReportMetric(float64(attributed), "attributed")
}

// BenchmarkReadCycloneDX is the reader alone (part of the above):
// cyclonedx.Reader.Read from the same bytes, decode and items, no
// attribution.
func BenchmarkReadCycloneDX(b *testing.B) {
	data := sbomBytes(b)
	b.SetBytes(int64(len(data)))
	ctx := context.Background()
	n := 0
	read := func() {
		inv, err := cyclonedx.Reader{}.Read(ctx, "host.cdx.json", bytes.NewReader(data), inventory.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		n = len(inv.Items)
	}
	read() // warm-up, untimed, as for the floor
	for b.Loop() {
		read()
	}
	reportItems(b, n)
}

// BenchmarkAttributeItemsCycloneDX is attribution alone (the other part):
// every item of the SBOM, read once before the timer starts, through
// Attributor.Attribute.
func BenchmarkAttributeItemsCycloneDX(b *testing.B) {
	data := sbomBytes(b)
	inv, err := cyclonedx.Reader{}.Read(context.Background(), "host.cdx.json", bytes.NewReader(data), inventory.DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	a := attributor(b)
	attributed := 0
	for b.Loop() {
		attributed = 0
		for i := range inv.Items {
			if a.Attribute(&inv.Items[i]) != nil {
				attributed++
			}
		}
	}
	reportItems(b, len(inv.Items))
	b.ReportMetric(float64(attributed), "attributed")
}

// BenchmarkHeapCycloneDX reports live Go heap, after a GC, (a) holding the
// SBOM decoded by cyclonedx-go and (b) holding the report of scan.Run
// (which keeps the decoded BOM, the items and the attributions), and
// their ratio. Its ns/op is not a figure of interest.
func BenchmarkHeapCycloneDX(b *testing.B) {
	path := sbomFile(b)
	data := sbomBytes(b)
	a := attributor(b)
	ctx := context.Background()
	var decoded, report uint64
	for b.Loop() {
		base := liveHeap()
		bom := new(cdx.BOM)
		if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(bom); err != nil {
			b.Fatal(err)
		}
		decoded = liveHeap() - base
		runtime.KeepAlive(bom)
		bom = nil

		base = liveHeap()
		r, err := scan.Run(ctx, a, []string{path}, scan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		report = liveHeap() - base
		runtime.KeepAlive(r)
	}
	b.ReportMetric(float64(decoded)/(1<<20), "decoded-MiB")
	b.ReportMetric(float64(report)/(1<<20), "report-MiB")
	b.ReportMetric(float64(report)/float64(decoded), "report/decoded")
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
