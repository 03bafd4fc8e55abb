package discover

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTargets(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []string
		err  string
	}{
		{in: []string{"10.20.0.0/24"}, want: []string{"10.20.0.0/24"}},
		{in: []string{"10.20.0.7, 10.20.1.0/30", "fd00::/126"}, want: []string{"10.20.0.7/32", "10.20.1.0/30", "fd00::/126"}},
		{in: []string{"::ffff:10.0.0.1"}, want: []string{"10.0.0.1/32"}},
		{in: nil, err: "no targets"},
		{in: []string{" , "}, err: "no targets"},
		{in: []string{"10.20.0.7/24"}, err: `target "10.20.0.7/24" has host bits set: did you mean 10.20.0.0/24 or 10.20.0.7/32?`},
		{in: []string{"camera.example"}, err: "neither an address nor a prefix"},
		{in: []string{"0.0.0.0/0"}, err: "not a range of hosts"},
		{in: []string{"224.0.0.0/4"}, err: "not a range of hosts"},
		{in: []string{"fe80::1%eth0"}, err: "zoned"},
	} {
		got, err := ParseTargets(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		var s []string
		for _, p := range got {
			s = append(s, p.String())
		}
		if d := cmp.Diff(c.want, s); d != "" {
			t.Errorf("%q (-want +got):\n%s", c.in, d)
		}
	}
}

// TestHosts: a /30's two hosts, a /31's and /32's every address, IPv6
// without skipping, overlaps once, Count agreeing, and Count refusing
// a range over the limit without enumerating it.
func TestHosts(t *testing.T) {
	ps := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/30"), netip.MustParsePrefix("10.0.0.1/32"),
		netip.MustParsePrefix("10.0.1.0/31"), netip.MustParsePrefix("fd00::/127"),
	}
	var got []string
	Hosts(ps, func(a netip.Addr) bool { got = append(got, a.String()); return true })
	want := []string{"10.0.0.1", "10.0.0.2", "10.0.1.0", "10.0.1.1", "fd00::", "fd00::1"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Hosts (-want +got):\n%s", d)
	}
	if n := Count(ps, 100); n != len(want)+1 { // Count does not dedupe the /32 inside the /30
		t.Errorf("Count = %d", n)
	}
	if n := Count([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, MaxTargets); n != MaxTargets+1 {
		t.Errorf("Count(/8) = %d, want the limit+1", n)
	}
	if n := Count([]netip.Prefix{netip.MustParsePrefix("fd00::/64")}, MaxTargets); n != MaxTargets+1 {
		t.Errorf("Count(/64) = %d, want the limit+1", n)
	}
	if n := Count([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, MaxTargets); n != 65534 {
		t.Errorf("Count(/16) = %d", n)
	}
	n := 0
	Hosts([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/16")}, func(netip.Addr) bool { n++; return n < 3 })
	if n != 3 {
		t.Errorf("Hosts did not stop: %d", n)
	}
}
