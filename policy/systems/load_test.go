package systems

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/strictyaml/yamltest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite testdata/invalid/*.err from the current errors")

func load(t *testing.T, file string) *Register {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Load(file, data)
	if err != nil {
		t.Fatalf("Load(%s): %v", file, err)
	}
	return r
}

func TestLoadUK(t *testing.T) {
	r := load(t, "uk.yaml")
	if got, want := r.Scale.String(), "OFFICIAL < SECRET < TOP SECRET"; got != want {
		t.Errorf("scale = %q, want %q", got, want)
	}
	want := System{
		ID: "cni-grid", Name: "Grid control", Owner: "ot-security@grid.example",
		Classification: "TOP SECRET",
		Tags:           []string{"critical-national-infrastructure", "national-security"},
		Rules: Rules{
			Hosts:     []string{"scada-*.grid.example"},
			Addresses: []netip.Prefix{netip.MustParsePrefix("2001:db8::/32")},
		},
		Pos: Position{File: "uk.yaml", Line: 26},
	}
	got, ok := r.System("cni-grid")
	if !ok {
		t.Fatal(`System("cni-grid") not found`)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("cni-grid (-want +got):\n%s", diff)
	}
	wantDef := System{Name: "unregistered", Classification: "OFFICIAL", Tags: []string{"government-device"},
		Pos: Position{File: "uk.yaml", Line: 3}}
	if diff := cmp.Diff(wantDef, r.Default); diff != "" {
		t.Errorf("default (-want +got):\n%s", diff)
	}
	if len(r.Systems) != 5 {
		t.Errorf("%d systems, want 5", len(r.Systems))
	}
}

func TestLoadUS(t *testing.T) {
	r := load(t, "us.yaml")
	c2, _ := r.System("agency-c2")
	if c2.Classification != "SECRET" {
		t.Errorf("agency-c2 classification = %q, want the scale's spelling SECRET", c2.Classification)
	}
	hr, _ := r.System("agency-hr")
	if diff := cmp.Diff([]string{"hr.agency.example"}, hr.Rules.Hosts); diff != "" {
		t.Errorf("hosts are lower case without the trailing dot (-want +got):\n%s", diff)
	}
	if !r.Scale.AtLeast(c2.Classification, "CONFIDENTIAL") || r.Scale.AtLeast(hr.Classification, "CONFIDENTIAL") {
		t.Error("AtLeast on the US scale is wrong")
	}
}

func TestLoadValidFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range files {
		load(t, filepath.Base(f))
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, data := range []string{"", "# nothing\n", "~\n", "systems: []\n"} {
		r, err := Load("empty.yaml", []byte(data))
		if err != nil {
			t.Fatalf("Load(%q): %v", data, err)
		}
		m := r.ForHost("anything", nil)
		if !m.Unregistered || m.System.Classification != "OFFICIAL" {
			t.Errorf("Load(%q).ForHost = %+v, want unregistered OFFICIAL", data, m)
		}
	}
}

// TestLoadInvalid loads each file in testdata/invalid and compares the
// error with the .err file beside it (refresh with -update).
func TestLoadInvalid(t *testing.T) {
	yamltest.Invalid(t, "testdata/invalid", *update, func(name string, data []byte) (bool, error) {
		r, err := Load(name, data)
		return r != nil, err
	})
}

func TestLoadLimits(t *testing.T) {
	big := make([]byte, MaxFileSize+1)
	if _, err := Load("big.yaml", big); err == nil || !strings.Contains(err.Error(), "over the 16777216-byte limit") {
		t.Errorf("oversized file: err = %v", err)
	}
	var sb strings.Builder
	sb.WriteString("systems:\n")
	for range MaxSystems + 1 {
		sb.WriteString("- {}\n")
	}
	if _, err := Load("many.yaml", []byte(sb.String())); err == nil || !strings.Contains(err.Error(), "100001 systems is over the limit of 100000") {
		t.Errorf("too many systems: err = %v", err)
	}
}
