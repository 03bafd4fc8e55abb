package djicloud

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzDJICloud: any input gives an inventory or an InputError naming the
// input, never a panic; every device is DJI's, has a valid serial that no
// other item has, the host that serial names, a well-formed model key and
// UTF-8 values; every unknown says why.
func FuzzDJICloud(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"list": [{"gateway": {"sn": "D1"}, "drone": {"sn": "A1", "device_model": {"key": "0-67-1", "sub_type": "0"}}}, {"hosts": [{"device_sn": "A1"}], "parents": "x"}]}{"code": 5}`))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 100, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.json", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.json", data, inv, err, lim, false) {
			return
		}
		serials := map[string]bool{}
		for _, it := range inv.Items {
			sn := it.Get(inventory.Serial)
			if it.Get(inventory.Manufacturer) != "DJI" || !inventory.ValidDeviceID(sn) || serials[sn] || it.Location.Host != inventory.DeviceHost("dji", sn) {
				t.Fatalf("item %+v", it)
			}
			serials[sn] = true
			if k := it.Get(ModelKey); k != "" {
				if norm, ok := parseKey(k); !ok || norm != k {
					t.Fatalf("item %+v: model key", it)
				}
			}
			for _, a := range it.Attrs {
				if !utf8.ValidString(a.Value) || a.Value == "" || a.Field == Gateway && !inventory.ValidDeviceID(a.Value) {
					t.Fatalf("item %+v: %s", it, a.Field)
				}
			}
		}
		for _, u := range inv.Unknowns {
			if u.Reason == "" || u.Location.Source != "fuzz.json" {
				t.Fatalf("unknown %+v", u)
			}
		}
	})
}
