package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	localEstate  = "testdata/local/estate.cdx.json"
	localDWP     = "testdata/local/catalog/dwp.yaml"
	localOverKES = "testdata/local/override.yaml"
)

// localScan is what the local-catalogue tests read of a JSON report.
type localScan struct {
	Catalog struct{ Digest string } `json:"catalog"`
	Data    struct {
		Catalog   struct{ Digest string } `json:"catalog"`
		Local     []struct{ File, Digest string }
		Overrides []struct{ What, ID, Replaced, By, Reason string }
	} `json:"data"`
	Items []struct {
		ID, Name    string
		Attribution *struct {
			Local   bool
			Product *struct {
				ID    string
				Local bool
			}
			Supplier  struct{ ID string }
			DecidedBy struct {
				Identifier string
				Local      bool
			} `json:"decided_by"`
		}
	}
}

func scanLocal(t *testing.T, args ...string) (localScan, string, int) {
	t.Helper()
	out, errOut, code := run(t, append([]string{"scan", "-o", "json", localEstate}, args...)...)
	var rep localScan
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("scan %v: exit %d, %v\n%s", args, code, err, errOut)
	}
	return rep, errOut, code
}

// attributed lists the attributed items as "name product supplier", with
// " local" when the attribution is marked local (and its product and
// decisive evidence are).
func (r localScan) attributed() []string {
	var out []string
	for _, it := range r.Items {
		a := it.Attribution
		if a == nil {
			continue
		}
		s := it.Name + " " + a.Product.ID + " " + a.Supplier.ID
		if a.Local && a.Product.Local && a.DecidedBy.Local {
			s += " local"
		}
		out = append(out, s)
	}
	return out
}

// TestLocalCatalog: --catalog adds a department's product of a built-in
// supplier; it is attributed and marked local in JSON (part by part) and
// the table, a near-miss package name is not attributed, the report's
// data names the file and its digest, and the catalogue's digest says
// local facts were used. The data directory's local/ folder does the
// same without the flag, and a directory may be given to --catalog.
func TestLocalCatalog(t *testing.T) {
	builtin, _, code := scanLocal(t)
	if code != 1 {
		t.Fatalf("without local files: exit %d", code)
	}
	want := []string{"dwp-kes-agent dwp-kes-repack kaspersky-ao local", "kesl kaspersky-endpoint-security-linux kaspersky-ao"}
	for _, args := range [][]string{{"--catalog", localDWP}, {"--catalog", filepath.Dir(localDWP)}} {
		rep, errOut, code := scanLocal(t, args...)
		if code != 1 || errOut != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
		if diff := cmp.Diff(want, rep.attributed()); diff != "" {
			t.Errorf("%v: attributed (-want +got):\n%s", args, diff)
		}
		if rep.Catalog.Digest != builtin.Catalog.Digest+rep.Catalog.Digest[len(builtin.Catalog.Digest):] ||
			!strings.HasPrefix(rep.Catalog.Digest[len(builtin.Catalog.Digest):], "+local:sha256:") || rep.Data.Catalog.Digest != rep.Catalog.Digest {
			t.Errorf("%v: digest %s (built-in %s, data %s)", args, rep.Catalog.Digest, builtin.Catalog.Digest, rep.Data.Catalog.Digest)
		}
		if len(rep.Data.Local) != 1 || rep.Data.Local[0].File != localDWP || !strings.HasPrefix(rep.Data.Local[0].Digest, "sha256:") || len(rep.Data.Overrides) != 0 {
			t.Errorf("%v: data %+v", args, rep.Data)
		}
	}
	out, _, code := run(t, "scan", "--wide", "--catalog", localDWP, localEstate)
	for _, w := range []string{"DWP Endpoint Protection (repackaged Kaspersky Endpoint Security) [local]", "with local catalogue files " + localDWP + " sha256:"} {
		if code != 1 || !strings.Contains(out, w) {
			t.Errorf("table: exit %d, lacks %q:\n%s", code, w, out)
		}
	}

	data := t.TempDir()
	t.Setenv("EMBARGO_DATA_DIR", data)
	os.MkdirAll(filepath.Join(data, "local"), 0o755)
	b, _ := os.ReadFile(localDWP)
	os.WriteFile(filepath.Join(data, "local", "dwp.yaml"), b, 0o644)
	rep, _, _ := scanLocal(t)
	if diff := cmp.Diff(want, rep.attributed()); diff != "" || len(rep.Data.Local) != 1 || rep.Data.Local[0].File != filepath.Join(data, "local", "dwp.yaml") {
		t.Errorf("the data directory's local folder: data %+v, attributed (-want +got):\n%s", rep.Data, diff)
	}
	// The same file again with --catalog is read once.
	if rep, errOut, _ := scanLocal(t, "--catalog", filepath.Join(data, "local")); len(rep.Data.Local) != 1 {
		t.Errorf("the local folder given again: %+v %s", rep.Data.Local, errOut)
	}
}

