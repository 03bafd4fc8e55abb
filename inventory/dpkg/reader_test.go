package dpkg

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

func TestRead(t *testing.T) {
	f, err := os.Open("testdata/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := Reader{}.Read(context.Background(), "testdata/status", f, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name, Version string
		Line          int
		Attrs         []inventory.Attr
	}
	var got []row
	for _, it := range inv.Items {
		if it.Type != inventory.Package || it.Ecosystem != "deb" {
			t.Errorf("%s: type %s ecosystem %s", it.Name, it.Type, it.Ecosystem)
		}
		got = append(got, row{it.Name, it.Version, it.Location.Line, it.Attrs})
	}
	want := []row{
		{"kesl", "11.2.0-4528", 1, []inventory.Attr{{Field: "maintainer", Value: "AO Kaspersky Lab <support@example.invalid>"}}},
		{"libfoo1", "1.0-1", 14, []inventory.Attr{{Field: "maintainer", Value: "Dahua Lin <dahua@example.org>"}, {Field: "url", Value: "https://example.org/foo"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	wantUnknown := []inventory.Unknown{{Location: inventory.Location{Source: "testdata/status", Line: 25, Reader: "dpkg"}, Reason: "stanza without a Package field"}}
	if diff := cmp.Diff(wantUnknown, inv.Unknowns); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"no colon", "Package: a\nthis is not a field\n", "status:2: line is not \"Field: value\""},
		{"continuation first", " orphan\n", "status:1: continuation line outside a stanza"},
		{"line too long", "Package: a\nDescription: " + strings.Repeat("x", maxLine+10) + "\n", "status:2: bufio.Scanner: token too long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Reader{}.Read(context.Background(), "status", strings.NewReader(tc.doc), inventory.DefaultLimits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestThisMachine(t *testing.T) {
	// A Debian machine's own database, as an independent reader lists it.
	f, err := os.Open("/var/lib/dpkg/status")
	if err != nil {
		t.Fatalf("this test runs on Debian: %v", err)
	}
	defer f.Close()
	inv, err := Reader{}.Read(context.Background(), "/var/lib/dpkg/status", f, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := installedCount(t)
	if len(inv.Items) != want {
		t.Errorf("read %d installed packages, dpkg-query lists %d", len(inv.Items), want)
	}
}

func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile("testdata/status"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 4096, MaxDepth: 8}
		inv, err := Reader{}.Read(context.Background(), "fuzz", strings.NewReader(string(data)), lim)
		if err == nil {
			for _, it := range inv.Items {
				if it.Name == "" || it.ID == "" {
					t.Fatalf("item without name or id: %+v", it)
				}
			}
		}
	})
}
