package intune

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/inventory"
)

// TestCSVRead reads each kind of report export: apps by device (raw
// property names; _loc twins, a byte order mark, CRLF and extra columns),
// the aggregate, and the two device lists (raw names and received
// names), with rows that cannot be read.
func TestCSVRead(t *testing.T) {
	const hostKioskCSV = hostKiosk
	aliceRaw := gotDevice{Host: hostAlice, Name: "Alice's iPhone", Platform: "ios", OS: "17.5.1", User: "alice@contoso.example", Apps: 2, Ref: "row 1"}
	for _, c := range []struct {
		file     string
		format   string
		apps     []gotApp
		devices  []gotDevice
		unknowns []gotUnknown
	}{
		{file: "AppInvRawData.csv", format: reportFormats[reportAppsByDev], apps: []gotApp{
			{"WeChat", "8.0.49", "ios", "", "row 1", hostAlice, 2},
			{"Microsoft Outlook", "4.2421.0", "ios", "Microsoft Corporation", "row 2", hostAlice, 3},
			{"TikTok", "34.8.3", "android", "TikTok Ltd.", "row 3", hostBob, 4},
			{`Contoso "Field" Service, v2`, "2.1", "android", "Contoso Ltd.", "row 4", hostBob, 5},
			{"Kaspersky Endpoint Security for Windows", "12.4.0.467", "windows", "AO Kaspersky Lab", "row 5", hostKioskCSV, 6},
		}, devices: []gotDevice{
			aliceRaw,
			{Host: hostBob, Name: "Pixel 7", Platform: "android", OS: "14", User: "bob@contoso.example", Apps: 2, Ref: "row 3"},
			{Host: hostKioskCSV, Name: "KIOSK-07", Platform: "windows", OS: "10.0.22631.3593", Apps: 1, Ref: "row 5"},
		}},
		{file: "AppInvByDevice-loc.csv", format: reportFormats[reportAppsByDev], apps: []gotApp{
			{"WeChat", "3.9.10.19", "windows", "Tencent", "row 1", hostDave, 2},
			{"7-Zip 23.01 (x64)", "23.01", "windows", "Igor Pavlov", "row 2", hostDave, 3},
		}, devices: []gotDevice{
			{Host: hostDave, Name: "LAPTOP-DAVE", Platform: "windows", OS: "10.0.22631.3737", User: "dave@contoso.example", Apps: 2, Ref: "row 1"},
		}},
		{file: "AppInvAggregate.csv", format: reportFormats[reportAppsAgg], apps: []gotApp{
			{"WeChat", "8.0.49", "ios", "", "row 1 (tenant-wide, 17 devices)", "", 2},
			{"Kaspersky Endpoint Security for Windows", "12.4.0.467", "windows", "AO Kaspersky Lab", "row 2 (tenant-wide, 1 device)", "", 3},
			{"HUAWEI Health", "14.1.1.300", "android", "Huawei Technologies Co., Ltd.", "row 3 (tenant-wide, 3 devices)", "", 4},
			{"Lark", "7.18.5", "", "", "row 4 (tenant-wide)", "", 5},
		}},
		{file: "DevicesWithInventory.csv", format: reportFormats[reportDevices], devices: []gotDevice{
			{hostAlice, "Alice's iPhone", "ios", "Apple", "iPhone 14", "17.5.1", "F2LXK0ABCD12", "351234567890123",
				inventory.Corporate, inventory.ScopeAll, "alice@contoso.example", "", -1, "row 1"},
			{hostBob, "Pixel 7", "android", "Google", "Pixel 7", "14", "", "",
				inventory.Personal, inventory.ScopeManaged, "bob@contoso.example", "Sales", -1, "row 2"},
			{hostKiosk, "KIOSK-07", "windows", "Dell Inc.", "OptiPlex 7010", "10.0.22631.3593", "7XQ2F73", "",
				inventory.OwnershipUnknown, inventory.ScopeAll, "", "", -1, "row 3"},
		}, unknowns: []gotUnknown{{"row 4", "a device without a DeviceId", 5}}},
		{file: "Devices.csv", format: reportFormats[reportDevices], devices: []gotDevice{
			{hostAlice, "Alice's iPhone", "ios", "Apple", "iPhone 14", "17.5.1", "F2LXK0ABCD12", "351234567890123",
				inventory.Corporate, inventory.ScopeAll, "alice@contoso.example", "", -1, "row 1"},
			{hostBob, "Pixel 7", "android", "Google", "Pixel 7", "14", "", "",
				inventory.Personal, inventory.ScopeManaged, "bob@contoso.example", "Sales", -1, "row 2"},
			{hostKiosk, "KIOSK-07", "windows", "Dell Inc.", "OptiPlex 7010", "10.0.22631.3593", "7XQ2F73", "",
				inventory.OwnershipUnknown, inventory.ScopeAll, "", "", -1, "row 3"},
		}},
		{file: "AppInvRawData-malformed.csv", format: reportFormats[reportAppsByDev], apps: []gotApp{
			{"WeChat", "8.0.49", "ios", "", "row 1", hostAlice, 2},
			{"Signal", "7.1", "ios", "", "row 5 (no device given)", "", 6},
		}, devices: []gotDevice{{Host: hostAlice, Name: "Alice's iPhone", Platform: "ios", OS: "17.5.1", User: "alice@contoso.example", Apps: 1, Ref: "row 1"}},
			unknowns: []gotUnknown{
				{"row 2", "4 fields where the header has 13", 3},
				{"row 3", "an app without an ApplicationName", 4},
				{"row 4", "not a CSV row", 5},
			}},
	} {
		t.Run(c.file, func(t *testing.T) {
			inv, err := readFile(t, CSVReader{}, c.file, inventory.DefaultLimits)
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
			if inv.Format != c.format {
				t.Errorf("format %q", inv.Format)
			}
		})
	}
}

