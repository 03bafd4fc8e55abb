package oui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStatusVersion(t *testing.T) {
	status := `Package: ieee-data
Status: deinstall ok config-files
Version: 20180805.1

Package: ieee-data-other
Status: install ok installed
Version: 1

Package: ieee-data
Status: install ok installed
Priority: optional
Description: OUI and IAB listings
 Version: not this one
Version: 20220827.1

Package: zsh
Status: install ok installed
Version: 5.9-4
`
	tests := map[string]string{"ieee-data": "20220827.1", "zsh": "5.9-4", "nmap": ""}
	for pkg, want := range tests {
		if got := statusVersion(strings.NewReader(status), pkg); got != want {
			t.Errorf("statusVersion(%s) = %q, want %q", pkg, got, want)
		}
	}
	if got := statusVersion(strings.NewReader("Package: ieee-data\nVersion: 1\nStatus: deinstall ok config-files\n"), "ieee-data"); got != "" {
		t.Errorf("a package removed: %q", got)
	}
}

// FromFiles names the registry by where its files are: a directory of
// listings with a .lastupdate, or files given one by one.
func TestFromFilesDir(t *testing.T) {
	dir := t.TempDir()
	for _, n := range DebianFiles[:3] { // no iab.csv: those present are read
		b, err := os.ReadFile(filepath.Join("testdata", "excerpt-"+n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".lastupdate"), []byte("1661630937\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := FromFiles(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	src := r.Source()
	var names []string
	for _, f := range src.Files {
		names = append(names, filepath.Base(f.Name))
	}
	if diff := cmp.Diff([]string{"oui.csv", "mam.csv", "oui36.csv"}, names); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	want := time.Date(2022, 8, 27, 20, 8, 57, 0, time.UTC)
	if src.Name != "IEEE RA listings" || src.Version != "" || !src.Date.Equal(want) || r.Count(IAB) != 0 || r.Count(MAS) != 6 {
		t.Errorf("source %+v, IAB %d", src, r.Count(IAB))
	}
	// A damaged .lastupdate: the files' modification time instead.
	os.WriteFile(filepath.Join(dir, ".lastupdate"), []byte("yesterday"), 0o644)
	mt := time.Date(2024, 7, 22, 10, 0, 0, 0, time.UTC)
	for _, n := range DebianFiles[:3] {
		os.Chtimes(filepath.Join(dir, n), mt, mt)
	}
	r, err = FromFiles(context.Background(), filepath.Join(dir, "oui.csv"), filepath.Join(dir, "mam.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Date().Equal(mt) || r.Count(MAS) != 0 || r.Count(MAM) != 6 {
		t.Errorf("date %v, MA-S %d, MA-M %d", r.Date(), r.Count(MAS), r.Count(MAM))
	}
	if _, err := FromFiles(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "none of oui.csv") {
		t.Errorf("a directory without listings: %v", err)
	}
	if _, err := FromFiles(context.Background(), filepath.Join(dir, "nope.csv")); err == nil {
		t.Error("a missing file: no error")
	}
}
