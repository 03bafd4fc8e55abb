package dhcp

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

// FuzzLeases: any input gives an inventory or an InputError naming the
// input, never a panic; every item is a device at a line of the input,
// its host an IP address it carries, its MAC in lower-case colon form.
func FuzzLeases(f *testing.F) {
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
	f.Add([]byte("ia_na \"\\012\\013\\014\\015\\000\\003\\000\\001\\000\\021\\042\\063\\104\\125\" {\n  iaaddr 2001:db8::5 { binding state active; }\n}\n"))
	f.Add([]byte("address,duid,valid_lifetime,hwaddr,hostname,state,lease_type\n2001:db8::5,00:03:00:01:00:11:22:33:44:55,600,,a&#x2c,4,0\n"))
	f.Add(genDhcpd(3))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.leases", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.leases", data, inv, err, lim, true) {
			return
		}
		for _, it := range inv.Items {
			a, err := netip.ParseAddr(it.Location.Host)
			if it.Type != inventory.Device || err != nil || it.Get(inventory.IP) != a.String() {
				t.Fatalf("item %+v", it)
			}
			if m := it.Get(inventory.MAC); m != "" {
				if n, err := normalMAC(m); err != nil || n != m {
					t.Fatalf("MAC %q of item %+v", m, it)
				}
			}
		}
	})
}
