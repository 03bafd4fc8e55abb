package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompiledUpToDate: the compiled form embedded in the binary is the
// one of the YAML files beside it. When this fails, run
// `go generate ./catalog` and commit catalog/compiled.gob.
func TestCompiledUpToDate(t *testing.T) {
	files, err := readFiles(EmbeddedFS())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fromCompiled(compiledGob, digestOf(files)); !ok {
		t.Fatal("catalog/compiled.gob does not match catalog/data/*.yaml: run go generate ./catalog")
	}
}

// TestCompiledAgrees: the catalogue assembled from the compiled form is the
// one the YAML files give, positions included.
func TestCompiledAgrees(t *testing.T) {
	fromYAML, err := Load(EmbeddedFS())
	if err != nil {
		t.Fatal(err)
	}
	fromGob, err := loadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	if fromGob.Digest() != fromYAML.Digest() {
		t.Fatalf("digests %s and %s", fromGob.Digest(), fromYAML.Digest())
	}
	type pos struct {
		ID  string
		Pos Position
		N   int
	}
	summary := func(c *Catalog) []pos {
		var out []pos
		for _, e := range c.Entities {
			out = append(out, pos{e.ID, e.Pos, len(e.Identifiers) + len(e.Names) + len(e.Parents)})
		}
		for _, p := range c.Products {
			out = append(out, pos{p.ID, p.Pos, len(p.Identifiers)})
			for _, id := range p.Identifiers {
				out = append(out, pos{string(id.Kind) + " " + id.Value, id.Pos, len(id.Values) + len(id.Match)})
			}
		}
		for _, in := range c.Instruments {
			out = append(out, pos{in.ID, in.Pos, len(in.Clauses)})
		}
		return out
	}
	if diff := cmp.Diff(summary(fromYAML), summary(fromGob)); diff != "" {
		t.Errorf("(-yaml +compiled):\n%s", diff)
	}
	// A stale or damaged compiled form is never used.
	if _, ok := fromCompiled(compiledGob, "sha256:other"); ok {
		t.Error("a compiled form was used for other files")
	}
	if _, ok := fromCompiled(compiledGob[:len(compiledGob)/2], fromYAML.Digest()); ok {
		t.Error("a truncated compiled form was used")
	}
}
