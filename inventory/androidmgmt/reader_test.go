package androidmgmt

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func read(t *testing.T, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// item is what the tests compare of an item.
type item struct {
	Name, Version, Package, Ref string
	Line                        int
	Host                        string
	Attrs                       string // the other attributes, field=value joined by spaces
}

func items(t *testing.T, inv *inventory.Inventory) []item {
	t.Helper()
	var got []item
	for i, it := range inv.Items {
		if it.Type != inventory.Application || it.Ecosystem != "android" || it.ID == "" || it.Index != i || it.Location.Source != inv.Source {
			t.Errorf("item %+v", it)
		}
		var attrs []string
		for _, a := range it.Attrs {
			if a.Field != inventory.AndroidID {
				attrs = append(attrs, string(a.Field)+"="+a.Value)
			}
		}
		got = append(got, item{it.Name, it.Version, it.Get(inventory.AndroidID), it.Location.Ref, it.Location.Line, it.Location.Host, strings.Join(attrs, " ")})
	}
	return got
}

// device is what the tests compare of a device record.
type device struct {
	inventory.ManagedDevice
	Ref  string
	Line int
}

func devices(inv *inventory.Inventory) []device {
	var out []device
	for _, d := range inv.Devices {
		ref, line := d.Location.Ref, d.Location.Line
		d.Location = inventory.Location{}
		out = append(out, device{d, ref, line})
	}
	return out
}

const (
	huawei = "enterprises/LC01abcd23/devices/3a7f9c0e1b2d4e5f"
	pixel  = "enterprises/LC01abcd23/devices/5b6c7d8e9f0a1b2c"
	cope   = "enterprises/LC01abcd23/devices/9e8d7c6b5a4f3e2d"
	xiaomi = "enterprises/LC01abcd23/devices/0c1d2e3f4a5b6c7d"
	play   = "installer_package=com.android.vending app_source=INSTALLED_FROM_PLAY_STORE"
)

func host(name string) string { return inventory.DeviceHost(MDM, name) }

func dev(name string, d inventory.ManagedDevice) inventory.ManagedDevice {
	d.Host, d.MDM, d.ID, d.Platform = host(name), MDM, name, inventory.PlatformAndroid
	return d
}

var copeDevice = dev(cope, inventory.ManagedDevice{Manufacturer: "samsung", Model: "SM-S911B", OSVersion: "14", Serial: "R5CW1234ABC",
	IMEI: "350123451234560", Ownership: inventory.Corporate, Scope: inventory.ScopeWorkProfile, Group: "cope", Apps: 1})

var xiaomiDevice = dev(xiaomi, inventory.ManagedDevice{Manufacturer: "Xiaomi", Model: "2201117TG", OSVersion: "13", Apps: -1})

func copeApp(ref string, line int) item {
	return item{"Kaspersky Endpoint Security", "11.98.4.9915", "com.kaspersky.android.antivirus", ref, line, host(cope), play}
}

// TestRead reads each shape of the API's output: a devices.list page
// (an unfinished export), a single Device, a complete export as NDJSON
// and as an array of pages, and an empty page.
func TestRead(t *testing.T) {
	for _, c := range []struct {
		file     string
		items    []item
		devices  []device
		unknowns []string // reasons, in order
	}{
		{"devices-page.json", []item{
			{"WeChat", "8.0.49", "com.tencent.mm", "/devices/0/applicationReports/0", 47, host(huawei),
				"apk_signer_sha1=18dc6b7ea21f0c395e44a0819e2b3c4d5e6f7081 package_sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 " + play},
			{"HMS Core", "6.12.0.302", "com.huawei.hwid", "/devices/0/applicationReports/1", 67, host(huawei),
				"apk_signer_sha1=c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e installer_package=com.huawei.appmarket app_source=SYSTEM_APP_UPDATED_VERSION"},
			// /devices/0/applicationReports/2, Douyin, was REMOVED.
			{"TikTok", "2023708030", "com.zhiliaoapp.musically", "/devices/0/applicationReports/3", 87, host(huawei),
				"installer_package=com.huawei.appmarket app_source=CUSTOM"},
			{"com.android.settings", "10", "com.android.settings", "/devices/0/applicationReports/4", 102, host(huawei), "app_source=SYSTEM_APP_FACTORY_VERSION"},
			{"Microsoft Teams", "1416/1.0.0.2024052901", "com.microsoft.teams", "/devices/1/applicationReports/0", 150, host(pixel), play},
			{"Kaspersky", "11.110.4.10547", "com.kms.free", "/devices/1/applicationReports/1", 159, host(pixel), play},
		}, []device{
			{dev(huawei, inventory.ManagedDevice{Manufacturer: "HUAWEI", Model: "ELE-L29", OSVersion: "10", Serial: "8KE0219A28001234",
				IMEI: "867714041234567", Ownership: inventory.Corporate, User: "enterprises/LC01abcd23/users/118273645501234567890",
				Group: "fully-managed", Apps: 4}), "/devices/0", 3},
			// Its serialNumber is its enterpriseSpecificId: not a serial.
			{dev(pixel, inventory.ManagedDevice{Manufacturer: "Google", Model: "Pixel 7", OSVersion: "14",
				Ownership: inventory.Personal, Scope: inventory.ScopeWorkProfile, User: "enterprises/LC01abcd23/users/118273645509876543210",
				Group: "byod", Apps: 2}), "/devices/1", 127},
		}, []string{`the export is incomplete: its last page has nextPageToken "CiAKGjBpMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw", and the devices of the pages after it are not in the input`}},
		{"device.json", []item{copeApp("/applicationReports/0", 21)}, []device{{copeDevice, "", 1}}, nil},
		{"devices.ndjson", []item{copeApp("/devices/0/applicationReports/0", 1)},
			[]device{{copeDevice, "/devices/0", 1}, {xiaomiDevice, "/devices/0", 2}}, nil},
		{"pages-array.json", []item{copeApp("/0/devices/0/applicationReports/0", 24)},
			[]device{{copeDevice, "/0/devices/0", 4}, {xiaomiDevice, "/1/devices/0", 40}}, nil},
		{"empty-page.json", nil, nil, nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := fixture(t, c.file)
			if c.file != "empty-page.json" && !(Reader{}).Sniff(c.file, data[:min(len(data), 4096)]) {
				t.Error("not recognised")
			}
			inv, err := read(t, c.file, data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.items, items(t, inv)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.devices, devices(inv)); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			var reasons []string
			for _, u := range inv.Unknowns {
				reasons = append(reasons, u.Reason)
			}
			if diff := cmp.Diff(c.unknowns, reasons); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}

// Sniff takes device resources by their keys or their names, not other
// JSON.
func TestSniff(t *testing.T) {
	for head, want := range map[string]bool{
		string(fixture(t, "devices-page.json")[:200]):                                   true,
		`[{"devices":[{"name":"enterprises/LC01/devices/3a7f"`:                          true,
		`{"applicationReports":[{"packageName":"com.tencent.mm"}]}`:                     true,
		"\xef\xbb\xbf" + `{"managementMode":"PROFILE_OWNER"}`:                           true,
		`{"value":[{"id":"3f1c","deviceName":"Alice's iPhone"}]}`:                       false,
		`{"name":"enterprises/LC01/policies/byod","applications":[]}`:                   false,
		`{"bomFormat":"CycloneDX","specVersion":"1.6"}`:                                 false,
		`{"topic":"mdm.Connect","acknowledge_event":{"udid":"x"}}`:                      false,
		`<plist version="1.0"><dict><key>InstalledApplicationList</key></dict></plist>`: false,
		"package:com.tencent.mm\n":                                                      false,
		"":                                                                              false,
	} {
		if got := (Reader{}).Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%.60q) = %v, want %v", head, got, want)
		}
	}
}
