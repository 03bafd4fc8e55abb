package collect

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// zipfFlows are n flows from 2000 clients to dests destinations drawn
// Zipf (s=1.05), as bench/conngen writes them: the load of the
// (system, destination) table on a large conn.log.
func zipfFlows(n, dests int) []egress.Flow {
	r := rand.New(rand.NewPCG(1, 2))
	dst := make([]netip.Addr, dests)
	for i := range dst {
		v := r.Uint32()
		dst[i] = netip.AddrFrom4([4]byte{byte(v>>24)%223 + 1, byte(v >> 16), byte(v >> 8), byte(v)})
	}
	zipf := rand.NewZipf(r, 1.05, 1, uint64(dests-1))
	flows := make([]egress.Flow, n)
	for i := range flows {
		c := r.IntN(2000)
		at := t0.Add(time.Duration(i) * time.Millisecond)
		flows[i] = egress.Flow{Start: at, End: at.Add(time.Second), Src: netip.AddrFrom4([4]byte{10, 0, byte(c >> 8), byte(c)}),
			Dst: dst[zipf.Uint64()], SrcPort: 40000, DstPort: 443, Proto: egress.TCP, BytesOut: 100, BytesIn: 1000, PktsOut: 2, PktsIn: 3,
			Where: egress.Location{Source: "conn.log", Line: i + 1}}
	}
	return flows
}

// BenchmarkCollector adds a million flows to 200,000 destinations up in a
// collector, as a part of a large conn.log is: ns/flow is the cost of
// adding one (table growth included).
func BenchmarkCollector(b *testing.B) {
	flows := zipfFlows(1_000_000, 200_000)
	b.ResetTimer()
	for b.Loop() {
		c := NewCollector(CollectLimits{}, func(netip.Addr) int32 { return 0 }, func(*Conversation) {})
		for i := range flows {
			c.Flow(&flows[i])
		}
		if c.Len() < 100_000 {
			b.Fatalf("%d conversations", c.Len())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(flows)), "ns/flow")
}

// BenchmarkMerge merges two collectors of half a million flows each, as
// the parts of a conn.log read on two cores are.
func BenchmarkMerge(b *testing.B) {
	flows := zipfFlows(1_000_000, 200_000)
	src := func(netip.Addr) int32 { return 0 }
	for b.Loop() {
		b.StopTimer()
		var cs [2]*Collector
		for k := range cs {
			cs[k] = NewCollector(CollectLimits{}, src, func(*Conversation) {})
			for i := k * len(flows) / 2; i < (k+1)*len(flows)/2; i++ {
				cs[k].Flow(&flows[i])
			}
			cs[k].flush()
		}
		b.StartTimer()
		cs[0].Merge(cs[1])
	}
}

// Merging past the cap hands the entries that do not fit to the
// overflow function: every flow and byte is still counted once.
func TestMergePastCap(t *testing.T) {
	var over []Conversation
	newColl := func() *Collector {
		return NewCollector(CollectLimits{MaxConversations: 3}, func(netip.Addr) int32 { return 0 },
			func(cv *Conversation) { over = append(over, *cv) })
	}
	a, b := newColl(), newColl()
	for i := range 100 {
		f := egress.Flow{Start: t0, Src: addr("10.0.0.1"), Dst: netip.AddrFrom4([4]byte{192, 0, 2, byte(i % 5)}), DstPort: 443, BytesOut: 1}
		if i < 50 {
			a.Flow(&f)
		} else {
			f.Dst = netip.AddrFrom4([4]byte{192, 0, 2, byte(2 + i%5)})
			b.Flow(&f)
		}
	}
	a.Merge(b)
	var kept, sum uint64
	a.EachConversation(func(cv *Conversation) { kept += cv.Flows; sum += cv.BytesOut })
	for _, cv := range over {
		sum += cv.BytesOut
	}
	if a.Len() != 3 || sum != 100 || a.Stats.Flows != 100 || a.Stats.OverflowFlow != 100-kept {
		t.Errorf("%d kept with %d flows, %d bytes in all, stats %+v", a.Len(), kept, sum, a.Stats)
	}
}
