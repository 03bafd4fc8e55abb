package lldp

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// TestRealLldpd runs Debian's lldpd: three daemons advertise themselves
// to a fourth, each in a network namespace of its own
// (testdata/gen-lldpctl.sh), and the fourth's lldpctl output, in each
// format, is read as the committed copies are; a daemon with no
// neighbour gives an empty table. Runs as root, as CI does.
func TestRealLldpd(t *testing.T) {
	testtool.Commands(t, [2]string{"ip", "iproute2"}, [2]string{"lldpd", "lldpd"}, [2]string{"lldpctl", "lldpd"})
	if os.Geteuid() != 0 {
		t.Fatal("making network namespaces needs root")
	}
	dir := t.TempDir()
	if b, err := exec.Command("bash", filepath.Join("testdata", "gen-lldpctl.sh"), dir).CombinedOutput(); err != nil {
		t.Fatalf("gen-lldpctl.sh: %v\n%s", err, b)
	}
	for file, want := range map[string][]dev{
		"lldpctl-keyvalue.txt": lldpdNeighbours(true, " "),
		"lldpctl.json":         lldpdNeighbours(false, "\n"),
		"lldpctl-json0.json":   lldpdNeighbours(false, "\n"),
		"lldpctl-none.json":    nil,
	} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		got, unknowns, _ := devices(t, data)
		// lldpd numbers neighbours (rid) in the order their first frames
		// came, which differs from run to run.
		if diff := cmp.Diff(withoutRID(want), withoutRID(got)); diff != "" || len(unknowns) != 0 {
			t.Errorf("%s: neighbours (-want +got):\n%s\nunknowns %q\n%s", file, diff, unknowns, data)
		}
	}
}

var rid = regexp.MustCompile(` rid [0-9]+`)

func withoutRID(ds []dev) []dev {
	out := slices.Clone(ds)
	for i := range out {
		out[i].Ref = rid.ReplaceAllString(out[i].Ref, "")
	}
	return out
}
