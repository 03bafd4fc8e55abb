package enforce

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNFTablesCheck runs each script through `nft -c -f` (the kernel
// checks the whole transaction and then aborts it: nothing is applied).
// It needs root, which the tests have.
func TestNFTablesCheck(t *testing.T) {
	nft := tool(t, "nft", "nftables")
	v4only := sampleTargets()
	v4only.Prefixes = v4only.Prefixes[:4]
	cases := []struct {
		name string
		e    *NFTables
		t    *Targets
	}{
		{"sample", &NFTables{}, sampleTargets()},
		{"sample reject", &NFTables{Reject: true}, sampleTargets()},
		{"IPv4 only", &NFTables{}, v4only},
		{"empty", &NFTables{}, &Targets{AllowEmpty: true}},
		{"embedded catalogue", &NFTables{}, embeddedTargets(t)},
		{"long comment", &NFTables{}, &Targets{Prefixes: []Prefix{{
			Prefix: netip.MustParsePrefix("192.0.2.0/24"), Entity: strings.Repeat(`é"\`, 100)}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, "embargo.nft", emit(t, c.e, c.t))
			out, err := exec.Command(nft, "-c", "-f", path).CombinedOutput()
			if err != nil {
				t.Fatalf("nft -c -f rejected the script: %v\n%s", err, out)
			}
		})
	}
}

// TestNFTablesCheckCatchesErrors proves the check above can fail: a set
// of overlapping prefixes without auto-merge is refused.
func TestNFTablesCheckCatchesErrors(t *testing.T) {
	nft := tool(t, "nft", "nftables")
	script := emit(t, &NFTables{}, sampleTargets())
	broken := bytes.ReplaceAll(script, []byte("\t\tauto-merge\n"), nil)
	path := writeTemp(t, "broken.nft", broken)
	out, err := exec.Command(nft, "-c", "-f", path).CombinedOutput()
	if err == nil {
		t.Fatal("nft -c accepted overlapping intervals without auto-merge")
	}
	if !bytes.Contains(out, []byte("conflicting intervals")) {
		t.Errorf("nft failed for another reason:\n%s", out)
	}
}

func TestNFTablesInvalidPrefix(t *testing.T) {
	tg := &Targets{Prefixes: []Prefix{{Entity: "x"}}}
	if err := (&NFTables{}).Emit(&bytes.Buffer{}, tg); err == nil {
		t.Error("an invalid prefix gave no error")
	}
}

// TestNFTablesLoadsAndDrops loads the script into the kernel inside a
// network namespace of its own, twice (a reload must replace the table),
// and sends one UDP datagram to a blocked address of each family (bound
// to the namespace's loopback, so nothing leaves it) and one to an
// address that is not blocked: the blocked sends fail with EPERM and the
// rules count them; the other goes through.
func TestNFTablesLoadsAndDrops(t *testing.T) {
	nft := tool(t, "nft", "nftables")
	ipCmd := tool(t, "ip", "iproute2")
	bash := tool(t, "bash", "bash")
	ns := fmt.Sprintf("embargo-nft-%d", os.Getpid())
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run(ipCmd, "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command(ipCmd, "netns", "del", ns).Run() })
	run(ipCmd, "-n", ns, "link", "set", "lo", "up")
	run(ipCmd, "-n", ns, "addr", "add", "192.0.2.1/32", "dev", "lo")
	run(ipCmd, "-n", ns, "addr", "add", "2001:db8::1/128", "dev", "lo")
	run(ipCmd, "-n", ns, "addr", "add", "198.18.0.1/32", "dev", "lo")

	script := writeTemp(t, "embargo.nft", emit(t, &NFTables{}, sampleTargets()))
	run(ipCmd, "netns", "exec", ns, nft, "-f", script)
	run(ipCmd, "netns", "exec", ns, nft, "-f", script)

	send := func(addr string) error {
		return exec.Command(ipCmd, "netns", "exec", ns, bash, "-c", "echo x > /dev/udp/"+addr+"/9").Run()
	}
	for _, a := range []string{"192.0.2.1", "2001:db8::1"} {
		if err := send(a); err == nil {
			t.Errorf("a datagram to %s was sent; the table should drop it", a)
		}
	}
	if err := send("198.18.0.1"); err != nil {
		t.Errorf("a datagram to 198.18.0.1, not blocked, failed: %v", err)
	}
	chain := run(ipCmd, "netns", "exec", ns, nft, "list", "chain", "inet", "embargo", "output")
	for _, want := range []string{"ip daddr @blocked_v4 counter packets 1 ", "ip6 daddr @blocked_v6 counter packets 1 "} {
		if !strings.Contains(chain, want) {
			t.Errorf("the output chain does not show %q:\n%s", want, chain)
		}
	}
	// auto-merge joined the overlapping and adjacent prefixes.
	set := run(ipCmd, "netns", "exec", ns, nft, "list", "set", "inet", "embargo", "blocked_v4")
	if !strings.Contains(set, "198.51.100.0/24") || strings.Contains(set, "192.0.2.128/25") {
		t.Errorf("the IPv4 set was not merged:\n%s", set)
	}
}
