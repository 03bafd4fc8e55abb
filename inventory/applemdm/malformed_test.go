package applemdm

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// plistOf wraps the body of a top dictionary in a property list.
func plistOf(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>` + body + `</dict></plist>`)
}

// Entries of the wrong type, with invalid identifiers or with nothing to
// name them by are unknowns at their place in the list; the others are
// read. An invalid identifier is never an attribute: its app is kept by
// its name alone.
func TestReadMalformedEntries(t *testing.T) {
	inv, err := read(t, "malformed.plist", fixture(t, "malformed.plist"), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []item{
		{"Path Trick", "1.0", "", "ios", "/InstalledApplicationList/2", iphone, 0},
		{"Fine App", "", "com.example.fine", "ios", "/InstalledApplicationList/6", iphone, 0},
	}
	if diff := cmp.Diff(want, items(t, inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	type u struct{ Ref, Name, Reason string }
	var got []u
	for _, x := range inv.Unknowns {
		got = append(got, u{x.Location.Ref, x.Name, x.Reason})
		if x.Location.Host != iphone || x.Location.Source != "malformed.plist" {
			t.Errorf("unknown location %+v", x.Location)
		}
	}
	wantU := []u{
		{"/InstalledApplicationList/0", "com.tencent.xin", "app not read: Name is an integer, not a string"},
		{"/InstalledApplicationList/1", "", "app entry is a string, not a dictionary"},
		{"/InstalledApplicationList/2", "com.evil/../../etc", `Identifier "com.evil/../../etc" is not a bundle identifier (letters, digits, '.' and '-')`},
		{"/InstalledApplicationList/3", "bad id with spaces", `Identifier "bad id with spaces" is not a bundle identifier (letters, digits, '.' and '-')`},
		{"/InstalledApplicationList/4", "", "app entry with neither an Identifier nor a Name"},
		{"/InstalledApplicationList/5", "Good App", "app not read: ShortVersion is a real, not a string"},
	}
	if diff := cmp.Diff(wantU, got); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	if len(inv.Devices) != 1 || inv.Devices[0].Apps != 7 {
		t.Errorf("devices %+v, want one listing 7 entries", inv.Devices)
	}
}

// Inputs that hold no readable response are refused with an InputError
// naming the input; a truncated XML list says where it stops.
func TestReadRefused(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		says string
	}{
		"truncated":      {fixture(t, "truncated.plist"), "XML syntax error"},
		"empty":          {nil, "empty document"},
		"blank":          {[]byte(" \n\t"), "empty document"},
		"garbage":        {[]byte("<plist><dict><key>A</key></dict></plist>"), "missing value"},
		"bad binary":     {[]byte("bplist00\x00\x01\x02"), "binary property list"},
		"a string":       {[]byte(`<plist version="1.0"><string>hello</string></plist>`), "is a string, not a command response"},
		"empty array":    {[]byte(`<plist version="1.0"><array/></plist>`), "empty array"},
		"other command":  {plistOf(`<key>ProfileList</key><array/><key>Status</key><string>Acknowledged</string><key>UDID</key><string>U1</string>`), "1 responses to other commands"},
		"idle":           {plistOf(`<key>Status</key><string>Idle</string><key>UDID</key><string>U1</string>`), "1 responses to other commands"},
		"list not array": {plistOf(`<key>InstalledApplicationList</key><dict/><key>UDID</key><string>U1</string>`), "InstalledApplicationList is a dictionary, not an array"},
		"query not dict": {plistOf(`<key>QueryResponses</key><array/><key>UDID</key><string>U1</string>`), "QueryResponses is an array, not a dictionary"},
		"info no id":     {plistOf(`<key>QueryResponses</key><dict><key>DeviceName</key><string>X</string></dict><key>Status</key><string>Acknowledged</string>`), "neither a UDID nor an EnrollmentID"},
		"UDID integer":   {plistOf(`<key>InstalledApplicationList</key><array/><key>UDID</key><integer>7</integer>`), "UDID is an integer, not a string"},
		"not now":        {plistOf(`<key>Status</key><string>NotNow</string><key>UDID</key><string>U1</string>`), "answered NotNow"},
		"deep":           {plistOf(`<key>InstalledApplicationList</key>` + strings.Repeat("<array>", 70) + strings.Repeat("</array>", 70)), "nested deeper than 64"},
	} {
		t.Run(name, func(t *testing.T) {
			inv, err := read(t, "r.plist", c.data, inventory.DefaultLimits)
			ie, ok := errors.AsType[*inventory.InputError](err)
			if !ok || ie.Source != "r.plist" {
				t.Fatalf("%+v %v, want an InputError naming the input", inv, err)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("%q does not say %q", err, c.says)
			}
		})
	}
	_, err := read(t, "t.plist", fixture(t, "truncated.plist"), inventory.DefaultLimits)
	if ie, _ := errors.AsType[*inventory.InputError](err); ie == nil || ie.Line < 40 {
		t.Errorf("truncated: %v, want the line where the XML stops", err)
	}
}

// A status other than Acknowledged beside a list: the list is read, and
// an unknown says the device reported a problem.
func TestErrorWithList(t *testing.T) {
	inv, err := read(t, "r.plist", plistOf(`<key>ErrorChain</key><array><dict><key>LocalizedDescription</key><string>partial</string></dict></array>
<key>InstalledApplicationList</key><array><dict><key>Identifier</key><string>com.tencent.xin</string></dict></array>
<key>Status</key><string>Error</string><key>UDID</key><string>U1</string>`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || len(inv.Unknowns) != 1 || !strings.Contains(inv.Unknowns[0].Reason, "answered Error") ||
		!strings.Contains(inv.Unknowns[0].Reason, "partial") || inv.Unknowns[0].Location.Host != "apple-mdm:U1" {
		t.Errorf("%+v", inv)
	}
}

// Limits: a value past the string limit makes its app an unknown, a
// device id past it the response; past the item limit the input is
// refused.
func TestReadLimits(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 26, MaxDepth: 16}
	inv, err := read(t, "i.plist", fixture(t, "installed-ios.plist"), lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 3 || len(inv.Unknowns) != 1 || inv.Unknowns[0].Location.Ref != "/InstalledApplicationList/3" ||
		!strings.Contains(inv.Unknowns[0].Reason, "longer than 26") {
		t.Errorf("string limit: %d items, unknowns %+v", len(inv.Items), inv.Unknowns)
	}
	lim.MaxString = 20
	if _, err := read(t, "i.plist", fixture(t, "installed-ios.plist"), lim); err == nil || !strings.Contains(err.Error(), "UDID longer than 20 bytes") {
		t.Errorf("string limit on the device id: %v", err)
	}
	lim.MaxString, lim.MaxItems = 100, 2
	if _, err := read(t, "i.plist", fixture(t, "installed-ios.plist"), lim); err == nil || !strings.Contains(err.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}
	lim.MaxItems, lim.MaxBytes = 100, 100
	if _, err := read(t, "i.plist", fixture(t, "installed-ios.plist"), lim); !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("size limit: %v", err)
	}
}

// Sniff takes command responses and webhook events by their keys, not
// other property lists or JSON.
func TestSniff(t *testing.T) {
	for head, want := range map[string]bool{
		string(fixture(t, "installed-ios.plist")[:300]):                          true,
		"\xef\xbb\xbf" + string(fixture(t, "export-array.plist")[:300]):          true,
		`<plist version="1.0"><dict><key>QueryResponses</key>`:                   true,
		"bplist00\xd3\x01\x02\x03_\x10\x18InstalledApplicationList":              true,
		`{"acknowledge_event":{"command_uuid":"x"`:                               true,
		`{"topic":"mdm.Connect","event_id":"x"`:                                  true,
		`<plist version="1.0"><dict><key>CFBundleIdentifier</key>`:               false,
		"bplist00\xd1\x01\x02_\x10\x12CFBundleIdentifier":                        false,
		`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5">`: false,
		`{"devices":[{"name":"enterprises/LC01/devices/3a7f"}]}`:                 false,
		`{"topic":"orders.created"}`:                                             false,
		"":                                                                       false,
	} {
		if got := (Reader{}).Sniff("x", []byte(head)); got != want {
			t.Errorf("Sniff(%.60q) = %v, want %v", head, got, want)
		}
	}
}

// laughs is a binary property list of depth arrays, each holding width
// references to the next, down to one string: small, and decoding to
// width^depth values.
func laughs(depth, width int) []byte {
	b := []byte("bplist00")
	var offs []int
	for i := range depth {
		offs = append(offs, len(b))
		b = append(b, byte(0xA0|width))
		for range width {
			b = append(b, byte(i+1))
		}
	}
	offs = append(offs, len(b))
	b = append(b, 0x51, 'x')
	table := len(b)
	for _, o := range offs {
		b = append(b, byte(o))
	}
	tr := make([]byte, 32)
	tr[6], tr[7] = 1, 1
	tr[15] = byte(len(offs))
	tr[31] = byte(table)
	return append(b, tr...)
}

// A binary property list whose containers are shared many times over
// is refused before it is decoded, as a file and as a webhook payload;
// one that shares only a little is read.
func TestSharedContainers(t *testing.T) {
	start := time.Now()
	_, err := read(t, "l.plist", laughs(40, 2), inventory.DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "containers shared many times over") {
		t.Errorf("%v, want the expansion refused", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	ev := `{"topic":"mdm.Connect","acknowledge_event":{"udid":"U1","status":"Acknowledged","raw_payload":"` +
		base64.StdEncoding.EncodeToString(laughs(40, 2)) + `"}}` + "\n"
	_, err = read(t, "e.json", []byte(ev), inventory.DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "containers shared many times over") {
		t.Errorf("webhook: %v, want the expansion refused", err)
	}
	self := append([]byte("bplist00\xa1\x00\x08"), make([]byte, 32)...)
	self[len(self)-32+6], self[len(self)-32+7], self[len(self)-32+15], self[len(self)-1] = 1, 1, 1, 10
	if _, err := read(t, "c.plist", self, inventory.DefaultLimits); err == nil || !strings.Contains(err.Error(), "contains itself") {
		t.Errorf("cycle: %v", err)
	}
	// 2^3 values below the top: within the bound, and read as an array
	// of arrays (not responses).
	_, err = read(t, "s.plist", laughs(3, 2), inventory.DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "an array, not a command response dictionary") {
		t.Errorf("small sharing: %v", err)
	}
}

// A byte-order mark and Windows line ends, as tools on Windows save
// files, change nothing.
func TestBOM(t *testing.T) {
	bom := []byte("\xef\xbb\xbf")
	for name, c := range map[string]struct {
		data []byte
		want []item
	}{
		"x.plist": {append(bom, bytes.ReplaceAll(fixture(t, "installed-ios.plist"), []byte("\n"), []byte("\r\n"))...), iosApps},
		"x.json":  {append(bom, bytes.ReplaceAll(fixture(t, "webhook-event.json"), []byte("\n"), []byte("\r\n"))...), at("", 1)},
	} {
		inv, err := read(t, name, c.data, inventory.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(c.want, items(t, inv)); diff != "" {
			t.Errorf("%s: items (-want +got):\n%s", name, diff)
		}
	}
}

// An app list that names no device (a response saved without its
// envelope) gives its apps on no host and no device record.
func TestNoDeviceID(t *testing.T) {
	inv, err := read(t, "r.plist", plistOf(`<key>InstalledApplicationList</key><array><dict><key>Identifier</key><string>com.tencent.xin</string><key>Name</key><string>WeChat</string></dict></array>`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []item{{"WeChat", "", "com.tencent.xin", "ios", "/InstalledApplicationList/0", "", 0}}
	if diff := cmp.Diff(want, items(t, inv)); diff != "" || len(inv.Devices) != 0 || len(inv.Unknowns) != 0 {
		t.Errorf("items (-want +got):\n%s\ndevices %+v unknowns %+v", diff, inv.Devices, inv.Unknowns)
	}
}
