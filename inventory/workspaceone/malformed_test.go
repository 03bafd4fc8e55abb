package workspaceone

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func inputError(t *testing.T, err error, source, want string) {
	t.Helper()
	var ie *inventory.InputError
	if !errors.As(err, &ie) || ie.Source != source || !strings.Contains(err.Error(), want) || ie.Offset < 0 {
		t.Fatalf("error %v, want an InputError naming %s at an offset saying %q", err, source, want)
	}
}

// Truncated documents are errors at the offset they end at.
func TestTruncated(t *testing.T) {
	for _, f := range []string{"ws1-devices-page0.json", "ws1-device-5614-apps-0001.json", "ws1-device-5618-apps-search.json", "ws1-device-bare.json"} {
		data := fixture(t, f)
		for _, cut := range []int{len(data) / 3, len(data) / 2, len(data) - 3} {
			_, err := read(f, data[:cut], inventory.DefaultLimits)
			inputError(t, err, f, "truncated")
		}
	}
}

// Inputs that are not Workspace ONE listings are errors naming the input.
func TestNotListings(t *testing.T) {
	for data, want := range map[string]string{
		"":                         "empty",
		"  \n":                     "empty",
		"<DeviceSearchResult/>":    "invalid character",
		`[{"Devices": []}]`:        "a JSON array where an object was expected",
		`{}`:                       "not a Workspace ONE listing",
		`{"value": [], "x": 1}`:    "not a Workspace ONE listing",
		`{"Devices": [] "Page":0}`: "invalid character",
		`{"Devices": []} 7`:        "a JSON number where an object was expected",
	} {
		_, err := read("bad.json", []byte(data), inventory.DefaultLimits)
		inputError(t, err, "bad.json", want)
	}
}

