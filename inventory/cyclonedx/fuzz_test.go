package cyclonedx

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// FuzzRead: any input gives an inventory or an InputError, never a panic,
// and every component is an item or an unknown.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"a","components":[{"name":"b"}]}]}`))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>a</name></component></components></bom>`))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10_000, MaxString: 4096, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz", bytes.NewReader(data), lim)
		if err != nil {
			var ie *inventory.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an InputError", err)
			}
			return
		}
		for _, it := range inv.Items {
			if it.ID == "" || !it.Identifiable() {
				t.Fatalf("item without id or identity: %+v", it)
			}
		}
	})
}
