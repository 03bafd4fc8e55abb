package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// testConcurrentIngest has agents of two departments upload at once,
// with a waiver decided meanwhile, then checks that the running totals
// (hosts' counts, the overview's counts, today's trend) agree with the
// findings themselves and that the audit chain is whole.
func testConcurrentIngest(t *testing.T, f *fixture) {
	const agents, uploads = 6, 8
	ids := make([]string, agents)
	for i := range ids {
		ids[i] = f.enrol(t, []string{"DWP", "HMRC"}[i%2], fmt.Sprintf("ws-%d", i))
		f.scan(t, ids[i], ids[i]+"-0", t0, finding(ids[i]+"-F0", "BOD-17-01", t0.Add(-day)))
	}
	w, err := f.st.RequestWaiver(f.ctx, f.dwp, store.Waiver{FindingID: ids[0] + "-F0", Reason: "r", Expiry: t0.Add(30 * day), Requested: t0})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, agents*uploads+1)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := 1; u <= uploads; u++ {
				// Each upload keeps F0, adds one finding and drops the
				// one before; every third brings an old one back.
				fs := []store.Finding{finding(id+"-F0", "BOD-17-01", t0.Add(-day)), finding(fmt.Sprintf("%s-F%d", id, u), []string{"A", "B"}[(i+u)%2], t0.Add(time.Duration(u)*day))}
				if u%3 == 0 {
					fs = append(fs, finding(fmt.Sprintf("%s-F%d", id, u-2), "A", time.Time{}))
				}
				_, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: id, Digest: digest(fmt.Sprintf("%s-%d", id, u)), Received: t0.Add(time.Duration(u) * time.Minute), Findings: fs})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := f.st.DecideWaiver(f.ctx, f.admin, w.ID, true, "", t0.Add(time.Minute)); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	all, err := f.st.Findings(f.ctx, store.System, store.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type totals struct{ Open, Waived, Remediated, Overdue int }
	var want totals
	now := t0.Add(time.Hour)
	for _, fd := range all {
		switch fd.State {
		case store.Open, store.Reopened:
			want.Open++
			if !fd.Deadline.IsZero() && fd.Deadline.Before(now) {
				want.Overdue++
			}
		case store.Waived:
			want.Waived++
		case store.Remediated:
			want.Remediated++
		}
	}
	o, err := f.st.Overview(f.ctx, store.System, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, totals{o.Open, o.Waived, o.Remediated, o.Overdue}); diff != "" {
		t.Errorf("overview against the findings (-findings +overview):\n%s", diff)
	}
	hs, _ := f.st.Hosts(f.ctx, store.System, store.HostFilter{})
	var fromHosts totals
	for _, h := range hs {
		fromHosts.Open += h.Open
		fromHosts.Waived += h.Waived
		fromHosts.Overdue += h.Overdue
	}
	if fromHosts.Open != want.Open || fromHosts.Waived != want.Waived || fromHosts.Overdue != want.Overdue {
		t.Errorf("hosts' counts %+v, findings %+v", fromHosts, want)
	}
	tr, err := f.st.Trend(f.ctx, store.System, 1, now)
	if err != nil || len(tr) != 1 || tr[0].Open != want.Open {
		t.Errorf("today's trend = %+v, %v; want %d open", tr, err, want.Open)
	}
	f.auditLen(t)
}
