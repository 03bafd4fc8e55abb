package osquery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
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
		if err != nil {
			var ie *inventory.InputError
			if !errors.As(err, &ie) || ie.Source != "fuzz.log" {
				t.Fatalf("error %v is not an InputError naming the input", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(inv.Items) > lim.MaxItems {
			t.Fatalf("%d items", len(inv.Items))
		}
		for _, it := range inv.Items {
			if it.ID == "" || len(it.Name) > lim.MaxString || it.Location.Line < 1 || it.Location.Line > lines {
				t.Fatalf("item %+v", it)
			}
		}
		for _, u := range inv.Unknowns {
			if u.Location.Line < 1 || u.Location.Line > lines || u.Reason == "" {
				t.Fatalf("unknown %+v", u)
			}
		}
	})
}
