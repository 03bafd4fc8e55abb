package intune

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// fuzzLimits are small, so that the fuzzer reaches them.
var fuzzLimits = inventory.Limits{MaxBytes: 1 << 20, MaxItems: 100, MaxString: 64, MaxDepth: 8}

func addSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		paths, _ := filepath.Glob(filepath.Join("testdata", p))
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// checkDevices checks what every device must be: Intune's, on its host,
// with an app count, an ownership and a scope that fit.
func checkDevices(t *testing.T, inv *inventory.Inventory) {
	t.Helper()
	seen := map[string]bool{}
	for _, d := range inv.Devices {
		if d.MDM != mdm || d.ID == "" || d.Host != inventory.DeviceHost(mdm, d.ID) || seen[d.Host] || d.Apps < -1 ||
			d.Scope == inventory.ScopeManaged && d.Ownership != inventory.Personal {
			t.Fatalf("device %+v", d)
		}
		seen[d.Host] = true
	}
	for _, it := range inv.Items {
		if it.Type != inventory.Application || it.Name == "" || it.Location.Host != "" && !seen[it.Location.Host] {
			t.Fatalf("item %+v", it)
		}
	}
	for _, u := range inv.Unknowns {
		if u.Reason == "" {
			t.Fatalf("unknown %+v", u)
		}
	}
}

// FuzzGraph: any input gives an inventory or an InputError naming the
// input, never a panic; items and unknowns are at lines of the input,
// devices are Intune's and every app on a device is on one of them; the
// fast path for apps reads as the token walk does.
func FuzzGraph(f *testing.F) {
	addSeeds(f, "*.json", "*.ndjson")
	f.Add([]byte(`{"value":[{"displayName":"a","detectedApps":[{"displayName":"b"}],"version":"1"}],"@odata.context":"$metadata#deviceManagement/detectedApps"}`))
	f.Add([]byte("\xff\xfe{\x00}\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := GraphReader{}.Read(context.Background(), "fuzz.json", bytes.NewReader(data), fuzzLimits)
		slow, slowErr := readGraph(context.Background(), "fuzz.json", bytes.NewReader(data), fuzzLimits, true)
		if (err == nil) != (slowErr == nil) {
			t.Fatalf("fast path: %v; slow: %v", err, slowErr)
		}
		if !collecttest.CheckRead(t, "fuzz.json", data, inv, err, fuzzLimits, true) {
			return
		}
		if diff := cmp.Diff(slow, inv); diff != "" {
			t.Fatalf("the fast path reads otherwise (-slow +fast):\n%s", diff)
		}
		checkDevices(t, inv)
	})
}

// FuzzCSV: the same for the report exports, plain or in a ZIP (whose
// lines are not the input's).
func FuzzCSV(f *testing.F) {
	addSeeds(f, "*.csv")
	raw, err := os.ReadFile(filepath.Join("testdata", "AppInvRawData.csv"))
	if err != nil {
		f.Fatal(err)
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("AppInvRawData.csv")
	w.Write(raw)
	zw.Close()
	f.Add(z.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := CSVReader{}.Read(context.Background(), "fuzz.csv", bytes.NewReader(data), fuzzLimits)
		zipped := bytes.HasPrefix(data, zipMagic)
		if !collecttest.CheckRead(t, "fuzz.csv", data, inv, err, fuzzLimits, !zipped) {
			return
		}
		checkDevices(t, inv)
		if !zipped && !strings.HasPrefix(inv.Format, "Intune ") {
			t.Fatalf("format %q", inv.Format)
		}
	})
}
