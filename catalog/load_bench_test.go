package catalog

import (
	"io/fs"
	"testing"
)

// BenchmarkLoadCatalog measures a fresh load of the embedded catalogue:
// reading the embedded files, YAML parsing (with the unknown-key check),
// the digest, validation and building the index. It bypasses the
// once-per-process cache of Embedded(), which does exactly this work on
// first use; the target is under 20 ms.
//
//	go test -run '^$' -bench LoadCatalog -benchmem -count 6 ./catalog/
func BenchmarkLoadCatalog(b *testing.B) {
	sub, err := fs.Sub(dataFS, "data")
	if err != nil {
		b.Fatal(err)
	}
	var c *Catalog
	for b.Loop() {
		if c, err = Load(sub); err != nil {
			b.Fatal(err)
		}
	}
	ids := 0
	for _, p := range c.Products {
		ids += len(p.Identifiers)
	}
	for _, e := range c.Entities {
		ids += len(e.Identifiers)
	}
	b.ReportMetric(float64(len(Files())), "files")
	b.ReportMetric(float64(ids), "identifiers")
}
