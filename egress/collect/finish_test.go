package collect

import (
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Finish on several cores (blocks of conversations attributed at once)
// comes to the same result as on one: the same aggregates with the same
// lists of first values, samples and deciding evidence.
func TestFinishOnCores(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	// Networks: catalogued ASNs (ByteDance, Dr.Web), an ASN seen with two
	// organisation names, and plain ones.
	lookup := func(a netip.Addr) destination.AddrInfo {
		b := a.As4()
		switch b[3] % 8 {
		case 0:
			return destination.AddrInfo{Country: "CN", ASN: 396986, ASOrg: "Bytedance Inc."}
		case 1:
			return destination.AddrInfo{Country: "RU", ASN: 49238, ASOrg: "Doctor Web Ltd"}
		case 2:
			return destination.AddrInfo{Country: "NL", ASN: 64512, ASOrg: [...]string{"Org A", "Org B"}[b[2]%2]}
		case 3:
			return destination.AddrInfo{}
		}
		return destination.AddrInfo{Country: [...]string{"DE", "FR", "CH", "US"}[b[2]%4], ASN: 64600 + uint32(b[2]), ASOrg: "Example"}
	}
	judge := func() *Aggregator {
		return NewAggregator(Options{Catalog: cat, Lookup: lookup, Sources: OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})})
	}
	feed := func(j *Aggregator) {
		s := j.Sink()
		s.DNS(&egress.DNSAnswer{Time: t0, Client: addr("10.0.0.1"), Name: "ksn-a-p.kaspersky-labs.com", Addr: addr("10.77.0.9"), TTL: time.Hour})
		for i := range 3 * finishBlock {
			dst := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
			src := netip.AddrFrom4([4]byte{10, 0, 0, byte(1 + i%7)})
			f := &egress.Flow{Start: t0.Add(time.Duration(i) * time.Second), End: t0.Add(time.Duration(i+3) * time.Second),
				Src: src, Dst: dst, DstPort: uint16(i % 11), Proto: egress.TCP, BytesOut: uint64(i), PktsOut: 1, Where: egress.Location{Source: "x", Line: i + 1}}
			if i%1000 == 0 {
				f.Names = []egress.Name{{Name: "www.tiktok.com", Via: egress.ViaSNI}}
			}
			s.Flow(f)
			if i%3 == 0 {
				f.DstPort = 443
				s.Flow(f)
			}
		}
		s.Flow(&egress.Flow{Start: t0, Src: addr("10.0.0.1"), Dst: addr("10.77.0.9"), DstPort: 443, Proto: egress.TCP, Where: egress.Location{Source: "x", Line: 1}})
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := judge()
	feed(one)
	want := one.Finish()
	runtime.GOMAXPROCS(4)
	many := judge()
	feed(many)
	got := many.Finish()
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{}), cmpopts.IgnoreUnexported(Aggregate{})); diff != "" {
		t.Errorf("on four cores (-one +four):\n%s", diff)
	}
	if len(want.Aggregates) < 8 || want.Aggregates[0].Entity == "" {
		t.Errorf("%d aggregates, the first %+v: want entities and countries", len(want.Aggregates), want.Aggregates[0])
	}
}
