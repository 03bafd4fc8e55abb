package services

import (
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

// TestThisMachine reads every system service unit of the machine the
// tests run on and compares the units found with systemd's own listing,
// `systemctl list-unit-files` (which reads the unit folders without a
// running systemd). Aliases are symbolic links, which the walk does not
// follow; masked units are links to /dev/null, and may or may not also
// have a file of their own.
func TestThisMachine(t *testing.T) {
	out, err := exec.Command(testtool.Command(t, "systemctl", "systemd"), "list-unit-files", "--type=service", "--no-legend", "--no-pager").Output()
	if err != nil {
		t.Fatalf("systemctl (Debian package systemd): %v", err)
	}
	want, masked := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			t.Fatalf("systemctl line %q", l)
		}
		switch name := strings.TrimSuffix(f[0], ".service"); f[1] {
		case "alias":
		case "masked":
			masked[name] = true
		default:
			want[name] = true
		}
	}
	if len(want) < 10 {
		t.Fatalf("systemctl lists %d service units: too few to compare against", len(want))
	}
	tgt := &inventory.Target{Name: "/", FS: os.DirFS("/"), Live: true, Host: "this"}
	var dirs []string
	for _, d := range unitDirs {
		d = strings.TrimSuffix(d, "/")
		if strings.Contains(d, "/user") || throughLink(d) {
			continue // user units are not in the system listing; /lib may be /usr/lib
		}
		if fi, err := os.Stat("/" + d); err == nil && fi.IsDir() {
			dirs = append(dirs, d)
		}
	}
	items, unknowns, errs := collect(t, tgt, dirs...)
	if len(errs) > 0 || len(unknowns) > 0 {
		t.Fatalf("errors %v, unknowns %v", errs, unknowns)
	}
	got := map[string]bool{}
	execs := 0
	for _, it := range items {
		got[it.Name] = true
		if it.Get(inventory.Path) != "" {
			execs++
		}
		// A plain text search agrees on which units run a program.
		data, err := os.ReadFile(it.Location.Source)
		if err != nil {
			t.Fatal(err)
		}
		if has := regexp.MustCompile(`(?m)^\s*ExecStart=\S`).Match(data); has != (it.Get(inventory.Path) != "") {
			t.Errorf("%s: ExecStart= in the text: %v; program found: %q", it.Location.Source, has, it.Get(inventory.Path))
		}
	}
	for name := range want {
		if !got[name] {
			t.Errorf("systemctl lists %s.service; the collector did not find it", name)
		}
	}
	for name := range got {
		if !want[name] && !masked[name] {
			t.Errorf("the collector found %s.service; systemctl does not list it", name)
		}
	}
	if execs == 0 {
		t.Errorf("no unit had a program")
	}
	t.Logf("%d service units in %v (systemctl: %d listed, %d masked), %d with ExecStart=", len(items), dirs, len(want), len(masked), execs)
}

// throughLink reports whether a folder of the root is reached through a
// symbolic link (/lib on a merged-/usr system).
func throughLink(dir string) bool {
	parts := strings.Split(dir, "/")
	for i := range parts {
		if fi, err := os.Lstat("/" + path.Join(parts[:i+1]...)); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return true
		}
	}
	return false
}
