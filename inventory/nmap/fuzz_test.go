package nmap

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

var macForm = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){5}$`)

// FuzzNmap: any input gives an inventory or an InputError naming the
// input and a line, never a panic; every device has an address, its IPs
// are addresses and its MACs six octets in lower case with colons.
func FuzzNmap(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`<nmaprun><host><status state="up"/><address addr="::1" addrtype="ipv6"/></host>`))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 100, MaxString: 256, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.xml", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.xml", data, inv, err, lim, true) {
			return
		}
		for _, it := range inv.Items {
			if it.Location.Host == "" || it.Type != inventory.Device {
				t.Fatalf("item %+v", it)
			}
			for _, a := range it.Attrs {
				if _, err := netip.ParseAddr(a.Value); a.Field == inventory.IP && err != nil || a.Field == inventory.MAC && !macForm.MatchString(a.Value) {
					t.Fatalf("item %+v: %s", it, a.Field)
				}
			}
		}
	})
}
