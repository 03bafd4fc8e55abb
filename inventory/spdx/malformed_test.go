package spdx

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

const jsonHead = `{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x",
 "creationInfo": {"created": "2025-01-01T00:00:00Z", "creators": ["Tool: t"]},
`

const tvHead = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: x\n"

func read(t *testing.T, input string, lim inventory.Limits) (*inventory.Inventory, error) {
	t.Helper()
	return Reader{}.Read(context.Background(), "in.spdx", strings.NewReader(input), lim)
}

func TestMalformed(t *testing.T) {
	small := inventory.DefaultLimits
	small.MaxBytes = 64
	tests := []struct {
		name      string
		input     string
		lim       inventory.Limits
		line, col int    // position wanted in the error (the offending byte; for a truncated input the last); 0 = none stated
		err       string // substring of the error
	}{
		{"empty", " \n\t", inventory.DefaultLimits, 0, 0, "empty document"},
		{"truncated JSON", jsonHead + `"packages": [{"name": "a"`, inventory.DefaultLimits, 3, 25, "unexpected end of JSON input"},
		{"trailing garbage", `{"spdxVersion": "SPDX-2.3"} x`, inventory.DefaultLimits, 1, 29, "invalid character 'x'"},
		{"version not a string", "{\n  \"spdxVersion\": 3}", inventory.DefaultLimits, 2, 18, `field "spdxVersion"`},
		{"version missing", `{"SPDXID": "SPDXRef-DOCUMENT"}`, inventory.DefaultLimits, 0, 0, "spdxVersion is missing"},
		{"version unsupported", `{"spdxVersion": "SPDX-3.0"}`, inventory.DefaultLimits, 0, 0, `"SPDX-3.0" is not supported`},
		{"packages not an array", jsonHead + ` "packages": "kesl"}`, inventory.DefaultLimits, 3, 19, "packages"},
		{"creator not typed", "{\"spdxVersion\": \"SPDX-2.3\",\n \"creationInfo\": {\"creators\": [\"nobody\"]}}", inventory.DefaultLimits, 2, 18, "creationInfo"},
		{"invalid UTF-8 in JSON", jsonHead + " \"packages\": [{\"name\": \"k\xffsl\"}]}", inventory.DefaultLimits, 3, 26, "invalid UTF-8"},
		{"too large", jsonHead + `"packages": []}`, small, 0, 0, "exceeds the size limit"},
		{"item limit", jsonHead + `"packages": [{"name": "a", "SPDXID": "SPDXRef-a"}, {"name": "b", "SPDXID": "SPDXRef-b"}]}`,
			inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1, MaxString: 100, MaxDepth: 8}, 0, 0, "more than 1 packages and files"},
		{"tag-value without colon", tvHead + "PackageName kesl\n", inventory.DefaultLimits, 5, 1, "no colon"},
		{"text not closed", tvHead + "DocumentComment: <text>one\ntwo\n", inventory.DefaultLimits, 5, 0, "<text> is not closed"},
		{"tag-value version unsupported", "SPDXVersion: SPDX-1.2\n", inventory.DefaultLimits, 1, 0, `"SPDX-1.2" is not supported`},
		{"tag-value version missing", "DataLicense: CC0-1.0\n", inventory.DefaultLimits, 0, 0, "SPDXVersion is missing"},
		{"package without SPDXID", tvHead + "PackageName: kesl\nPackageVersion: 1\n", inventory.DefaultLimits, 5, 0, "PackageName: package with PackageName kesl does not have SPDX identifier"},
		{"bad SPDXID", tvHead + "PackageName: kesl\nSPDXID: kesl\n", inventory.DefaultLimits, 6, 0, "SPDXID: missing SPDXRef- prefix"},
		{"invalid UTF-8 in tag-value", tvHead + "PackageName: k\xc3sl\n", inventory.DefaultLimits, 5, 15, "invalid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := read(t, tc.input, tc.lim)
			if err == nil {
				t.Fatalf("no error; inventory %+v", inv)
			}
			var ie *inventory.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("%v: not an InputError", err)
			}
			if ie.Source != "in.spdx" || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %q: want source in.spdx and %q", err, tc.err)
			}
			if tc.line > 0 && (ie.Line != tc.line || (tc.col > 0 && ie.Column != tc.col)) {
				t.Errorf("error %q at %d:%d, want %d:%d", err, ie.Line, ie.Column, tc.line, tc.col)
			}
		})
	}
}

