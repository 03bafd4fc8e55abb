package apk

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// testdata/installed follows the format apk-tools writes
// (apk_db_fdb_write): package fields, then the files as F:/R:/a:/M:/Z:
// lines, a blank line after each package. It adds a stanza without a
// name, a one-byte line (which ends a stanza for apk-tools too) and a
// last stanza without the closing blank line.
func TestRead(t *testing.T) {
	f, err := os.Open("testdata/installed")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := Read(context.Background(), "installed", f, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name, Version, Ref string
		Line               int
		Attrs              []inventory.Attr
	}
	var got []row
	for _, it := range inv.Items {
		if it.Type != inventory.Package || it.Ecosystem != "apk" || it.ID == "" || it.Location.Source != "installed" {
			t.Errorf("item %+v", it)
		}
		got = append(got, row{it.Name, it.Version, it.Location.Ref, it.Location.Line, it.Attrs})
	}
	want := []row{
		{"busybox", "1.36.1-r29", "P:busybox", 1, []inventory.Attr{
			{Field: inventory.Maintainer, Value: "Sören Tempel <soeren+alpine@soeren-tempel.net>"}, {Field: inventory.URL, Value: "https://busybox.net/"}}},
		{"kesl", "12.1.0.1297-r0", "P:kesl", 23, []inventory.Attr{
			{Field: inventory.Maintainer, Value: "AO Kaspersky Lab <support@example.invalid>"},
			{Field: inventory.URL, Value: "https://www.kaspersky.com/small-to-medium-business-security/endpoint-linux"}}},
		{"libfoo", "1.0-r0", "P:libfoo", 39, []inventory.Attr{{Field: inventory.Maintainer, Value: "Dahua Lin <dahua@example.org>"}}},
		{"after-a-one-byte-line", "2-r0", "P:after-a-one-byte-line", 43, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	wantUnknown := []inventory.Unknown{{Location: inventory.Location{Source: "installed", Line: 36, Reader: "apk"}, Reason: "stanza without a P: (package name) line"}}
	if diff := cmp.Diff(wantUnknown, inv.Unknowns); diff != "" {
		t.Errorf("unknowns (-want +got):\n%s", diff)
	}
}

func TestBadInput(t *testing.T) {
	small := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 2, MaxString: 16}
	tests := []struct {
		name, doc string
		lim       inventory.Limits
		want      string
	}{
		{"no colon", "P:a\nV:1\nthis is not a field\n", inventory.DefaultLimits, "installed:3: line is not \"X:value\""},
		{"dpkg style", "Package: a\n", inventory.DefaultLimits, "installed:1: line is not"},
		{"line too long", "P:a\nD:" + strings.Repeat("x", maxLine+10) + "\n", inventory.DefaultLimits, "installed:2: bufio.Scanner: token too long"},
		{"too many packages", "P:a\n\nP:b\n\nP:c\n", small, "installed:5: more than 2 packages"},
		{"too large", strings.Repeat("P:a\nV:1\n\n", 200000), inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1 << 20, MaxString: 16}, "input exceeds the size limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(context.Background(), "installed", strings.NewReader(tc.doc), tc.lim)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	// A value over the string limit makes that package an unknown, not
	// an error for the whole database.
	inv, err := Read(context.Background(), "installed", strings.NewReader("P:a\nT:"+strings.Repeat("long description ", 10)+"\nU:https://example.org/"+strings.Repeat("x", 20)+"\n\nP:b\n"), small)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != 1 || inv.Items[0].Name != "b" || len(inv.Unknowns) != 1 || inv.Unknowns[0].Reason != "U: line 3 longer than 16 bytes" {
		t.Errorf("items %+v unknowns %+v", inv.Items, inv.Unknowns)
	}
}

// TestCollect reads the database where Alpine keeps it in a target, and
// checks what attribution makes of the items: the maintainer is a
// catalogued company and the URL a catalogued domain; a maintainer who
// shares a name with a company is not that company.
func TestCollect(t *testing.T) {
	root := t.TempDir()
	db := filepath.Join(root, "lib/apk/db/installed")
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/installed")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, data, 0o644); err != nil {
		t.Fatal(err)
	}
	tg := &inventory.Target{Name: root, FS: os.DirFS(root), Host: "h1"}
	for p, want := range map[string]bool{"lib/apk/db/installed": true, "usr/lib/apk/db/installed": true, "lib/apk/db/triggers": false, "var/lib/dpkg/status": false} {
		if (Collector{}).Wants(p) != want {
			t.Errorf("Wants(%q) != %v", p, want)
		}
	}
	res := collecttest.Run(t, tg, Collector{}, inventory.DefaultLimits, "lib/apk/db")
	if len(res.Errs) > 0 {
		t.Fatal(res.Errs)
	}
	items, unknowns := res.Items, res.Unknowns
	if len(items) != 4 || len(unknowns) != 1 || items[0].Location.Source != db || items[0].Location.Host != "h1" || unknowns[0].Location.Host != "h1" {
		t.Fatalf("items %+v unknowns %+v", items, unknowns)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	got := map[string]string{}
	for _, it := range items {
		if at := a.Attribute(&it); at != nil {
			got[it.Name] = at.Entity.ID + " " + at.Chain.Country
		}
	}
	if diff := cmp.Diff(map[string]string{"kesl": "kaspersky-ao RU"}, got); diff != "" {
		t.Errorf("attributions (-want +got):\n%s", diff)
	}
}

func FuzzRead(f *testing.F) {
	for _, p := range []string{"testdata/installed"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("P:a\nV:1\n\nP:b\nx\nF:etc\nR:passwd\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 4096, MaxDepth: 8}
		inv, err := Read(context.Background(), "fuzz", strings.NewReader(string(data)), lim)
		if err != nil {
			return
		}
		for _, it := range inv.Items {
			if it.Name == "" || it.ID == "" || it.Ecosystem != "apk" || it.Location.Line < 1 {
				t.Fatalf("item %+v", it)
			}
		}
		if len(inv.Items)+len(inv.Unknowns) > lim.MaxItems {
			t.Fatalf("%d packages past the limit", len(inv.Items)+len(inv.Unknowns))
		}
	})
}
