package collect_test

import (
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/ipdata"
	"github.com/embargo-dev/embargo/policy/systems"
)

// BenchmarkFinish attributes and aggregates 200,000 conversations (one
// system, destinations across the IPv4 space) with the embedded IP data
// and catalogue, on every core: the end of a large conn.log's reading.
func BenchmarkFinish(b *testing.B) {
	db, err := ipdata.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	flows := make([]egress.Flow, 200_000)
	at := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i := range flows {
		v := r.Uint32()
		flows[i] = egress.Flow{Start: at, End: at.Add(time.Second), Src: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8 & 7), byte(i)}),
			Dst: netip.AddrFrom4([4]byte{byte(v>>24)%223 + 1, byte(v >> 16), byte(v >> 8), byte(v)}), DstPort: 443, Proto: egress.TCP,
			BytesOut: 100, Where: egress.Location{Source: "conn.log", Line: i + 1}}
	}
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
	for b.Loop() {
		b.StopTimer()
		j := collect.NewAggregator(collect.Options{Catalog: cat, Lookup: db.Lookup,
			Sources: collect.OneOffSources(systems.System{ID: "one-off", Classification: "OFFICIAL"})})
		for i := range flows {
			j.Sink().Flow(&flows[i])
		}
		b.StartTimer()
		if res := j.Finish(); len(res.Aggregates) < 100 {
			b.Fatalf("%d aggregates", len(res.Aggregates))
		}
	}
}
