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
	"github.com/embargo-dev/embargo/inventory/intune/tenantgen"
)

// readDoc reads a document with GraphReader, and checks that reading it
// without the fast path for apps gives the same.
func readDoc(t *testing.T, name, doc string) (*inventory.Inventory, error) {
	t.Helper()
	inv, err := GraphReader{}.Read(context.Background(), name, strings.NewReader(doc), inventory.DefaultLimits)
	slow, slowErr := readGraph(context.Background(), name, strings.NewReader(doc), inventory.DefaultLimits, true)
	if diff := cmp.Diff(slow, inv); diff != "" || (err == nil) != (slowErr == nil) {
		t.Errorf("%s: the fast path reads otherwise (-slow +fast):\n%s\n%v\n%v", name, diff, slowErr, err)
	}
	return inv, err
}

func testdata(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A device's record and its apps, read from two files, meet on the
// device's host: merged, the device says it is corporate with three
// apps listed, and each app is on it.
func TestGraphJoin(t *testing.T) {
	devices, err := readDoc(t, "devices.json", testdata(t, "managedDevices-page1.json"))
	if err != nil {
		t.Fatal(err)
	}
	apps, err := readDoc(t, "apps.json", testdata(t, "detectedApps-device.json"))
	if err != nil {
		t.Fatal(err)
	}
	merged := inventory.MergeDevices(append(append([]inventory.ManagedDevice(nil), devices.Devices...), apps.Devices...))
	if len(merged) != 2 {
		t.Fatalf("%d devices after merging, want 2: %+v", len(merged), merged)
	}
	d := merged[0]
	if d.Host != hostAlice || d.Apps != 3 || d.Ownership != inventory.Corporate || d.Name != "Alice's iPhone" || d.Location.Source != "devices.json" {
		t.Errorf("merged device %+v", d)
	}
	for _, it := range apps.Items {
		if it.Location.Host != d.Host {
			t.Errorf("item %s on %q, not on %q", it.Name, it.Location.Host, d.Host)
		}
	}
	if merged[1].Host != hostBob || merged[1].Apps != -1 {
		t.Errorf("device without apps %+v", merged[1])
	}
}

// Paging: a page that links to a next page is incomplete on its own;
// followed in the same document by the next page of its collection it
// is not; followed by a page of another collection it is. The last page
// has no link.
func TestGraphPaging(t *testing.T) {
	page1 := strings.ReplaceAll(testdata(t, "managedDevices-page1.json"), "\n", "")
	page2 := strings.TrimSpace(testdata(t, "managedDevices-page2.json"))
	apps := strings.ReplaceAll(testdata(t, "detectedApps-device.json"), "\n", "")
	for _, c := range []struct {
		name, doc string
		devices   int
		unknowns  []string // refs
	}{
		{"first page alone", page1, 2, []string{"/@odata.nextLink"}},
		{"last page alone", page2, 2, nil},
		{"both pages, one a line", page1 + "\n" + page2 + "\n", 4, nil},
		{"both pages in an array", "[" + page1 + "," + page2 + "]", 4, nil},
		{"a page then another collection", page1 + "\n" + apps, 2, []string{"/@odata.nextLink"}},
		{"the pages out of order", page2 + "\n" + page1, 4, []string{"/@odata.nextLink"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			inv, err := readDoc(t, "pages.json", c.doc)
			if err != nil {
				t.Fatal(err)
			}
			var refs []string
			for _, u := range inv.Unknowns {
				refs = append(refs, u.Location.Ref)
				if !strings.Contains(u.Reason, "incomplete") || !strings.Contains(u.Reason, "skiptoken") {
					t.Errorf("reason %q", u.Reason)
				}
			}
			if diff := cmp.Diff(c.unknowns, refs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("unknowns (-want +got):\n%s", diff)
			}
			if len(inv.Devices) != c.devices {
				t.Errorf("%d devices, want %d", len(inv.Devices), c.devices)
			}
		})
	}
}

// A page's context may come after its value: its apps still go on the
// device it names.
func TestGraphLateContext(t *testing.T) {
	doc := `{"value":[{"displayName":"WeChat","version":"8.0.49","platform":"ios"}],` +
		`"@odata.context":"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices('3F1C2A70-9D1E-4C4B-A1E3-5B7B9F0C1D22')/detectedApps"}`
	inv, err := readDoc(t, "late.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || inv.Items[0].Location.Host != hostAlice || inv.Items[0].Location.Ref != "/value/0" {
		t.Errorf("items %+v", inv.Items)
	}
	if len(inv.Devices) != 1 || inv.Devices[0].Host != hostAlice || inv.Devices[0].Apps != 1 {
		t.Errorf("devices %+v", inv.Devices)
	}
}

// Escapes in names and values are read as what they stand for; what is
// not a detectedApp's property in an app ("detectedApps", "value") is
// skipped and does not disturb its strings.
func TestGraphEscapesAndNesting(t *testing.T) {
	doc := `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/detectedApps","value":[` +
		`{"display\u004eame":"\u5fae\u4fe1 \"WeChat\"","version":"8.0","deviceCount":2,"publisher":"Tencent"},` +
		`{"displayName":"Outer","detectedApps":[{"displayName":"Inner app with a long name","version":"9.9.9"}],"version":"1.2","publisher":"P","platform":"macOS"}]}`
	inv, err := readDoc(t, "escapes.json", doc)
	if err != nil {
		t.Fatal(err)
	}
	apps, _, unknowns := views(inv)
	want := []gotApp{
		{"微信 \"WeChat\"", "8.0", "", "Tencent", "/value/0 (tenant-wide, 2 devices)", "", 1},
		{"Outer", "1.2", "macos", "P", "/value/1 (tenant-wide)", "", 1},
	}
	if diff := cmp.Diff(want, apps); diff != "" {
		t.Errorf("apps (-want +got):\n%s", diff)
	}
	if len(unknowns) != 0 {
		t.Errorf("unknowns %+v", unknowns)
	}
}

// Each owner type maps to an ownership and an app scope; ownerType
// (beta) is read when managedDeviceOwnerType does not say.
func TestGraphOwnership(t *testing.T) {
	for _, c := range []struct {
		props string
		own   inventory.Ownership
		scope inventory.Scope
	}{
		{`"managedDeviceOwnerType":"company"`, inventory.Corporate, inventory.ScopeAll},
		{`"managedDeviceOwnerType":"personal"`, inventory.Personal, inventory.ScopeManaged},
		{`"managedDeviceOwnerType":"unknown"`, inventory.OwnershipUnknown, inventory.ScopeAll},
		{`"managedDeviceOwnerType":"Personal"`, inventory.Personal, inventory.ScopeManaged},
		{`"managedDeviceOwnerType":"unknownFutureValue"`, inventory.OwnershipUnknown, inventory.ScopeAll},
		{`"managedDeviceOwnerType":null`, inventory.OwnershipUnknown, inventory.ScopeAll},
		{`"managedDeviceOwnerType":"unknown","ownerType":"company"`, inventory.Corporate, inventory.ScopeAll},
		{`"ownerType":"personal"`, inventory.Personal, inventory.ScopeManaged},
		{`"managedDeviceOwnerType":"company","ownerType":"personal"`, inventory.Corporate, inventory.ScopeAll},
	} {
		inv, err := readDoc(t, "owner.json", `[{"id":"x1","deviceName":"d",`+c.props+`}]`)
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Devices) != 1 || inv.Devices[0].Ownership != c.own || inv.Devices[0].Scope != c.scope {
			t.Errorf("%s: %+v, want %q %q", c.props, inv.Devices, c.own, c.scope)
		}
	}
}

