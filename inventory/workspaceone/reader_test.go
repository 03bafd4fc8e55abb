package workspaceone

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func read(name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	return Reader{}.Read(context.Background(), name, bytes.NewReader(data), lim)
}

// item is what a test checks of an item.
type item struct{ Host, Ecosystem, Name, Version, BundleID, Package, Ref string }

func items(t *testing.T, inv *inventory.Inventory) []item {
	t.Helper()
	var got []item
	for i, it := range inv.Items {
		if it.Type != inventory.Application || it.ID == "" || it.Index != i || it.Location.Source != inv.Source || it.Location.Line != 0 {
			t.Errorf("item %+v", it)
		}
		got = append(got, item{it.Location.Host, it.Ecosystem, it.Name, it.Version, it.Get(inventory.BundleID), it.Get(inventory.AndroidID), it.Location.Ref})
	}
	return got
}

type unknown struct{ Host, Ref, Name, Reason string }

func unknowns(inv *inventory.Inventory) []unknown {
	var got []unknown
	for _, u := range inv.Unknowns {
		got = append(got, unknown{u.Location.Host, u.Location.Ref, u.Name, u.Reason})
	}
	return got
}

func where(source, ref string) inventory.Location {
	return inventory.Location{Source: source, Ref: ref}
}

// Devices as the search pages give them.
var (
	alice = inventory.ManagedDevice{Host: "workspace-one:5614", MDM: "workspace-one", ID: "5614", Name: "alice iPhone iOS 17.5.1 ABCD",
		Platform: "ios", Manufacturer: "Apple Inc.", Model: "iPhone 14 (128 GB Midnight)", OSVersion: "17.5.1", Serial: "F2LXK0ABCD12",
		IMEI: "351234567890123", Ownership: inventory.Corporate, User: "alice", Group: "Finance", Apps: -1,
		Location: where("ws1-devices-page0.json", "/Devices/0")}
	bob = inventory.ManagedDevice{Host: "workspace-one:5616", MDM: "workspace-one", ID: "5616", Name: "bob Android 14 XYZ1",
		Platform: "android", Manufacturer: "Google", Model: "Pixel 7", OSVersion: "14.0.0", Ownership: inventory.Personal,
		User: "bob@example.org", Group: "Sales", Apps: -1, Location: where("ws1-devices-page0.json", "/Devices/1")}
	kiosk = inventory.ManagedDevice{Host: "workspace-one:5618", MDM: "workspace-one", ID: "5618", Name: "Kiosk iPad",
		Platform: "ipados", Model: "iPad Pro (11-inch) (256 GB Space Gray)", OSVersion: "17.4", Serial: "DMPXK1ABCD12",
		Ownership: inventory.Shared, Group: "Front Desk", Apps: -1, Location: where("ws1-devices-page0.json", "/Devices/2")}
	laptop = inventory.ManagedDevice{Host: "workspace-one:5620", MDM: "workspace-one", ID: "5620", Name: "user123 Inspiron 5567 Windows Desktop 10",
		Platform: "windows", Manufacturer: "Dell Inc.", Model: "Inspiron 5567", OSVersion: "10.0.18363", Serial: "ABCD123",
		User: "user123", Group: "Engineering", Apps: -1, Location: where("ws1-devices-page1.json", "/Devices/0")}
)

