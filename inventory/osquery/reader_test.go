package osquery

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// row is the part of an item a test states.
type itemRow struct {
	Type    inventory.Type
	Eco     string
	Name    string
	Version string
	Host    string
	Ref     string
	Line    int
	Attrs   []inventory.Attr
}

// gap is the part of an unknown a test states; Reason is a prefix.
type gap struct {
	Line   int
	Host   string
	Reason string
}

func attrs(kv ...string) []inventory.Attr {
	var out []inventory.Attr
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, inventory.Attr{Field: inventory.Field(kv[i]), Value: kv[i+1]})
	}
	return out
}

func readString(t *testing.T, input string, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), "osqueryd.results.log", strings.NewReader(input), lim)
}

func readFile(t *testing.T, path string) *inventory.Inventory {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := Reader{}.Read(context.Background(), path, f, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func summarise(t *testing.T, inv *inventory.Inventory) ([]itemRow, []gap) {
	t.Helper()
	var items []itemRow
	for i, it := range inv.Items {
		if it.ID == "" || it.Index != i || it.Location.Source != inv.Source || it.Location.Reader != "osquery" {
			t.Errorf("item %d: id %q index %d location %+v", i, it.ID, it.Index, it.Location)
		}
		items = append(items, itemRow{it.Type, it.Ecosystem, it.Name, it.Version, it.Location.Host, it.Location.Ref, it.Location.Line, it.Attrs})
	}
	var gaps []gap
	for _, u := range inv.Unknowns {
		if u.Location.Source != inv.Source {
			t.Errorf("unknown %+v: source is not %q", u, inv.Source)
		}
		gaps = append(gaps, gap{u.Location.Line, u.Location.Host, u.Reason})
	}
	return items, gaps
}

var reasonPrefix = cmp.Comparer(func(a, b gap) bool {
	return a.Line == b.Line && a.Host == b.Host && (strings.HasPrefix(a.Reason, b.Reason) || strings.HasPrefix(b.Reason, a.Reason))
})

var (
	kes = attrs("publisher", "AO Kaspersky Lab", "path", `C:\Program Files (x86)\Kaspersky Lab\KES.12.3.0\`)
	gc  = attrs("publisher", "Google LLC", "path", `C:\Program Files\Google\Chrome\Application`)
	wsp = attrs("path", `C:\Program Files (x86)\Kaspersky Lab\KES.12.3.0\avp.exe`)
	rpm = attrs("supplier", "AO Kaspersky Lab")
)

const (
	kesName = "Kaspersky Endpoint Security for Windows"
	app     = inventory.Application
)

func TestReadFixtures(t *testing.T) {
	tests := []struct {
		file     string
		items    []itemRow
		unknowns []gap
	}{{
		file: "results.log",
		items: []itemRow{
			{app, "windows", kesName, "12.3.0.493", "win-01", "pack_software_programs added", 1, kes},
			{app, "windows", "Google Chrome", "119.0.6045.160", "win-01", "pack_software_programs added", 2, gc},
			// line 3 added Kaspersky VPN, line 5 removed it
			{app, "windows", kesName, "", "win-01", "security_products added", 6, wsp},
			{inventory.Package, "deb", "kesl", "12.1.0-1297", "lin-01", "deb_packages added", 7, attrs("maintainer", "AO Kaspersky Lab <support@kaspersky.com>")},
			{inventory.Extension, "chrome", "Kaspersky Protection", "4.0.68.0", "lin-01", "browser_extensions added", 11, attrs(
				"extension_id", "aaaabbbbccccddddeeeeffffgggghhhh", "author", "AO Kaspersky Lab",
				"url", "https://clients2.google.com/service/update2/crx",
				"path", "/home/ann/.config/google-chrome/Default/Extensions/aaaabbbbccccddddeeeeffffgggghhhh/4.0.68.0_0")},
			{app, "macos", "Kaspersky Security Cloud", "21.3", "mac-01", "apps added", 12, attrs(
				"bundle_id", "com.kaspersky.kav.gui", "path", "/Applications/Kaspersky Security Cloud.app")},
			{inventory.Package, "rpm", "kesl", "12.1.0-1297", "rh-01", "rpm added", 13, rpm},
		},
		unknowns: []gap{
			{4, "", "not an osquery results line: invalid character 'I'"},
			{8, "lin-01", `query "processes": rows from a table this reader does not read (1 present on 1 host; columns: cmdline, name, path, pid)`},
			{9, "", "not an osquery results line: no snapshot, diffResults, or columns"},
			{14, "", "invalid UTF-8 at column 97"},
			{15, "", "not an osquery results line: unexpected end of JSON input"},
		},
	}, {
		file: "snapshot.log",
		items: []itemRow{
			// the second snapshot replaces the first: Kaspersky VPN is gone
			{app, "windows", kesName, "12.3.0.493", "win-02", "pack_it_programs snapshot", 2, kes},
			{app, "windows", "Google Chrome", "119.0.6045.160", "win-02", "pack_it_programs snapshot", 2, gc},
			{app, "windows", kesName, "", "win-02", "windows_security_products snapshot", 3, wsp},
			// numerics: numbers and null among the values
			{inventory.Package, "rpm", "kesl", "12.1.0-1297", "rh-02", "rpm_packages snapshot", 5, rpm},
		},
	}, {
		file: "batched.log",
		items: []itemRow{
			// line 3 starts epoch 7 afresh (counter 0): Kaspersky VPN, added
			// in epoch 0, is not in it; line 4 adds KES back and removes Chrome
			{app, "windows", "Yandex Browser", "23.9.1", "win-04", "pack_it_programs added", 3, attrs(
				"publisher", "YANDEX", "path", `C:\Users\ann\AppData\Local\Yandex\YandexBrowser\Application`)},
			{app, "windows", kesName, "12.3.0.493", "win-04", "pack_it_programs added", 4, kes},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			inv := readFile(t, filepath.Join("testdata", tc.file))
			if inv.Format != "osquery results log" {
				t.Errorf("format %q", inv.Format)
			}
			items, unknowns := summarise(t, inv)
			if d := cmp.Diff(tc.items, items); d != "" {
				t.Errorf("items (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.unknowns, unknowns, reasonPrefix); d != "" {
				t.Errorf("unknowns (-want +got):\n%s", d)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for _, name := range []string{"results.log", "snapshot.log", "batched.log"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !(Reader{}).Sniff("", data[:min(len(data), 8<<10)]) {
			t.Errorf("%s not recognised", name)
		}
	}
	for _, head := range []string{
		"",
		`{"bomFormat": "CycloneDX"}`,
		`{"spdxVersion": "SPDX-2.3"}`,
		"I0101 12:00:00.000000 1234 scheduler.cpp:100] {\"hostIdentifier\":",
		"{\"severity\":0,\"message\":\"x\"}\n{\"hostIdentifier\":\"h\"}",
	} {
		if (Reader{}).Sniff("", []byte(head)) {
			t.Errorf("%q recognised", head)
		}
	}
}
