package jamf

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// inputError checks that err is an InputError naming source, at a line
// (XML) or an offset (JSON), saying want.
func inputError(t *testing.T, err error, source, want string, line bool) {
	t.Helper()
	var ie *inventory.InputError
	if !errors.As(err, &ie) || ie.Source != source || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want an InputError naming %s saying %q", err, source, want)
	}
	if line && ie.Line < 1 || !line && ie.Offset < 0 {
		t.Errorf("error %v has no position (%+v)", err, ie)
	}
}

// Truncated documents are errors at the place they end, never a partial
// inventory passed off as whole.
func TestTruncated(t *testing.T) {
	for _, c := range []struct {
		r    inventory.Reader
		file string
		line bool
	}{
		{ClassicReader{}, "classic-device.xml", true},
		{ClassicReader{}, "classic-wrapped.xml", true},
		{ClassicReader{}, "classic-device.json", false},
		{ProReader{}, "pro-inventory-page0.json", false},
		{ProReader{}, "pro-detail.json", false},
	} {
		data := fixture(t, c.file)
		for _, cut := range []int{len(data) / 3, len(data) / 2, len(data) - 5} {
			_, err := read(c.r, c.file, data[:cut], inventory.DefaultLimits)
			inputError(t, err, c.file, "truncated", c.line)
		}
	}
}

// Documents that are not records at all are errors naming the input.
func TestNotRecords(t *testing.T) {
	for _, c := range []struct {
		r          inventory.Reader
		data, want string
		line       bool
	}{
		{ClassicReader{}, "", "empty", false},
		{ClassicReader{}, " \r\n\t", "empty", false},
		{ClassicReader{}, "mobile_device", "neither XML nor JSON", false},
		{ClassicReader{}, "<?xml version=\"1.0\"?>\n<computer><general/></computer>", "<computer> is not a Jamf mobile device record", true},
		{ClassicReader{}, "<?xml version=\"1.0\"?>\n", "no <mobile_device> record", false},
		{ClassicReader{}, "<mobile_device><general></mobile_device>", "element <general> closed by </mobile_device>", true},
		{ClassicReader{}, "<mobile_device/>\nstray", "text outside the records", true},
		{ClassicReader{}, "<?xml version=\"1.0\" encoding=\"x-no-such\"?><mobile_device/>", "unknown encoding", true},
		{ClassicReader{}, `{"computer": {}}`, `no "mobile_device" record`, false},
		{ClassicReader{}, `{"mobile_device": {}} [1]`, "a JSON array where an object was expected", false},
		{ClassicReader{}, `{"mobile_device": {"general": {"id": 1,}}}`, "invalid character", false},
		{ProReader{}, ``, "empty", false},
		{ProReader{}, `[]`, "a JSON array where an object was expected", false},
		{ProReader{}, `{}`, "neither a page of mobile devices", false},
		{ProReader{}, `{"computers": [{"id": "1"}]}`, "neither a page of mobile devices", false},
	} {
		_, err := read(c.r, "bad", []byte(c.data), inventory.DefaultLimits)
		inputError(t, err, "bad", c.want, c.line)
	}
}

