package spdx

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
type row struct {
	Type    inventory.Type
	Eco     string
	Name    string
	Version string
	Ref     string
	Line    int
	Attrs   []inventory.Attr
}

// gap is the part of an unknown a test states: Reason is a prefix.
type gap struct {
	Line   int
	Ref    string
	Name   string
	Reason string
}

func attrs(kv ...string) []inventory.Attr {
	var out []inventory.Attr
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, inventory.Attr{Field: inventory.Field(kv[i]), Value: kv[i+1]})
	}
	return out
}

func readFile(t *testing.T, path string, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Reader{}.Read(context.Background(), path, f, lim)
}

func rows(t *testing.T, inv *inventory.Inventory) ([]row, []gap) {
	t.Helper()
	var rs []row
	for i, it := range inv.Items {
		if it.ID == "" || it.Location.Source != inv.Source || it.Location.Reader != "spdx" {
			t.Errorf("item %d: id %q, location %+v", i, it.ID, it.Location)
		}
		rs = append(rs, row{it.Type, it.Ecosystem, it.Name, it.Version, it.Location.Ref, it.Location.Line, it.Attrs})
	}
	var gs []gap
	for _, u := range inv.Unknowns {
		if u.Location.Source != inv.Source {
			t.Errorf("unknown %+v: source is not %q", u, inv.Source)
		}
		gs = append(gs, gap{u.Location.Line, u.Location.Ref, u.Name, u.Reason})
	}
	return rs, gs
}

// reasonPrefix compares unknowns with the reason a prefix of the actual.
var reasonPrefix = cmp.Comparer(func(a, b gap) bool {
	if a.Line != b.Line || a.Ref != b.Ref || a.Name != b.Name {
		return false
	}
	return strings.HasPrefix(a.Reason, b.Reason) || strings.HasPrefix(b.Reason, a.Reason)
})

