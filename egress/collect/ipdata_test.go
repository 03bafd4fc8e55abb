package collect_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/ipdata"
	"github.com/embargo-dev/embargo/policy/systems"
)

// With the embedded IP data and catalogue: an address of Kaspersky's
// Swiss network is Kaspersky's by its ASN, though registered in CH; a
// Google resolver is only a US address; a name beats the network.
func TestAttributeWithEmbeddedIPData(t *testing.T) {
	db, err := ipdata.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := destination.New(cat, db.Lookup)
	type short struct {
		Key, By, Country, Controlling string
		ASN                           uint32
	}
	for _, tt := range []struct {
		addr  string
		names []string
		want  short
	}{
		// AS41983 is registered to Kaspersky Lab Switzerland GmbH, a
		// group company controlled from Russia.
		{"91.103.64.10", nil, short{"entity:kaspersky-lab-switzerland", "asn", "CH", "RU", 41983}},
		{"2a03:2480::1", nil, short{"entity:kaspersky-lab-switzerland", "asn", "CH", "RU", 41983}},
		{"82.202.186.7", nil, short{"entity:kaspersky-ao", "asn", "RU", "RU", 209030}},
		{"8.8.8.8", nil, short{"country:US", "country", "US", "US", 15169}},
		{"8.8.8.8", []string{"www.tiktok.com"}, short{"entity:bytedance-ltd", "name", "US", "CN", 15169}},
	} {
		d := a.Attribute(netip.MustParseAddr(tt.addr), tt.names)
		got := short{d.Key(), string(d.DecidedBy), d.Country, d.ControllingCountry(), d.ASN}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s %v (-want +got):\n%s", tt.addr, tt.names, diff)
		}
	}
	// The whole path: a one-off system's flows to Kaspersky's Swiss
	// network and to Google.
	j := collect.NewAggregator(collect.Options{Catalog: cat, Lookup: db.Lookup,
		Sources: collect.OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})})
	at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	j.Sink().Flow(&egress.Flow{Start: at, Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("91.103.64.10"), DstPort: 443, Proto: egress.TCP, BytesOut: 10})
	j.Sink().Flow(&egress.Flow{Start: at, Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("8.8.8.8"), DstPort: 53, Proto: egress.UDP, BytesOut: 10})
	// One input read and one not: the run completes.
	r, err := j.Complete([]collect.Input{{Source: "conn.log"}, {Source: "missing.log", Error: "open missing.log: no such file"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Aggregates) != 2 || r.Aggregates[0].Entity != "kaspersky-lab-switzerland" || r.Aggregates[0].ASOrgs[0] != "Kaspersky Lab Switzerland GmbH" {
		t.Errorf("aggregates = %+v", r.Aggregates)
	}
	// No input read: nothing to report.
	if _, err := j.Complete([]collect.Input{{Source: "missing.log", Error: "open missing.log: no such file"}}); !errors.Is(err, collect.ErrNothingRead) {
		t.Errorf("Complete with nothing read = %v", err)
	}
}
