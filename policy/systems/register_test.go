package systems

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hostMatch is what the tests compare of a Match: ids, not whole systems.
type hostMatch struct {
	ID           string
	Unregistered bool
	By           By
	Rule         string
	Candidates   []string
}

func summary(m Match) hostMatch {
	h := hostMatch{ID: m.System.ID, Unregistered: m.Unregistered, By: m.By, Rule: m.Rule}
	if m.Ambiguous() {
		for _, c := range m.Candidates {
			h.Candidates = append(h.Candidates, c.ID)
		}
	}
	return h
}

func TestForHost(t *testing.T) {
	r := load(t, "uk.yaml")
	tests := []struct {
		host   string
		labels map[string]string
		want   hostMatch
	}{
		{"payroll01.moj.example", nil, hostMatch{ID: "moj-payroll", By: ByHost, Rule: "payroll01.moj.example"}},
		{"PAYROLL01.Moj.Example.", nil, hostMatch{ID: "moj-payroll", By: ByHost, Rule: "payroll01.moj.example"}},
		// An exact name beats a glob that also matches it.
		{"pay-vault.moj.example", nil, hostMatch{ID: "moj-secure", By: ByHost, Rule: "pay-vault.moj.example"}},
		{"pay-07.moj.example", nil, hostMatch{ID: "moj-payroll", By: ByGlob, Rule: "pay-*.moj.example"}},
		{"db.secure.moj.example", nil, hostMatch{ID: "moj-secure", By: ByGlob, Rule: "*.secure.moj.example"}},
		// A glob beats labels.
		{"scada-1.grid.example", map[string]string{"app": "payroll"}, hostMatch{ID: "cni-grid", By: ByGlob, Rule: "scada-*.grid.example"}},
		// Two globs, the more literal wins: "desk-*.example" over "desk*.example".
		{"desk-1.example", nil, hostMatch{ID: "desk-a", By: ByGlob, Rule: "desk-*.example"}},
		{"desk1.example", nil, hostMatch{ID: "desk-b", By: ByGlob, Rule: "desk*.example"}},
		// Labels: the larger selector wins.
		{"laptop", map[string]string{"app": "payroll"}, hostMatch{ID: "moj-payroll", By: ByLabel, Rule: "app=payroll"}},
		{"laptop", map[string]string{"app": "payroll", "zone": "secure", "x": "y"}, hostMatch{ID: "moj-secure", By: ByLabel, Rule: "app=payroll,zone=secure"}},
		{"laptop", map[string]string{"app": "Payroll"}, hostMatch{ID: "", Unregistered: true, By: ByDefault}},
		// Equal selectors on two systems: ambiguous, the stricter chosen.
		{"laptop", map[string]string{"fleet": "desk"}, hostMatch{ID: "desk-b", By: ByLabel, Candidates: []string{"desk-a", "desk-b"}}},
		// Addresses: the most specific range wins; IPv6 and mapped IPv4 work.
		{"10.1.2.3", nil, hostMatch{ID: "moj-payroll", By: ByAddress, Rule: "10.1.0.0/16"}},
		{"10.1.8.3", nil, hostMatch{ID: "moj-secure", By: ByAddress, Rule: "10.1.8.0/24"}},
		{"::ffff:10.1.8.3", nil, hostMatch{ID: "moj-secure", By: ByAddress, Rule: "10.1.8.0/24"}},
		{"192.0.2.7", nil, hostMatch{ID: "moj-secure", By: ByAddress, Rule: "192.0.2.7/32"}},
		{"[2001:db8:8::1]", nil, hostMatch{ID: "moj-secure", By: ByAddress, Rule: "2001:db8:8::/48"}},
		{"2001:db8:9::1", nil, hostMatch{ID: "cni-grid", By: ByAddress, Rule: "2001:db8::/32"}},
		// Labels beat addresses.
		{"10.1.2.3", map[string]string{"fleet": "desk"}, hostMatch{ID: "desk-b", By: ByLabel, Candidates: []string{"desk-a", "desk-b"}}},
		{"10.2.0.1", nil, hostMatch{Unregistered: true, By: ByDefault}},
		{"", nil, hostMatch{Unregistered: true, By: ByDefault}},
		{"unknown.example", nil, hostMatch{Unregistered: true, By: ByDefault}},
	}
	for _, tt := range tests {
		got := summary(r.ForHost(tt.host, tt.labels))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ForHost(%q, %v) (-want +got):\n%s", tt.host, tt.labels, diff)
		}
	}
	if m := r.ForHost("nowhere", nil); m.System.Classification != "OFFICIAL" || !m.System.HasTag(TagGovernmentDevice) {
		t.Errorf("an unregistered host gets the default: %+v", m.System)
	}
}

func TestForHostAmbiguousGlobs(t *testing.T) {
	r, err := Load("x.yaml", []byte(`systems:
  - {id: a, classification: SECRET, match: {hosts: ["web-*.example"]}}
  - {id: b, classification: TOP SECRET, match: {hosts: ["*eb-1.example"]}}
  - {id: c, classification: OFFICIAL, match: {hosts: ["web*1.example"]}}
`))
	if err != nil {
		t.Fatal(err)
	}
	got := summary(r.ForHost("web-1.example", nil))
	want := hostMatch{ID: "b", By: ByGlob, Candidates: []string{"a", "b", "c"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestForAddr(t *testing.T) {
	r := load(t, "uk.yaml")
	tests := []struct {
		addr string
		want string // system id, "" for none
	}{
		{"10.1.0.1", "moj-payroll"},
		{"10.1.8.255", "moj-secure"},
		{"10.1.9.0", "moj-payroll"},
		{"10.0.0.1", ""},
		{"192.0.2.7", "moj-secure"},
		{"192.0.2.8", ""},
		{"::ffff:192.0.2.7", "moj-secure"},
		{"2001:db8:8:1::1", "moj-secure"},
		{"2001:db8:ffff::1", "cni-grid"},
		{"2001:db9::1", ""},
		{"fe80::1%eth0", ""},
	}
	for _, tt := range tests {
		s, ok := r.ForAddr(netip.MustParseAddr(tt.addr))
		if ok != (tt.want != "") || s.ID != tt.want {
			t.Errorf("ForAddr(%s) = %q, %v; want %q", tt.addr, s.ID, ok, tt.want)
		}
	}
	if _, ok := r.ForAddr(netip.Addr{}); ok {
		t.Error("ForAddr(invalid) matched")
	}
}
