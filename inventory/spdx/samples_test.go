package spdx

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
)

// samples returns the directory of the sample documents shipped in the
// tools-golang module. The test fails, rather than skips, without them:
// they are the independent check on this reader.
func samples(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/spdx/tools-golang").Output()
	if err != nil {
		t.Fatalf("locating github.com/spdx/tools-golang: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "examples", "sample-docs")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("sample documents: %v", err)
	}
	return dir
}

type named struct{ Ref, Name string }

// expectJSON lists a JSON document's packages then files, decoded
// generically rather than with the library.
func expectJSON(t *testing.T, path string) []named {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Packages []map[string]any `json:"packages"`
		Files    []map[string]any `json:"files"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []named
	for _, p := range doc.Packages {
		out = append(out, named{p["SPDXID"].(string), p["name"].(string)})
	}
	for _, f := range doc.Files {
		out = append(out, named{f["SPDXID"].(string), f["fileName"].(string)})
	}
	return out
}

// expectTagValue lists a tag-value document's packages and files with the
// line of each one's SPDXID, and the lines of its snippets, by scanning
// lines rather than with the library.
func expectTagValue(t *testing.T, path string) (pkgs, files []named, lines map[string]int, snippets []int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines = map[string]int{}
	var last *[]named
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		tag, val, _ := strings.Cut(sc.Text(), ":")
		val = strings.TrimSpace(val)
		switch tag {
		case "PackageName":
			pkgs, last = append(pkgs, named{Name: val}), &pkgs
		case "FileName":
			files, last = append(files, named{Name: val}), &files
		case "SnippetSPDXID":
			snippets, last = append(snippets, n), nil
		case "SPDXID":
			if last != nil && (*last)[len(*last)-1].Ref == "" {
				(*last)[len(*last)-1].Ref = val
				lines[val] = n
			}
		}
	}
	return pkgs, files, lines, snippets
}

func TestSampleJSON(t *testing.T) {
	dir := samples(t)
	for _, name := range []string{"SPDXJSONExample-v2.2.spdx.json", "SPDXJSONExample-v2.3.spdx.json"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "json", name)
			inv, err := readFile(t, path, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			var got []named
			for _, it := range inv.Items {
				got = append(got, named{it.Location.Ref, it.Name})
			}
			if d := cmp.Diff(expectJSON(t, path), got); d != "" {
				t.Errorf("packages and files (-want +got):\n%s", d)
			}
			if len(inv.Unknowns) != 0 {
				t.Errorf("unknowns: %+v", inv.Unknowns)
			}
			glibc := find(t, inv, "glibc")
			want := attrs("cpe", "cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*",
				"author", "Jane Doe", "manufacturer", "ExampleCodeInspect",
				"url", "http://ftp.gnu.org/gnu/glibc/glibc-ports-2.15.tar.gz", "url", "http://ftp.gnu.org/gnu/glibc")
			if d := cmp.Diff(want, glibc.Attrs); glibc.Version != "2.11.1" || d != "" {
				t.Errorf("glibc %s (-want +got):\n%s", glibc.Version, d)
			}
			jena := find(t, inv, "Jena")
			if jena.Type != inventory.Library || jena.Ecosystem != "maven" || jena.Get(inventory.PURL) != "pkg:maven/org.apache.jena/apache-jena@3.12.0" {
				t.Errorf("Jena: %+v", jena)
			}
		})
	}
}

func TestSampleTagValue(t *testing.T) {
	dir := samples(t)
	for _, name := range []string{"SPDXTagExample-v2.2.spdx", "SPDXTagExample-v2.3.spdx", "hello.spdx"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "tv", name)
			inv, err := readFile(t, path, inventory.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			pkgs, files, lines, snippets := expectTagValue(t, path)
			var gotPkgs, gotFiles []named
			for _, it := range inv.Items {
				if it.Location.Line != lines[it.Location.Ref] {
					t.Errorf("%s: line %d, want %d", it.Location.Ref, it.Location.Line, lines[it.Location.Ref])
				}
				if it.Type == inventory.File {
					gotFiles = append(gotFiles, named{it.Location.Ref, it.Name})
				} else {
					gotPkgs = append(gotPkgs, named{it.Location.Ref, it.Name})
				}
			}
			if d := cmp.Diff(pkgs, gotPkgs); d != "" {
				t.Errorf("packages (-want +got):\n%s", d)
			}
			byRef := func(a, b named) int { return strings.Compare(a.Ref, b.Ref) }
			slices.SortFunc(files, byRef)
			slices.SortFunc(gotFiles, byRef)
			if d := cmp.Diff(files, gotFiles); d != "" {
				t.Errorf("files (-want +got):\n%s", d)
			}
			// The library takes snippets only after a file: the 2.2
			// sample has one after a package, which is listed unread.
			var gotSnippets []int
			for _, u := range inv.Unknowns {
				if u.Location.Ref != "SnippetSPDXID" {
					t.Errorf("unknown %+v", u)
				}
				gotSnippets = append(gotSnippets, u.Location.Line)
			}
			if name == "SPDXTagExample-v2.2.spdx" && !cmp.Equal(snippets, gotSnippets) {
				t.Errorf("snippets read as unknowns at lines %v, want %v", gotSnippets, snippets)
			}
		})
	}
}

func find(t *testing.T, inv *inventory.Inventory, name string) *inventory.Item {
	t.Helper()
	for i := range inv.Items {
		if inv.Items[i].Name == name {
			return &inv.Items[i]
		}
	}
	t.Fatalf("no item named %q", name)
	return nil
}
