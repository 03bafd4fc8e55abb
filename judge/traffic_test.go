package judge

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

// trafficOf aggregates flows as `embargo flows` does, sources assigned
// by a register of a SECRET and an OFFICIAL network.
func trafficOf(t *testing.T, cat *catalog.Catalog, flows ...*egress.Flow) []collect.Aggregate {
	t.Helper()
	reg, err := systems.Load("systems.yaml", []byte(`default:
  classification: OFFICIAL
systems:
  - id: secret-lan
    classification: SECRET
    match:
      addresses: [10.8.0.0/16]
  - id: office-lan
    classification: OFFICIAL
    match:
      addresses: [10.1.0.0/16]
`))
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(a netip.Addr) destination.AddrInfo {
		if a == netip.MustParseAddr("95.173.136.70") {
			return destination.AddrInfo{Country: "RU", ASN: 64501, ASOrg: "Example Telecom"}
		}
		return destination.AddrInfo{Country: "DE", ASN: 64502, ASOrg: "Example GmbH"}
	}
	a := collect.NewAggregator(collect.Options{Catalog: cat, Lookup: lookup, Sources: collect.RegisterSources{Register: reg}})
	for _, f := range flows {
		a.Sink().Flow(f)
	}
	return a.Finish().Aggregates
}

func testFlow(src, dst string, out uint64, at time.Time, names ...egress.Name) *egress.Flow {
	return &egress.Flow{Start: at, End: at.Add(time.Second), Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst),
		SrcPort: 50000, DstPort: 443, Proto: egress.TCP, BytesOut: out, BytesIn: 10, PktsOut: 1, PktsIn: 1, Names: names,
		Where: egress.Location{Source: "conn.log", Line: 9}}
}

// With the egress pack, the SECRET system's traffic to Kaspersky is a
// prohibit finding and the OFFICIAL system's 2 MiB to Russian addresses
// a warning; each is first seen when its traffic was.
func TestTraffic(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.BuiltinPack("uk-ncsc-2017-russia-egress")
	if err != nil {
		t.Fatal(err)
	}
	e, err := policy.NewEngine(cat, systems.UKScale(), p)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	aggs := trafficOf(t, cat,
		testFlow("10.8.1.5", "192.0.2.10", 10, t0, egress.Name{Name: "ksn-a-p.kaspersky-labs.com", Via: egress.ViaSNI}),
		testFlow("10.1.2.3", "95.173.136.70", 2<<20, t0.Add(time.Minute)))
	j := &Judge{Engine: e, FailOn: policy.Prohibit, SystemsName: "systems.yaml", Now: t0.Add(time.Hour)}
	v := j.Traffic(aggs, (*collect.Aggregate).SourceSystem)
	type short struct{ System, Rule, Effect, Item, Country string }
	var got []short
	for _, f := range v.Findings {
		got = append(got, short{f.System, f.Rule, string(f.Effect), f.ItemName, f.Country})
	}
	want := []short{
		{"office-lan", "ncsc-2017-egress-volume", "warn", "traffic to addresses registered in RU", "RU"},
		{"secret-lan", "ncsc-2017-egress-secret", "prohibit", "traffic to AO Kaspersky Lab (controlled from RU)", "RU"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	f := v.Findings[1]
	if v.Summary.Failing != 1 || f.ID != policy.FindingID("secret-lan", p.ID, "ncsc-2017-egress-secret", "entity:kaspersky-ao") ||
		f.State != finding.Open || f.URL == "" || f.Title == "" || !f.FirstSeen.Equal(t0) {
		t.Errorf("summary %+v, finding %+v", v.Summary, f)
	}
	if v.Policy == nil || v.Policy.Systems != "systems.yaml" || len(v.Policy.Packs) != 1 {
		t.Errorf("policy run = %+v", v.Policy)
	}
}

// An uploaded aggregate is attributed again from the judge's catalogue:
// a catalogued entity's controlling country is the catalogue's, whatever
// the upload says; an entity the catalogue does not know is no entity
// (its traffic is judged by country alone).
func TestTrafficDestination(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		agg         collect.Aggregate
		entity      string
		destination string
		country     string
	}{
		{"catalogued", collect.Aggregate{Destination: "entity:kaspersky-ao", Entity: "kaspersky-ao", ControllingCountry: "CH", DecidedBy: destination.ByName},
			"kaspersky-ao", "kaspersky-ao", "RU"},
		{"not catalogued", collect.Aggregate{Destination: "entity:nobody", Entity: "nobody", ControllingCountry: "RU", DecidedBy: destination.ByName},
			"", "", "RU"},
		{"a country", collect.Aggregate{Destination: "country:DE", ControllingCountry: "DE", DecidedBy: destination.ByCountry}, "", "", "DE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at, fv := destinationOf(cat, &tc.agg)
			entity := ""
			if at != nil {
				entity = at.Entity.ID
			}
			if entity != tc.entity || fv.Destination != tc.destination || fv.ControllingCountry != tc.country {
				t.Errorf("entity %q, flow.destination %q, controlling country %q; want %q, %q, %q",
					entity, fv.Destination, fv.ControllingCountry, tc.entity, tc.destination, tc.country)
			}
		})
	}
}
