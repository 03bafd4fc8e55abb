package destination_test

import (
	"net/netip"
	"testing"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
)

// A destination on a network the entity runs for others (a cloud
// platform) is hosted there, not the entity's product; its own network
// is its service.
func TestHostingTier(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		asn    uint32
		entity string
		tier   catalog.Tier
	}{
		{200350, "yandex-cloud", catalog.TierHosting},             // Yandex.Cloud LLC's cloud network
		{41983, "kaspersky-lab-switzerland", catalog.TierProduct}, // Kaspersky's own (KSN)
	} {
		a := destination.New(cat, func(netip.Addr) destination.AddrInfo { return destination.AddrInfo{ASN: tc.asn, Country: "RU"} })
		d := a.Attribute(netip.MustParseAddr("198.51.100.7"), nil)
		if d.Entity == nil || d.Entity.ID != tc.entity || d.Tier != tc.tier || d.DecidedBy != destination.ByASN {
			t.Errorf("AS%d: %+v", tc.asn, d)
		}
	}
}
