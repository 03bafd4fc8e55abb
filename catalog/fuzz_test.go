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

// FuzzPackageURL: any string is taken apart as a package URL or refused,
// never a panic; the folds are stable (folding twice changes nothing), so
// an index key and a lookup key cannot disagree.
func FuzzPackageURL(f *testing.F) {
	for _, s := range []string{"pkg:npm/%40tencentcloud/cos@1", "pkg:golang/github.com/bytedance/sonic@v1?type=module",
		"pkg:oci/x@sha256%3Aa?repository_url=docker.io/acme/x", "pkg:huggingface/deepseek-ai/DeepSeek-R1@main", "pkg:maven/a/b@1#sub",
		"pkg:pypi/A__b..c@1", "pkg:/", "registry.ollama.ai/library/deepseek-r1:7b", "Name <a@b.example>"} {
		f.Add(s)
	}
	c, err := Embedded()
	if err != nil {
		f.Fatal(err)
	}
	ix := c.Index()
	f.Fuzz(func(t *testing.T, s string) {
		if p, ok := ParsePURL(s); ok && p.Name == "" {
			t.Fatalf("%q: parsed without a name", s)
		}
		ix.PackageURL(s)
		for _, fold := range []func(string) string{PyPIName, OllamaName, OCIName, CertDigest, ociNamespace} {
			if once := fold(s); fold(once) != once {
				t.Fatalf("%q: folding is not stable: %q then %q", s, once, fold(once))
			}
		}
		if d := EmailDomainOf(s); d != "" && EmailDomainOf("x@"+d) != d {
			t.Fatalf("%q: domain %q does not read back", s, d)
		}
		ix.Email(s)
		ix.NPM(s)
		ix.GoModule(s)
		ix.NuGet(s)
		ix.HF(s)
	})
}
