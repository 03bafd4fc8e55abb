package storetest

import (
	"fmt"
	"math"
	"testing"

	"github.com/embargo-dev/embargo/store"
)

// testCounterOverflow: counters as large as a hostile agent may send
// (2^64-1, 2^63-1), added again and again and over many hosts, saturate
// at store.MaxCounter; no read fails (the overview's sum, the flow list)
// and nothing is stored that is not a whole number.
func testCounterOverflow(t *testing.T, f *fixture) {
	var hosts []string
	for i := range 3 {
		hosts = append(hosts, f.enrol(t, "DWP", fmt.Sprintf("ws-%d", i)))
	}
	for i, a := range hosts {
		for k, n := range []uint64{math.MaxUint64, math.MaxInt64, store.MaxCounter, 1} {
			sum, fd := traffic("FL-"+a, "entity:kaspersky", "BOD-17-01", n, t0, t0)
			_, err := f.st.ApplyFlows(f.ctx, store.FlowUpload{AgentID: a, Digest: digest(fmt.Sprintf("c%d-%d", i, k)), Received: t0, HostID: a,
				Summaries: []store.FlowSummary{sum}, Findings: []store.Finding{fd}})
			if err != nil {
				t.Fatalf("upload %d of host %d: %v", k, i, err)
			}
		}
	}
	got, err := f.st.FlowFindings(f.ctx, f.dwp, store.FindingFilter{})
	if err != nil {
		t.Fatalf("flow findings after huge counters: %v", err)
	}
	if len(got) != len(hosts) {
		t.Fatalf("%d flow findings, want %d", len(got), len(hosts))
	}
	for _, x := range got {
		if x.BytesOut != store.MaxCounter || x.BytesIn != store.MaxCounter || x.Flows != store.MaxCounter {
			t.Errorf("%s: bytes out %d, in %d, flows %d; want each saturated at %d", x.ID, x.BytesOut, x.BytesIn, x.Flows, store.MaxCounter)
		}
	}
	for _, v := range []store.Viewer{f.dwp, f.admin} {
		o, err := f.st.Overview(f.ctx, v, t0)
		if err != nil {
			t.Fatalf("overview after huge counters: %v", err)
		}
		if o.EgressBytesOut != store.MaxCounter {
			t.Errorf("egress sum %d, want it saturated at %d", o.EgressBytesOut, store.MaxCounter)
		}
	}
	var reals int
	if err := f.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM flow_summaries WHERE bytes_out <> CAST(bytes_out AS BIGINT)`).Scan(&reals); err != nil {
		t.Fatal(err)
	}
	if reals != 0 {
		t.Errorf("%d counters stored as something other than whole numbers", reals)
	}
}
