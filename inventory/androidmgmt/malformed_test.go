package androidmgmt

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// Values of the wrong type, invalid package names and digests are
// unknowns at their line; the rest of the device and its other apps are
// read. An invalid package name is never an attribute: its app is kept
// by its display name alone.
func TestReadMalformed(t *testing.T) {
	inv, err := read(t, "malformed.json", fixture(t, "malformed.json"), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	bad := host("enterprises/LC01abcd23/devices/badbadbadbad0001")
	want := []item{
		{"Bad Package", "1.0", "", "/devices/1/applicationReports/2", 20, bad, ""},
		{"com.example.fp", "", "com.example.fp", "/devices/1/applicationReports/6", 37, bad, ""},
		{"com.example.ok", "77", "com.example.ok", "/devices/1/applicationReports/7", 45, bad, ""},
		{"com.example.orphan", "2", "com.example.orphan", "/devices/2/applicationReports/0", 60, "", ""},
	}
	if diff := cmp.Diff(want, items(t, inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	type u struct {
		Ref    string
		Line   int
		Name   string
		Reason string
	}
	var got []u
	for _, x := range inv.Unknowns {
		got = append(got, u{x.Location.Ref, x.Location.Line, x.Name, x.Reason})
	}
	wantU := []u{
		{"/devices/0", 3, "", "a string, not a Device"},
		{"/devices/1", 6, "", "ownership is a number, not a string, left out"},
		{"/devices/1", 11, "", "hardwareInfo.serialNumber is a number, not a string, left out"},
		{"/devices/1", 13, "", "softwareInfo is a string, not an object"},
		{"/devices/1/applicationReports/0", 16, "Number Name", "application report not read: packageName is a number, not a string"},
		{"/devices/1/applicationReports/1", 19, "", "application report is a string, not an object"},
		{"/devices/1/applicationReports/2", 20, "com..bad", `packageName "com..bad" is not an Android package name`},
		{"/devices/1/applicationReports/3", 25, "com/evil/path", `packageName "com/evil/path" is not an Android package name`},
		{"/devices/1/applicationReports/4", 29, "com.example.code", `application report not read: versionCode is "12a", not an integer`},
		{"/devices/1/applicationReports/5", 33, "", "application report with neither a packageName nor a displayName"},
		{"/devices/1/applicationReports/6", 37, "com.example.fp", `signingKeyCertFingerprints[0] "not-hex" is not a 20-byte digest in hexadecimal`},
		{"/devices/1/applicationReports/6", 37, "com.example.fp", `packageSha256Hash "abcd" is not a 32-byte digest in hexadecimal`},
		{"/devices/1/applicationReports/6", 37, "com.example.fp", `installerPackageName "store app" is not an Android package name`},
		{"/devices/2", 57, "", "Device without a name (enterprises/{enterpriseId}/devices/{deviceId}): its apps are read without a device"},
		{"/devices/3", 68, "", "applicationReports is an object, not an array"},
	}
	if diff := cmp.Diff(wantU, got); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	want1 := dev("enterprises/LC01abcd23/devices/badbadbadbad0001", inventory.ManagedDevice{Manufacturer: "OPPO", Model: "CPH2207", Apps: 8})
	want2 := dev("enterprises/LC01abcd23/devices/badbadbadbad0002", inventory.ManagedDevice{Apps: -1})
	if diff := cmp.Diff([]device{{want1, "/devices/1", 4}, {want2, "/devices/3", 66}}, devices(inv)); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
}

// A log of one page a line keeps its lines when one is broken or cut
// off; values that are neither pages nor devices are unknowns.
func TestReadNDJSONMalformed(t *testing.T) {
	log := strings.Join([]string{
		`{"devices":[{"name":"enterprises/E/devices/D1","applicationReports":[{"packageName":"com.tencent.mm"}]}]}`,
		`{"devices":[{"name":"enterprises/E/devices/D2",`,
		`"just a string"`,
		`{"kind":"androidmanagement#somethingElse"}`,
		`{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}`,
		`{"devices":[{"name":"enterprises/E/devices/D3","applicationReports":[{"packageName":"com.zhiliaoapp.musically"}]}]}`,
		`{"devices":[{"name":"enterprises/E/devi`,
	}, "\n")
	inv, err := read(t, "d.ndjson", []byte(log), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []item{
		{"com.tencent.mm", "", "com.tencent.mm", "/devices/0/applicationReports/0", 1, host("enterprises/E/devices/D1"), ""},
		{"com.zhiliaoapp.musically", "", "com.zhiliaoapp.musically", "/devices/0/applicationReports/0", 6, host("enterprises/E/devices/D3"), ""},
	}
	if diff := cmp.Diff(want, items(t, inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	var lines []int
	for _, u := range inv.Unknowns {
		lines = append(lines, u.Location.Line)
	}
	if diff := cmp.Diff([]int{2, 3, 4, 5, 7}, lines); diff != "" {
		t.Errorf("unknown lines (-want +got):\n%s", diff)
	}
	if r := inv.Unknowns[3].Reason; !strings.Contains(r, "429 RESOURCE_EXHAUSTED: Quota exceeded") {
		t.Errorf("API error: %q", r)
	}
}

// Inputs with no page or device are refused with an InputError naming
// the input and where; a truncated page says where it stops.
func TestReadRefused(t *testing.T) {
	for name, c := range map[string]struct {
		data string
		says string
		line int
	}{
		"truncated":  {string(fixture(t, "truncated.json")), "unexpected EOF", 77},
		"empty":      {"", "empty document", 0},
		"blank":      {" \r\n ", "empty document", 0},
		"not JSON":   {"devices: none", "invalid character", 1},
		"api error":  {string(fixture(t, "api-error.json")), "403 PERMISSION_DENIED: The caller does not have permission", 1},
		"a string":   {`"enterprises/E/devices/D"`, "a string, not a devices.list page or a Device", 1},
		"other":      {`{"kind":"x"}`, "none of the keys of a Device", 1},
		"trailing":   {`{"devices":[]} x`, "invalid character", 1},
		"duplicate":  {`{"name":"enterprises/E/devices/D","name":"enterprises/E/devices/F"}`, "duplicate", 1},
		"bad UTF-8":  {"{\"devices\":[{\"name\":\"\xff\"}]}", "invalid UTF-8", 1},
		"deep":       {strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70), "nested deeper than 64", 1},
		"array item": {`[{"devices":[]}, {"devices":[{"name":`, "unexpected EOF", 1},
	} {
		t.Run(name, func(t *testing.T) {
			inv, err := read(t, "d.json", []byte(c.data), inventory.DefaultLimits)
			ie, ok := errors.AsType[*inventory.InputError](err)
			if !ok || ie.Source != "d.json" {
				t.Fatalf("%+v %v, want an InputError naming the input", inv, err)
			}
			if !strings.Contains(err.Error(), c.says) || ie.Line != c.line {
				t.Errorf("%q (line %d), want %q at line %d", err, ie.Line, c.says, c.line)
			}
		})
	}
}

// Limits: a value past the string limit is an unknown for its app or is
// left out of its device; past the item limit the input is refused.
func TestReadLimits(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 49, MaxDepth: 16}
	inv, err := read(t, "p.json", fixture(t, "devices-page.json"), lim)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, u := range inv.Unknowns {
		reasons = append(reasons, u.Reason)
	}
	// WeChat's APK digest (64 hex digits) and the users' names (50 bytes)
	// are over the limit of 49 bytes.
	want := []string{
		"userName is longer than 49 bytes, left out",
		"package_sha256 longer than 49 bytes",
		"userName is longer than 49 bytes, left out",
	}
	if len(inv.Items) != 5 || !cmp.Equal(want, reasons[:min(3, len(reasons))]) || inv.Devices[0].User != "" {
		t.Errorf("string limit: %d items, unknowns %q", len(inv.Items), reasons)
	}
	lim.MaxString, lim.MaxItems = 1000, 3
	if _, err := read(t, "p.json", fixture(t, "devices-page.json"), lim); err == nil || !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
	lim.MaxItems, lim.MaxBytes = 1000, 100
	if _, err := read(t, "p.json", fixture(t, "devices-page.json"), lim); !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("size limit: %v", err)
	}
}

// A byte-order mark and Windows line ends change nothing but the bytes.
func TestCRLF(t *testing.T) {
	data := append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(fixture(t, "devices.ndjson"), []byte("\n"), []byte("\r\n"))...)
	inv, err := read(t, "d.ndjson", data, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{copeApp("/devices/0/applicationReports/0", 1)}, items(t, inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]device{{copeDevice, "/devices/0", 1}, {xiaomiDevice, "/devices/0", 2}}, devices(inv)); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
}
