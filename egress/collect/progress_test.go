package collect

import (
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/embargo-dev/embargo/egress"
)

// Read counts every record the collectors read — flows, DNS answers and
// bad records, in the aggregator's own collector and in part
// collectors merged into it — once each, lagging the readers by less
// than a batch, and exactly once the flows are added up.
func TestRead(t *testing.T) {
	a := testAggregator(t, CollectLimits{})
	s := a.Sink()
	if a.Read() != 0 {
		t.Fatalf("Read() = %d before anything was read", a.Read())
	}
	for i := range 100 {
		s.Flow(flow("10.8.0.1", fmt.Sprintf("192.0.2.%d", i%50), 443, 10, 10, t0))
	}
	if n := a.Read(); n < 100-batchSize || n > 100 {
		t.Errorf("after 100 flows, Read() = %d", n)
	}
	for range 300 {
		s.DNS(&egress.DNSAnswer{Client: addr("10.8.0.1"), Name: "example.com", Addr: addr("192.0.2.1"), Time: t0})
	}
	s.Bad(egress.Bad{Where: egress.Location{Source: "conn.log", Line: 3}, Reason: "bad"})
	if n := a.Read(); n < 401-batchSize-publishEvery || n > 401 {
		t.Errorf("after 401 records, Read() = %d", n)
	}
	// Two parts read on their own, merged in order.
	for k := range 2 {
		p := a.PartCollector(a.AddLocked)
		for i := range 50 {
			p.Flow(flow("10.1.0.1", fmt.Sprintf("192.0.2.%d", i), 443, 1, 1, t0))
		}
		p.Bad(egress.Bad{Where: egress.Location{Source: "conn.log", Line: 100 + k}, Reason: "bad"})
		p.Renumber(0, 0)
		a.Collector().Merge(p)
	}
	res := a.Finish()
	total := res.Stats.Flows + res.Stats.DNSAnswers + res.Stats.Bad
	if total != 503 || a.Read() != total {
		t.Errorf("Read() = %d, stats count %d records, want 503", a.Read(), total)
	}
}

// BenchmarkCollectorCounted is BenchmarkCollector with the records
// counted for a progress line, as an Aggregator's collectors count them:
// against BenchmarkCollector in the same run, the cost of the count
// (one atomic addition a batch of flows).
func BenchmarkCollectorCounted(b *testing.B) {
	flows := zipfFlows(1_000_000, 200_000)
	var read atomic.Uint64
	b.ResetTimer()
	for b.Loop() {
		c := NewCollector(CollectLimits{}, func(netip.Addr) int32 { return 0 }, func(*Conversation) {})
		c.read = &read
		for i := range flows {
			c.Flow(&flows[i])
		}
		if c.Len() < 100_000 {
			b.Fatalf("%d conversations", c.Len())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(flows)), "ns/flow")
}
