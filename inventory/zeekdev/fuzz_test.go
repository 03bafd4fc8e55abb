package zeekdev

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzZeekDevices: any input gives an inventory or an InputError naming
// the input, never a panic; every item is a device at a line of the
// input, its IP attributes addresses, its values within the string limit.
func FuzzZeekDevices(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, p := range paths {
		if filepath.Ext(p) == ".md" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("#separator \\x2c\n#fields,mac,assigned_addr\n00:11:22:33:44:55,10.0.0.1\n"))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.log", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.log", data, inv, err, lim, true) {
			return
		}
		for _, it := range inv.Items {
			if it.Type != inventory.Device || it.Location.Host == "" {
				t.Fatalf("item %+v", it)
			}
			for _, a := range it.Attrs {
				if _, err := netip.ParseAddr(a.Value); a.Field == inventory.IP && err != nil || len(a.Value) > lim.MaxString {
					t.Fatalf("attribute %+v of item %+v", a, it)
				}
			}
		}
	})
}
