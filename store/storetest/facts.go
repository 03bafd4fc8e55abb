package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/store"
)

// factsSummary is DepartmentFacts with its lists reduced to names, for
// readable diffs.
type factsSummary struct {
	Hosts, Stale                                      int
	StaleHosts                                        []string
	Open, Waived, Remediated, Overdue, DueSoon        int
	ByInstrument                                      []store.Count
	Deadlines                                         int
	Findings                                          []string // id@host
	New, RemediatedSince, Reopened                    int
	NewFindings, RemediatedFindings, ReopenedFindings []string
	Expiring                                          int
	ExpiringWaivers                                   []string // finding@host
	Evidence                                          bool     // any list finding carries evidence
}

func summarizeFacts(x store.DepartmentFacts) factsSummary {
	s := factsSummary{Hosts: x.Hosts, Stale: x.Stale, Open: x.Open, Waived: x.Waived, Remediated: x.Remediated, Overdue: x.Overdue,
		DueSoon: x.DueSoon, ByInstrument: x.ByInstrument, Deadlines: x.Deadlines, New: x.Since.New,
		RemediatedSince: x.Since.Remediated, Reopened: x.Since.Reopened, Expiring: x.Expiring}
	for _, h := range x.StaleHosts {
		s.StaleHosts = append(s.StaleHosts, h.Host)
	}
	ids := func(l []store.DepartmentFinding) []string {
		var out []string
		for _, f := range l {
			out = append(out, f.ID+"@"+f.Host)
			s.Evidence = s.Evidence || len(f.Evidence) > 0
		}
		return out
	}
	s.Findings, s.NewFindings = ids(x.Findings), ids(x.Since.NewFindings)
	s.RemediatedFindings, s.ReopenedFindings = ids(x.Since.RemediatedFindings), ids(x.Since.ReopenedFindings)
	for _, w := range x.ExpiringWaivers {
		s.ExpiringWaivers = append(s.ExpiringWaivers, w.FindingID+"@"+w.Host)
	}
	return s
}

