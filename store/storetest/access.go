package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/store"
)

// changes are every method that changes the store on a viewer's
// behalf, for the role tests.
func (f *fixture) changes(waiverID int64) []struct {
	name string
	do   func(v store.Viewer) error
} {
	return []struct {
		name string
		do   func(v store.Viewer) error
	}{
		{"CreateUser", func(v store.Viewer) error {
			_, err := f.st.CreateUser(f.ctx, v, store.User{Username: "new", Role: store.Officer, Department: "DWP", PasswordHash: "h"})
			return err
		}},
		{"CreateEnrollmentToken", func(v store.Viewer) error {
			return f.st.CreateEnrollmentToken(f.ctx, v, store.EnrollmentToken{Hash: make([]byte, 32), Department: "DWP", Created: t0, Expires: t0.Add(day), Uses: 1})
		}},
		{"PutRegister", func(v store.Viewer) error { return f.st.PutRegister(f.ctx, v, []byte("systems: []")) }},
		{"PutPolicies", func(v store.Viewer) error { return f.st.PutPolicies(f.ctx, v, []string{"uk"}) }},
		{"RequestWaiver", func(v store.Viewer) error {
			_, err := f.st.RequestWaiver(f.ctx, v, store.Waiver{FindingID: "F-dwp", Reason: "r", Expiry: t0.Add(day), Requested: t0})
			return err
		}},
		{"DecideWaiver", func(v store.Viewer) error {
			_, err := f.st.DecideWaiver(f.ctx, v, waiverID, true, "", t0)
			return err
		}},
		{"SaveReport", func(v store.Viewer) error { return f.st.SaveReport(f.ctx, v, "DWP", t0, []byte("{}")) }},
	}
}

