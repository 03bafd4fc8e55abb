package waivers

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/internal/strictyaml/yamltest"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/invalid/*.err from the current errors")

func load(t *testing.T, file string) *Set {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(file, data)
	if err != nil {
		t.Fatalf("Load(%s): %v", file, err)
	}
	return s
}

func date(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLoad(t *testing.T) {
	s := load(t, "waivers.yaml")
	want := []Waiver{
		{
			ID: "grid-kaspersky-2026", System: "cni-grid", Product: "kaspersky-endpoint-security",
			Instrument: "uk-ncsc-2017-russia-av",
			Reason:     "Air-gapped SCADA workstations; replacement scheduled with the Q3 outage.",
			Approver:   "ciso@grid.example", Granted: date("2026-01-15"), Expiry: date("2026-09-30"),
			Note: "Ticket OT-4411.", Pos: Position{File: "waivers.yaml", Line: 3},
		},
		{
			ID: "lab-all", System: "research-lab",
			Reason:   "Malware analysis lab; restricted software is the subject of study.",
			Approver: "head-of-research@example.org", Expiry: date("2027-12-31"),
			Pos: Position{File: "waivers.yaml", Line: 14},
		},
		{
			ID: "tiktok-comms", Product: "tiktok", Rule: "gov-device-tiktok",
			Reason:   "Press office account, on a dedicated unmanaged handset.",
			Approver: "permanent-secretary@example.gov", Expiry: date("2026-06-30"),
			Pos: Position{File: "waivers.yaml", Line: 21},
		},
		{
			ID: "one-finding", Finding: "f-3b9c2e",
			Reason:   "Vendor confirmed the component is disabled.",
			Approver: "security-board@example.gov", Expiry: date("2026-03-31"),
			Pos: Position{File: "waivers.yaml", Line: 29},
		},
	}
	if diff := cmp.Diff(want, s.Waivers); diff != "" {
		t.Errorf("waivers (-want +got):\n%s", diff)
	}
	if w, ok := s.Waiver("lab-all"); !ok || w.System != "research-lab" {
		t.Errorf(`Waiver("lab-all") = %v, %v`, w, ok)
	}
	if _, ok := s.Waiver("nope"); ok {
		t.Error(`Waiver("nope") found`)
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, data := range []string{"", "# nothing\n", "~\n", "waivers: []\n", "waivers:\n"} {
		s, err := Load("empty.yaml", []byte(data))
		if err != nil {
			t.Fatalf("Load(%q): %v", data, err)
		}
		if d := s.Lookup(Finding{ID: "x", System: "s", Product: "p"}, time.Now()); d.Waiver != nil {
			t.Errorf("Load(%q).Lookup = %+v, want no waiver", data, d)
		}
	}
}

// TestLoadInvalid loads each file in testdata/invalid and compares the
// error with the .err file beside it (refresh with -update).
func TestLoadInvalid(t *testing.T) {
	yamltest.Invalid(t, "testdata/invalid", *update, func(name string, data []byte) (bool, error) {
		s, err := Load(name, data)
		return s != nil, err
	})
}

func TestLoadLimits(t *testing.T) {
	big := make([]byte, MaxFileSize+1)
	if _, err := Load("big.yaml", big); err == nil || !strings.Contains(err.Error(), "over the 16777216-byte limit") {
		t.Errorf("oversized file: err = %v", err)
	}
	var sb strings.Builder
	sb.WriteString("waivers:\n")
	for range MaxWaivers + 1 {
		sb.WriteString("- {}\n")
	}
	if _, err := Load("many.yaml", []byte(sb.String())); err == nil || err.Error() != "many.yaml: 100001 waivers is over the limit of 100000" {
		t.Errorf("too many waivers: err = %v", err)
	}
}
