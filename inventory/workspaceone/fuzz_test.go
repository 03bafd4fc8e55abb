package workspaceone

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzWorkspaceOne: any input, under a name the MDM pull gives apps pages
// or another, gives an inventory or an InputError naming the input, never
// a panic; every device has a Workspace ONE host, and every item's host
// is a device's or none.
func FuzzWorkspaceOne(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, filepath.Base(p) != "ws1-apps-unnamed.json")
	}
	f.Add([]byte(`{"DeviceId": {"Id": {"Value": 1}}, "DeviceApps": [{"ApplicationName": "A", "ApplicationIdentifier": "a.b", "Status": "Removed", "Deviceid": 2}]}{"Id": 1, "Platform": "Android"}`), false)
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 100, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte, named bool) {
		name := "fuzz.json"
		if named {
			name = "ws1-device-77-apps-0001.json"
		}
		inv, err := Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, name, data, inv, err, lim, false) {
			return
		}
		hosts := map[string]bool{"": true}
		for _, d := range inv.Devices {
			if !inventory.ValidDeviceID(d.ID) || d.Host != inventory.DeviceHost("workspace-one", d.ID) || d.Apps < -1 || len(d.Name) > lim.MaxString {
				t.Fatalf("device %+v", d)
			}
			hosts[d.Host] = true
		}
		for _, it := range inv.Items {
			if !hosts[it.Location.Host] || it.Name == "" {
				t.Fatalf("item %+v", it)
			}
			if id := it.Get(inventory.AndroidID); id != "" && !inventory.ValidAndroidPackage(id) {
				t.Fatalf("item %+v", it)
			}
			if id := it.Get(inventory.BundleID); id != "" && !inventory.ValidBundleID(id) {
				t.Fatalf("item %+v", it)
			}
		}
		for _, u := range inv.Unknowns {
			if u.Reason == "" || u.Location.Source != name {
				t.Fatalf("unknown %+v", u)
			}
		}
	})
}
