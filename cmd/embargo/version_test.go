package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// versionJSON is what the tests read of `embargo version -o json`.
type versionJSON struct {
	Version, Commit, Date, Go, Platform, Config string
	Data                                        struct {
		Source  string
		Catalog struct{ Digest string }
		Packs   struct{ Digest string }
	}
	Catalog struct {
		Digest                          string
		Entities, Products, Identifiers int
	}
	Packs struct {
		Count  int
		IDs    []string
		Digest string
	}
	IPData struct {
		Name, Digest, From string
	} `json:"ip_data"`
	MAC struct {
		Name, Digest, From string
		Assignments        int
	} `json:"mac_registry"`
}

func readVersion(t *testing.T, stdout string) versionJSON {
	t.Helper()
	var v versionJSON
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("version -o json: %v\n%s", err, stdout)
	}
	return v
}

// TestVersionNamesTheDataInUse checks each field of `embargo version`
// against the commands that show the same data.
func TestVersionNamesTheDataInUse(t *testing.T) {
	env := []string{"XDG_DATA_HOME=" + t.TempDir()} // no IP data or registry of 'data update'
	stdout, stderr, code := runEnv(t, env, "version", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	v := readVersion(t, stdout)
	if v.Version == "" || v.Go != runtime.Version() || v.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("build: version %q, go %q, platform %q", v.Version, v.Go, v.Platform)
	}

	stdout, _, _ = runEnv(t, env, "catalog", "list", "-o", "json")
	var cat struct {
		Digest             string
		Entities, Products []json.RawMessage
	}
	if err := json.Unmarshal([]byte(stdout), &cat); err != nil {
		t.Fatal(err)
	}
	if v.Catalog.Digest != cat.Digest || v.Data.Catalog.Digest != cat.Digest || v.Catalog.Entities != len(cat.Entities) ||
		v.Catalog.Products != len(cat.Products) || v.Catalog.Identifiers == 0 || v.Data.Source != "built-in" {
		t.Errorf("catalogue %+v, data %+v; catalog list says %s, %d entities, %d products", v.Catalog, v.Data, cat.Digest, len(cat.Entities), len(cat.Products))
	}

	stdout, _, _ = runEnv(t, env, "policy", "list", "-o", "json")
	var packs []struct{ ID string }
	if err := json.Unmarshal([]byte(stdout), &packs); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range packs {
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff(ids, v.Packs.IDs); diff != "" || v.Packs.Count != len(ids) || v.Packs.Digest == "" || v.Packs.Digest != v.Data.Packs.Digest {
		t.Errorf("packs %+v (-policy list +version):\n%s", v.Packs, diff)
	}

	stdout, _, _ = runEnv(t, env, "data", "show")
	if !strings.HasPrefix(stdout, v.IPData.Name+", built ") || !strings.Contains(strings.SplitN(stdout, "\n", 2)[0], v.IPData.Digest) || v.IPData.From != "embedded" {
		t.Errorf("IP data %+v; data show says:\n%s", v.IPData, stdout)
	}
	if v.MAC.Digest == "" || !strings.Contains(stdout, "IEEE MAC address registry: "+v.MAC.Name) || !strings.Contains(stdout, v.MAC.Digest+" (embedded)") ||
		v.MAC.From != "embedded" || v.MAC.Assignments == 0 {
		t.Errorf("MAC registry %+v; data show says:\n%s", v.MAC, stdout)
	}

	text, _, _ := runEnv(t, env, "version")
	for _, want := range []string{"embargo " + v.Version + "\n", "  go            " + v.Go + " " + v.Platform + "\n",
		v.Catalog.Digest, v.Packs.Digest, v.IPData.Digest, v.MAC.Digest, strings.Join(v.Packs.IDs[:2], ", ")} {
		if !strings.Contains(text, want) {
			t.Errorf("version's text lacks %q:\n%s", want, text)
		}
	}
	if flag, _, _ := runEnv(t, env, "--version"); flag != text {
		t.Errorf("--version differs from version:\n%s\n---\n%s", flag, text)
	}
}

// TestVersionStamped builds embargo as a release is built, with the
// three -X values, and reads them back.
func TestVersionStamped(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "embargo")
	ldflags := "-X main.version=1.4.0-rc.1 -X main.commit=4f2a9c0e1b7d -X main.date=2026-05-01T10:00:00Z"
	// Without the VCS record, the binary's data is dated by the stamp.
	if out, err := exec.Command("go", "build", "-buildvcs=false", "-ldflags", ldflags, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, stderr, code := runBinEnv(t, bin, nil, "version", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	v := readVersion(t, out)
	if v.Version != "1.4.0-rc.1" || v.Commit != "4f2a9c0e1b7d" || v.Date != "2026-05-01T10:00:00Z" {
		t.Errorf("version %q, commit %q, date %q", v.Version, v.Commit, v.Date)
	}
	out, _, _ = runBinEnv(t, bin, nil, "--version")
	if !strings.HasPrefix(out, "embargo 1.4.0-rc.1\n  commit        4f2a9c0e1b7d\n  built         2026-05-01T10:00:00Z\n") ||
		!strings.Contains(out, "\ndata            built-in, built 2026-05-01\n") {
		t.Errorf("--version:\n%s", out)
	}
	// A report names the stamped version as the tool's.
	out, _, _ = runBinEnv(t, bin, nil, "scan", "-o", "json", "testdata/clean.cdx.json")
	var rep struct{ Tool struct{ Version string } }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Tool.Version != "1.4.0-rc.1" {
		t.Errorf("the report's tool version is %q (%v)", rep.Tool.Version, err)
	}
}

func TestVersionBadOutput(t *testing.T) {
	_, stderr, code := runEnv(t, nil, "version", "-o", "yaml")
	if code != exitError || !strings.Contains(stderr, `-o "yaml": give text or json`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