// Values of the wrong JSON type are unknowns at their place, and the rest
// of the record is read.
func TestWrongTypes(t *testing.T) {
	inv, err := read(ClassicReader{}, "c.json", []byte(`{"mobile_device": {"general": "oops", "applications": "x", "location": {"username": {"a": 1}}}}
{"mobile_device": 7}
{"mobile_devices": {"size": 1, "mobile_device": {"general": {"id": 9}, "applications": [3, {"application_name": ["x"], "identifier": "com.a.b"}]}}}`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]unknown{
		{"", "/mobile_device", "", "general is a JSON string, not an object"},
		{"", "/mobile_device/applications", "", "the app list is a JSON string, not an array"},
		{"", "/mobile_device", "", "location/username is a JSON object, not a value"},
		{"", "/mobile_device", "", "a device record without its Jamf id: no device is recorded"},
		{"", "#2/mobile_device", "", "a device record that is a JSON number, not an object"},
		{"jamf:9", "#3/mobile_devices/mobile_device/applications/0", "", "an app that is a JSON number, not an object"},
		{"jamf:9", "#3/mobile_devices/mobile_device/applications/1", "", "application_name is a JSON array, not a value"},
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]item{{"jamf:9", "com.a.b", "", "com.a.b", "#3/mobile_devices/mobile_device/applications/1", 0}}, items(t, inv)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if len(inv.Devices) != 1 || inv.Devices[0].Apps != 2 {
		t.Errorf("devices %+v", inv.Devices)
	}

	inv, err = read(ProReader{}, "p.json", []byte(`{"totalCount": 3, "results": [7, {"mobileDeviceId": 5, "general": {"displayName": ["x"]}, "hardware": 3, "applications": {"name": "x"}}]}
{"totalCount": 1, "results": "x"}`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]unknown{
		{"", "/results/0", "", "a device record that is a JSON number, not an object"},
		{"jamf:5", "/results/1", "", "general/displayName is a JSON array, not a value"},
		{"jamf:5", "/results/1", "", "hardware is a JSON number, not an object"},
		{"jamf:5", "/results/1/applications", "", "the app list is a JSON object, not an array"},
		{"", "#2/results", "", "a JSON string, not a list of devices"},
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	if len(inv.Devices) != 1 || inv.Devices[0].Apps != -1 || inv.Devices[0].Name != "" {
		t.Errorf("devices %+v", inv.Devices)
	}
}

// A record without a Jamf id gives no device; its apps are items without
// a host, and an unknown says why.
func TestNoID(t *testing.T) {
	inv, err := read(ClassicReader{}, "n.xml", []byte("<mobile_device><general><display_name>Nameless</display_name></general>\n<applications><application><application_name>A</application_name><identifier>a.b</identifier></application></applications></mobile_device>"), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Devices) != 0 || len(inv.Items) != 1 || inv.Items[0].Location.Host != "" {
		t.Fatalf("devices %+v items %+v", inv.Devices, inv.Items)
	}
	if diff := cmp.Diff([]unknown{{"", "mobile_device[1]", "Nameless", "a device record without its Jamf id: no device is recorded, and its 1 apps have no host"}}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}

// Limits: past the item limit the input is refused; a value past the
// string limit makes an unknown of its app, or is left out of its device;
// nesting past the depth limit and input past the byte limit are errors.
func TestLimits(t *testing.T) {
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 24, MaxDepth: 8}
	_, err := read(ClassicReader{}, "d.xml", fixture(t, "classic-device.xml"), lim)
	inputError(t, err, "d.xml", "more than 2 apps (the item limit)", true)
	_, err = read(ProReader{}, "p.json", fixture(t, "pro-inventory-page0.json"), inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 64, MaxDepth: 8})
	inputError(t, err, "p.json", "more than 2 apps (the item limit)", false)

	_, err = read(ClassicReader{}, "l.xml", fixture(t, "classic-list.xml"), inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 64, MaxDepth: 8})
	inputError(t, err, "l.xml", "more than 1 devices (the item limit)", true)

	lim.MaxItems = 10
	inv, err := read(ClassicReader{}, "d.xml", []byte(`<mobile_device><general><id>1</id><display_name>A name much longer than the limit</display_name></general>
<applications><application><application_name>A name much longer than the limit</application_name><identifier>a.b</identifier></application>
<application><application_name>Short</application_name><identifier>c.d</identifier></application></applications></mobile_device>`), lim)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Devices) != 1 || inv.Devices[0].Name != "" || len(inv.Items) != 1 || inv.Items[0].Name != "Short" {
		t.Errorf("devices %+v items %+v", inv.Devices, inv.Items)
	}
	if diff := cmp.Diff([]unknown{
		{"jamf:1", "mobile_device[1]/applications/application[1]", "a.b", "an app with a value longer than 24 bytes"},
		{"jamf:1", "mobile_device[1]", "", "general/display_name of the device is longer than 24 bytes"},
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}

	deep := strings.Repeat("<a>", 10) + strings.Repeat("</a>", 10)
	_, err = read(ClassicReader{}, "d.xml", []byte("<mobile_device><general>"+deep+"</general></mobile_device>"), lim)
	inputError(t, err, "d.xml", "nested deeper than 8", true)
	_, err = read(ProReader{}, "p.json", []byte(`{"results": [{"general": {"x": 1}, "applications": [{}]}]}`), inventory.Limits{MaxBytes: 1 << 20, MaxItems: 9, MaxString: 9, MaxDepth: 3})
	inputError(t, err, "p.json", "nested deeper than 3", false)

	lim.MaxBytes = 100
	_, err = read(ClassicReader{}, "d.xml", fixture(t, "classic-device.xml"), lim)
	inputError(t, err, "d.xml", "size limit", true)
	_, err = read(ProReader{}, "p.json", fixture(t, "pro-detail.json"), lim)
	inputError(t, err, "p.json", "size limit", false)
	if !errors.Is(err, inventory.ErrTooLarge) {
		t.Errorf("%v is not ErrTooLarge", err)
	}
}

// Bytes that are not UTF-8 in a JSON string are read as U+FFFD, and an
// unknown counts them; XML must be in its declared encoding.
func TestInvalidUTF8(t *testing.T) {
	inv, err := read(ProReader{}, "p.json", []byte("{\"id\": \"1\", \"ios\": {\"applications\": [{\"name\": \"We\xffChat\", \"identifier\": \"com.tencent.xin\"}]}}"), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || inv.Items[0].Name != "We\uFFFDChat" || inv.Items[0].Get(inventory.BundleID) != "com.tencent.xin" {
		t.Errorf("items %+v", inv.Items)
	}
	if diff := cmp.Diff([]unknown{{"", "", "", "1 values held bytes that are not UTF-8, read as U+FFFD (the first at byte 46)"}}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
	_, err = read(ClassicReader{}, "c.xml", []byte("<mobile_device><general><id>1</id><name>\xff</name></general></mobile_device>"), inventory.DefaultLimits)
	inputError(t, err, "c.xml", "invalid UTF-8", true)
}

// A cancelled read stops with the context's error.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	apps := strings.Repeat(`{"name": "A", "identifier": "a.b"},`, 3000)
	_, err := ProReader{}.Read(ctx, "p.json", bytes.NewReader([]byte(`{"id": "1", "ios": {"applications": [`+apps+`{}]}}`)), inventory.DefaultLimits)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
	_, err = ClassicReader{}.Read(ctx, "c.xml", bytes.NewReader([]byte("<mobile_device>"+strings.Repeat("<x>1</x>", 3000)+"</mobile_device>")), inventory.DefaultLimits)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
}

// The list endpoint's JSON gives devices without apps; an id that cannot
// be part of a host name is no id.
func TestClassicJSONList(t *testing.T) {
	inv, err := read(ClassicReader{}, "l.json", []byte(`{"mobile_devices": [{"id": 42, "name": "Finance iPad 7", "model": "iPad Air (5th generation)", "username": "alice"}, {"id": "4 2", "name": "Odd"}]}`), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]inventory.ManagedDevice{{Host: "jamf:42", MDM: "jamf", ID: "42", Name: "Finance iPad 7", Platform: inventory.PlatformIPadOS,
		Model: "iPad Air (5th generation)", User: "alice", Apps: -1, Location: inventory.Location{Source: "l.json", Ref: "/mobile_devices/0", Offset: 20}}}, inv.Devices); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]unknown{
		{"", "/mobile_devices/1", "", `the device's Jamf id "4 2" is not an id`},
		{"", "/mobile_devices/1", "Odd", "a device record without its Jamf id: no device is recorded"},
	}, unknowns(inv)); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}
