package neighbours

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

var writeFixtures = flag.Bool("write-fixtures", false, "write the tables of TestLive to testdata (testdata/gen.sh)")

// run runs a command and returns its standard output.
func run(t *testing.T, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// namespace makes a network namespace of the test's own, with a veth
// pair and neighbour entries set by hand (nothing is sent outside it),
// and returns its name.
func namespace(t *testing.T) string {
	ns := fmt.Sprintf("embargo-neigh-%d", os.Getpid())
	run(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	for _, c := range [][]string{
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"link", "set", "v0", "address", "02:00:00:00:00:10", "up"},
		{"link", "set", "v1", "up"},
		{"addr", "add", "192.0.2.10/24", "dev", "v0"},
		{"-6", "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"},
		{"neigh", "add", "192.0.2.20", "lladdr", "04:03:12:00:00:01", "dev", "v0", "nud", "permanent"},
		{"neigh", "add", "192.0.2.21", "lladdr", "00:11:22:33:44:55", "dev", "v0", "nud", "stale"},
		{"neigh", "add", "2001:db8::20", "lladdr", "3c:ef:8c:00:00:02", "dev", "v0", "nud", "permanent"},
		{"neigh", "add", "192.0.2.22", "dev", "v0", "nud", "incomplete"},
		{"neigh", "add", "192.0.2.23", "dev", "v0", "nud", "failed"},
		{"neigh", "add", "224.0.0.251", "lladdr", "01:00:5e:00:00:fb", "dev", "v0", "nud", "permanent"},
	} {
		run(t, append([]string{"ip", "-n", ns}, c...)...)
	}
	return ns
}

// TestLive reads the tables that iproute2's ip and net-tools' arp print
// of a namespace the test makes (run as root; packages iproute2 and
// net-tools), and this machine's own table. It fails when a tool is
// missing.
func TestLive(t *testing.T) {
	testtool.Commands(t, [2]string{"ip", "iproute2"}, [2]string{"arp", "net-tools"})
	ns := namespace(t)
	v4 := []string{"192.0.2.20 04:03:12:00:00:01 v0", "192.0.2.21 00:11:22:33:44:55 v0"}
	all := append([]string{"2001:db8::20 3c:ef:8c:00:00:02 v0"}, v4...)
	for _, c := range []struct {
		fixture string
		cmd     []string
		format  string
		want    []string
	}{
		{"ip-neigh.txt", []string{"ip", "-n", ns, "neigh", "show"}, "ip neigh neighbour table", all},
		{"ip-s-neigh.txt", []string{"ip", "-n", ns, "-s", "neigh", "show", "nud", "all"}, "ip neigh neighbour table", all},
		{"ip-j-neigh.json", []string{"ip", "-n", ns, "-j", "neigh", "show"}, "ip -j neigh neighbour table", all},
		{"ip-j-p-neigh.json", []string{"ip", "-n", ns, "-j", "-p", "neigh", "show"}, "ip -j neigh neighbour table", all},
		{"arp-an.txt", []string{"ip", "netns", "exec", ns, "arp", "-an"}, "arp -a neighbour table", v4},
		{"arp-n.txt", []string{"ip", "netns", "exec", ns, "arp", "-n"}, "arp -n neighbour table", v4},
		{"proc-net-arp.txt", []string{"ip", "netns", "exec", ns, "cat", "/proc/net/arp"}, "/proc/net/arp neighbour table", v4},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			out := run(t, c.cmd...)
			if *writeFixtures {
				if err := os.WriteFile(filepath.Join("testdata", c.fixture), out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			inv := readBytes(t, c.fixture, out)
			var got []string
			for _, it := range inv.Items {
				got = append(got, it.Get(inventory.IP)+" "+it.Get(inventory.MAC)+" "+strings.TrimPrefix(it.Location.Ref, it.Location.Host+" dev "))
			}
			if diff := cmp.Diff(c.want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("devices (-want +got):\n%s\n%s", diff, out)
			}
			if len(inv.Unknowns) != 0 || inv.Format != c.format {
				t.Errorf("%s: unknowns %+v", inv.Format, inv.Unknowns)
			}
		})
	}

	// This machine's own table: whatever it holds, every line is read.
	for _, cmd := range [][]string{{"ip", "neigh", "show", "nud", "all"}, {"ip", "-j", "neigh", "show"}, {"arp", "-an"}, {"arp", "-n"}, {"cat", "/proc/net/arp"}} {
		out := run(t, cmd...)
		inv, err := Reader{}.Read(context.Background(), "own", bytes.NewReader(out), inventory.DefaultLimits)
		if err != nil || len(inv.Unknowns) != 0 {
			t.Errorf("%s: %v %+v\n%s", strings.Join(cmd, " "), err, inv, out)
		}
	}
}

func readBytes(t *testing.T, name string, data []byte) *inventory.Inventory {
	t.Helper()
	if len(bytes.TrimSpace(data)) > 0 && !(Reader{}).Sniff(name, data[:min(len(data), 8<<10)]) {
		t.Errorf("%s: not recognised", name)
	}
	inv, err := Reader{}.Read(context.Background(), name, bytes.NewReader(data), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}
