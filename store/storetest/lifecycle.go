package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/store"
)

func testIdempotentUploads(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	fs := []store.Finding{finding("F1", "BOD-17-01", t0.Add(-day)), finding("F2", "NDAA-889", time.Time{})}
	if f.scan(t, a, "s1", t0, fs...) {
		t.Fatal("first upload reported duplicate")
	}
	before, log := f.host(t, a), f.auditLen(t)
	if !f.scan(t, a, "s1", t0.Add(time.Hour), fs...) {
		t.Fatal("same digest again not reported duplicate")
	}
	if diff := cmp.Diff(before, f.host(t, a)); diff != "" {
		t.Errorf("duplicate changed the host (-before +after):\n%s", diff)
	}
	if n := f.auditLen(t); n != log {
		t.Errorf("duplicate appended to the audit log: %d entries, was %d", n, log)
	}
	o, err := f.st.Overview(f.ctx, store.System, t0)
	if err != nil {
		t.Fatal(err)
	}
	if o.Open != 2 || o.Overdue != 1 {
		t.Errorf("after a duplicate: open %d overdue %d, want 2 and 1", o.Open, o.Overdue)
	}
	// Another agent may upload the same body: duplicates are per agent.
	b := f.enrol(t, "DWP", "ws-2")
	if f.scan(t, b, "s1", t0, finding("F3", "BOD-17-01", time.Time{})) {
		t.Error("another agent's upload of the same digest reported duplicate")
	}
	if _, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: "nobody", Digest: digest("x"), Received: t0}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("upload of an unknown agent = %v, want not found", err)
	}
	if _, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: a, Received: t0}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("upload without digest = %v, want invalid", err)
	}
	// A finding id another host owns is refused, not moved.
	if _, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: b, Digest: digest("steal"), Received: t0, Findings: []store.Finding{finding("F1", "X", time.Time{})}}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("upload of another host's finding id = %v, want conflict", err)
	}
	if fd, _ := f.st.Finding(f.ctx, store.System, "F1"); fd.HostID != a {
		t.Errorf("F1 moved to host %q", fd.HostID)
	}
}

func testFindingLifecycle(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	f1, f2 := finding("F1", "BOD-17-01", t0.Add(10*day)), finding("F2", "NDAA-889", t0.Add(-day))
	type want struct {
		f1, f2             store.FindingState
		open, overdue, wvd int
	}
	steps := []struct {
		name string
		at   time.Time
		fs   []store.Finding
		want want
	}{
		{"first scan: both open", t0, []store.Finding{f1, f2}, want{store.Open, store.Open, 2, 1, 0}},
		{"unchanged", t0.Add(time.Hour), []store.Finding{f1, f2}, want{store.Open, store.Open, 2, 1, 0}},
		{"F2 gone: remediated", t0.Add(day), []store.Finding{f1}, want{store.Open, store.Remediated, 1, 0, 0}},
		{"F2 back: reopened", t0.Add(2 * day), []store.Finding{f1, f2}, want{store.Open, store.Reopened, 2, 1, 0}},
		{"all gone", t0.Add(3 * day), nil, want{store.Remediated, store.Remediated, 0, 0, 0}},
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			f.scan(t, a, s.name, s.at, s.fs...)
			got := want{f.state(t, "F1"), f.state(t, "F2"), 0, 0, 0}
			h := f.host(t, a)
			got.open, got.overdue, got.wvd = h.Open, h.Overdue, h.Waived
			if diff := cmp.Diff(s.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("step %d (-want +got):\n%s", i, diff)
			}
		})
	}
	fd, err := f.st.Finding(f.ctx, store.System, "F2")
	if err != nil {
		t.Fatal(err)
	}
	wantF2 := f2
	wantF2.HostID, wantF2.Department, wantF2.Kind = a, "DWP", store.Software
	wantF2.FirstSeen, wantF2.LastSeen, wantF2.Changed, wantF2.State = t0, t0.Add(2*day), t0.Add(3*day), store.Remediated
	if diff := cmp.Diff(wantF2, fd); diff != "" {
		t.Errorf("F2 (-want +got):\n%s", diff)
	}
	h := f.host(t, a)
	wantHost := store.Host{ID: a, Department: "DWP", Host: "ws-1", SystemID: "sys-1", SystemName: "Benefits", Owner: "ops",
		Classification: "OFFICIAL", Tags: []string{"prod"}, LastScan: t0.Add(3 * day), Items: 100, Unknowns: 2}
	if diff := cmp.Diff(wantHost, h); diff != "" {
		t.Errorf("host (-want +got):\n%s", diff)
	}
	inv, err := f.st.Inventory(f.ctx, f.dwp, a)
	if err != nil || string(inv) != `{"report":"all gone"}` {
		t.Errorf("Inventory = %q, %v", inv, err)
	}
}