// TestRead reads each shape: device search pages (one empty), a bare
// device, a device's apps pages named by the file or by a DeviceId, an
// apps page naming no device, and the newer app search.
func TestRead(t *testing.T) {
	const apps5614 = "ws1-device-5614-apps-0001.json"
	for _, c := range []struct {
		file     string
		format   string
		devices  []inventory.ManagedDevice
		items    []item
		unknowns []unknown
	}{
		{"ws1-devices-page0.json", "Workspace ONE UEM device search JSON", []inventory.ManagedDevice{alice, bob, kiosk}, nil, nil},
		{"ws1-devices-page1.json", "Workspace ONE UEM device search JSON", []inventory.ManagedDevice{laptop}, nil, nil},
		{"ws1-devices-empty.json", "Workspace ONE UEM device search JSON", nil, nil, nil},
		{"ws1-device-bare.json", "Workspace ONE UEM device JSON",
			[]inventory.ManagedDevice{{Host: "workspace-one:7001", MDM: "workspace-one", ID: "7001", Name: "carol Galaxy S23", Platform: "android",
				Manufacturer: "samsung", Model: "SM-S911B", OSVersion: "14", Serial: "R58N123ABCD", IMEI: "356938035643809",
				Ownership: inventory.Personal, User: "carol", Group: "Field", Apps: -1, Location: where("ws1-device-bare.json", "")}},
			nil, nil},
		{apps5614, "Workspace ONE UEM device apps JSON",
			[]inventory.ManagedDevice{{Host: "workspace-one:5614", MDM: "workspace-one", ID: "5614", Apps: 5,
				Location: inventory.Location{Source: apps5614, Ref: "/DeviceApps", Host: "workspace-one:5614"}}},
			[]item{
				{"workspace-one:5614", "", "WeChat", "8.0.49", "com.tencent.xin", "com.tencent.xin", "/DeviceApps/0"},
				{"workspace-one:5614", "", "Intelligent Hub", "24.05", "com.air-watch.agent", "", "/DeviceApps/1"},
				{"workspace-one:5614", "", "Old Expenses", "812", "com.example.expenses", "com.example.expenses", "/DeviceApps/4"},
				{"workspace-one:5614", "", "Caf\uFFFD Menu", "3.1", "com.example.cafe", "com.example.cafe", "/DeviceApps/5"},
			},
			[]unknown{
				{"workspace-one:5614", "/DeviceApps/3", "Douyin", `status "Pending Install": not known to be installed, so not read as installed (identifier "com.ss.iphone.ugc.Aweme")`},
				{"workspace-one:5614", "/DeviceApps", "", "1 listed apps are not installed (Removed: 1) and were left out"},
				{"", "", "", "1 values held bytes that are not UTF-8, read as U+FFFD (the first at byte 980)"},
			}},
		{"ws1-apps-with-deviceid.json", "Workspace ONE UEM device apps JSON",
			[]inventory.ManagedDevice{{Host: "workspace-one:5616", MDM: "workspace-one", ID: "5616", Apps: 3,
				Location: inventory.Location{Source: "ws1-apps-with-deviceid.json", Ref: "/DeviceApps", Host: "workspace-one:5616"}}},
			[]item{
				{"workspace-one:5616", "", "WeChat", "8.0.49", "com.tencent.mm", "com.tencent.mm", "/DeviceApps/0"},
				{"workspace-one:5616", "", "Kaspersky Internet Security", "11.112.4.10226", "com.kms.free", "com.kms.free", "/DeviceApps/1"},
				{"workspace-one:5616", "", "Settings", "14", "com.android.settings", "com.android.settings", "/DeviceApps/2"},
			}, nil},
		{"ws1-apps-unnamed.json", "Workspace ONE UEM device apps JSON", nil,
			[]item{{"", "", "Huawei AppGallery", "13.4.1", "com.huawei.appmarket", "com.huawei.appmarket", "/DeviceApps/0"}},
			[]unknown{{"", "/DeviceApps", "", "the device of these 1 apps is not named: the document has no DeviceId and its file name is not ws1-device-<id>-apps*.json"}}},
		{"ws1-device-5618-apps-search.json", "Workspace ONE UEM device apps JSON",
			[]inventory.ManagedDevice{{Host: "workspace-one:5618", MDM: "workspace-one", ID: "5618", Apps: 2,
				Location: inventory.Location{Source: "ws1-device-5618-apps-search.json", Ref: "/app_items", Host: "workspace-one:5618"}}},
			[]item{
				{"workspace-one:5618", "", "CapCut", "12.1.0", "com.lemon.lvoverseas", "com.lemon.lvoverseas", "/app_items/0"},
				{"workspace-one:5618", "", "Outlook", "4.2421.0", "com.microsoft.Office.Outlook", "com.microsoft.Office.Outlook", "/app_items/1"},
			},
			[]unknown{{"workspace-one:5618", "/app_items", "", "1 listed apps are not installed (Not Installed: 1) and were left out"}}},
		{"ws1-device-5620-apps-0001.json", "Workspace ONE UEM device apps JSON",
			[]inventory.ManagedDevice{{Host: "workspace-one:5620", MDM: "workspace-one", ID: "5620", Apps: 0,
				Location: inventory.Location{Source: "ws1-device-5620-apps-0001.json", Ref: "/DeviceApps", Host: "workspace-one:5620"}}},
			nil, nil},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := fixture(t, c.file)
			if !(Reader{}).Sniff("other.json", data[:min(len(data), 512)]) {
				t.Error("not recognised by its content")
			}
			if !(Reader{}).Sniff(c.file, data[:min(len(data), 512)]) {
				t.Error("not recognised")
			}
			inv, err := read(c.file, data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if inv.Format != c.format || inv.Source != c.file {
				t.Errorf("format %q, source %q", inv.Format, inv.Source)
			}
			if diff := cmp.Diff(c.devices, inv.Devices, cmpopts.IgnoreFields(inventory.Location{}, "Offset")); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.items, items(t, inv)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns(inv)); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
		})
	}
}

