package enforce

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hostsEntry is one address-name pair of a hosts file.
type hostsEntry struct {
	Addr netip.Addr
	Name string
}

// parseHosts reads a hosts file as hosts(5) says: '#' starts a comment
// anywhere; a line is an address and one or more names. It refuses what
// a resolver would misread: a bad address, a bad host name, a repeat.
func parseHosts(data []byte) ([]hostsEntry, error) {
	var out []hostsEntry
	seen := map[hostsEntry]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: an address without a name", line)
		}
		a, err := netip.ParseAddr(f[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		if !a.IsUnspecified() {
			return nil, fmt.Errorf("line %d: %s is not an unspecified address", line, a)
		}
		for _, n := range f[1:] {
			if h, err := hostName(n); err != nil || h != n {
				return nil, fmt.Errorf("line %d: %q is not a lower-case host name: %v", line, n, err)
			}
			e := hostsEntry{a, n}
			if seen[e] {
				return nil, fmt.Errorf("line %d: %s %s repeats an earlier line", line, a, n)
			}
			seen[e] = true
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

func TestHostsParsesBack(t *testing.T) {
	got, err := parseHosts(emit(t, &Hosts{}, sampleTargets()))
	if err != nil {
		t.Fatal(err)
	}
	var want []hostsEntry
	for _, n := range []string{"kaspersky.com", "activation-v2.kaspersky.com", "upd.kaspersky.com", "cm.k.kaspersky-labs.com", "tiktok.com"} {
		want = append(want, hostsEntry{netip.IPv4Unspecified(), n}, hostsEntry{netip.IPv6Unspecified(), n})
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

// TestHostsEmbedded writes the whole catalogue's names: every one valid,
// none twice, and the header saying what a hosts file cannot block.
func TestHostsEmbedded(t *testing.T) {
	tg := embeddedTargets(t)
	out := emit(t, &Hosts{}, tg)
	entries, err := parseHosts(out)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name] = true
	}
	for _, d := range tg.Domains {
		_, err := hostName(d.Name)
		switch {
		case err == nil && !names[d.Name]:
			t.Errorf("%s (subtree %v) is not listed", d.Name, d.Subtree)
		case err != nil && !bytes.Contains(out, []byte("not written: "+err.Error())):
			t.Errorf("%s is not a host name and the file does not say so", d.Name)
		}
	}
	if !bytes.Contains(out, []byte("cannot match the names below a domain")) {
		t.Error("the header does not say that subtrees are listed by their apex only")
	}
}

func TestHostName(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"Example.COM.", "example.com", true},
		{"касперский.рф" /* Python: "касперский.рф".encode("idna") */, "xn--80akjebc7ajgd.xn--p1ai", true},
		{"_dmarc.example.com", "", false},
		{"-bad.example", "", false},
		{"bad-.example", "", false},
		{"a..b", "", false},
		{"a b", "", false},
		{strings.Repeat("a", 64) + ".com", "", false},
		{"", "", false},
		{"x\ny", "", false},
	}
	for _, c := range cases {
		got, err := hostName(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("hostName(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
