package applemdm

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

const (
	iphone = "apple-mdm:00008110-000A1B2C3D4E801E"
	mac    = "apple-mdm:7A3D9F1C-2B4E-5C6D-8E9F-0A1B2C3D4E5F"
	bobs   = "apple-mdm:00008101-000C1D2E3F405162"
	byod   = "apple-mdm:5F0E8A3C1B2D4E6F8091A2B3C4D5E6F7"
)

var iosApps = []item{
	{"WeChat", "8.0.49", "com.tencent.xin", "ios", "/InstalledApplicationList/0", iphone, 0},
	{"TikTok", "34.5.0", "com.zhiliaoapp.musically", "ios", "/InstalledApplicationList/1", iphone, 0},
	{"com.example.buildonly", "1207", "com.example.buildonly", "ios", "/InstalledApplicationList/2", iphone, 0},
	{"Microsoft Outlook", "4.2421.0", "com.microsoft.Office.Outlook", "ios", "/InstalledApplicationList/3", iphone, 0},
}

var iphoneApps = inventory.ManagedDevice{Host: iphone, MDM: MDM, ID: "00008110-000A1B2C3D4E801E", Manufacturer: "Apple", Apps: 4}

var iphoneInfo = inventory.ManagedDevice{Host: iphone, MDM: MDM, ID: "00008110-000A1B2C3D4E801E", Name: "Alice's iPhone",
	Platform: "ios", Manufacturer: "Apple", Model: "iPhone15,2", OSVersion: "17.5.1", Serial: "F2LXK0ABCD12",
	IMEI: "351234567890123", Apps: -1}

// TestRead reads each documented shape, as XML and as a binary property
// list that plistutil made from the same XML: the apps, on the host of
// their device, and the device records.
func TestRead(t *testing.T) {
	for _, c := range []struct {
		file     string
		items    []item
		devices  []inventory.ManagedDevice
		unknowns []unknown
	}{
		{"installed-ios.plist", iosApps, []inventory.ManagedDevice{iphoneApps}, nil},
		{"device-information.plist", nil, []inventory.ManagedDevice{iphoneInfo}, nil},
		// The Mac's DeviceInformation comes after its apps and still
		// makes them macOS apps; a ProfileList answer is passed over; a
		// NotNow answer is an unknown on its device.
		{"export-array.plist", []item{
			{"WeChat", "3.8.8", "com.tencent.xinWeChat", "macos", "/0/InstalledApplicationList/0", mac, 0},
			{"Kaspersky Internet Security", "21.18.1", "com.kaspersky.kav", "macos", "/0/InstalledApplicationList/1", mac, 0},
			{"Legacy Tool", "2.1", "", "macos", "/0/InstalledApplicationList/2", mac, 0},
			{"Lark", "7.20.6", "com.ss.android.lark", "ios", "/4/InstalledApplicationList/0", bobs, 0},
		}, []inventory.ManagedDevice{
			{Host: mac, MDM: MDM, ID: "7A3D9F1C-2B4E-5C6D-8E9F-0A1B2C3D4E5F", Name: "Build Mac", Platform: "macos",
				Manufacturer: "Apple", Model: "MacBookPro18,3", OSVersion: "14.5", Serial: "C02ZK1ABMD6M", Apps: 3},
			{Host: bobs, MDM: MDM, ID: "00008101-000C1D2E3F405162", Manufacturer: "Apple", User: "bob@example.com", Apps: 1},
		}, []unknown{{"/3", "apple-mdm:00008030-001E2D3C4B5A6978"}}},
		// User Enrollment: a personal device listing its managed apps.
		{"user-enrollment.plist", []item{
			{"Microsoft Teams", "6.12.1", "com.microsoft.skype.teams", "ios", "/InstalledApplicationList/0", byod, 0},
			{"WeCom", "4.1.22", "com.tencent.wework", "ios", "/InstalledApplicationList/1", byod, 0},
		}, []inventory.ManagedDevice{{Host: byod, MDM: MDM, ID: "5F0E8A3C1B2D4E6F8091A2B3C4D5E6F7", Manufacturer: "Apple",
			Ownership: inventory.Personal, Scope: inventory.ScopeManaged, Apps: 2}}, nil},
	} {
		for _, form := range []string{"XML", "binary"} {
			t.Run(c.file+"/"+form, func(t *testing.T) {
				data := fixture(t, c.file)
				if form == "binary" {
					data = binary(t, c.file)
				}
				if !(Reader{}).Sniff(c.file, data[:min(len(data), 4096)]) {
					t.Error("not recognised")
				}
				inv, err := read(t, c.file, data, inventory.DefaultLimits)
				if err != nil {
					t.Fatal(err)
				}
				if want := "Apple MDM command responses (" + form + " property list)"; inv.Format != want {
					t.Errorf("format %q, want %q", inv.Format, want)
				}
				if diff := cmp.Diff(c.items, items(t, inv)); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(c.devices, devices(inv)); diff != "" {
					t.Errorf("devices (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(c.unknowns, unknowns(inv)); diff != "" {
					t.Errorf("unknowns (-want +got):\n%s", diff)
				}
				for _, d := range inv.Devices {
					if d.Location.Source != c.file {
						t.Errorf("device location %+v", d.Location)
					}
				}
			})
		}
	}
}

// A device's app list and its DeviceInformation answer, read from two
// files, meet on one host: merged, the record has both.
func TestJoinByHost(t *testing.T) {
	var all []inventory.ManagedDevice
	for _, f := range []string{"installed-ios.plist", "device-information.plist"} {
		inv, err := read(t, f, fixture(t, f), inventory.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, inv.Devices...)
	}
	merged := inventory.MergeDevices(all)
	want := iphoneInfo
	want.Apps = 4
	if diff := cmp.Diff([]inventory.ManagedDevice{want}, merged, cmpopts.IgnoreFields(inventory.ManagedDevice{}, "Location")); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}
}

// A device that answered Error and sent no list: the input is refused
// with what the device answered and why.
func TestErrorStatus(t *testing.T) {
	_, err := read(t, "error-status.plist", fixture(t, "error-status.plist"), inventory.DefaultLimits)
	ie, ok := err.(*inventory.InputError)
	if !ok || ie.Source != "error-status.plist" {
		t.Fatalf("%v, want an InputError naming the input", err)
	}
	for _, want := range []string{"answered Error", "The command is not allowed (MCMDMErrorDomain 12021)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}