// A device search page and the apps pages of its devices, read as
// separate inputs, meet on one host per device: merged, each device has
// what the search said of it and the apps its pages listed.
func TestDeviceAndApps(t *testing.T) {
	var devices []inventory.ManagedDevice
	hosts := map[string]bool{}
	for _, f := range []string{"ws1-devices-page0.json", "ws1-devices-page1.json", "ws1-device-5614-apps-0001.json",
		"ws1-device-5618-apps-search.json", "ws1-device-5620-apps-0001.json"} {
		inv, err := read(f, fixture(t, f), inventory.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		devices = append(devices, inv.Devices...)
		for _, it := range inv.Items {
			hosts[it.Location.Host] = true
		}
	}
	merged := inventory.MergeDevices(devices)
	withApps := func(d inventory.ManagedDevice, n int) inventory.ManagedDevice {
		d.Apps = n
		return d
	}
	if diff := cmp.Diff([]inventory.ManagedDevice{withApps(alice, 5), bob, withApps(kiosk, 2), withApps(laptop, 0)}, merged,
		cmpopts.IgnoreFields(inventory.Location{}, "Offset")); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{"workspace-one:5614": true, "workspace-one:5618": true}, hosts); diff != "" {
		t.Errorf("item hosts (-want +got):\n%s", diff)
	}
}

// In one input with its device record, a device's apps take the
// ecosystem of its platform, and their identifiers are bundle ids or
// package names accordingly.
func TestPlatformOfApps(t *testing.T) {
	data := append(fixture(t, "ws1-devices-page0.json"), fixture(t, "ws1-apps-with-deviceid.json")...)
	data = append(data, []byte(`{"DeviceId": 5614, "DeviceApps": [{"ApplicationName": "Bad", "ApplicationIdentifier": "com.example.bad id"}, {"ApplicationName": "Hub", "ApplicationIdentifier": "com.air-watch.agent"}]}`)...)
	inv, err := read("all.json", data, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{
		{"workspace-one:5616", "android", "WeChat", "8.0.49", "", "com.tencent.mm", "#2/DeviceApps/0"},
		{"workspace-one:5616", "android", "Kaspersky Internet Security", "11.112.4.10226", "", "com.kms.free", "#2/DeviceApps/1"},
		{"workspace-one:5616", "android", "Settings", "14", "", "com.android.settings", "#2/DeviceApps/2"},
		{"workspace-one:5614", "ios", "Bad", "", "", "", "#3/DeviceApps/0"},
		{"workspace-one:5614", "ios", "Hub", "", "com.air-watch.agent", "", "#3/DeviceApps/1"},
	}, items(t, inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]unknown{{"workspace-one:5614", "#3/DeviceApps/0", "Bad", `identifier "com.example.bad id" is not a bundle id`}}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	if inv.Format != "Workspace ONE UEM device apps and device search JSON" || len(inv.Devices) != 3 || inv.Devices[0].Apps != 2 || inv.Devices[1].Apps != 3 {
		t.Errorf("format %q, devices %+v", inv.Format, inv.Devices)
	}
}
