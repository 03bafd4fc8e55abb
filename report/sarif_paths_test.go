package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// sarifLocationOf encodes r with e and returns the first result's first
// location and the run's notifications.
func sarifLocationOf(t *testing.T, e report.SARIF, r *report.Report) (locationOut, []notificationOut, map[string]artifactOut) {
	t.Helper()
	out := encode(t, e, r)
	checkSARIF(t, "locations", out)
	var got sarifOut
	unmarshal(t, out, &got)
	run := got.Runs[0]
	return run.Results[0].Locations[0], run.Invocations[0].ToolExecutionNotifications, run.OriginalURIBaseIDs
}

func TestSARIFLocations(t *testing.T) {
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := "file://" + filepath.ToSlash(cwd) + "/"
	att := fixedReport(t).Items[1].Attribution
	kesl := &inventory.Item{ID: "I-1", Name: "kesl", Ecosystem: "deb", Type: inventory.Package,
		Attrs: []inventory.Attr{{Field: inventory.PURL, Value: "pkg:deb/debian/kesl@11"}}}
	for _, tc := range []struct {
		name       string
		sourceRoot string
		loc        inventory.Location
		item       *inventory.Item
		inputs     []report.Input
		art        artifactOut
		line       int // 0: no region
		logical    []logicalOut
		outside    bool // a notification says the file is outside the root
	}{
		{name: "relative", loc: inventory.Location{Source: "sboms/app.cdx.json", Ref: "/components/7"},
			art: artifactOut{"sboms/app.cdx.json", "%SRCROOT%"}, logical: []logicalOut{{"x", "/components/7", "object"}}},
		{name: "line", loc: inventory.Location{Source: "var/lib/dpkg/status", Line: 1234, Ref: "Package: kesl"}, item: kesl,
			art: artifactOut{"var/lib/dpkg/status", "%SRCROOT%"}, line: 1234,
			logical: []logicalOut{{"kesl", "Package: kesl", "element"}, {"kesl", "pkg:deb/debian/kesl@11", "module"}}},
		{name: "package name", loc: inventory.Location{Source: "status"}, item: &inventory.Item{Name: "kesl", Ecosystem: "deb"},
			art: artifactOut{"status", "%SRCROOT%"}, logical: []logicalOut{{"kesl", "deb:kesl", "module"}}},
		{name: "registry key", loc: inventory.Location{Source: "Windows/System32/config/SOFTWARE", Ref: `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{A}`},
			art:     artifactOut{"Windows/System32/config/SOFTWARE", "%SRCROOT%"},
			logical: []logicalOut{{"x", `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{A}`, "resource"}}},
		{name: "escaped", loc: inventory.Location{Source: "my sboms/a#1%.json", Line: 12},
			art: artifactOut{"my%20sboms/a%231%25.json", "%SRCROOT%"}, line: 12},
		{name: "non-ASCII", loc: inventory.Location{Source: "инвентарь.json"},
			art: artifactOut{"%D0%B8%D0%BD%D0%B2%D0%B5%D0%BD%D1%82%D0%B0%D1%80%D1%8C.json", "%SRCROOT%"}},
		{name: "colon", loc: inventory.Location{Source: "c:inventory.json"}, art: artifactOut{"./c:inventory.json", "%SRCROOT%"}},
		{name: "dot segments", loc: inventory.Location{Source: "./sboms/../a.json"}, art: artifactOut{"a.json", "%SRCROOT%"}},
		{name: "absolute under the root", loc: inventory.Location{Source: filepath.Join(cwd, "testdata", "x.json")},
			art: artifactOut{"testdata/x.json", "%SRCROOT%"}},
		{name: "absolute outside", loc: inventory.Location{Source: "/var/lib/sbom/x y.json", Line: 3},
			art: artifactOut{"file:///var/lib/sbom/x%20y.json", ""}, line: 3, outside: true},
		{name: "parent", loc: inventory.Location{Source: "../x.json"},
			art: artifactOut{"file://" + filepath.ToSlash(filepath.Dir(cwd)) + "/x.json", ""}, outside: true},
		{name: "stdin", loc: inventory.Location{Source: "-"}, art: artifactOut{"-", "%SRCROOT%"}},
		{name: "source root", sourceRoot: "testdata", loc: inventory.Location{Source: "testdata/scan.cdx.json", Ref: "/components/0"},
			art: artifactOut{"scan.cdx.json", "%SRCROOT%"}, logical: []logicalOut{{"x", "/components/0", "object"}}},
		{name: "source root, file beside it", sourceRoot: "testdata", loc: inventory.Location{Source: "report_test.go"},
			art: artifactOut{"file://" + filepath.ToSlash(cwd) + "/report_test.go", ""}, outside: true},
		// A file inside a container image tarball is not in the
		// repository: the tarball is the artifact, the path inside it a
		// logical location.
		{name: "image", loc: inventory.Location{Source: "images/app.tar/var/lib/dpkg/status", Line: 40, Ref: "Package: kesl"},
			inputs: []report.Input{{Source: "images/app.tar", Reader: "image"}},
			art:    artifactOut{"images/app.tar", "%SRCROOT%"}, line: 40,
			logical: []logicalOut{{"status", "var/lib/dpkg/status", "resource"}, {"x", "Package: kesl", "element"}}},
		{name: "image of several", loc: inventory.Location{Source: "app.tar[b:1]/usr/bin/x"},
			inputs: []report.Input{{Source: "app.tar", Reader: "image"}},
			art:    artifactOut{"app.tar", "%SRCROOT%"}, logical: []logicalOut{{"x", "[b:1]/usr/bin/x", "resource"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{Inputs: tc.inputs, Unknowns: []inventory.Unknown{{Location: tc.loc, Name: "x", Reason: "unreadable"}}}
			if tc.item != nil {
				it := *tc.item
				it.Location = tc.loc
				r = &report.Report{Inputs: tc.inputs, Items: []report.Entry{{Item: &it, Attribution: att}}}
			}
			e, err := report.Configure(report.SARIF{}, report.Options{SourceRoot: tc.sourceRoot})
			if err != nil {
				t.Fatal(err)
			}
			loc, notes, bases := sarifLocationOf(t, e.(report.SARIF), r)
			if diff := cmp.Diff(tc.art, loc.PhysicalLocation.ArtifactLocation); diff != "" {
				t.Errorf("artifact (-want +got):\n%s", diff)
			}
			line := 0
			if reg := loc.PhysicalLocation.Region; reg != nil {
				line = reg.StartLine
			}
			if line != tc.line {
				t.Errorf("line %d, want %d (0: no region)", line, tc.line)
			}
			if diff := cmp.Diff(tc.logical, loc.LogicalLocations); diff != "" {
				t.Errorf("logical locations (-want +got):\n%s", diff)
			}
			wantRoot := root
			if tc.sourceRoot != "" {
				wantRoot = "file://" + filepath.ToSlash(filepath.Join(cwd, tc.sourceRoot)) + "/"
			}
			if bases["%SRCROOT%"].URI != wantRoot {
				t.Errorf("originalUriBaseIds %+v, want %s", bases, wantRoot)
			}
			outside := false
			for _, n := range notes {
				outside = outside || (n.Level == "warning" && strings.Contains(n.Message.Text, "outside the source root"))
			}
			if outside != tc.outside {
				t.Errorf("notifications %+v; a warning of a file outside the root: %v, want %v", notes, outside, tc.outside)
			}
		})
	}
}

// TestSARIFDirectoryScan scans a directory as a host: the scanned
// directory is the source root, files are named relative to it, and a
// package found in the dpkg database points at the line its stanza
// starts on.
func TestSARIFDirectoryScan(t *testing.T) {
	dir := t.TempDir()
	status := "Package: libfoo1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n" +
		"Package: kesl\nStatus: install ok installed\nMaintainer: AO Kaspersky Lab <support@example.invalid>\nArchitecture: amd64\nVersion: 11.2.0-4528\n"
	writeFileAt(t, filepath.Join(dir, "var", "lib", "dpkg", "status"), status)
	r := scanReport(t, dir)
	if r.Summary.Attributed != 1 {
		t.Fatalf("the scan attributed %d items, want kesl", r.Summary.Attributed)
	}
	var warned []string
	e, err := report.Configure(report.SARIF{}, report.Options{Warn: func(s string) { warned = append(warned, s) }})
	if err != nil {
		t.Fatal(err)
	}
	loc, notes, bases := sarifLocationOf(t, e.(report.SARIF), r)
	want := artifactOut{"var/lib/dpkg/status", "%SRCROOT%"}
	if diff := cmp.Diff(want, loc.PhysicalLocation.ArtifactLocation); diff != "" {
		t.Errorf("artifact (-want +got):\n%s", diff)
	}
	if reg := loc.PhysicalLocation.Region; reg == nil || reg.StartLine != 6 {
		t.Errorf("region %+v, want kesl's stanza at line 6", reg)
	}
	if bases["%SRCROOT%"].URI != "file://"+filepath.ToSlash(dir)+"/" {
		t.Errorf("source root %+v, want the scanned directory %s", bases, dir)
	}
	for _, n := range notes {
		if n.Level != "note" {
			t.Errorf("notification %+v", n)
		}
	}
	if len(warned) != 0 {
		t.Errorf("warnings %q", warned)
	}

	// Two directories: neither is the root, the working directory is.
	other := t.TempDir()
	writeFileAt(t, filepath.Join(other, "var", "lib", "dpkg", "status"), status)
	loc, notes, _ = sarifLocationOf(t, e.(report.SARIF), scanReport(t, dir, other))
	if loc.PhysicalLocation.ArtifactLocation.URIBaseID != "" || len(warned) != 1 || !strings.Contains(warned[0], "2 files are outside the source root") {
		t.Errorf("two directories: %+v, warned %q", loc.PhysicalLocation.ArtifactLocation, warned)
	}
	if n := notes[len(notes)-1]; n.Level != "warning" || n.Message.Text != warned[0] {
		t.Errorf("the log does not say what was warned: %+v", notes)
	}
}

func writeFileAt(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestConfigure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	writeFileAt(t, file, "x")
	for _, tc := range []struct {
		root, err string
	}{
		{"", ""},
		{"testdata", ""},
		{file, "is not a directory"},
		{filepath.Join(t.TempDir(), "missing"), "no such file or directory"},
	} {
		e, err := report.Configure(report.SARIF{}, report.Options{SourceRoot: tc.root})
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.root, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.root, err, tc.err)
		case tc.err == "" && e.(report.SARIF).SourceRoot != tc.root:
			t.Errorf("%q: source root %q", tc.root, e.(report.SARIF).SourceRoot)
		}
	}
	// Encoders that take no options are given back as they are, whatever
	// the options.
	for _, e := range report.Encoders() {
		if _, ok := e.(report.SARIF); ok {
			continue
		}
		got, err := report.Configure(e, report.Options{SourceRoot: file})
		if err != nil || got.Name() != e.Name() {
			t.Errorf("%s: %v, %v", e.Name(), got, err)
		}
	}
}
