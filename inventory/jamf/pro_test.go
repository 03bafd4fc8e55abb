package jamf

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// TestPro reads the Jamf Pro API's shapes: inventory pages with every
// section, a page with the applications section not asked for, an empty
// page, a device's detail, and two pages concatenated.
func TestPro(t *testing.T) {
	finance := inventory.ManagedDevice{Host: "jamf:42", MDM: "jamf", ID: "42", Name: "Finance iPad 7", Platform: inventory.PlatformIPadOS,
		Model: "iPad Air (5th generation)", OSVersion: "17.5.1", Serial: "DMPXK1ABCD12", IMEI: "351234567890123",
		Ownership: inventory.Corporate, User: "alice", Group: "Finance", Apps: 2}
	bob := inventory.ManagedDevice{Host: "jamf:57", MDM: "jamf", ID: "57", Name: "Bob's iPhone", Platform: inventory.PlatformIOS,
		Model: "iPhone 14", OSVersion: "17.4", Ownership: inventory.Personal, Scope: inventory.ScopeManaged, User: "bob@example.org", Apps: 1}
	hal := inventory.ManagedDevice{Host: "jamf:63", MDM: "jamf", ID: "63", Name: "Hal iPhone", Platform: inventory.PlatformIOS,
		Model: "iPhone SE (2nd generation)", OSVersion: "16.7.8", Serial: "G6TXK0AAAA11", Ownership: inventory.Personal, Apps: 0}
	page0 := []item{
		{"jamf:42", "WeChat", "8.0.49", "com.tencent.xin", "/results/0/applications/0", 0},
		{"jamf:42", "Self Service", "11.5.0", "com.jamfsoftware.selfservice", "/results/0/applications/1", 0},
		{"jamf:57", "Outlook", "4.2421.0", "com.microsoft.Office.Outlook", "/results/1/applications/0", 0},
	}
	at := func(d inventory.ManagedDevice, source, ref string) inventory.ManagedDevice {
		d.Location = loc(source, ref, 0)
		return d
	}
	for _, c := range []struct {
		file    string
		data    []byte
		format  string
		devices []inventory.ManagedDevice
		items   []item
	}{
		{"pro-inventory-page0.json", nil, "Jamf Pro API mobile device inventory JSON",
			[]inventory.ManagedDevice{at(finance, "pro-inventory-page0.json", "/results/0"), at(bob, "pro-inventory-page0.json", "/results/1")},
			page0},
		{"pro-inventory-page1.json", nil, "Jamf Pro API mobile device inventory JSON",
			[]inventory.ManagedDevice{at(hal, "pro-inventory-page1.json", "/results/0")}, nil},
		{"pro-inventory-general-only.json", nil, "Jamf Pro API mobile device inventory JSON",
			[]inventory.ManagedDevice{
				// Without the hardware section an iPad cannot be told from
				// an iPhone: both report iOS.
				{Host: "jamf:42", MDM: "jamf", ID: "42", Name: "Finance iPad 7", Platform: inventory.PlatformIOS, OSVersion: "17.5.1",
					Ownership: inventory.Corporate, Apps: -1, Location: loc("pro-inventory-general-only.json", "/results/0", 0)},
				{Host: "jamf:102", MDM: "jamf", ID: "102", Name: "Lobby Apple TV", Platform: inventory.PlatformTVOS, OSVersion: "17.5",
					Ownership: inventory.Corporate, Apps: -1, Location: loc("pro-inventory-general-only.json", "/results/1", 0)},
			}, nil},
		{"pro-inventory-empty.json", nil, "Jamf Pro API mobile device inventory JSON", nil, nil},
		{"pro-detail.json", nil, "Jamf Pro API mobile device detail JSON",
			// The detail names the department by id only.
			[]inventory.ManagedDevice{func() inventory.ManagedDevice { d := at(finance, "pro-detail.json", ""); d.Group = ""; return d }()},
			[]item{
				{"jamf:42", "WeChat", "8.0.49", "com.tencent.xin", "/ios/applications/0", 0},
				{"jamf:42", "Douyin", "29.5.0", "com.ss.iphone.ugc.Aweme", "/ios/applications/1", 0},
			}},
		{"pages.json", append(fixture(t, "pro-inventory-page0.json"), fixture(t, "pro-inventory-page1.json")...),
			"Jamf Pro API mobile device inventory JSON",
			[]inventory.ManagedDevice{at(finance, "pages.json", "/results/0"), at(bob, "pages.json", "/results/1"), at(hal, "pages.json", "#2/results/0")},
			page0},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := c.data
			if data == nil {
				data = fixture(t, c.file)
			}
			if (ClassicReader{}).Sniff(c.file, data[:min(len(data), 512)]) {
				t.Error("taken for a Classic API document")
			}
			inv, err := read(ProReader{}, c.file, data, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if inv.Format != c.format {
				t.Errorf("format %q", inv.Format)
			}
			if diff := cmp.Diff(c.devices, inv.Devices, cmpopts.IgnoreFields(inventory.Location{}, "Offset")); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.items, items(t, inv)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if len(inv.Unknowns) != 0 {
				t.Errorf("unknowns %+v", inv.Unknowns)
			}
		})
	}
}

// Sniff takes the Jamf Pro API's documents by their member names, and
// neither Classic API nor other JSON.
func TestSniff(t *testing.T) {
	for _, c := range []struct {
		head         string
		classic, pro bool
	}{
		{`{"totalCount":1,"results":[{"mobileDeviceId":"1"`, false, true},
		{`{"managementId":"x","id":"1","name":"a","enforceName":false`, false, true},
		{`{"totalCount":0,"results":[]}`, false, false},
		{`{"mobile_device":{"general":{}}}`, true, false},
		{"\xef\xbb\xbf \n{ \"mobile_devices\": []}", true, false},
		{`<?xml version="1.0"?><!-- export --><mobile_device><general>`, true, false},
		{"<mobile_devices>\n<size>0</size>", true, false},
		{`<computer><general>`, false, false},
		{`{"computer":{"general":{}}}`, false, false},
		{`{"Devices":[],"Page":0,"PageSize":500,"Total":0}`, false, false},
		{`<?xml version="1.0"`, false, false},
		{``, false, false},
	} {
		if got := (ClassicReader{}).Sniff("x", []byte(c.head)); got != c.classic {
			t.Errorf("classic Sniff(%q) = %v", c.head, got)
		}
		if got := (ProReader{}).Sniff("x", []byte(c.head)); got != c.pro {
			t.Errorf("pro Sniff(%q) = %v", c.head, got)
		}
	}
}
