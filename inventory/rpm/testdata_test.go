package rpm

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// TestGoRPMDBTestdata reads every database that go-rpmdb ships for its
// tests (CentOS 5 to 8, UBI 8 on s390x, Fedora 35, CBL-Mariner 2, SLE 15)
// completely, and compares each package with what an independent reader
// lists: Debian's rpm 4.18 for Berkeley DB (its read-only bdb_ro backend)
// and SQLite. Debian builds rpm without the NDB backend, so the one NDB
// database is compared with the list go-rpmdb's authors took with rpm -qa
// on SLE 15 itself, kept in go-rpmdb's test source.
func TestGoRPMDBTestdata(t *testing.T) {
	for name, p := range testDatabases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inv, err := ReadFile(context.Background(), p, p, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Unknowns) > 0 {
				t.Errorf("unknowns: %+v", inv.Unknowns)
			}
			var got []string
			for _, it := range inv.Items {
				if it.Type != inventory.Package || it.Ecosystem != "rpm" || it.Location.Source != p || it.Location.Ref == "" {
					t.Errorf("item %+v", it)
				}
				got = append(got, strings.Join([]string{it.Name, it.Version, it.Get(inventory.Supplier), it.Get(inventory.URL)}, "\t"))
			}
			sort.Strings(got)
			var want []string
			switch filepath.Base(p) {
			case "Packages.db":
				want = sle15List(t, name)
				for i, l := range got { // the kept list has no URLs
					got[i] = l[:strings.LastIndexByte(l, '\t')]
				}
			case "Packages":
				want = rpmList(t, rpmCopy(t, p), "bdb_ro")
			default:
				want = rpmList(t, rpmCopy(t, p), "sqlite")
			}
			if len(want) == 0 {
				t.Fatal("the independent reader lists no packages")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%d packages read, %d listed by the independent reader (-want +got):\n%s", len(got), len(want), diff)
			}
		})
	}
}

// rpmCopy copies a database into a folder of its own, where rpm may keep
// its lock file.
func rpmCopy(t *testing.T, p string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), mustRead(t, p), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sle15List reads the expected package list of go-rpmdb's SLE 15 NDB test
// database from go-rpmdb's test source: rows of {epoch, name, version,
// release, arch, source rpm, size, license, vendor, ...}.
func sle15List(t *testing.T, name string) []string {
	t.Helper()
	if name != "sle15-bci" {
		t.Fatalf("no kept list for the NDB database %s", name)
	}
	src := string(mustRead(t, filepath.Join(goRPMDBTestdata(t), "..", "rpmdb_testcase_test.go")))
	start := strings.Index(src, "SLE15WithNDB = func()")
	if start < 0 {
		t.Fatal("SLE15WithNDB not found in go-rpmdb's rpmdb_testcase_test.go")
	}
	body := src[start+len("SLE15WithNDB = func()"):]
	if end := strings.Index(body, "= func()"); end > 0 {
		body = body[:end]
	}
	const q = `"((?:[^"\\]|\\.)*)"`
	row := regexp.MustCompile(`\{intRef\((\d*)\), ` + q + `, ` + q + `, ` + q + `, ` + q + `, ` + q + `, \d+, ` + q + `, ` + q)
	var out []string
	for _, m := range row.FindAllStringSubmatch(body, -1) {
		evr := m[3] + "-" + m[4]
		if m[1] != "" {
			evr = m[1] + ":" + evr
		}
		out = append(out, strings.Join([]string{m[2], evr, m[8]}, "\t"))
	}
	sort.Strings(out)
	return out
}
