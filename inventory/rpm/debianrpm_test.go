package rpm

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

type spec struct{ Name, Epoch, Version, Release, Vendor, URL string }

// buildRPM builds an empty noarch package with Debian's rpmbuild.
func buildRPM(t *testing.T, s spec) string {
	t.Helper()
	dir := t.TempDir()
	text := fmt.Sprintf("Name: %s\nVersion: %s\nRelease: %s\nSummary: Embargo test package\nLicense: none\nBuildArch: noarch\n",
		s.Name, s.Version, s.Release)
	for k, v := range map[string]string{"Epoch": s.Epoch, "Vendor": s.Vendor, "URL": s.URL} {
		if v != "" {
			text += k + ": " + v + "\n"
		}
	}
	text += "\n%description\nA fixture for Embargo's tests; it holds no files.\n\n%files\n"
	sp := filepath.Join(dir, s.Name+".spec")
	if err := os.WriteFile(sp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "rpmbuild", "-bb", "--define", "_topdir "+filepath.Join(dir, "top"), sp)
	m, err := filepath.Glob(filepath.Join(dir, "top", "RPMS", "noarch", s.Name+"-*.rpm"))
	if err != nil || len(m) != 1 {
		t.Fatalf("rpmbuild made %v (%v)", m, err)
	}
	return m[0]
}

// installDB records packages in the database in dir with Debian's rpm, as
// rpm itself writes it (SQLite, rpm 4.18's only writable backend).
func installDB(t *testing.T, dir string, rpms ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "rpm", "--initdb", "--dbpath", dir)
	for _, p := range rpms {
		run(t, "rpm", "-i", "--nodeps", "--justdb", "--dbpath", dir, p)
	}
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	// rpm and rpmbuild are both Debian's package rpm.
	if out, err := exec.Command(testtool.Command(t, name, "rpm"), args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// TestDebianRPM reads a database written by Debian's rpm holding a
// package named as Kaspersky's KESL and one that no catalogue entry
// names, and checks what attribution makes of them.
func TestDebianRPM(t *testing.T) {
	kesl := buildRPM(t, spec{Name: "kesl", Epoch: "1", Version: "11.2.0", Release: "4528", Vendor: "AO Kaspersky Lab", URL: "https://www.kaspersky.com/"})
	other := buildRPM(t, spec{Name: "embargo-hello", Version: "1.0", Release: "1"})
	root := t.TempDir()
	installDB(t, filepath.Join(root, "var/lib/rpm"), kesl, other)

	tg := &inventory.Target{Name: root, FS: os.DirFS(root), Host: "h1"}
	const dbPath = "var/lib/rpm/rpmdb.sqlite"
	if !(Collector{}).Wants(dbPath) {
		t.Fatalf("the collector does not want %s", dbPath)
	}
	res := collecttest.Run(t, tg, Collector{}, inventory.DefaultLimits, "var/lib/rpm")
	if len(res.Errs) > 0 {
		t.Fatal(res.Errs)
	}
	items, unknowns := res.Items, res.Unknowns
	if len(unknowns) > 0 {
		t.Errorf("unknowns: %+v", unknowns)
	}
	source := filepath.Join(root, dbPath)
	want := []inventory.Item{
		{Type: inventory.Package, Ecosystem: "rpm", Name: "kesl", Version: "1:11.2.0-4528",
			Location: inventory.Location{Source: source, Ref: "kesl-1:11.2.0-4528.noarch", Host: "h1", Reader: "rpm"},
			Attrs:    []inventory.Attr{{Field: inventory.Supplier, Value: "AO Kaspersky Lab"}, {Field: inventory.URL, Value: "https://www.kaspersky.com/"}}},
		{Type: inventory.Package, Ecosystem: "rpm", Name: "embargo-hello", Version: "1.0-1", Index: 1,
			Location: inventory.Location{Source: source, Ref: "embargo-hello-1.0-1.noarch", Host: "h1", Reader: "rpm"}},
	}
	for _, it := range items {
		if it.ID == "" {
			t.Errorf("%s has no id", it.Name)
		}
	}
	if diff := cmp.Diff(collecttest.WithIDs(want), items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if got := rpmList(t, filepath.Join(root, "var/lib/rpm"), "sqlite"); len(got) != len(items) {
		t.Errorf("rpm lists %d packages, the collector %d", len(got), len(items))
	}

	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	for _, it := range items {
		at := a.Attribute(&it)
		switch it.Name {
		case "kesl":
			if at == nil || at.Entity.ID != "kaspersky-ao" || at.Chain.Country != "RU" {
				t.Fatalf("kesl attributed to %+v, want kaspersky-ao (RU)", at)
			}
			if !hasEvidence(at, catalog.RPMPackage, "kesl") {
				t.Errorf("kesl evidence %+v lacks the rpm_package identifier", at.Evidence)
			}
		default:
			if at != nil {
				t.Errorf("%s attributed to %s", it.Name, at.Entity.ID)
			}
		}
	}
}

func hasEvidence(at *attribute.Attribution, kind catalog.Kind, value string) bool {
	for _, e := range at.Evidence {
		if e.Kind == kind && e.Identifier == value {
			return true
		}
	}
	return false
}

// TestWriteAheadLog: while rpm (or anything) holds an SQLite rpmdb open,
// the latest packages may live only in rpmdb.sqlite-wal. The collector
// copies the log with the database.
func TestWriteAheadLog(t *testing.T) {
	scratch := t.TempDir()
	installDB(t, scratch, buildRPM(t, spec{Name: "kesl-gui", Version: "11.2.0", Release: "1", Vendor: "AO Kaspersky Lab"}))
	late := blobsOf(t, filepath.Join(scratch, "rpmdb.sqlite"))

	root := t.TempDir()
	dir := filepath.Join(root, "usr/lib/sysimage/rpm")
	installDB(t, dir, buildRPM(t, spec{Name: "embargo-hello", Version: "1.0", Release: "1"}))
	db, err := sql.Open("sqlite", filepath.Join(dir, "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=0"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := db.Exec("INSERT INTO Packages (blob) VALUES (?)", late[0]); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "rpmdb.sqlite-wal")); err != nil || fi.Size() == 0 {
		t.Fatalf("the write-ahead log is missing or empty: %v", err)
	}
	tg := &inventory.Target{Name: root, FS: os.DirFS(root)}
	items, _, err := Collector{}.Collect(context.Background(), tg, inventory.TargetFile{Path: "usr/lib/sysimage/rpm/rpmdb.sqlite"}, inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
	}
	if diff := cmp.Diff([]string{"embargo-hello", "kesl-gui"}, names); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
}
