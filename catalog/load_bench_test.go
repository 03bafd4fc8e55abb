package catalog

import (
	"testing"
)

// BenchmarkLoadCatalog measures a fresh load of the embedded catalogue as
// a run pays it: reading the embedded YAML files and their digest,
// decoding the compiled form, validation and building the index. It
// bypasses the once-per-process cache of Embedded(), which does exactly
// this work on first use; the target is under 20 ms.
//
//	go test -run '^$' -bench LoadCatalog -benchmem -count 6 ./catalog/
func BenchmarkLoadCatalog(b *testing.B) {
	var c *Catalog
	var err error
	for b.Loop() {
		if c, err = loadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
	report(b, c)
}

// BenchmarkLoadCatalogYAML is the same load from the YAML files alone,
// as `--catalog DIR` (or a stale compiled form) pays it.
func BenchmarkLoadCatalogYAML(b *testing.B) {
	var c *Catalog
	var err error
	for b.Loop() {
		if c, err = Load(EmbeddedFS()); err != nil {
			b.Fatal(err)
		}
	}
	report(b, c)
}

func report(b *testing.B, c *Catalog) {
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
