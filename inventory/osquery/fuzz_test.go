package osquery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzRead: any input gives an inventory or an InputError naming the
// input, never a panic; items respect the limits and point at a line of
// the input.
func FuzzRead(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.log"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(ev("programs", "added", `{"name":"kesl","publisher":"AO Kaspersky Lab"}`) + ev("programs", "removed", `{"name":"kesl","publisher":"AO Kaspersky Lab"}`)))
	f.Add([]byte(`{"diffResults":{"added":[{"name":"a","vendor":"v"}],"removed":null},"name":"rpm_packages","counter":"0","epoch":"1"}`))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.log", bytes.NewReader(data), lim)
		collecttest.CheckRead(t, "fuzz.log", data, inv, err, lim, true)
	})
}
