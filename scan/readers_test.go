package scan

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestEveryReaderIsRegistered: each package under inventory/ that defines
// a Reader must be in Readers(), or its format would silently never be
// read.
func TestEveryReaderIsRegistered(t *testing.T) {
	registered := map[string]bool{}
	names := map[string]bool{}
	for _, r := range Readers() {
		pkg := reflect.TypeOf(r).PkgPath()
		registered[pkg[strings.LastIndex(pkg, "/")+1:]] = true
		if names[r.Name()] {
			t.Errorf("two readers are named %q", r.Name())
		}
		names[r.Name()] = true
	}
	dirs, err := filepath.Glob("../inventory/*")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
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
			if strings.Contains(string(src), "\ntype Reader struct") {
				found++
				if !registered[filepath.Base(dir)] {
					t.Errorf("inventory/%s defines a Reader that is not in scan.Readers()", filepath.Base(dir))
				}
			}
		}
	}
	if found < 2 {
		t.Fatalf("found %d reader packages; the search is broken", found)
	}
}

// TestEveryCollectorIsRegistered: each package under inventory/ with a
// collector (a Wants method) must have a collector in Collectors().
func TestEveryCollectorIsRegistered(t *testing.T) {
	registered := map[string]bool{}
	for _, c := range Collectors() {
		pkg := reflect.TypeOf(c).String() // e.g. "dpkg.Collector" or "*pe.Collector"
		registered[strings.TrimPrefix(pkg[:strings.IndexByte(pkg, '.')], "*")] = true
	}
	dirs, err := filepath.Glob("../inventory/*")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
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
			if strings.Contains(string(src), ") Wants(") {
				found++
				if !registered[filepath.Base(dir)] {
					t.Errorf("inventory/%s defines a collector that is not in scan.Collectors()", filepath.Base(dir))
				}
				break
			}
		}
	}
	if found < 5 {
		t.Fatalf("found %d collector packages; the search is broken", found)
	}
}