// TestLocalCatalogOverride: a local file replaces a built-in product only
// as its overrides list says; every run warns of it on standard error and
// the report's data lists it.
func TestLocalCatalogOverride(t *testing.T) {
	rep, errOut, code := scanLocal(t, "--catalog", localOverKES, "--catalog", localDWP)
	warning := "embargo: warning: local catalogue: " + localOverKES + `:4 overrides product "kaspersky-endpoint-security-linux" of kaspersky.yaml:`
	if code != 1 || !strings.Contains(errOut, warning) {
		t.Errorf("exit %d, stderr %q; want %q", code, errOut, warning)
	}
	want := []string{"dwp-kes-agent dwp-kes-repack kaspersky-ao local", "kesl-dwp kaspersky-endpoint-security-linux kaspersky-ao local"}
	if diff := cmp.Diff(want, rep.attributed()); diff != "" {
		t.Errorf("attributed (-want +got):\n%s", diff)
	}
	if o := rep.Data.Overrides; len(o) != 1 || o[0].ID != "kaspersky-endpoint-security-linux" || o[0].What != "product" ||
		o[0].By != localOverKES+":4" || !strings.HasPrefix(o[0].Replaced, "kaspersky.yaml:") || !strings.Contains(o[0].Reason, "CHG-1234") {
		t.Errorf("data overrides %+v", o)
	}
	for _, args := range [][]string{{"catalog", "list"}, {"policy", "list"}, {"enforce", "-o", "hosts"}} {
		_, errOut, code := run(t, append(args, "--catalog", localOverKES)...)
		if code != 0 || !strings.Contains(errOut, warning) {
			t.Errorf("%v: exit %d, stderr %q: no override warning", args, code, errOut)
		}
	}
	out, _, _ := run(t, "scan", "--catalog", localOverKES, localEstate)
	if !strings.Contains(out, "OVERRIDE: product kaspersky-endpoint-security-linux") {
		t.Errorf("the table's data line does not name the override:\n%s", out)
	}
}

// TestLocalCatalogRefused: a local file is validated as the built-in
// catalogue is, and cannot redefine a built-in fact without saying so;
// the run stops before it starts (exit 2), naming the file and line.
func TestLocalCatalogRefused(t *testing.T) {
	tests := []struct{ file, want string }{
		{"missing-source.yaml", `missing-source.yaml:11: identifier deb_package "dwp-agent" has no source`},
		{"no-nomatch.yaml", `no-nomatch.yaml:11: identifier deb_package "dwp-agent" needs at least one match and one nomatch example`},
		{"bad-confidence.yaml", `bad-confidence.yaml: line 9: confidence "certain" is not one of low, medium, high`},
		{"clash.yaml", `clash.yaml:5: product "kaspersky-endpoint-security-linux" is already in the built-in catalogue (kaspersky.yaml:`},
		{"nomatch-matches.yaml", `nomatch-matches.yaml:12: product dwp-agent go_module "git.dwp.example/agent": nomatch example "git.dwp.example/agent/internal" is matched`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "local", "bad", tc.file)
			for _, args := range [][]string{{"scan", localEstate}, {"catalog", "list"}, {"explain", "I-0", localEstate}, {"flows", "testdata/zeek-ru/conn.log"}} {
				out, errOut, code := run(t, append(args, "--catalog", path)...)
				if code != 2 || out != "" || !strings.Contains(errOut, "embargo: local catalogue: testdata/local/bad/"+tc.want) {
					t.Errorf("%v: exit %d, stdout %q\nstderr %q\nwant %q", args, code, out, errOut, tc.want)
				}
			}
		})
	}
	if _, errOut, code := run(t, "scan", localEstate, "--catalog", "testdata/local/none.yaml"); code != 2 || !strings.Contains(errOut, "--catalog testdata/local/none.yaml") {
		t.Errorf("a missing --catalog file: exit %d %q", code, errOut)
	}
}

// TestLocalCatalogExplain: explain marks the local parts of the evidence
// chain and names the local files with the data.
func TestLocalCatalogExplain(t *testing.T) {
	rep, _, _ := scanLocal(t, "--catalog", localDWP)
	id := ""
	for _, it := range rep.Items {
		if it.Name == "dwp-kes-agent" {
			id = it.ID
		}
	}
	out, errOut, code := run(t, "explain", id, localEstate, "--catalog", localDWP)
	for _, w := range []string{
		`matches deb_package "dwp-kes-agent", score 95 [local]`,
		"Product   DWP Endpoint Protection (repackaged Kaspersky Endpoint Security) (dwp-kes-repack), antivirus [local]",
		"Supplier  AO Kaspersky Lab (kaspersky-ao), incorporated in RU\n",
		"Local     facts marked [local] come from local catalogue files",
		"with local catalogue files " + localDWP,
	} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("explain: exit %d %s, lacks %q:\n%s", code, errOut, w, out)
		}
	}
}
