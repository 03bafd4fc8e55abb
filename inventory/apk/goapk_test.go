package apk

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// goAPKVersion is the github.com/chainguard-dev/go-apk module whose test
// data holds a real installed database, taken from an Alpine 3.16 system
// (pkg/apk/testdata/root/lib/apk/db/installed, 14 packages with their
// files), and whose ParseInstalled is an independent reader of it.
const goAPKVersion = "v0.0.0-20240605175618-f3471089c263"

// probe lists the packages of an installed database with go-apk, one
// "name<TAB>version<TAB>maintainer<TAB>url" line each, and prints go-apk's
// folder first.
const probe = `package main

import (
	"fmt"
	"os"

	"github.com/chainguard-dev/go-apk/pkg/apk"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	pkgs, err := apk.ParseInstalled(f)
	if err != nil {
		panic(err)
	}
	for _, p := range pkgs {
		fmt.Printf("%s\t%s\t%s\t%s\n", p.Name, p.Version, p.Maintainer, p.URL)
	}
}
`

// goAPK builds the probe in a module of its own, so that go-apk and its
// dependencies stay out of Embargo's go.mod, and returns go-apk's folder
// in the module cache and a function that runs the probe.
func goAPK(t *testing.T) (string, func(string) []string) {
	t.Helper()
	dir := t.TempDir()
	gomod := "module apkprobe\n\ngo 1.22\n\nrequire github.com/chainguard-dev/go-apk " + goAPKVersion + "\n"
	for name, text := range map[string]string{"go.mod": gomod, "main.go": probe} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		out, err := cmd.Output()
		if err != nil {
			msg := ""
			if ee, ok := err.(*exec.ExitError); ok {
				msg = string(ee.Stderr)
			}
			t.Fatalf("go %v: %v\n%s", args, err, msg)
		}
		return string(out)
	}
	goCmd("mod", "tidy")
	modDir := strings.TrimSpace(goCmd("list", "-m", "-f", "{{.Dir}}", "github.com/chainguard-dev/go-apk"))
	bin := filepath.Join(dir, "probe")
	goCmd("build", "-o", bin, ".")
	return modDir, func(db string) []string {
		t.Helper()
		out, err := exec.Command(bin, db).Output()
		if err != nil {
			t.Fatalf("go-apk on %s: %v", db, err)
		}
		return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	}
}

// TestGoAPKTestdata reads the real installed database that go-apk ships
// completely and compares each package with go-apk's own reading of it.
func TestGoAPKTestdata(t *testing.T) {
	modDir, list := goAPK(t)
	db := filepath.Join(modDir, "pkg/apk/testdata/root/lib/apk/db/installed")
	f, err := os.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := Read(context.Background(), db, f, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Unknowns) > 0 {
		t.Errorf("unknowns %+v", inv.Unknowns)
	}
	var got []string
	for _, it := range inv.Items {
		got = append(got, strings.Join([]string{it.Name, it.Version, it.Get(inventory.Maintainer), it.Get(inventory.URL)}, "\t"))
	}
	want := list(db)
	if len(want) < 10 {
		t.Fatalf("go-apk lists %d packages: %q", len(want), want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%d packages read, go-apk lists %d (-go-apk +ours):\n%s", len(got), len(want), diff)
	}
}
