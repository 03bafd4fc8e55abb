package jamf

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

// fuzzLimits are small, so that the fuzzer reaches them.
var fuzzLimits = inventory.Limits{MaxBytes: 1 << 20, MaxItems: 100, MaxString: 64, MaxDepth: 16}

func seeds(f *testing.F, pattern string) {
	paths, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// check makes the checks every inventory of this package must pass:
// every device has a Jamf host and an app count, every item's host is a
// device's (or none, for a record without an id), and every unknown says
// why.
func check(t *testing.T, inv *inventory.Inventory) {
	hosts := map[string]bool{"": true}
	for _, d := range inv.Devices {
		if d.Host != inventory.DeviceHost("jamf", d.ID) || !inventory.ValidDeviceID(d.ID) || d.MDM != "jamf" || d.Apps < -1 || len(d.Name) > fuzzLimits.MaxString {
			t.Fatalf("device %+v", d)
		}
		hosts[d.Host] = true
	}
	for _, it := range inv.Items {
		if !hosts[it.Location.Host] || it.Name == "" || strings.TrimSpace(it.Name) != it.Name {
			t.Fatalf("item %+v", it)
		}
		if id := it.Get(inventory.BundleID); id != "" && !inventory.ValidBundleID(id) {
			t.Fatalf("item %+v", it)
		}
	}
	for _, u := range inv.Unknowns {
		if u.Reason == "" || u.Location.Source != inv.Source {
			t.Fatalf("unknown %+v", u)
		}
	}
}

// FuzzClassic: any input gives an inventory or an InputError naming the
// input, never a panic.
func FuzzClassic(f *testing.F) {
	seeds(f, "classic-*")
	f.Add([]byte(`<mobile_device><general><id>1</id></general><applications><size>1</size><application><identifier>a.b</identifier></application></applications></mobile_device>`))
	f.Add([]byte(`{"mobile_devices": {"size": 1, "mobile_device": {"general": {"id": 1}, "applications": [{"identifier": "a.b"}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := ClassicReader{}.Read(context.Background(), "fuzz", bytes.NewReader(data), fuzzLimits)
		if collecttest.CheckRead(t, "fuzz", data, inv, err, fuzzLimits, false) {
			check(t, inv)
		}
	})
}

// FuzzPro: any input gives an inventory or an InputError naming the
// input, never a panic.
func FuzzPro(f *testing.F) {
	seeds(f, "pro-*")
	f.Add([]byte(`{"totalCount": 1, "results": [{"mobileDeviceId": "1", "applications": [{"name": "A", "identifier": "a.b"}]}]}{"id": "2", "ios": {"applications": []}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := ProReader{}.Read(context.Background(), "fuzz", bytes.NewReader(data), fuzzLimits)
		if collecttest.CheckRead(t, "fuzz", data, inv, err, fuzzLimits, false) {
			check(t, inv)
		}
	})
}