// Values of the wrong JSON type are unknowns at their place; the rest is
// read.
func TestWrongTypes(t *testing.T) {
	inv, err := read("w.json", []byte(`{"Devices": [7, {"Id": {"Value": [1]}, "DeviceFriendlyName": "x"}, {"Id": "12", "Ownership": {"C": 1}, "Platform": "Apple", "LocationGroupName": 3}], "Page": "zero"}
{"Devices": {"Id": 1}}
{"DeviceId": 9, "DeviceApps": [null, "x", {"ApplicationName": ["a"], "ApplicationIdentifier": "com.a.b", "Status": 1}]}
{"DeviceId": 10, "app_items": {"name": "x"}}`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]unknown{
		{"", "/Devices/0", "", "a device record that is a JSON number, not an object"},
		{"", "/Devices/1", "", "Id/Value is a JSON array, not a value"},
		{"", "/Devices/1", "x", "a device record without its Id: no device is recorded"},
		{"workspace-one:12", "/Devices/2", "", "Ownership is a JSON object, not a value"},
		{"", "#2/Devices", "", "Devices is a JSON object, not an array"},
		{"workspace-one:10", "#4", "", "the app list is a JSON object, not an array"},
		{"workspace-one:9", "#3/DeviceApps/0", "", "an app that is a JSON null, not an object"},
		{"workspace-one:9", "#3/DeviceApps/1", "", "an app that is a JSON string, not an object"},
		{"workspace-one:9", "#3/DeviceApps/2", "", "ApplicationName is a JSON array, not a value"},
		{"workspace-one:9", "#3/DeviceApps/2", "", `status "1": not known to be installed, so not read as installed (identifier "com.a.b")`},
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	if len(inv.Devices) != 3 || inv.Devices[0].Group != "3" || inv.Devices[0].Ownership != "" || inv.Devices[1].Apps != 3 || inv.Devices[2].Apps != -1 || len(inv.Items) != 0 {
		t.Errorf("devices %+v items %+v", inv.Devices, inv.Items)
	}
}

// Limits: past the item limit the input is refused; a value past the
// string limit makes an unknown of its app or is left out of its device.
func TestLimits(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 3, MaxString: 20, MaxDepth: 8}
	_, err := read("a.json", fixture(t, "ws1-device-5614-apps-0001.json"), lim)
	inputError(t, err, "a.json", "more than 3 apps (the item limit)")
	_, err = read("d.json", fixture(t, "ws1-devices-page0.json"), inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 64, MaxDepth: 8})
	inputError(t, err, "d.json", "more than 2 devices (the item limit)")
	_, err = read("d.json", fixture(t, "ws1-devices-page0.json"), inventory.Limits{MaxBytes: 1 << 20, MaxItems: 9, MaxString: 64, MaxDepth: 2})
	inputError(t, err, "d.json", "nested deeper than 2")
	_, err = read("d.json", fixture(t, "ws1-devices-page0.json"), inventory.Limits{MaxBytes: 300, MaxItems: 9, MaxString: 64, MaxDepth: 8})
	inputError(t, err, "d.json", "size limit")

	inv, err := read("l.json", []byte(`{"Id": 1, "DeviceFriendlyName": "a name longer than twenty bytes", "Model": "iPhone"}
{"DeviceId": 1, "DeviceApps": [{"ApplicationName": "a name longer than twenty bytes", "ApplicationIdentifier": "com.a.b"}, {"ApplicationName": "Short", "ApplicationIdentifier": "com.c.d"}]}`), lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Devices) != 1 || inv.Devices[0].Name != "" || inv.Devices[0].Model != "iPhone" || inv.Devices[0].Apps != 2 || len(inv.Items) != 1 || inv.Items[0].Name != "Short" {
		t.Errorf("devices %+v items %+v", inv.Devices, inv.Items)
	}
	if diff := cmp.Diff([]unknown{
		{"workspace-one:1", "", "", "DeviceFriendlyName of the device is longer than 20 bytes"},
		{"workspace-one:1", "#2/DeviceApps/0", "com.a.b", "an app with a value longer than 20 bytes"},
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}

// TestOwnership maps every Ownership value and leaves the rest unknown.
func TestOwnership(t *testing.T) {
	for code, want := range map[string]inventory.Ownership{
		"C": inventory.Corporate, "c": inventory.Corporate, "Corporate": inventory.Corporate, "CorporateDedicated": inventory.Corporate,
		"E": inventory.Personal, "EMPLOYEE": inventory.Personal, "EmployeeOwned": inventory.Personal,
		"S": inventory.Shared, "Shared": inventory.Shared, "CorporateShared": inventory.Shared,
		"Undefined": "", "N": "", "": "", "X": "", "Corporate or Employee": "",
	} {
		if got := ownership(code); got != want {
			t.Errorf("ownership(%q) = %q, want %q", code, got, want)
		}
		inv, err := read("o.json", []byte(`{"Devices": [{"Id": {"Value": 3}, "Ownership": "`+code+`"}], "PageSize": 1}`), inventory.DefaultLimits)
		if err != nil || len(inv.Devices) != 1 || inv.Devices[0].Ownership != want {
			t.Errorf("%q: %+v %v", code, inv, err)
		}
	}
}

func TestPlatform(t *testing.T) {
	for _, c := range []struct{ platform, model, want string }{
		{"Apple", "iPhone 14 (128 GB Midnight)", "ios"},
		{"Apple", "iPad Pro (11-inch)", "ipados"},
		{"Apple", "Apple TV 4K", "tvos"},
		{"AppleTv", "", "tvos"},
		{"AppleWatch", "", "watchos"},
		{"AppleOsX", "MacBook Pro", "macos"},
		{"Android", "Pixel 7", "android"},
		{"AndroidForWork", "", "android"},
		{"WinRT", "Inspiron 5567", "windows"},
		{"WindowsPc", "", "windows"},
		{"", "iPad", ""},
		{"ChromeOS", "", "chromeos"},
	} {
		if got := platform(c.platform, c.model); got != c.want {
			t.Errorf("platform(%q, %q) = %q, want %q", c.platform, c.model, got, c.want)
		}
	}
}

func TestStatus(t *testing.T) {
	for status, want := range map[string]int{
		"Installed": present, "": present, "installed": present, "Pending Removal": present, "PendingRemoval": present,
		"Removed": absent, "NotInstalled": absent, "Not Installed": absent, "Uninstalled": absent,
		"Pending": unsure, "Pending Install": unsure, "Failed": unsure, "Unknown": unsure, "0": unsure,
	} {
		if got := presence(status); got != want {
			t.Errorf("presence(%q) = %d, want %d", status, got, want)
		}
	}
}

func TestFileDevice(t *testing.T) {
	for name, want := range map[string]string{
		"ws1-device-5614-apps-0001.json":                            "5614",
		"/data/mdm/ws1/ws1-device-5614-apps-0002.json":              "5614",
		`C:\mdm\ws1-device-77-apps.json`:                            "",
		"ws1-device-6e0a3c1f-9b1d-4a47-8b3e-5f2c1d0e9a87-apps.json": "6e0a3c1f-9b1d-4a47-8b3e-5f2c1d0e9a87",
		"ws1-device--apps.json":                                     "",
		"ws1-device-12 3-apps.json":                                 "",
		"ws1-devices-0001.json":                                     "",
		"device-5614-apps.json":                                     "",
		"ws1-device-5614.json":                                      "",
	} {
		if got := fileDevice(name); got != want {
			t.Errorf("fileDevice(%q) = %q, want %q", name, got, want)
		}
	}
}

// Sniff takes Workspace ONE's listings by their member names, and an apps
// page by its file name; not other device managers' JSON.
func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name, head string
		want       bool
	}{
		{"x.json", `{"Devices": [], "Page": 0, "PageSize": 500, "Total": 0}`, true},
		{"x.json", "\xef\xbb\xbf{\n \"DeviceApps\": [", true},
		{"x.json", `{"app_items": []}`, true},
		{"x.json", `{"Udid": "a", "SerialNumber": "b", "DeviceFriendlyName": "c"`, true},
		{"ws1-device-5-apps-0001.json", `{"Page": 0`, true},
		{"ws1-device-5-apps-0001.json", `[1]`, false},
		{"x.json", `{"Devices": []}`, false},
		{"x.json", `{"value": [{"deviceName": "x"}]}`, false},
		{"x.json", `{"totalCount": 1, "results": [{"mobileDeviceId": "1"}]}`, false},
		{"x.json", `{"mobile_device": {}}`, false},
		{"x.xml", `<DeviceSearchResult>`, false},
	} {
		if got := (Reader{}).Sniff(c.name, []byte(c.head)); got != c.want {
			t.Errorf("Sniff(%q, %q) = %v", c.name, c.head, got)
		}
	}
}