// TestOversize: a value longer than the string limit makes the element an
// unknown with the reason; the rest is read.
func TestOversize(t *testing.T) {
	lim := inventory.DefaultLimits
	lim.MaxString = 16
	long := strings.Repeat("K", 17)
	for _, input := range []string{
		jsonHead + `"packages": [{"name": "kesl", "SPDXID": "SPDXRef-a"}, {"name": "` + long + `", "SPDXID": "SPDXRef-b"},
		 {"name": "c", "SPDXID": "SPDXRef-c", "supplier": "Organization: ` + long + `"}]}`,
		tvHead + "PackageName: kesl\nSPDXID: SPDXRef-a\nPackageName: " + long + "\nSPDXID: SPDXRef-b\n" +
			"PackageName: c\nSPDXID: SPDXRef-c\nPackageSupplier: Organization: " + long + "\n",
	} {
		inv, err := read(t, input, lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Items) != 1 || inv.Items[0].Name != "kesl" {
			t.Errorf("items %+v, want kesl only", inv.Items)
		}
		if len(inv.Unknowns) != 2 {
			t.Fatalf("unknowns %+v, want 2", inv.Unknowns)
		}
		for i, want := range []string{"name or version longer than 16 bytes", "supplier longer than 16 bytes"} {
			if u := inv.Unknowns[i]; u.Reason != want || u.Location.Source != "in.spdx" || u.Location.Ref == "" {
				t.Errorf("unknown %d: %+v, want reason %q", i, u, want)
			}
		}
		if len(inv.Unknowns[0].Name) > 210 {
			t.Errorf("unknown name not clipped: %d bytes", len(inv.Unknowns[0].Name))
		}
	}
}

// TestTooManyDrops: a document the library rejects line after line is
// given up with the position of the last line tried.
func TestTooManyDrops(t *testing.T) {
	var b strings.Builder
	b.WriteString(tvHead + "PackageName: kesl\nSPDXID: SPDXRef-a\n")
	for range maxDrops + 1 {
		b.WriteString("Unheard: of\n")
	}
	_, err := read(t, b.String(), inventory.DefaultLimits)
	var ie *inventory.InputError
	if !errors.As(err, &ie) || ie.Line != 7+maxDrops || !strings.Contains(err.Error(), "Unheard") {
		t.Fatalf("error %v, want an InputError at line %d", err, 7+maxDrops)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Reader{}.Read(ctx, "in.spdx", strings.NewReader(tvHead+"PackageName: a\nSPDXID: SPDXRef-a\n"), inventory.DefaultLimits)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// TestLenient: elements that do not decode are unknowns with their
// position, whatever array they are in; the rest of the document is read.
func TestLenient(t *testing.T) {
	input := jsonHead + ` "documentDescribes": ["SPDXRef-a", 5, "nope"],
 "packages": [{"name": "kesl", "SPDXID": "SPDXRef-a", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:deb/debian/kesl@1"}]},
  null,
  {"name": "kav", "SPDXID": "SPDXRef-b", "originator": "Kaspersky"}]}`
	inv, err := read(t, input, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	items, unknowns := rows(t, inv)
	want := []row{{inventory.Package, "deb", "kesl", "", "SPDXRef-a", 0, attrs("purl", "pkg:deb/debian/kesl@1")}}
	if d := cmp.Diff(want, items); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	wantU := []gap{
		{3, "/documentDescribes/1", "", "described element not read: failed to parse ElementID: 5 (and 1 more documentDescribes elements)"},
		{5, "/packages/1", "", "package not read: null element"},
		{6, "/packages/2", "kav", "package not read: failed to parse Originator 'Kaspersky'"},
	}
	if d := cmp.Diff(wantU, unknowns, reasonPrefix); d != "" {
		t.Errorf("unknowns (-want +got):\n%s", d)
	}
}
