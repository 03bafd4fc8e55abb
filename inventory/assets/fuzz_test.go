package assets

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

var macForm = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){5}$`)

// FuzzAssets: any input gives an inventory or an InputError naming the
// input, never a panic; every device is at a line, has UTF-8 values, and
// its IPs are addresses and its MACs six octets in lower case with colons.
func FuzzAssets(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Make\tMAC\n\"a\"\"b\"\t0011.2233.4455\n"))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 100, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.csv", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.csv", data, inv, err, lim, !utf16(data)) {
			return
		}
		for _, it := range inv.Items {
			if it.Get(inventory.Manufacturer)+it.Get(inventory.DeviceModel)+it.Get(inventory.Serial)+it.Location.Host+it.Get(AssetTag) == "" {
				t.Fatalf("item without identity %+v", it)
			}
			for _, a := range it.Attrs {
				_, err := netip.ParseAddr(a.Value)
				if !utf8.ValidString(a.Value) || a.Field == inventory.IP && err != nil || a.Field == inventory.MAC && !macForm.MatchString(a.Value) {
					t.Fatalf("item %+v: %s", it, a.Field)
				}
			}
		}
	})
}
