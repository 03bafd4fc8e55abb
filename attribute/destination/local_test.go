package destination_test

import (
	"net/netip"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
)

// TestLocalDestinations: a destination decided by a local catalogue
// file's domain or network is marked local; one decided by the built-in
// catalogue is not, and local domains match as built-in ones do (the
// domain and names below it, never a longer name).
func TestLocalDestinations(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/local.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cat, err = cat.WithLocal([]catalog.LocalFile{{Name: "local.yaml", Data: data}}); err != nil {
		t.Fatal(err)
	}
	type got struct {
		Entity string
		By     destination.DecidedBy
		Local  bool
	}
	for _, tc := range []struct {
		name string
		asn  uint32
		want got
	}{
		{"updates.kes-mirror.dept.example", 0, got{"kaspersky-ao", destination.ByName, true}},
		{"kes-mirror.dept.example.net", 0, got{"", destination.ByCountry, false}},
		{"", 64500, got{"dept-mirror-operator", destination.ByASN, true}},
		{"ksn.kaspersky.com", 0, got{"kaspersky-ao", destination.ByName, false}},
	} {
		a := destination.New(cat, func(netip.Addr) destination.AddrInfo { return destination.AddrInfo{ASN: tc.asn, Country: "GB"} })
		var names []string
		if tc.name != "" {
			names = []string{tc.name}
		}
		d := a.Attribute(netip.MustParseAddr("198.51.100.7"), names)
		g := got{By: d.DecidedBy, Local: d.Local}
		if d.Entity != nil {
			g.Entity = d.Entity.ID
		}
		if diff := cmp.Diff(tc.want, g); diff != "" {
			t.Errorf("%s AS%d (-want +got):\n%s", tc.name, tc.asn, diff)
		}
	}
}
