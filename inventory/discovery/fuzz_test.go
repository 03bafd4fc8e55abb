package discovery

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// FuzzRead: any input is a document, an error, never a panic; every
// item is a device with an id and only the fields discovery writes.
func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "run.json")); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"format":"embargo-discovery/1","hosts":[{"address":"::1","observations":{"x":{"attrs":[{"field":"mac","value":"zz"}]}}}]}`))
	lim := inventory.DefaultLimits
	lim.MaxBytes = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "f.json", bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		for _, it := range inv.Items {
			if it.ID == "" || it.Type != inventory.Device {
				t.Fatalf("item %+v", it)
			}
			for _, a := range it.Attrs {
				if !fields[a.Field] || a.Value == "" {
					t.Fatalf("attribute %+v", a)
				}
			}
		}
	})
}
