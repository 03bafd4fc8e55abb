package applemdm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzAppleMDM: any input gives an inventory or an InputError naming the
// input, never a panic; every item has a valid bundle id or none, lies
// on the host of a device record of the inventory, and is an iOS or
// macOS app; every unknown says why.
func FuzzAppleMDM(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range paths {
		if strings.HasSuffix(p, ".md") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, p := range []string{"installed-ios.plist", "export-array.plist"} {
		f.Add(binary(f, p))
	}
	f.Add(laughs(20, 2))
	f.Add(laughs(3, 3))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.plist", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.plist", data, inv, err, lim, false) {
			return
		}
		hosts := map[string]bool{}
		for _, d := range inv.Devices {
			if d.Host == "" || d.Host != inventory.DeviceHost(MDM, d.ID) || d.Apps < -1 {
				t.Fatalf("device %+v", d)
			}
			hosts[d.Host] = true
		}
		for _, it := range inv.Items {
			id := it.Get(inventory.BundleID)
			if id != "" && !inventory.ValidBundleID(id) || it.Name == "" || it.Ecosystem != "ios" && it.Ecosystem != "macos" ||
				it.Location.Host != "" && !hosts[it.Location.Host] {
				t.Fatalf("item %+v", it)
			}
		}
		for _, u := range inv.Unknowns {
			if u.Reason == "" || u.Location.Source != "fuzz.plist" {
				t.Fatalf("unknown %+v", u)
			}
		}
	})
}
