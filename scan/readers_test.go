package scan

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// packagesDefining lists the packages under inventory/ whose non-test
// source contains marker.
func packagesDefining(t *testing.T, marker string) []string {
	t.Helper()
	dirs, err := filepath.Glob("../inventory/*")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), marker) {
				out = append(out, filepath.Base(dir))
				break
			}
		}
	}
	return out
}

// pkgOf is the package name of a registered value's type.
func pkgOf(v any) string {
	s := strings.TrimPrefix(reflect.TypeOf(v).String(), "*") // "dpkg.Collector"
	return s[:strings.IndexByte(s, '.')]
}

// TestEveryReaderIsRegistered: each package under inventory/ that defines
// a Reader must be in Readers(), or its format would silently never be
// read.
func TestEveryReaderIsRegistered(t *testing.T) {
	registered, names := map[string]bool{}, map[string]bool{}
	for _, r := range Readers() {
		registered[pkgOf(r)] = true
		if names[r.Name()] {
			t.Errorf("two readers are named %q", r.Name())
		}
		names[r.Name()] = true
	}
	pkgs := packagesDefining(t, "\ntype Reader struct")
	if len(pkgs) < 2 {
		t.Fatalf("found %d reader packages; the search is broken", len(pkgs))
	}
	for _, p := range pkgs {
		if !registered[p] {
			t.Errorf("inventory/%s defines a Reader that is not in scan.Readers()", p)
		}
	}
}

// TestEveryCollectorIsRegistered: each package under inventory/ with a
// collector (a Wants method) must have a collector in Collectors().
func TestEveryCollectorIsRegistered(t *testing.T) {
	registered, names := map[string]bool{}, map[string]bool{}
	for _, c := range Collectors() {
		registered[pkgOf(c)] = true
		if names[c.Name()] {
			t.Errorf("two collectors are named %q", c.Name())
		}
		names[c.Name()] = true
	}
	pkgs := packagesDefining(t, ") Wants(")
	if len(pkgs) < 5 {
		t.Fatalf("found %d collector packages; the search is broken", len(pkgs))
	}
	for _, p := range pkgs {
		if !registered[p] {
			t.Errorf("inventory/%s defines a collector that is not in scan.Collectors()", p)
		}
	}
}
