package intune

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/intune/tenantgen"
)

// The generated tenant is what the readers read without a fault: pages
// of devices linked to the next but the last, and each device's apps on
// it; the same seed gives the same files.
func TestWriteTenant(t *testing.T) {
	dir := t.TempDir()
	const devices, apps = tenantgen.PageSize + 7, 150
	if err := tenantgen.WriteTenant(dir, devices, apps, 3); err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(names) != 2+devices {
		t.Fatalf("%d files, want %d: %v", len(names), 2+devices, err)
	}
	var all []inventory.ManagedDevice
	var items, withNext int
	seen := map[string]bool{}
	for _, path := range names {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		if !(GraphReader{}).Sniff(name, data[:min(len(data), 8<<10)]) {
			t.Fatalf("%s: not recognised", name)
		}
		inv, err := GraphReader{}.Read(context.Background(), name, bytes.NewReader(data), inventory.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, inv.Devices...)
		items += len(inv.Items)
		for _, u := range inv.Unknowns {
			if u.Location.Ref != "/@odata.nextLink" || name != "managedDevices-0001.json" {
				t.Errorf("%s: unknown %+v", name, u)
			}
			withNext++
		}
		for _, it := range inv.Items {
			seen[it.Name] = true
			if it.Location.Host == "" || it.Ecosystem == "" || it.Version == "" {
				t.Fatalf("%s: item %+v", name, it)
			}
		}
	}
	merged := inventory.MergeDevices(all)
	if len(merged) != devices || items != devices*apps || withNext != 1 {
		t.Errorf("%d devices, %d items, %d pages with a next link", len(merged), items, withNext)
	}
	owners := map[inventory.Ownership]int{}
	for _, d := range merged {
		owners[d.Ownership]++
		if d.Apps != apps || d.Name == "" || d.Platform == "" || d.User == "" {
			t.Fatalf("device %+v", d)
		}
	}
	if owners[inventory.Corporate] == 0 || owners[inventory.Personal] == 0 || owners[inventory.OwnershipUnknown] == 0 {
		t.Errorf("ownerships %v", owners)
	}
	for _, name := range []string{"TikTok", "WeChat", "Kaspersky Endpoint Security for Windows", "微信"} {
		if !seen[name] {
			t.Errorf("no device has %s", name)
		}
	}

	var again []string
	if err := tenantgen.GenerateTenant(devices, apps, 3, func(name string, data []byte) error {
		prev, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(prev, data) {
			again = append(again, name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Errorf("the same seed made other files: %s", strings.Join(again[:min(3, len(again))], ", "))
	}
}
