package lldp

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

// FuzzLLDP: any input gives an inventory or an InputError naming the
// input, never a panic; every item is a device with a host, at a line of
// the input when the input is text; every IP attribute is an address.
func FuzzLLDP(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, p := range paths {
		if filepath.Ext(p) == ".sh" || filepath.Ext(p) == ".md" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("lldp.eth0.via=LLDP\nlldp.eth0.chassis.descr=a\nb\n"))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.txt", bytes.NewReader(data), lim)
		lines := err == nil && inv.Format != formatJSON
		if !collecttest.CheckRead(t, "fuzz.txt", data, inv, err, lim, lines) {
			return
		}
		for _, it := range inv.Items {
			if it.Type != inventory.Device || it.Location.Host == "" || it.Name == "" {
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