// testDepartmentFacts builds a department whose findings went through
// every state around a "last report" at t0-3d, and reads its facts as
// each viewer, with lists cut at several limits.
func testDepartmentFacts(t *testing.T, f *fixture) {
	ws1, ws2 := f.enrol(t, "DWP", "ws-1"), f.enrol(t, "DWP", "ws-2")
	f.enrol(t, "DWP", "ws-3") // never scanned
	hm := f.enrol(t, "HMRC", "ws-h")
	A := finding("A", "BOD", t0.Add(-day))    // overdue
	B := finding("B", "BOD", t0.Add(10*day))  // due soon
	C := finding("C", "NDAA", time.Time{})    // waived below
	D := finding("D", "NDAA", t0.Add(90*day)) // remediated after the report
	R := finding("R", "NDAA", t0.Add(-5*day)) // remediated before it, reopened after
	E := finding("E", "BOD", t0.Add(20*day))  // new after it
	F := finding("F", "BOD", t0.Add(-20*day)) // on a stale host
	N := finding("N", "NDAA", time.Time{})    // open, no deadline
	f.scan(t, ws2, "s2", t0.Add(-40*day), F)
	f.scan(t, ws1, "a1", t0.Add(-10*day), A, B, C, D, R, N)
	f.scan(t, ws1, "a2", t0.Add(-5*day), A, B, C, D, N)
	f.scan(t, ws1, "a3", t0.Add(-day), A, B, C, R, E, N)
	f.scan(t, hm, "h1", t0.Add(-time.Hour), finding("H", "BOD", t0.Add(-day)))
	w, err := f.st.RequestWaiver(f.ctx, f.dwp, store.Waiver{FindingID: "C", Reason: "r", Expiry: t0.Add(5 * day), Requested: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.DecideWaiver(f.ctx, f.admin, w.ID, true, "", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	since := t0.Add(-3 * day)
	all := factsSummary{Hosts: 3, Stale: 2, StaleHosts: []string{"ws-3", "ws-2"},
		Open: 6, Waived: 1, Remediated: 1, Overdue: 3, DueSoon: 2,
		ByInstrument: []store.Count{{Name: "BOD", N: 4, Overdue: 2}, {Name: "NDAA", N: 2, Overdue: 1}},
		Deadlines:    5, Findings: []string{"F@ws-2", "R@ws-1", "A@ws-1", "B@ws-1", "E@ws-1", "N@ws-1"},
		New: 1, RemediatedSince: 1, Reopened: 1,
		NewFindings: []string{"E@ws-1"}, RemediatedFindings: []string{"D@ws-1"}, ReopenedFindings: []string{"R@ws-1"},
		Expiring: 1, ExpiringWaivers: []string{"C@ws-1"}}
	cut := all
	cut.StaleHosts, cut.Findings = all.StaleHosts[:1], all.Findings[:1]
	none := all
	none.StaleHosts, none.Findings, none.NewFindings, none.RemediatedFindings, none.ReopenedFindings, none.ExpiringWaivers = nil, nil, nil, nil, nil, nil
	noSince := all
	noSince.New, noSince.RemediatedSince, noSince.Reopened = 0, 0, 0
	noSince.NewFindings, noSince.RemediatedFindings, noSince.ReopenedFindings = nil, nil, nil
	for _, c := range []struct {
		name  string
		v     store.Viewer
		dept  string
		since time.Time
		limit int
		want  factsSummary
		err   error
	}{
		{"admin", f.admin, "DWP", since, 10, all, nil},
		{"auditor", f.auditor, "DWP", since, 10, all, nil},
		{"own officer", f.dwp, "DWP", since, 10, all, nil},
		{"limit 1", f.admin, "DWP", since, 1, cut, nil},
		{"limit 0", f.dwp, "DWP", since, 0, none, nil},
		{"no since", f.admin, "DWP", time.Time{}, 10, noSince, nil},
		{"HMRC officer", f.hmrc, "HMRC", since, 10, factsSummary{Hosts: 1, Open: 1, Overdue: 1,
			ByInstrument: []store.Count{{Name: "BOD", N: 1, Overdue: 1}}, Deadlines: 1, Findings: []string{"H@ws-h"}, New: 1, NewFindings: []string{"H@ws-h"}}, nil},
		{"other department's officer", f.hmrc, "DWP", since, 10, factsSummary{}, store.ErrNotFound},
		{"unknown department", f.admin, "MOD", since, 10, factsSummary{}, store.ErrNotFound},
		{"no role", store.Viewer{Username: "x"}, "DWP", since, 10, factsSummary{}, store.ErrNotFound},
		{"negative limit", f.admin, "DWP", since, -1, factsSummary{}, store.ErrInvalid},
		{"limit too large", f.admin, "DWP", since, store.MaxFactsLimit + 1, factsSummary{}, store.ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, err := f.st.DepartmentFacts(f.ctx, c.v, c.dept, c.since, t0, c.limit)
			if !errors.Is(err, c.err) || (err != nil) != (c.err != nil) {
				t.Fatalf("DepartmentFacts = %v, want %v", err, c.err)
			}
			if diff := cmp.Diff(c.want, summarizeFacts(x), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
	// The lists carry the rows' fields, not just their names.
	x, err := f.st.DepartmentFacts(f.ctx, f.dwp, "DWP", since, t0, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := store.DepartmentFinding{Finding: F, Host: "ws-2", SystemName: "Benefits", Owner: "ops"}
	want.HostID, want.Department, want.Evidence, want.Kind = ws2, "DWP", nil, store.Software
	want.FirstSeen, want.LastSeen, want.Changed, want.State = t0.Add(-40*day), t0.Add(-40*day), t0.Add(-40*day), store.Open
	if diff := cmp.Diff([]store.DepartmentFinding{want}, x.Findings); diff != "" {
		t.Errorf("first finding (-want +got):\n%s", diff)
	}
	if len(x.ExpiringWaivers) != 1 || x.ExpiringWaivers[0].ID != w.ID || !x.ExpiringWaivers[0].Expiry.Equal(t0.Add(5*day)) {
		t.Errorf("expiring waivers = %+v", x.ExpiringWaivers)
	}
}

// testDepartmentFactsLater checks the edges of "since": a finding first
// seen after it and gone again is neither new nor remediated (the last
// report never showed it, nor does this one), and changes at since
// itself belong to the last report.
func testDepartmentFactsLater(t *testing.T, f *fixture) {
	ws := f.enrol(t, "DWP", "ws-1")
	since := t0.Add(-3 * day)
	f.scan(t, ws, "a1", since, finding("A", "BOD", time.Time{}), finding("B", "BOD", time.Time{}))
	f.scan(t, ws, "a2", t0.Add(-2*day), finding("A", "BOD", time.Time{}), finding("X", "BOD", time.Time{}))
	f.scan(t, ws, "a3", t0.Add(-day), finding("A", "BOD", time.Time{}))
	x, err := f.st.DepartmentFacts(f.ctx, f.admin, "DWP", since, t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := summarizeFacts(x)
	want := factsSummary{Hosts: 1, Open: 1, Remediated: 2, ByInstrument: []store.Count{{Name: "BOD", N: 1}},
		Findings: []string{"A@ws-1"}, RemediatedSince: 1, RemediatedFindings: []string{"B@ws-1"}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
}

// testFindingFilters checks the filters of the department page's lists:
// open or reopened findings without evidence, and hosts needing
// attention first.
func testFindingFilters(t *testing.T, f *fixture) {
	a, b, c := f.enrol(t, "DWP", "ws-a"), f.enrol(t, "DWP", "ws-b"), f.enrol(t, "DWP", "ws-c")
	f.enrol(t, "HMRC", "ws-h")
	f.scan(t, a, "a1", t0.Add(-2*day), finding("A1", "BOD", time.Time{}), finding("A2", "BOD", t0.Add(day)), finding("A3", "BOD", time.Time{}))
	f.scan(t, a, "a2", t0.Add(-day), finding("A1", "BOD", time.Time{}), finding("A2", "BOD", t0.Add(day)))
	f.scan(t, a, "a3", t0, finding("A1", "BOD", time.Time{}), finding("A2", "BOD", t0.Add(day)), finding("A3", "BOD", time.Time{}))
	f.scan(t, b, "b1", t0, finding("B1", "BOD", t0.Add(-day)), finding("B2", "BOD", t0.Add(-day)))
	f.scan(t, c, "c1", t0.Add(-9*day), finding("C1", "BOD", time.Time{}))
	f.scan(t, c, "c2", t0.Add(-8*day))
	for _, tc := range []struct {
		name string
		v    store.Viewer
		f    store.FindingFilter
		want []string
	}{
		{"open or reopened", f.admin, store.FindingFilter{Department: "DWP", OpenOrReopened: true, NoEvidence: true}, []string{"B1", "B2", "A2", "A1", "A3"}},
		{"state ignored", f.dwp, store.FindingFilter{OpenOrReopened: true, State: store.Remediated, NoEvidence: true, Limit: 2}, []string{"B1", "B2"}},
		{"other officer", f.hmrc, store.FindingFilter{Department: "DWP", OpenOrReopened: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := f.st.Findings(f.ctx, tc.v, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, findingIDs(fs), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for _, x := range fs {
				if len(x.Evidence) > 0 {
					t.Errorf("finding %s has evidence with NoEvidence", x.ID)
				}
			}
		})
	}
	fs, err := f.st.Findings(f.ctx, f.admin, store.FindingFilter{HostID: b})
	if err != nil || len(fs) != 2 || len(fs[0].Evidence) == 0 {
		t.Errorf("findings with evidence = %+v, %v", fs, err)
	}
	hs, err := f.st.Hosts(f.ctx, f.admin, store.HostFilter{Department: "DWP", ByAttention: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range hs {
		names = append(names, h.Host)
	}
	// ws-b has 2 overdue; ws-a 0 overdue, 3 open; ws-c none.
	if diff := cmp.Diff([]string{"ws-b", "ws-a", "ws-c"}, names); diff != "" {
		t.Errorf("hosts by attention (-want +got):\n%s", diff)
	}
}
