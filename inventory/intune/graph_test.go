package intune

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// Compact views of what a reader made, for the tables.
type (
	gotApp struct {
		Name, Version, Eco, Publisher, Ref, Host string
		Line                                     int
	}
	gotDevice struct {
		Host, Name, Platform, Maker, Model, OS, Serial, IMEI string
		Own                                                  inventory.Ownership
		Scope                                                inventory.Scope
		User, Group                                          string
		Apps                                                 int
		Ref                                                  string
	}
	gotUnknown struct {
		Ref, Reason string // Reason: a part of it
		Line        int
	}
)

const (
	hostAlice = "intune:3f1c2a70-9d1e-4c4b-a1e3-5b7b9f0c1d22"
	hostBob   = "intune:c8e0b7f4-7d6a-4f0e-9b12-2a3c4d5e6f70"
	hostKiosk = "intune:5d2e9c41-0b7a-4e3f-8c6d-1a2b3c4d5e6f"
	hostCarol = "intune:7e8f9a0b-1c2d-4e3f-9a8b-7c6d5e4f3a2b"
	hostDave  = "intune:0d4c8a21-6f3e-4b59-a7c2-9e1f0b3d5a64"
	hostErin  = "intune:6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
)

func views(inv *inventory.Inventory) (apps []gotApp, devices []gotDevice, unknowns []gotUnknown) {
	for _, it := range inv.Items {
		apps = append(apps, gotApp{it.Name, it.Version, it.Ecosystem, it.Get(inventory.Publisher), it.Location.Ref, it.Location.Host, it.Location.Line})
	}
	for _, d := range inv.Devices {
		devices = append(devices, gotDevice{d.Host, d.Name, d.Platform, d.Manufacturer, d.Model, d.OSVersion, d.Serial, d.IMEI,
			d.Ownership, d.Scope, d.User, d.Group, d.Apps, d.Location.Ref})
	}
	for _, u := range inv.Unknowns {
		unknowns = append(unknowns, gotUnknown{u.Location.Ref, u.Reason, u.Location.Line})
	}
	return apps, devices, unknowns
}

// reasonPart compares unknowns by ref and line, and by the wanted part
// of the reason.
var reasonPart = cmp.Comparer(func(a, b gotUnknown) bool {
	return a.Ref == b.Ref && a.Line == b.Line && (strings.Contains(a.Reason, b.Reason) || strings.Contains(b.Reason, a.Reason))
})

func readFile(t *testing.T, r inventory.Reader, file string, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Sniff(file, data[:min(len(data), 8<<10)]) {
		t.Errorf("%s: not recognised", file)
	}
	inv, err := r.Read(context.Background(), file, bytes.NewReader(data), lim)
	if _, ok := r.(GraphReader); ok {
		slow, slowErr := readGraph(context.Background(), file, bytes.NewReader(data), lim, true)
		if diff := cmp.Diff(slow, inv); diff != "" || (err == nil) != (slowErr == nil) {
			t.Errorf("%s: the fast path reads otherwise (-slow +fast):\n%s\n%v\n%v", file, diff, slowErr, err)
		}
	}
	return inv, err
}

// checkItems checks what every item must be: an application with an id
// and its place in the list.
func checkItems(t *testing.T, inv *inventory.Inventory) {
	t.Helper()
	for i, it := range inv.Items {
		if it.Type != inventory.Application || it.ID == "" || it.Index != i || it.Location.Source == "" ||
			it.Get(inventory.BundleID) != "" || it.Get(inventory.AndroidID) != "" {
			t.Errorf("item %d: %+v", i, it)
		}
	}
}

