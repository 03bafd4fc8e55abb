package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/store"
)

func testOverview(t *testing.T, f *fixture) {
	a, b := f.enrol(t, "DWP", "ws-1"), f.enrol(t, "HMRC", "ws-2")
	f.enrol(t, "HMRC", "ws-never")
	f.scan(t, a, "a1", t0.Add(-2*day), finding("gone", "BOD-17-01", time.Time{}))
	f.scan(t, a, "a2", t0.Add(-2*time.Hour),
		finding("overdue", "BOD-17-01", t0.Add(-day)),
		finding("due", "BOD-17-01", t0.Add(10*day)),
		finding("later", "NDAA-889", t0.Add(90*day)),
		finding("waive-me", "NDAA-889", time.Time{}))
	f.scan(t, b, "b1", t0.Add(-3*day), finding("old", "NDAA-889", t0.Add(-10*day)))
	w, err := f.st.RequestWaiver(f.ctx, f.dwp, store.Waiver{FindingID: "waive-me", Reason: "r", Expiry: t0.Add(day), Requested: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.DecideWaiver(f.ctx, f.admin, w.ID, true, "", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		v    store.Viewer
		want store.Overview
	}{
		{"admin", f.admin, store.Overview{Hosts: 3, ScannedLastDay: 1, NeverScanned: 1, Unknowns: 4, Open: 4, Waived: 1, DueIn30Days: 1, Overdue: 2, Remediated: 1,
			ByInstrument: []store.Count{{Name: "BOD-17-01", N: 2, Overdue: 1}, {Name: "NDAA-889", N: 2, Overdue: 1}},
			ByDepartment: []store.Count{{Name: "DWP", N: 3, Overdue: 1}, {Name: "HMRC", N: 1, Overdue: 1}}}},
		{"HMRC officer", f.hmrc, store.Overview{Hosts: 2, NeverScanned: 1, Unknowns: 2, Open: 1, Overdue: 1,
			ByInstrument: []store.Count{{Name: "NDAA-889", N: 1, Overdue: 1}},
			ByDepartment: []store.Count{{Name: "HMRC", N: 1, Overdue: 1}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.st.Overview(f.ctx, c.v, t0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("overview (-want +got):\n%s", diff)
			}
		})
	}
	fs, err := f.st.Findings(f.ctx, f.admin, store.FindingFilter{State: store.Open, Instrument: "BOD-17-01"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"overdue", "due"}, findingIDs(fs)); diff != "" {
		t.Errorf("open BOD-17-01 findings, soonest deadline first (-want +got):\n%s", diff)
	}
	hs, err := f.st.Hosts(f.ctx, f.admin, store.HostFilter{Limit: 1, Offset: 1})
	if err != nil || len(hs) != 1 || hs[0].Host != "ws-2" {
		t.Errorf("second host = %+v, %v", hs, err)
	}
}

func testTrend(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	f.scan(t, a, "d0", t0.Add(-3*day), finding("F1", "X", t0.Add(-4*day)), finding("F2", "X", time.Time{}), finding("F3", "X", time.Time{}))
	f.scan(t, a, "d2", t0.Add(-day), finding("F1", "X", t0.Add(-4*day)))
	got, err := f.st.Trend(f.ctx, f.admin, 5, t0)
	if err != nil {
		t.Fatal(err)
	}
	d := t0.Truncate(day)
	want := []store.TrendPoint{
		{Day: d.Add(-4 * day)},
		{Day: d.Add(-3 * day), Open: 3, Overdue: 1},
		{Day: d.Add(-2 * day), Open: 3, Overdue: 1},
		{Day: d.Add(-1 * day), Open: 1, Overdue: 1, Remediated: 2},
		{Day: d, Open: 1, Overdue: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trend (-want +got):\n%s", diff)
	}
	// A window starting after the last change carries its totals.
	got, _ = f.st.Trend(f.ctx, f.dwp, 1, t0.Add(30*day))
	if diff := cmp.Diff([]store.TrendPoint{{Day: d.Add(30 * day), Open: 1, Overdue: 1}}, got); diff != "" {
		t.Errorf("carried trend (-want +got):\n%s", diff)
	}
	if _, err := f.st.Trend(f.ctx, f.admin, 0, t0); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Trend of 0 days = %v, want invalid", err)
	}
}

func testRegisterAndPolicies(t *testing.T, f *fixture) {
	if b, err := f.st.Register(f.ctx); err != nil || len(b) != 0 {
		t.Errorf("empty register = %q, %v", b, err)
	}
	if p, err := f.st.Policies(f.ctx); err != nil || len(p) != 0 {
		t.Errorf("empty policies = %q, %v", p, err)
	}
	reg := []byte("systems:\n  - id: sys-1\n")
	if err := f.st.PutRegister(f.ctx, f.admin, reg); err != nil {
		t.Fatal(err)
	}
	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"uk-ncsc", "us-bod-17-01"}); err != nil {
		t.Fatal(err)
	}
	b, _ := f.st.Register(f.ctx)
	p, _ := f.st.Policies(f.ctx)
	if diff := cmp.Diff(string(reg), string(b)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"uk-ncsc", "us-bod-17-01"}, p); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}
}

func testReports(t *testing.T, f *fixture) {
	if _, _, err := f.st.LastReport(f.ctx, f.dwp, "DWP"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no report yet = %v, want not found", err)
	}
	for i, at := range []time.Time{t0, t0.Add(7 * day), t0.Add(3 * day)} {
		if err := f.st.SaveReport(f.ctx, f.dwp, "DWP", at, []byte{byte('a' + i)}); err != nil {
			t.Fatal(err)
		}
	}
	at, snap, err := f.st.LastReport(f.ctx, f.auditor, "DWP")
	if err != nil || !at.Equal(t0.Add(7*day)) || string(snap) != "b" {
		t.Errorf("LastReport = %v %q %v, want the one of %v", at, snap, err, t0.Add(7*day))
	}
}
