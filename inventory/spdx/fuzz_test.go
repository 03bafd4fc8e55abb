package spdx

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzRead: any input gives an inventory or an InputError naming the
// input, never a panic; the items and unknowns respect the limits.
func FuzzRead(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(tvHead + "PackageName: a\nSPDXID: SPDXRef-a\nPackageSupplier: Organization: K (k@k)\nSnippetSPDXID: SPDXRef-s\nSnippetName: s\n"))
	f.Add([]byte(jsonHead + `"packages": [null, {"name": "a", "SPDXID": "SPDXRef-a", "externalRefs": [null]}], "files": [null]}`))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 256, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.spdx", strings.NewReader(string(data)), lim)
		if !collecttest.CheckRead(t, "fuzz.spdx", data, inv, err, lim, false) {
			return
		}
		if inv == nil || inv.Document == nil {
			t.Fatal("no error and no inventory")
		}
		if len(inv.Items)+len(inv.Unknowns) > lim.MaxItems+maxDrops+len(elements) {
			t.Fatalf("%d items and %d unknowns", len(inv.Items), len(inv.Unknowns))
		}
	})
}