// estate is a host with a finding, a flow finding, a waiver request and
// a saved report in each of DWP and HMRC.
func (f *fixture) estate(t *testing.T) (dwpHost, hmrcHost string, dwpWaiver, hmrcWaiver int64) {
	t.Helper()
	dwpHost, hmrcHost = f.enrol(t, "DWP", "ws-dwp"), f.enrol(t, "HMRC", "ws-hmrc")
	f.scan(t, dwpHost, "d1", t0, finding("F-dwp", "BOD-17-01", t0.Add(-day)))
	f.scan(t, hmrcHost, "h1", t0, finding("F-hmrc", "NDAA-889", t0.Add(-day)), finding("F-hmrc2", "NDAA-889", time.Time{}))
	for _, h := range []string{dwpHost, hmrcHost} {
		sum, fd := traffic("FL-"+h, "entity:kaspersky", "BOD-17-01", 10, t0, t0)
		f.flows(t, h, "fl"+h, t0, sum, fd)
	}
	req := func(v store.Viewer, id string) int64 {
		w, err := f.st.RequestWaiver(f.ctx, v, store.Waiver{FindingID: id, Reason: "r", Expiry: t0.Add(day), Requested: t0})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	dwpWaiver, hmrcWaiver = req(f.dwp, "F-dwp"), req(f.hmrc, "F-hmrc")
	for _, c := range []struct {
		v    store.Viewer
		dept string
	}{{f.dwp, "DWP"}, {f.hmrc, "HMRC"}} {
		if err := f.st.SaveReport(f.ctx, c.v, c.dept, t0, []byte(`{"dept":"`+c.dept+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	return
}

func testAuditorChangesNothing(t *testing.T, f *fixture) {
	_, _, w, _ := f.estate(t)
	before := f.auditLen(t)
	for _, c := range f.changes(w) {
		t.Run(c.name, func(t *testing.T) {
			if err := c.do(f.auditor); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("auditor's %s = %v, want forbidden", c.name, err)
			}
			if err := c.do(store.Viewer{Username: "anon"}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("no role's %s = %v, want forbidden", c.name, err)
			}
		})
	}
	if n := f.auditLen(t); n != before {
		t.Errorf("refused changes appended %d audit entries", n-before)
	}
	// But an auditor reads everything.
	hs, err := f.st.Hosts(f.ctx, f.auditor, store.HostFilter{})
	if err != nil || len(hs) != 2 {
		t.Errorf("auditor's Hosts = %d, %v; want 2", len(hs), err)
	}
	if _, err := f.st.Audit(f.ctx, f.auditor, 0, 10); err != nil {
		t.Errorf("auditor's Audit = %v", err)
	}
}

func testAdminOnly(t *testing.T, f *fixture) {
	_, _, w, _ := f.estate(t)
	want := map[string]error{
		"CreateUser": store.ErrForbidden, "CreateEnrollmentToken": store.ErrForbidden, "PutRegister": store.ErrForbidden,
		"PutPolicies": store.ErrForbidden, "DecideWaiver": store.ErrForbidden,
		"RequestWaiver": store.ErrConflict, // allowed, but one is pending already
		"SaveReport":    nil,
	}
	for _, c := range f.changes(w) {
		t.Run(c.name, func(t *testing.T) {
			err := c.do(f.dwp)
			if !errors.Is(err, want[c.name]) || (want[c.name] == nil) != (err == nil) {
				t.Errorf("officer's %s = %v, want %v", c.name, err, want[c.name])
			}
		})
	}
	if _, err := f.st.Audit(f.ctx, f.dwp, 0, 10); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("officer's Audit = %v, want forbidden", err)
	}
}

// testOfficerIsolation checks that an officer of DWP can neither see
// nor act on HMRC's rows, and that a row of HMRC is not found rather
// than forbidden, so its existence cannot be probed.
func testOfficerIsolation(t *testing.T, f *fixture) {
	dwpHost, hmrcHost, _, hmrcWaiver := f.estate(t)
	for _, c := range []struct {
		name string
		do   func() error
	}{
		{"Host", func() error { _, err := f.st.Host(f.ctx, f.dwp, hmrcHost); return err }},
		{"Inventory", func() error { _, err := f.st.Inventory(f.ctx, f.dwp, hmrcHost); return err }},
		{"Finding", func() error { _, err := f.st.Finding(f.ctx, f.dwp, "F-hmrc"); return err }},
		{"Waiver", func() error { _, err := f.st.Waiver(f.ctx, f.dwp, hmrcWaiver); return err }},
		{"LastReport", func() error { _, _, err := f.st.LastReport(f.ctx, f.dwp, "HMRC"); return err }},
		{"RequestWaiver", func() error {
			_, err := f.st.RequestWaiver(f.ctx, f.dwp, store.Waiver{FindingID: "F-hmrc2", Reason: "r", Expiry: t0.Add(day), Requested: t0})
			return err
		}},
		{"SaveReport", func() error { return f.st.SaveReport(f.ctx, f.dwp, "HMRC", t0, []byte("{}")) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.do(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("DWP officer's %s of HMRC = %v, want not found", c.name, err)
			}
		})
	}
	hs, _ := f.st.Hosts(f.ctx, f.dwp, store.HostFilter{})
	other, _ := f.st.Hosts(f.ctx, f.dwp, store.HostFilter{Department: "HMRC"})
	fs, _ := f.st.Findings(f.ctx, f.dwp, store.FindingFilter{})
	fsOther, _ := f.st.Findings(f.ctx, f.dwp, store.FindingFilter{Department: "HMRC"})
	fsHost, _ := f.st.Findings(f.ctx, f.dwp, store.FindingFilter{HostID: hmrcHost})
	fl, _ := f.st.FlowFindings(f.ctx, f.dwp, store.FindingFilter{})
	ws, _ := f.st.Waivers(f.ctx, f.dwp, "")
	ds, _ := f.st.Departments(f.ctx, f.dwp)
	type seen struct {
		Hosts, OtherHosts, Findings, OtherFindings, HostFindings, Flows, Waivers, Departments []string
	}
	got := seen{OtherHosts: hostIDs(other), Hosts: hostIDs(hs), Findings: findingIDs(fs), OtherFindings: findingIDs(fsOther),
		HostFindings: findingIDs(fsHost), Departments: ds}
	for _, x := range fl {
		got.Flows = append(got.Flows, x.ID)
	}
	for _, w := range ws {
		got.Waivers = append(got.Waivers, w.FindingID)
	}
	// The traffic finding is a finding too.
	want := seen{Hosts: []string{dwpHost}, Findings: []string{"F-dwp", "FL-" + dwpHost}, Flows: []string{"FL-" + dwpHost}, Waivers: []string{"F-dwp"}, Departments: []string{"DWP"}}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("what the DWP officer sees (-want +got):\n%s", diff)
	}
	o, err := f.st.Overview(f.ctx, f.dwp, t0)
	if err != nil {
		t.Fatal(err)
	}
	if o.Hosts != 1 || o.Open != 2 || o.Traffic != 1 || o.Overdue != 1 || o.EgressBytesOut != 10 || len(o.ByDepartment) != 1 || o.ByDepartment[0].Name != "DWP" {
		t.Errorf("DWP officer's overview = %+v", o)
	}
	tr, err := f.st.Trend(f.ctx, f.dwp, 1, t0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.TrendPoint{{Day: t0.Truncate(day), Open: 2, Overdue: 1}}, tr); diff != "" {
		t.Errorf("DWP officer's trend (-want +got):\n%s", diff)
	}
	all, _ := f.st.Trend(f.ctx, f.admin, 1, t0)
	if len(all) != 1 || all[0].Open != 5 {
		t.Errorf("admin's trend = %+v, want 5 open (3 software, 2 traffic)", all)
	}
	if at, snap, err := f.st.LastReport(f.ctx, f.dwp, "DWP"); err != nil || !at.Equal(t0) || string(snap) != `{"dept":"DWP"}` {
		t.Errorf("own LastReport = %v %q %v", at, snap, err)
	}
}

func hostIDs(hs []store.Host) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

func findingIDs(fs []store.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

// testDepartments: admins and auditors see every department with a host,
// once each, in order; an officer sees their own; an empty store none.
func testDepartments(t *testing.T, f *fixture) {
	if ds, err := f.st.Departments(f.ctx, f.admin); err != nil || len(ds) != 0 {
		t.Errorf("an empty store's departments: %v %v", ds, err)
	}
	for _, d := range []string{"HMRC", "DWP", "MOJ", "DWP", "HMRC", "DWP", "CO"} {
		f.enrol(t, d, fmt.Sprintf("%s-%d", strings.ToLower(d), f.auditLen(t)))
	}
	want := []string{"CO", "DWP", "HMRC", "MOJ"}
	for _, v := range []store.Viewer{f.admin, f.auditor} {
		if ds, err := f.st.Departments(f.ctx, v); err != nil || !slices.Equal(ds, want) {
			t.Errorf("%s sees departments %v (%v), want %v", v.Role, ds, err, want)
		}
	}
	if ds, err := f.st.Departments(f.ctx, f.hmrc); err != nil || !slices.Equal(ds, []string{"HMRC"}) {
		t.Errorf("HMRC's officer sees %v (%v)", ds, err)
	}
}