// A truncated document is an error at the cut, even when whole
// resources came before it.
func TestGraphTruncated(t *testing.T) {
	whole := testdata(t, "detectedApps-device.json")
	cut := strings.Index(whole, `"Microsoft Outlook"`) // after the first app
	wide := testdata(t, "detectedApps-device-utf16le.json")
	for name, doc := range map[string]string{
		"in the second app": testdata(t, "truncated.json"),
		"after an app":      whole[:cut],
		"before the end":    strings.TrimSpace(whole)[:len(strings.TrimSpace(whole))-1],
		"UTF-16":            wide[:len(wide)/2],
	} {
		_, err := readDoc(t, "cut.json", doc)
		ie := inputError(t, name, err, "cut.json")
		if ie == nil {
			continue
		}
		if ie.Line < 2 || !strings.Contains(ie.Error(), "ends early") {
			t.Errorf("%s: %v (line %d)", name, ie, ie.Line)
		}
		if (name == "UTF-16") != (ie.Offset < 0) {
			t.Errorf("%s: offset %d", name, ie.Offset)
		}
	}
}

// UTF-16 in either byte order and UTF-8 with a byte order mark read as
// the UTF-8 document does.
func TestGraphEncodings(t *testing.T) {
	plain := testdata(t, "detectedApps-device.json")
	be := []byte{0xfe, 0xff}
	for _, r := range plain {
		be = append(be, byte(r>>8), byte(r))
	}
	want, err := readDoc(t, "x.json", plain)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{"UTF-16BE": string(be), "UTF-8 BOM": "\xef\xbb\xbf" + plain, "UTF-16LE": testdata(t, "detectedApps-device-utf16le.json")} {
		if !(GraphReader{}).Sniff("x.json", []byte(doc)[:min(len(doc), 1000)]) {
			t.Errorf("%s: not recognised", name)
		}
		got, err := readDoc(t, "x.json", doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-UTF-8 +got):\n%s", name, diff)
		}
	}
}