// zipOf is a ZIP of the named files, as an export job's download is.
func zipOf(t *testing.T, method uint16, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: files[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The ZIP an export job gives is read as the CSV in it, compressed or
// stored; a ZIP of anything else, of more than one file or that
// inflates past the size limit is an error.
func TestCSVZip(t *testing.T) {
	raw := testdata(t, "AppInvRawData.csv")
	want, err := CSVReader{}.Read(context.Background(), "AppInvRawData.zip", strings.NewReader(raw), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []uint16{zip.Deflate, zip.Store} {
		data := zipOf(t, method, "AppInvRawData_6c1f.csv", raw)
		if !(CSVReader{}).Sniff("x.zip", data[:min(len(data), 8<<10)]) {
			t.Errorf("method %d: not recognised", method)
		}
		got, err := CSVReader{}.Read(context.Background(), "AppInvRawData.zip", bytes.NewReader(data), inventory.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format != want.Format+" in a ZIP" || len(got.Items) != len(want.Items) {
			t.Fatalf("format %q, %d items", got.Format, len(got.Items))
		}
		for i := range got.Items {
			if g, w := got.Items[i], want.Items[i]; g.Name != w.Name || g.Location.Host != w.Location.Host || g.Location.Ref != "AppInvRawData_6c1f.csv "+w.Location.Ref {
				t.Errorf("item %d: %+v, want %+v", i, g, w)
			}
		}
	}
	for name, data := range map[string][]byte{
		"two files":   zipOf(t, zip.Deflate, "a.csv", raw, "b.csv", raw),
		"no CSV":      zipOf(t, zip.Deflate, "a.csv", "hello\n"),
		"empty":       zipOf(t, zip.Deflate),
		"cut":         zipOf(t, zip.Deflate, "a.csv", raw)[:100],
		"too big out": zipOf(t, zip.Deflate, "a.csv", raw+strings.Repeat(strings.SplitAfter(raw, "\n")[1], 200)),
	} {
		lim := inventory.DefaultLimits
		if name == "too big out" {
			lim.MaxBytes = 4096
		}
		_, err := CSVReader{}.Read(context.Background(), "x.zip", bytes.NewReader(data), lim)
		inputError(t, name, err, "x.zip")
	}
	if (CSVReader{}).Sniff("x.zip", zipOf(t, zip.Deflate, "a.json", `{"value":[]}`)) {
		t.Error("a ZIP of JSON recognised")
	}
}

// CSVReader recognises the reports by their header, and not other CSV.
func TestCSVSniff(t *testing.T) {
	for head, want := range map[string]bool{
		"ApplicationKey,ApplicationName,ApplicationVersion,DeviceCount\n":                               true,
		"\xef\xbb\xbf\"DeviceId\",\"ApplicationKey\",\"ApplicationName\"\r\n":                           true,
		"ApplicationKey;ApplicationName;ApplicationVersion\n":                                           true,
		"Device ID,Device name,Ownership,Primary user UPN,Serial number\n":                              true,
		"DeviceId,DeviceName,OwnerType,ManagementAgents\n":                                              true,
		"ApplicationName,ApplicationVersion\n":                                                          false,
		"Device ID,Device name,Serial number\n":                                                         false,
		"Mobile Device ID,Display Name,Serial Number,Ownership\n":                                       false,
		"Name,Version,Publisher\n":                                                                      false,
		`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/detectedApps"}`: false,
		"": false,
	} {
		if got := (CSVReader{}).Sniff("x.csv", []byte(head)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", head, got, want)
		}
	}
}

// Inputs that are not reports are errors naming the input; a report of
// no rows is an empty inventory; limits hold.
func TestCSVMalformed(t *testing.T) {
	read := func(doc string, lim inventory.Limits) (*inventory.Inventory, error) {
		return CSVReader{}.Read(context.Background(), "r.csv", strings.NewReader(doc), lim)
	}
	for name, doc := range map[string]string{
		"empty":      "",
		"blank":      "\n\n",
		"no columns": "Name,Version\nWeChat,8\n",
		"bad header": "\"ApplicationName,DeviceId\n",
	} {
		_, err := read(doc, inventory.DefaultLimits)
		inputError(t, name, err, "r.csv")
	}
	inv, err := read("ApplicationKey,ApplicationName,DeviceCount\n", inventory.DefaultLimits)
	if err != nil || len(inv.Items)+len(inv.Unknowns)+len(inv.Devices) != 0 {
		t.Errorf("header only: %+v %v", inv, err)
	}
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 10, MaxDepth: 4}
	inv, err = read("ApplicationKey,ApplicationName\nk,WeChat\nk,A very long app name\n", lim)
	if err != nil || len(inv.Items) != 1 || len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "the value of ApplicationName is longer than 10") {
		t.Errorf("string limit: %+v %v", inv, err)
	}
	_, err = read("ApplicationKey,ApplicationName\nk,a\nk,b\nk,c\n", lim)
	if ie := inputError(t, "items", err, "r.csv"); ie != nil && !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
	lim.MaxBytes = 30
	_, err = read("ApplicationKey,ApplicationName\nk,a\nk,b\nk,c\n", lim)
	if ie := inputError(t, "size", err, "r.csv"); ie != nil && !strings.Contains(err.Error(), "size limit") {
		t.Errorf("size limit: %v", err)
	}
}

// A device's apps from a report and its record from Graph meet on its
// host, whatever the case of its id.
func TestCSVJoinsGraph(t *testing.T) {
	csvInv, err := readFile(t, CSVReader{}, "AppInvRawData.csv", inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	graphInv, err := readFile(t, GraphReader{}, "managedDevices-page1.json", inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	merged := inventory.MergeDevices(append(append([]inventory.ManagedDevice(nil), graphInv.Devices...), csvInv.Devices...))
	if len(merged) != 3 || merged[1].Host != hostBob || merged[1].Apps != 2 || merged[1].Ownership != inventory.Personal {
		t.Errorf("merged %+v", merged)
	}
}
