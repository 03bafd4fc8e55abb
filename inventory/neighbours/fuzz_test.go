package neighbours

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

// FuzzNeighbours: any input gives an inventory or an InputError naming
// the input, never a panic; every device is at a line, its address an IP
// that is not multicast and its MAC six octets in lower case with colons.
func FuzzNeighbours(f *testing.F) {
	for _, glob := range []string{"*.txt", "*.json"} {
		paths, _ := filepath.Glob(filepath.Join("testdata", glob))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 100, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.txt", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.txt", data, inv, err, lim, true) {
			return
		}
		for _, it := range inv.Items {
			ip, err := netip.ParseAddr(it.Get(inventory.IP))
			if err != nil || ip.IsMulticast() || it.Location.Host != ip.String() || !macForm.MatchString(it.Get(inventory.MAC)) {
				t.Fatalf("item %+v", it)
			}
		}
	})
}