// TestGraphRead reads each shape of Graph document: pages of devices,
// a device's apps, the tenant's apps, expanded devices, arrays of pages,
// bare resources, NDJSON, a single resource, UTF-16, and documents with
// unknown properties and properties of the wrong type.
func TestGraphRead(t *testing.T) {
	alice := gotDevice{hostAlice, "Alice's iPhone", "ios", "Apple", "iPhone 14", "17.5.1", "F2LXK0ABCD12", "351234567890123",
		inventory.Corporate, inventory.ScopeAll, "alice@contoso.example", "", -1, "/value/0"}
	bob := gotDevice{hostBob, "Pixel 7", "android", "Google", "Pixel 7", "14", "", "",
		inventory.Personal, inventory.ScopeManaged, "bob@contoso.example", "Sales", -1, "/value/1"}
	aliceApps := []gotApp{
		{"WeChat", "8.0.49", "ios", "", "/value/0", hostAlice, 4},
		{"Microsoft Outlook", "4.2421.0", "ios", "Microsoft Corporation", "/value/1", hostAlice, 13},
		{"TikTok", "34.8.0", "ios", "TikTok Ltd.", "/value/2", hostAlice, 22},
	}
	aliceByApps := gotDevice{Host: hostAlice, Apps: 3, Ref: "/@odata.context"}
	with := func(d gotDevice, ref string) gotDevice { d.Ref = ref; return d }
	for _, c := range []struct {
		file     string
		apps     []gotApp
		devices  []gotDevice
		unknowns []gotUnknown
	}{
		{file: "managedDevices-page1.json", devices: []gotDevice{alice, bob},
			unknowns: []gotUnknown{{"/@odata.nextLink", "the saved export is incomplete", 1}}},
		{file: "managedDevices-page2.json", devices: []gotDevice{
			{hostKiosk, "KIOSK-07", "windows", "Dell Inc.", "OptiPlex 7010", "10.0.22631.3593", "7XQ2F73", "",
				inventory.OwnershipUnknown, inventory.ScopeAll, "", "", -1, "/value/0"},
			{hostCarol, "Carol's MacBook Pro", "macos", "Apple", "MacBook Pro (14-inch, 2023)", "14.5 (23F79)", "C02ZK1ABMD6T", "",
				inventory.Corporate, inventory.ScopeAll, "carol@contoso.example", "Engineering", -1, "/value/1"},
		}},
		{file: "detectedApps-device.json", apps: aliceApps, devices: []gotDevice{aliceByApps}},
		{file: "detectedApps-device-utf16le.json", apps: aliceApps, devices: []gotDevice{aliceByApps}},
		{file: "detectedApps-tenant.json", apps: []gotApp{
			{"WeChat", "8.0.49", "ios", "", "/value/0 (tenant-wide, 17 devices)", "", 5},
			{"Kaspersky Endpoint Security for Windows", "12.4.0.467", "windows", "AO Kaspersky Lab", "/value/1 (tenant-wide, 1 device)", "", 6},
			{"HUAWEI Health", "14.1.1.300", "android", "Huawei Technologies Co., Ltd.", "/value/2 (tenant-wide, 3 devices)", "", 7},
		}},
		{file: "managedDevices-beta-expand.json", apps: []gotApp{
			{"WeChat", "3.9.10.19", "windows", "Tencent", "/value/0/detectedApps/0", hostDave, 28},
			{"7-Zip 23.01 (x64)", "23.01", "windows", "Igor Pavlov", "/value/0/detectedApps/1", hostDave, 29},
			{"Company Portal", "5.2405.0", "ios", "Microsoft Corporation", "/value/1/detectedApps/0", hostErin, 47},
		}, devices: []gotDevice{
			{hostDave, "LAPTOP-DAVE", "windows", "LENOVO", "21HD", "10.0.22631.3737", "PF3X9K2L", "",
				inventory.Corporate, inventory.ScopeAll, "dave@contoso.example", "Engineering", 2, "/value/0"},
			{hostErin, "Erin's iPad", "ipados", "Apple", "iPad Air (5th generation)", "17.5.1", "DMPXL1ABCD34", "",
				inventory.Personal, inventory.ScopeManaged, "erin@contoso.example", "", 1, "/value/1"},
		}, unknowns: []gotUnknown{{"/value/1/detectedApps@odata.nextLink", "saved in part", 32}}},
		{file: "devices-pages-array.json", devices: []gotDevice{with(alice, "/0/value/0"), with(bob, "/1/value/0")}},
		{file: "apps-pages-array.json", apps: []gotApp{
			{"WeChat", "8.0.49", "ios", "", "/0/value/0", hostAlice, 6},
			{"TikTok", "34.8.3", "android", "", "/1/value/0", hostBob, 12},
			{"Microsoft Authenticator", "6.2405.3337", "android", "Microsoft Corporation", "/1/value/1", hostBob, 13},
		}, devices: []gotDevice{
			{Host: hostAlice, Apps: 1, Ref: "/0/@odata.context"}, {Host: hostBob, Apps: 2, Ref: "/1/@odata.context"},
		}, unknowns: []gotUnknown{{"/0/@odata.nextLink", "the saved export is incomplete", 2}}},
		{file: "devices-bare.json", devices: []gotDevice{with(alice, "/0"), with(bob, "/1")}},
		{file: "detectedApps.ndjson", apps: []gotApp{
			{"WeChat", "8.0.49", "ios", "", "(tenant-wide, 17 devices)", "", 1},
			{"Kaspersky Endpoint Security for Windows", "12.4.0.467", "windows", "AO Kaspersky Lab", "(tenant-wide, 1 device)", "", 3},
			{"Microsoft Outlook", "4.2421.0", "ios", "Microsoft Corporation", "(no device given)", "", 4},
		}},
		{file: "single-device.json", devices: []gotDevice{{hostCarol, "Carol's MacBook Pro", "macos", "Apple", "MacBook Pro (14-inch, 2023)",
			"14.5 (23F79)", "C02ZK1ABMD6T", "", inventory.Corporate, inventory.ScopeAll, "carol@contoso.example", "", -1, ""}}},
		{file: "empty-page.json", devices: []gotDevice{{Host: hostBob, Apps: 0, Ref: "/@odata.context"}}},
		{file: "wrong-types-apps.json", apps: []gotApp{
			{"WeChat", "8.0.49", "ios", "", "/value/0 (tenant-wide, 17 devices)", "", 4},
			{"Lark", "", "", "", "/value/8 (tenant-wide)", "", 12},
		}, unknowns: []gotUnknown{
			{"/value/1/displayName", "displayName is a number, not a string", 5},
			{"/value/2/version", "version is an array, not a string", 6},
			{"/value/3/deviceCount", "deviceCount is a string, not a number", 7},
			{"/value/4/displayName", "displayName is given twice", 8},
			{"/value/5", "a detectedApp without a displayName", 9},
			{"/value/6", "an element that is not an object", 10},
			{"/value/7/deviceCount", "deviceCount is 2.5", 11},
		}},
		{file: "wrong-types-devices.json", devices: []gotDevice{{hostKiosk, "KIOSK-07", "windows", "", "", "", "", "",
			inventory.OwnershipUnknown, inventory.ScopeAll, "", "", -1, "/value/4"}}, unknowns: []gotUnknown{
			{"/value/0/operatingSystem", "operatingSystem is a boolean, not a string", 4},
			{"/value/1", "a managedDevice without an id", 5},
			{"/value/2/id", "id is a number, not a string", 6},
			{"/value/3/hardwareInformation", "hardwareInformation is a string, not an object", 7},
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			inv, err := readFile(t, GraphReader{}, c.file, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			checkItems(t, inv)
			apps, devices, unknowns := views(inv)
			if diff := cmp.Diff(c.apps, apps, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("apps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.devices, devices, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.unknowns, unknowns, cmpopts.EquateEmpty(), reasonPart); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
			if inv.Source != c.file || inv.Format != graphFormat {
				t.Errorf("source %q format %q", inv.Source, inv.Format)
			}
		})
	}
}
