package collect

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestAggregateAdd(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := Aggregate{Destination: "entity:x", Entity: "x", BytesOut: 10, BytesIn: 1, Flows: 2, Conversations: 1, First: t0, Last: t0.Add(time.Hour),
		Names: []string{"a.example"}, Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.1")}, DecidedBy: "asn", Evidence: "AS1"}
	b := Aggregate{Destination: "entity:x", Entity: "x", BytesOut: math.MaxUint64, BytesIn: 2, Flows: 3, Conversations: 2,
		First: t0.Add(-time.Hour), Last: t0.Add(30 * time.Minute), Names: []string{"b.example", "a.example"},
		Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.2")}, DecidedBy: "name", Evidence: "b.example"}
	a.Add(&b)
	want := Aggregate{Destination: "entity:x", Entity: "x", BytesOut: math.MaxUint64, BytesIn: 3, Flows: 5, Conversations: 3,
		First: t0.Add(-time.Hour), Last: t0.Add(time.Hour), Names: []string{"a.example", "b.example"},
		Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")}, DecidedBy: "name", Evidence: "b.example"}
	if diff := cmp.Diff(want, a, cmpopts.IgnoreUnexported(Aggregate{}), cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("added (-want +got):\n%s", diff)
	}
}
