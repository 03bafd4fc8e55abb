package catalog

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: any catalogue file is loaded or rejected with an error, never
// a panic; what loads has every reference resolved.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("data/*.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("entities:\n  - id: a\n    parent: {id: a, source: s, confidence: low}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := build([]namedFile{{"fuzz.yaml", data}})
		if err != nil {
			return
		}
		for _, e := range c.Entities {
			ch := c.Chain(e)
			if ch.Country == "" || len(ch.Links) == 0 {
				t.Fatalf("entity %q: empty control chain", e.ID)
			}
		}
		for _, p := range c.Products {
			if c.Entity(p.Supplier) == nil {
				t.Fatalf("product %q: supplier unresolved", p.ID)
			}
		}
	})
}
