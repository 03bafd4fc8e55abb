package jamf

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// TestClassic reads each shape of Classic API record: one XML document,
// several concatenated, a <mobile_devices> wrapper of full records, the
// list endpoint's summary records, a subset without apps, a document in
// another encoding, and JSON in both the array and the XML-made shape.
func TestClassic(t *testing.T) {
	const (
		ipados = inventory.PlatformIPadOS
		ios    = inventory.PlatformIOS
	)
	for _, c := range []struct {
		file     string
		format   string
		devices  []inventory.ManagedDevice
		items    []item
		unknowns []unknown
	}{
		{"classic-device.xml", "Jamf Pro Classic API mobile device XML",
			[]inventory.ManagedDevice{{Host: "jamf:42", MDM: "jamf", ID: "42", Name: "Finance iPad 7", Platform: ipados,
				Model: "iPad Air (5th generation)", OSVersion: "17.5.1", Serial: "DMPXK1ABCD12", IMEI: "351234567890123",
				Ownership: inventory.Corporate, User: "alice", Group: "Finance", Apps: 3,
				Location: loc("classic-device.xml", "mobile_device[1]", 2)}},
			[]item{
				{"jamf:42", "WeChat", "8.0.49", "com.tencent.xin", "mobile_device[1]/applications/application[1]", 46},
				{"jamf:42", "Notes & Lists", "412", "com.example.notes-lists", "mobile_device[1]/applications/application[2]", 52},
				{"jamf:42", "Self Service", "11.5.0", "com.jamfsoftware.selfservice", "mobile_device[1]/applications/application[3]", 58},
			}, nil},
		{"classic-device.json", "Jamf Pro Classic API mobile device JSON",
			[]inventory.ManagedDevice{{Host: "jamf:57", MDM: "jamf", ID: "57", Name: "Bob's iPhone", Platform: ios,
				Model: "iPhone 14", OSVersion: "17.4", Serial: "F2LXK0WXYZ34", IMEI: "352007060562271",
				Ownership: inventory.Personal, User: "bob@example.org", Group: "BYOD phones", Apps: 2,
				Location: loc("classic-device.json", "/mobile_device", 0)}},
			[]item{
				{"jamf:57", "TikTok", "34.5.1", "com.zhiliaoapp.musically", "/mobile_device/applications/0", 0},
				{"jamf:57", "Outlook", "4.2421.0", "com.microsoft.Office.Outlook", "/mobile_device/applications/1", 0},
			}, nil},
		{"classic-concatenated.xml", "Jamf Pro Classic API mobile device XML",
			[]inventory.ManagedDevice{
				{Host: "jamf:101", MDM: "jamf", ID: "101", Name: "Carol iPhone", Platform: ios, Model: "iPhone 15", OSVersion: "17.5",
					Serial: "HX1234567890", Ownership: inventory.Personal, Scope: inventory.ScopeManaged, User: "carol", Apps: 1,
					Location: loc("classic-concatenated.xml", "mobile_device[1]", 2)},
				{Host: "jamf:102", MDM: "jamf", ID: "102", Name: "Lobby Apple TV", Platform: inventory.PlatformTVOS, Model: "Apple TV 4K",
					OSVersion: "17.5", Serial: "DY3ABCDEFGHJ", Ownership: inventory.Corporate, Apps: 0,
					Location: loc("classic-concatenated.xml", "mobile_device[2]", 27)},
			},
			[]item{{"jamf:101", "Teams", "6.10.1", "com.microsoft.skype.teams", "mobile_device[1]/applications/application[1]", 18}},
			nil},
		{"classic-wrapped.xml", "Jamf Pro Classic API mobile device XML",
			[]inventory.ManagedDevice{
				{Host: "jamf:201", MDM: "jamf", ID: "201", Name: "Dan iPad", Platform: ipados, Model: "iPad (10th generation)",
					Ownership: inventory.Personal, Scope: inventory.ScopeManaged, Apps: 1,
					Location: loc("classic-wrapped.xml", "mobile_devices/mobile_device[1]", 4)},
				{Host: "jamf:202", MDM: "jamf", ID: "202", Name: "Erin iPhone", Platform: ios, Model: "iPhone 13",
					Ownership: inventory.Personal, Apps: 2, Location: loc("classic-wrapped.xml", "mobile_devices/mobile_device[2]", 23)},
			},
			[]item{
				{"jamf:201", "Kaspersky Security Cloud", "1.38", "com.kaspersky.securitycloud", "mobile_devices/mobile_device[1]/applications/application[1]", 15},
				{"jamf:202", "Bad Id App", "1.0", "", "mobile_devices/mobile_device[2]/applications/application[1]", 33},
				{"jamf:202", "com.example.unnamed", "2.0", "com.example.unnamed", "mobile_devices/mobile_device[2]/applications/application[2]", 38},
			},
			[]unknown{
				{"jamf:202", "mobile_devices/mobile_device[2]/applications/application[1]", "Bad Id App", `identifier "com.example.bad id" is not a valid bundle id`},
				{"jamf:202", "mobile_devices/mobile_device[2]/applications", "", `applications/size is "1" but 2 applications are listed`},
			}},
		{"classic-list.xml", "Jamf Pro Classic API mobile device XML",
			[]inventory.ManagedDevice{
				{Host: "jamf:42", MDM: "jamf", ID: "42", Name: "Finance iPad 7", Platform: ipados, Model: "iPad Air (5th generation)",
					Serial: "DMPXK1ABCD12", User: "alice", Apps: -1, Location: loc("classic-list.xml", "mobile_devices/mobile_device[1]", 4)},
				{Host: "jamf:57", MDM: "jamf", ID: "57", Name: "Bob's iPhone", Platform: ios, Model: "iPhone 14",
					Serial: "F2LXK0WXYZ34", Apps: -1, Location: loc("classic-list.xml", "mobile_devices/mobile_device[2]", 19)},
			}, nil, nil},
		{"classic-subset-general.xml", "Jamf Pro Classic API mobile device XML",
			[]inventory.ManagedDevice{{Host: "jamf:42", MDM: "jamf", ID: "42", Name: "Finance iPad 7", Platform: ipados,
				Model: "iPad Air (5th generation)", Serial: "DMPXK1ABCD12", Ownership: inventory.Corporate, Apps: -1,
				Location: loc("classic-subset-general.xml", "mobile_device[1]", 2)}},
			nil, nil},
		{"classic-latin1.xml", "Jamf Pro Classic API mobile device XML",
			[]inventory.ManagedDevice{{Host: "jamf:301", MDM: "jamf", ID: "301", Name: "Café iPad", Platform: ipados,
				Model: "iPad mini", Ownership: inventory.Corporate, Apps: 1, Location: loc("classic-latin1.xml", "mobile_device[1]", 2)}},
			[]item{{"jamf:301", "Café Menu", "3.1", "com.example.cafe", "mobile_device[1]/applications/application[1]", 12}},
			nil},
		{"classic-concatenated.json", "Jamf Pro Classic API mobile device JSON",
			[]inventory.ManagedDevice{
				{Host: "jamf:61", MDM: "jamf", ID: "61", Name: "Fay iPad", Platform: ipados, Model: "iPad Pro (11-inch)",
					Ownership: inventory.Corporate, Apps: 1, Location: loc("classic-concatenated.json", "/mobile_device", 0)},
				{Host: "jamf:62", MDM: "jamf", ID: "62", Name: "Gus iPhone", Platform: ios, Model: "iPhone 12",
					Apps: 1, Location: loc("classic-concatenated.json", "#2/mobile_device", 0)},
			},
			[]item{
				{"jamf:61", "Zoom", "6.0.2", "us.zoom.videomeetings", "/mobile_device/applications/application", 0},
				{"jamf:62", "Weibo", "14.5.2", "com.sina.weibo", "#2/mobile_device/applications/application/0", 0},
			},
			[]unknown{{"jamf:62", "#2/mobile_device/applications", "", `the app list's size is "2" but 1 apps are listed`}}},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := fixture(t, c.file)
			if !(ClassicReader{}).Sniff(c.file, data[:min(len(data), 512)]) {
				t.Error("not recognised")
			}
			if (ProReader{}).Sniff(c.file, data[:min(len(data), 512)]) {
				t.Error("taken for a Jamf Pro API document")
			}
			inv, err := read(ClassicReader{}, c.file, data, inventory.DefaultLimits)
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

// A JSON item's location gives the byte offset of its app object.
func TestClassicJSONOffsets(t *testing.T) {
	data := []byte(`{"mobile_device": {"general": {"id": 1}, "applications": [ {"application_name": "A", "identifier": "a.b"}]}}`)
	inv, err := read(ClassicReader{}, "x.json", data, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || string(data[inv.Items[0].Location.Offset]) != "{" || inv.Items[0].Location.Offset != 59 {
		t.Errorf("items %+v", inv.Items)
	}
	if inv.Devices[0].Location.Offset != 18 {
		t.Errorf("device %+v", inv.Devices[0])
	}
}