func testFlows(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	sum, fd := traffic("FL1", "entity:kaspersky", "BOD-17-01", 100, t0, t0.Add(time.Hour))
	f.flows(t, a, "f1", t0.Add(time.Hour), sum, fd)
	later := sum
	later.First, later.Last = t0.Add(-time.Hour), t0.Add(5*time.Hour)
	f.flows(t, a, "f2", t0.Add(6*time.Hour), later, fd)
	if !f.flows(t, a, "f2", t0.Add(7*time.Hour), later, fd) {
		t.Error("same flows digest not duplicate")
	}
	got, err := f.st.FlowFindings(f.ctx, f.dwp, store.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := store.FlowFinding{ID: "FL1", HostID: a, Department: "DWP", Pack: "uk", Rule: "egress", Instrument: "BOD-17-01",
		Title: "Traffic to entity:kaspersky", Effect: "warn", Destination: "entity:kaspersky", Name: "Kaspersky", Country: "RU", ASN: 200107,
		BytesOut: 200, BytesIn: 200, Flows: 200, First: t0.Add(-time.Hour), Last: t0.Add(5 * time.Hour),
		State: store.Open, Changed: t0.Add(time.Hour), Evidence: []byte(`{"n":1}`)}
	if diff := cmp.Diff([]store.FlowFinding{want}, got); diff != "" {
		t.Errorf("flow findings (-want +got):\n%s", diff)
	}
	if h := f.host(t, a); !h.LastFlows.Equal(t0.Add(6*time.Hour)) || h.Open != 1 {
		t.Errorf("LastFlows = %v, open %d; want %v, 1 (the traffic finding)", h.LastFlows, h.Open, t0.Add(6*time.Hour))
	}
	o, _ := f.st.Overview(f.ctx, f.dwp, t0)
	if o.EgressBytesOut != 200 || o.Open != 1 || o.Traffic != 1 || len(o.ByInstrument) != 1 || o.ByInstrument[0].Name != "BOD-17-01" {
		t.Errorf("overview: egress %d, open %d, traffic %d, by instrument %v; want 200, 1, 1, BOD-17-01", o.EgressBytesOut, o.Open, o.Traffic, o.ByInstrument)
	}
	// Traffic no rule judges still counts as egress.
	other, _ := traffic("", "country:SG", "", 50, t0, t0)
	if _, err := f.st.ApplyFlows(f.ctx, store.FlowUpload{AgentID: a, Digest: digest("f3"), Received: t0, HostID: a,
		Summaries: []store.FlowSummary{other}}); err != nil {
		t.Fatal(err)
	}
	if o, _ := f.st.Overview(f.ctx, f.dwp, t0); o.EgressBytesOut != 250 || o.Open != 1 {
		t.Errorf("after traffic no rule judges: egress %d, open %d; want 250, 1", o.EgressBytesOut, o.Open)
	}
	ss, err := f.st.FlowSummaries(f.ctx, f.dwp, a)
	if err != nil || len(ss) != 2 || ss[0].Destination != "entity:kaspersky" || ss[0].BytesOut != 200 {
		t.Errorf("summaries %+v, %v; want kaspersky with 200 bytes out, then SG", ss, err)
	}
	if ss, _ := f.st.FlowSummaries(f.ctx, f.hmrc, a); len(ss) != 0 {
		t.Errorf("another department's officer reads %d summaries", len(ss))
	}
}

func testWaiverLifecycle(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	f.scan(t, a, "s1", t0, finding("F1", "BOD-17-01", t0.Add(-day)))
	w, err := f.st.RequestWaiver(f.ctx, f.dwp, store.Waiver{FindingID: "F1", Reason: "replacement on order", Expiry: t0.Add(10 * day), Requested: t0})
	if err != nil {
		t.Fatal(err)
	}
	want := store.Waiver{ID: w.ID, FindingID: "F1", HostID: a, Department: "DWP", Reason: "replacement on order", Expiry: t0.Add(10 * day),
		RequestedBy: "olive", Requested: t0, State: store.Requested}
	if diff := cmp.Diff(want, w); diff != "" {
		t.Errorf("requested (-want +got):\n%s", diff)
	}
	if f.state(t, "F1") != store.Open {
		t.Error("a request alone waived the finding")
	}
	got, err := f.st.DecideWaiver(f.ctx, f.admin, w.ID, true, "ok until the swap", t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want.State, want.DecidedBy, want.Decided, want.Note = store.Approved, "alice", t0.Add(time.Hour), "ok until the swap"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("approved (-want +got):\n%s", diff)
	}
	steps := []struct {
		name  string
		at    time.Time
		state store.FindingState
		open  int
		wvd   int
	}{
		{"approved", time.Time{}, store.Waived, 0, 1},
		{"scan in force", t0.Add(5 * day), store.Waived, 0, 1},
		{"scan after expiry", t0.Add(11 * day), store.Open, 1, 0},
	}
	for _, s := range steps {
		if !s.at.IsZero() {
			f.scan(t, a, s.name, s.at, finding("F1", "BOD-17-01", t0.Add(-day)))
		}
		h := f.host(t, a)
		if st := f.state(t, "F1"); st != s.state || h.Open != s.open || h.Waived != s.wvd {
			t.Errorf("%s: state %s open %d waived %d, want %s %d %d", s.name, st, h.Open, h.Waived, s.state, s.open, s.wvd)
		}
	}
	ws, err := f.st.Waivers(f.ctx, f.dwp, store.Approved)
	if err != nil || len(ws) != 1 || ws[0].ID != w.ID {
		t.Errorf("approved waivers = %v, %v", ws, err)
	}
	// Rejected: the finding stays open.
	r, err := f.st.RequestWaiver(f.ctx, f.admin, store.Waiver{FindingID: "F1", Reason: "again", Expiry: t0.Add(40 * day), Requested: t0.Add(11 * day)})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = f.st.DecideWaiver(f.ctx, f.admin2, r.ID, false, "no", t0.Add(11*day)); err != nil || r.State != store.Rejected {
		t.Fatalf("reject = %+v, %v", r, err)
	}
	if st := f.state(t, "F1"); st != store.Open {
		t.Errorf("after a rejection the finding is %s", st)
	}
}

func testWaiverRules(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	f.scan(t, a, "s1", t0, finding("F1", "BOD-17-01", time.Time{}), finding("F2", "BOD-17-01", time.Time{}))
	own, err := f.st.RequestWaiver(f.ctx, f.admin, store.Waiver{FindingID: "F1", Reason: "mine", Expiry: t0.Add(day), Requested: t0})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		v    store.Viewer
		want error
	}{
		{"self-approval", f.admin, store.ErrForbidden},
		{"officer decides", f.dwp, store.ErrForbidden},
		{"auditor decides", f.auditor, store.ErrForbidden},
		{"another admin", f.admin2, nil},
		{"decided twice", f.admin2, store.ErrConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.st.DecideWaiver(f.ctx, c.v, own.ID, true, "", t0)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("DecideWaiver = %v, want %v", err, c.want)
			}
		})
	}
	for _, c := range []struct {
		name string
		w    store.Waiver
		want error
	}{
		{"no reason", store.Waiver{FindingID: "F2", Expiry: t0.Add(day), Requested: t0}, store.ErrInvalid},
		{"expiry past", store.Waiver{FindingID: "F2", Reason: "r", Expiry: t0.Add(-day), Requested: t0}, store.ErrInvalid},
		{"unknown finding", store.Waiver{FindingID: "nope", Reason: "r", Expiry: t0.Add(day), Requested: t0}, store.ErrNotFound},
		{"first", store.Waiver{FindingID: "F2", Reason: "r", Expiry: t0.Add(day), Requested: t0}, nil},
		{"second pending", store.Waiver{FindingID: "F2", Reason: "r", Expiry: t0.Add(day), Requested: t0}, store.ErrConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.st.RequestWaiver(f.ctx, f.dwp, c.w)
			if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("RequestWaiver = %v, want %v", err, c.want)
			}
		})
	}
	ws, err := f.st.Waivers(f.ctx, f.admin, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.WaiverState{store.Requested, store.Approved}, states(ws), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("waivers' states, newest first (-want +got):\n%s", diff)
	}
}

func states(ws []store.Waiver) []store.WaiverState {
	var out []store.WaiverState
	for _, w := range ws {
		out = append(out, w.State)
	}
	return out
}
