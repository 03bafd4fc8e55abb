package scan

import (
	"archive/zip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/winreg"
)

func TestSuffixes(t *testing.T) {
	got := suffixes("mnt/c/Windows/System32/config/SOFTWARE")
	want := []string{"mnt/c/Windows/System32/config/SOFTWARE", "c/Windows/System32/config/SOFTWARE",
		"Windows/System32/config/SOFTWARE", "System32/config/SOFTWARE", "config/SOFTWARE", "SOFTWARE"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suffixes (-want +got):\n%s", diff)
	}
}

// A lone hive is offered where it lies when that is where Windows keeps
// it, else as if it lay there; a file that is no hive only where it lies.
func TestLonePlaces(t *testing.T) {
	work := t.TempDir()
	writeTree(t, work, map[string]string{
		"copies/SOFTWARE":                         "regf and the rest",
		"copies/joe/NTUSER.DAT":                   "regf and the rest",
		"copies/NOTAHIVE/SOFTWARE":                "MZ, not a hive",
		"mnt/c/Windows/System32/config/SOFTWARE":  "regf and the rest",
		"mnt/c/Windows/System32/config/SYSTEM":    "regf and the rest",
		"mnt/c/Users/ann/NTUSER.DAT":              "regf and the rest",
		"mnt/c/Windows/System32/config/SAM":       "regf and the rest",
		"mnt/c/Windows/System32/config/SOFTWARE2": "regf and the rest",
	})
	collectors := []inventory.Collector{winreg.Software{}, winreg.Services{}, winreg.Users{}}
	tests := []struct{ file, want string }{
		{"copies/SOFTWARE", "winreg-software Windows/System32/config/SOFTWARE"},
		{"copies/joe/NTUSER.DAT", "winreg-users Users/joe/NTUSER.DAT"},
		{"copies/NOTAHIVE/SOFTWARE", ""},
		{"mnt/c/Windows/System32/config/SOFTWARE", "winreg-software Windows/System32/config/SOFTWARE"},
		{"mnt/c/Windows/System32/config/SYSTEM", "winreg-services Windows/System32/config/SYSTEM"},
		{"mnt/c/Users/ann/NTUSER.DAT", "winreg-users Users/ann/NTUSER.DAT"},
		{"mnt/c/Windows/System32/config/SAM", ""},
		{"mnt/c/Windows/System32/config/SOFTWARE2", ""},
	}
	for _, tc := range tests {
		lf, err := openLone(filepath.Join(work, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range collectors {
			if p, ok := lf.placeFor(c); ok {
				got = append(got, c.Name()+" "+p)
			}
		}
		lf.close()
		if strings.Join(got, "; ") != tc.want {
			t.Errorf("%s placed %q, want %q", tc.file, got, tc.want)
		}
	}
}

// placedFS shows the lone file's folder where the file is placed, and
// nothing else.
func TestPlacedFS(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"manifest.json": "{}", "_locales/en/messages.json": "{}"})
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	p := placedFS{root: root.FS(), dir: "Extensions/abc/1.0"}
	for _, name := range []string{"Extensions/abc/1.0/manifest.json", "Extensions/abc/1.0/_locales/en/messages.json", "Extensions/abc/1.0"} {
		f, err := p.Open(name)
		if err != nil {
			t.Errorf("open %s: %v", name, err)
			continue
		}
		f.Close()
	}
	for _, name := range []string{"manifest.json", "Extensions/abc", ".", "Extensions/abc/1.0/../../x", "Extensions/abc/1.0/missing"} {
		if _, err := p.Open(name); err == nil {
			t.Errorf("open %s: no error", name)
		}
	}
	if _, err := fs.ReadFile(p, "Extensions/abc/1.0/_locales/en/messages.json"); err != nil {
		t.Errorf("fs.ReadFile: %v", err)
	}
}

// A lone Java archive, which no reader takes, is read by the collector
// that reads such archives in a tree, and what it finds is placed in the
// file as the user named it.
func TestLoneFileRead(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	work := t.TempDir()
	t.Chdir(work)
	writeJar(t, "kaspresso-1.5.3.jar", "com.kaspersky.android-components", "kaspresso", "1.5.3")
	rep, err := Run(context.Background(), a, []string{"kaspresso-1.5.3.jar"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Inputs) != 1 || rep.Inputs[0].Reader != "java" || !strings.Contains(rep.Inputs[0].Format, "one file read by the host collectors java") {
		t.Errorf("inputs %+v", rep.Inputs)
	}
	if rep.Summary.Attributed != 1 || rep.Items[0].Attribution.Entity.ID != "kaspersky-ao" {
		t.Fatalf("summary %+v", rep.Summary)
	}
	if got := rep.Items[0].Location.Source; got != "kaspresso-1.5.3.jar" {
		t.Errorf("location %q, want the file as named", got)
	}
	if rep.Items[0].ID == "" {
		t.Error("the item has no id")
	}
	// The same, forced to a collector that does not want it, is not read.
	if _, err := Run(context.Background(), a, []string{"kaspresso-1.5.3.jar"}, Options{Select: []string{"pe"}}); err == nil ||
		!strings.Contains(err.Error(), "nor a file the collectors of --select pe read") {
		t.Errorf("--select pe: %v", err)
	}
}

func writeJar(t *testing.T, name, group, artifact, version string) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("META-INF/maven/" + group + "/" + artifact + "/pom.properties")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// What neither a reader nor a collector takes says so; an empty file says
// it is empty; a file a collector wanted but found nothing in is unknown,
// never compliant.
func TestLoneFileNotRead(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	work := t.TempDir()
	t.Chdir(work)
	writeTree(t, work, map[string]string{
		"notes.txt":  "some notes\n",
		"empty.json": "",
		"SAM":        "regf and the rest",
		"bin/notes":  "some notes\n",
	})
	for _, tc := range []struct{ input, want string }{
		{"notes.txt", "notes.txt: not a recognised inventory format (cyclonedx, "},
		{"notes.txt", "nor a file a host collector reads"},
		{"empty.json", "empty.json: the input is empty (0 bytes)"},
		{"SAM", "SAM: a Windows registry hive, but not one the winreg collectors read"},
	} {
		_, err := Run(context.Background(), a, []string{tc.input}, Options{})
		if !errors.Is(err, ErrNothingRead) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.input, err, tc.want)
		}
	}
	// Empty as a document read by the readers too (standard input).
	if _, _, err := readInputWith(context.Background(), "empty.json", "", inventory.DefaultLimits, Readers()); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("an empty document: %v", err)
	}
	rep, err := Run(context.Background(), a, []string{"bin/notes"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unknowns) != 1 || !strings.Contains(rep.Unknowns[0].Reason, "read by gobinary, which found nothing in it") || rep.Unknowns[0].Location.Source != "bin/notes" {
		t.Errorf("unknowns %+v", rep.Unknowns)
	}
	if !rep.Incomplete() {
		t.Error("a file nothing was found in leaves the scan complete")
	}
}