func TestReadFixtures(t *testing.T) {
	kesl := attrs("purl", "pkg:deb/debian/kesl@12.1.0.1297?arch=amd64", "supplier", "AO Kaspersky Lab",
		"manufacturer", "Kaspersky Lab", "url", "https://products.s.kaspersky-labs.com/endpoints/keslinux10/kesl_12.1.0-1297_amd64.deb")
	push := attrs("purl", "pkg:maven/com.huawei.hms/push@6.11.0.300", "supplier", "Huawei Technologies Co., Ltd.")
	tests := []struct {
		file     string
		format   string
		items    []row
		unknowns []gap
	}{{
		file:   "restricted.spdx.json",
		format: "SPDX 2.3 JSON",
		items: []row{
			{inventory.Package, "deb", "kesl", "12.1.0.1297", "SPDXRef-Package-deb-kesl", 0, kesl},
			{inventory.Library, "maven", "push", "6.11.0.300", "SPDXRef-Package-maven-push", 0, push},
			{inventory.Application, "", "Kaspersky Security Cloud", "21.3.10.391", "SPDXRef-App-ksc", 0, attrs(
				"cpe", "cpe:2.3:a:kaspersky:security_cloud:21.3:*:*:*:*:windows:*:*", "author", "Jane Doe", "author", "John Roe",
				"url", "https://www.kaspersky.com/security-cloud")},
			{inventory.Device, "", "AR6120 firmware", "V300R019", "SPDXRef-Firmware", 0, attrs("manufacturer", "Huawei Technologies Co., Ltd.")},
			{inventory.File, "", "/opt/kaspersky/kesl/bin/kesl", "", "SPDXRef-File-kesl", 0, attrs("path", "/opt/kaspersky/kesl/bin/kesl")},
		},
		unknowns: []gap{{0, "SPDXRef-Nameless", "", "no name"}},
	}, {
		file:   "restricted.spdx",
		format: "SPDX 2.3 tag-value",
		items: []row{
			{inventory.Package, "deb", "kesl", "12.1.0.1297", "SPDXRef-Package-deb-kesl", 15, kesl},
			{inventory.Application, "", "Kaspersky Security Cloud", "21.3.10.391", "SPDXRef-App-ksc", 32, attrs(
				"author", "John Roe", "url", "https://www.kaspersky.com/security-cloud")},
			{inventory.Library, "maven", "push", "6.11.0.300", "SPDXRef-Package-maven-push", 47, push},
			{inventory.File, "", "/opt/kaspersky/kesl/bin/kesl", "", "SPDXRef-File-kesl", 24, attrs("path", "/opt/kaspersky/kesl/bin/kesl")},
		},
		unknowns: []gap{
			{34, "PackageSupplier", "Kaspersky Lab", "PackageSupplier not read: invalid subvalue format"},
			{42, "PackageFavouriteColour", "blue", "PackageFavouriteColour not read: received unknown tag"},
		},
	}, {
		file:   "bad-elements.spdx.json",
		format: "SPDX 2.2 JSON",
		items: []row{
			{inventory.Other, "", "libfoo", "1.0", "SPDXRef-libfoo", 0, attrs("url", "https://example.org/libfoo-1.0.tar.gz")},
		},
		unknowns: []gap{
			{9, "/packages/0", "Kaspersky Endpoint Security for Windows", "package not read: failed to parse Supplier 'Kaspersky Lab'"},
			{24, "/packages/2", "HiLink", "package not read: json: cannot unmarshal number"},
			{30, "/relationships/1", "", "relationship not read"},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			inv, err := readFile(t, filepath.Join("testdata", tc.file), inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if inv.Format != tc.format {
				t.Errorf("format %q, want %q", inv.Format, tc.format)
			}
			if inv.Document == nil {
				t.Error("document not kept")
			}
			items, unknowns := rows(t, inv)
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
	tests := []struct {
		head string
		want bool
	}{
		{`{"spdxVersion": "SPDX-2.3"}`, true},
		{"\xef\xbb\xbf\n  {\"SPDXID\": \"x\", \"spdxVersion\": \"SPDX-2.2\"}", true},
		{"SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n", true},
		{"# comment\n\n  SPDXVersion: SPDX-2.3\n", true},
		{`{"bomFormat": "CycloneDX"}`, false},
		{"DataLicense: CC0-1.0\nSPDXVersion: SPDX-2.2\n", false},
		{"", false},
		{"   \n", false},
	}
	for _, tc := range tests {
		if got := (Reader{}).Sniff("", []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"ExampleCodeInspect (contact@example.com)": "ExampleCodeInspect",
		"Jane Doe ()":                   "Jane Doe",
		"Huawei Technologies Co., Ltd.": "Huawei Technologies Co., Ltd.",
		"Kaspersky Lab (Russia)":        "Kaspersky Lab (Russia)",
		"  AO Kaspersky Lab  ":          "AO Kaspersky Lab",
	} {
		if got := stripContact(in); got != want {
			t.Errorf("stripContact(%q) = %q, want %q", in, got, want)
		}
	}
	for _, tc := range []struct {
		purl, purpose string
		want          inventory.Type
	}{
		{"rpm", "", inventory.Package}, {"apk", "APPLICATION", inventory.Package},
		{"npm", "APPLICATION", inventory.Library}, {"golang", "", inventory.Library},
		{"", "OPERATING-SYSTEM", inventory.Application}, {"generic", "APPLICATION", inventory.Application},
		{"", "operating_system", inventory.Application}, {"", "DEVICE", inventory.Device},
		{"", "LIBRARY", inventory.Library}, {"", "SOURCE", inventory.Other}, {"", "", inventory.Other},
	} {
		if got := itemType(tc.purl, tc.purpose); got != tc.want {
			t.Errorf("itemType(%q, %q) = %s, want %s", tc.purl, tc.purpose, got, tc.want)
		}
	}
}