// A cancelled read stops with the context's error.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	apps := strings.Repeat(`{"ApplicationName": "A", "ApplicationIdentifier": "a.b"},`, 3000)
	_, err := Reader{}.Read(ctx, "a.json", bytes.NewReader([]byte(`{"DeviceId": 1, "DeviceApps": [`+apps+`{}]}`)), inventory.DefaultLimits)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
}

// Apps that name their own device are grouped by it; ids that cannot be
// part of a host name are no ids.
func TestAppDevices(t *testing.T) {
	inv, err := read("ws1-device-9-apps-0001.json", []byte(`{"DeviceApps": [
{"ApplicationName": "A", "ApplicationIdentifier": "a.b", "DeviceId": {"Id": {"Value": 1}}},
{"ApplicationName": "B", "ApplicationIdentifier": "c.d", "Deviceid": 2},
{"ApplicationName": "C", "ApplicationIdentifier": "e.f"},
{"ApplicationName": "D", "ApplicationIdentifier": "g.h", "Deviceid": "x y"}]}
{"DeviceId": "no/id", "DeviceApps": []}
{"Id": {"Value": "1 2"}, "DeviceFriendlyName": "Odd"}`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range inv.Devices {
		got = append(got, d.Host+" "+strconv.Itoa(d.Apps))
	}
	if diff := cmp.Diff([]string{"workspace-one:1 1", "workspace-one:2 1", "workspace-one:9 2"}, got); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	var hosts []string
	for _, it := range inv.Items {
		hosts = append(hosts, it.Name+" "+it.Location.Host)
	}
	if diff := cmp.Diff([]string{"A workspace-one:1", "B workspace-one:2", "C workspace-one:9", "D workspace-one:9"}, hosts); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]unknown{
		{"workspace-one:9", "#2", "", `the document's DeviceId "no/id" is not an id`},
		{"", "#3", "", `the device's Id "1 2" is not an id`},
		{"", "#3", "Odd", "a device record without its Id: no device is recorded"},
		{"workspace-one:9", "/DeviceApps/3", "", `the app's DeviceId "x y" is not an id`},
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}
