package androidmgmt

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

// FuzzAndroidManagement: any input gives an inventory or an InputError
// naming the input, never a panic; every item and unknown is at a line
// of the input; every item has a valid package name or none, and lies
// on the host of a device record or on none; digests are lower-case hex.
func FuzzAndroidManagement(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.*json"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"devices":[{"name":"enterprises/E/devices/D","applicationReports":[{"packageName":"a.b","signingKeyCertFingerprints":["00112233445566778899aabbccddeeff00112233"]}]}],"nextPageToken":"t"}` + "\n{}\n"))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.json", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.json", data, inv, err, lim, true) {
			return
		}
		hosts := map[string]bool{}
		for _, d := range inv.Devices {
			if d.Host != inventory.DeviceHost(MDM, d.ID) || d.ID == "" || d.Apps < -1 || d.Platform != inventory.PlatformAndroid {
				t.Fatalf("device %+v", d)
			}
			hosts[d.Host] = true
		}
		for _, it := range inv.Items {
			pkg := it.Get(inventory.AndroidID)
			if pkg != "" && !inventory.ValidAndroidPackage(pkg) || it.Name == "" || it.Location.Host != "" && !hosts[it.Location.Host] {
				t.Fatalf("item %+v", it)
			}
			for _, a := range it.Attrs {
				if (a.Field == inventory.APKSignerSHA1 || a.Field == inventory.PackageSHA256) && strings.Trim(a.Value, "0123456789abcdef") != "" {
					t.Fatalf("digest %+v", a)
				}
			}
		}
	})
}
