package collect

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/policy/systems"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

// testLookup stands in for IP data: a few addresses and where they are
// registered.
func testLookup(a netip.Addr) destination.AddrInfo {
	switch a.String() {
	case "185.85.15.10": // Kaspersky KSN hosts have been served from Swiss addresses
		return destination.AddrInfo{Country: "CH", ASN: 64500, ASOrg: "Example Hosting AG"}
	case "95.173.136.70":
		return destination.AddrInfo{Country: "RU", ASN: 64501, ASOrg: "Example Telecom"}
	case "192.0.2.10":
		return destination.AddrInfo{Country: "DE", ASN: 64502, ASOrg: "Example GmbH"}
	}
	return destination.AddrInfo{}
}

func testAggregator(t *testing.T, limits CollectLimits) *Aggregator {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
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
	return NewAggregator(Options{Catalog: cat, Lookup: testLookup, Sources: RegisterSources{reg}, Limits: limits})
}

func flow(src, dst string, port uint16, out, in uint64, at time.Time, names ...egress.Name) *egress.Flow {
	return &egress.Flow{Start: at, End: at.Add(time.Second), Src: addr(src), Dst: addr(dst), SrcPort: 50000, DstPort: port, Proto: egress.TCP,
		BytesOut: out, BytesIn: in, PktsOut: 1, PktsIn: 1, Names: names, Where: egress.Location{Source: "conn.log", Line: 9}}
}

// The three ways of attributing: a DNS answer the same client received
// names the Swiss address as Kaspersky's; an address seen with no name
// falls back to its registered country; a flow carrying its own SNI is
// named by it.
func TestAggregates(t *testing.T) {
	j := testAggregator(t, CollectLimits{})
	s := j.Sink()
	s.Flow(flow("10.8.1.5", "185.85.15.10", 443, 1000, 5000, t0))
	s.Flow(flow("10.8.1.5", "185.85.15.10", 443, 500, 100, t0.Add(time.Minute)))
	s.Flow(flow("10.1.2.3", "95.173.136.70", 443, 2<<20, 10, t0))
	s.Flow(flow("10.1.2.3", "192.0.2.10", 443, 70, 80, t0, egress.Name{Name: "activation-v2.kaspersky.com", Via: egress.ViaSNI}))
	refused := flow("172.16.0.9", "192.0.2.10", 80, 1, 2, t0)
	refused.Rejected = true // an attempt a firewall refused
	s.Flow(refused)
	// The answer comes after the flows (dns.log read after conn.log).
	s.DNS(&egress.DNSAnswer{Time: t0.Add(-time.Second), Client: addr("10.8.1.5"), Name: "ksn-a-p.kaspersky-labs.com", Addr: addr("185.85.15.10"), TTL: time.Minute})
	s.Bad(egress.Bad{Where: egress.Location{Source: "conn.log", Line: 3}, Reason: "bad address"})
	r := j.Finish()

	type short struct {
		System, Destination, By string
		Countries               []string
		Out, In, Flows          uint64
		Names                   []string
	}
	var got []short
	for _, a := range r.Aggregates {
		got = append(got, short{a.System, a.Destination, string(a.DecidedBy), a.RegisteredCountries, a.BytesOut, a.BytesIn, a.Flows, a.Names})
	}
	want := []short{
		{"secret-lan", "entity:kaspersky-ao", "name", []string{"CH"}, 1500, 5100, 2, []string{"ksn-a-p.kaspersky-labs.com"}},
		{"office-lan", "entity:kaspersky-ao", "name", []string{"DE"}, 70, 80, 1, []string{"activation-v2.kaspersky.com"}},
		{"office-lan", "country:RU", "country", []string{"RU"}, 2 << 20, 10, 1, nil},
		{"unregistered", "country:DE", "country", []string{"DE"}, 1, 2, 1, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("aggregates (-want +got):\n%s", diff)
	}
	if r.Stats.Flows != 5 || r.Stats.DNSAnswers != 1 || r.Stats.Bad != 1 || len(r.Bads) != 1 || r.UnregisteredSources != 1 {
		t.Errorf("stats = %+v, %d bads, %d unregistered", r.Stats, len(r.Bads), r.UnregisteredSources)
	}
	if a := r.Aggregates[0]; a.ControllingCountry != "RU" || a.Samples[0].String() != "conn.log:9" || a.Conversations != 1 {
		t.Errorf("first aggregate = %+v", a)
	}
	if a := r.Aggregates[3]; a.RejectedFlows != 1 || r.Aggregates[0].RejectedFlows != 0 {
		t.Errorf("rejected flows: %d and %d, want 1 and 0", a.RejectedFlows, r.Aggregates[0].RejectedFlows)
	}
}

// A DNS answer names a conversation only while valid (with grace), and
// only for the client that received it when that client is known.
func TestDNSWindow(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer egress.DNSAnswer
		want   bool
	}{
		{"valid", egress.DNSAnswer{Time: t0, Client: addr("10.8.1.5"), TTL: time.Minute}, true},
		{"expired long before", egress.DNSAnswer{Time: t0.Add(-time.Hour), Client: addr("10.8.1.5"), TTL: time.Minute}, false},
		{"answered after the flow ended", egress.DNSAnswer{Time: t0.Add(time.Hour), Client: addr("10.8.1.5"), TTL: time.Minute}, false},
		{"another client's answer", egress.DNSAnswer{Time: t0, Client: addr("10.8.9.9"), TTL: time.Minute}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j := testAggregator(t, CollectLimits{})
			tt.answer.Name, tt.answer.Addr = "ksn-a-p.kaspersky-labs.com", addr("185.85.15.10")
			j.Sink().DNS(&tt.answer)
			j.Sink().Flow(flow("10.8.1.5", "185.85.15.10", 443, 1, 1, t0))
			got := j.Finish().Aggregates[0].Entity == "kaspersky-ao"
			if got != tt.want {
				t.Errorf("named by the answer: %v, want %v", got, tt.want)
			}
		})
	}
}

// Past MaxConversations, flows are judged as they come and nothing more
// is kept; every byte is still counted.
func TestConversationCap(t *testing.T) {
	j := testAggregator(t, CollectLimits{MaxConversations: 2})
	var total uint64
	for i := range 1000 {
		dst := netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 250)})
		j.Sink().Flow(flow("10.1.0.1", dst.String(), uint16(1000+i), 10, 0, t0))
		total += 10
	}
	r := j.Finish()
	// The two destinations first seen take 4 flows each; the other 992
	// come past the cap.
	if j.coll.Len() != 2 || r.Stats.OverflowFlow != 992 {
		t.Errorf("%d conversations kept, %d overflow flows; want 2 and 992", j.coll.Len(), r.Stats.OverflowFlow)
	}
	var sum uint64
	for _, a := range r.Aggregates {
		sum += a.BytesOut
	}
	if sum != total {
		t.Errorf("bytes out %d, want %d", sum, total)
	}
}