func inputError(t *testing.T, what string, err error, source string) *inventory.InputError {
	t.Helper()
	ie, ok := err.(*inventory.InputError)
	if !ok || ie.Source != source || ie.Line <= 0 && ie.Offset < 0 {
		t.Errorf("%s: %v, want an InputError naming %s and a position", what, err, source)
		return nil
	}
	return ie
}

// Documents that are not Graph pages or resources are errors naming the
// input; an empty list is an empty inventory.
func TestGraphNotGraph(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":        "",
		"blank":        " \r\n\t",
		"a number":     "5",
		"an object":    "{}",
		"not JSON":     "managedDevices,detectedApps\n",
		"an error":     testdata(t, "graph-error.json"),
		"users":        `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[{"id":"u1","displayName":"Adele"}]}`,
		"strings":      `["a","b"]`,
		"two values":   `{"value":[]} x`,
		"bad escape":   `{"value":[{"displayName":"\x"}]}`,
		"invalid utf8": "{\"value\":[{\"displayName\":\"\xff\"}]}",
	} {
		inv, err := readDoc(t, "doc.json", doc)
		if err == nil {
			t.Errorf("%s: read as %+v", name, inv)
			continue
		}
		inputError(t, name, err, "doc.json")
	}
	inv, err := readDoc(t, "doc.json", "[]")
	if err != nil || len(inv.Items)+len(inv.Devices)+len(inv.Unknowns) != 0 {
		t.Errorf("an empty list: %+v %v", inv, err)
	}
	_, err = readDoc(t, "doc.json", testdata(t, "graph-error.json"))
	if err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("a Graph error: %v", err)
	}
}

// Limits: past the item limit or the nesting limit the document is
// refused, past the size limit too; a value past the string limit makes
// its resource an unknown; a cancelled context stops reading.
func TestGraphLimits(t *testing.T) {
	doc := testdata(t, "detectedApps-device.json")
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 64, MaxDepth: 8}
	_, err := GraphReader{}.Read(context.Background(), "x.json", strings.NewReader(doc), lim)
	if ie := inputError(t, "items", err, "x.json"); ie != nil && !strings.Contains(ie.Error(), "item limit") {
		t.Errorf("item limit: %v", err)
	}

	lim = inventory.Limits{MaxBytes: 1 << 20, MaxItems: 10, MaxString: 12, MaxDepth: 8}
	inv, err := GraphReader{}.Read(context.Background(), "x.json", strings.NewReader(doc), lim)
	if err != nil || len(inv.Items) != 2 || len(inv.Unknowns) != 1 || inv.Unknowns[0].Location.Ref != "/value/1/displayName" ||
		!strings.Contains(inv.Unknowns[0].Reason, "longer than 12") {
		t.Errorf("string limit: %+v %v", inv, err)
	}

	deep := `{"value":[{"displayName":"a","x":` + strings.Repeat("[", 10) + strings.Repeat("]", 10) + `}]}`
	_, err = GraphReader{}.Read(context.Background(), "x.json", strings.NewReader(deep), lim)
	if ie := inputError(t, "depth", err, "x.json"); ie != nil && !strings.Contains(ie.Error(), "deeper") {
		t.Errorf("depth limit: %v", err)
	}

	lim.MaxBytes = 100
	_, err = GraphReader{}.Read(context.Background(), "x.json", strings.NewReader(doc), lim)
	if ie := inputError(t, "size", err, "x.json"); ie != nil && !strings.Contains(ie.Error(), "size limit") {
		t.Errorf("size limit: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var big bytes.Buffer
	if err := tenantgen.GenerateTenant(1, 150, 1, func(name string, data []byte) error {
		if strings.HasPrefix(name, "detectedApps-") {
			big.Write(data)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := (GraphReader{}).Read(ctx, "x.json", bytes.NewReader(bytes.Repeat(big.Bytes(), 20)), inventory.DefaultLimits); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
}
