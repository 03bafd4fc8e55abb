package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// item is a software finding about the inventory item key.
func item(id, key string) store.Finding {
	fd := finding(id, "BOD-17-01", time.Time{})
	fd.ItemKey = key
	return fd
}

// scanOf applies a scan judged by version that holds the items present.
func (f *fixture) scanOf(t *testing.T, agent, name string, at time.Time, version int64, present []string, fs ...store.Finding) error {
	t.Helper()
	_, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: agent, Digest: digest(name), Received: at, PolicyVersion: version,
		Host: store.Host{Items: len(present)}, Report: []byte(`{}`), Findings: fs, Present: present})
	return err
}

func (f *fixture) version(t *testing.T) store.PolicyVersion {
	t.Helper()
	p, err := f.st.PolicyVersion(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testStateReasons walks what an upload may do to a finding: a finding
// whose item is still installed but that no rule judges any more is out
// of scope, not remediated; one whose item is gone is remediated; each
// comes back reopened. Only true remediations reach the trend.
func testStateReasons(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	v := f.version(t).Version
	if err := f.scanOf(t, a, "s1", t0, v, []string{"I1", "I2"}, item("F1", "I1"), item("F2", "I2")); err != nil {
		t.Fatal(err)
	}
	if err := f.scanOf(t, a, "s2", t0.Add(time.Hour), v, []string{"I1", "I2"}, item("F1", "I1")); err != nil {
		t.Fatal(err)
	}
	fd, _ := f.st.Finding(f.ctx, store.System, "F2")
	if fd.State != store.OutOfScope || fd.Reason == "" {
		t.Errorf("a finding no rule judges whose item is installed: %s (%q), want out_of_scope with a reason", fd.State, fd.Reason)
	}
	if err := f.scanOf(t, a, "s3", t0.Add(2*time.Hour), v, []string{"I2"}); err != nil {
		t.Fatal(err)
	}
	if s := f.state(t, "F1"); s != store.Remediated {
		t.Errorf("a finding whose item is gone: %s, want remediated", s)
	}
	if s := f.state(t, "F2"); s != store.OutOfScope {
		t.Errorf("out of scope, then not judged again: %s, want it left out of scope", s)
	}
	if err := f.scanOf(t, a, "s4", t0.Add(3*time.Hour), v, []string{"I1", "I2"}, item("F1", "I1"), item("F2", "I2")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"F1", "F2"} {
		if s := f.state(t, id); s != store.Reopened {
			t.Errorf("%s back: %s, want reopened", id, s)
		}
	}
	o, _ := f.st.Overview(f.ctx, f.admin, t0)
	tr, _ := f.st.Trend(f.ctx, f.admin, 1, t0)
	if o.Open != 2 || o.Remediated != 0 || o.OutOfScope != 0 || len(tr) != 1 || tr[0].Remediated != 1 || tr[0].Open != 2 {
		t.Errorf("overview %+v, trend %+v: want 2 open, and 1 remediated that day (F1's removal, not F2's change)", o, tr)
	}
}

// testCatalogueVersion: a server judging by another catalogue than the
// last makes a new version; the first noted, or the same again, does not.
func testCatalogueVersion(t *testing.T, f *fixture) {
	v := f.version(t).Version
	for i, c := range []struct {
		digest string
		bumped bool
	}{{"aaa", false}, {"aaa", false}, {"bbb", true}, {"bbb", false}} {
		bumped, err := f.st.NoteCatalogue(f.ctx, c.digest, t0)
		if err != nil || bumped != c.bumped {
			t.Errorf("note %d (%s): bumped %v, %v; want %v", i, c.digest, bumped, err, c.bumped)
		}
	}
	if p := f.version(t); p.Version != v+1 || p.Catalogue != "bbb" || p.Done != v {
		t.Errorf("after a new catalogue: %+v", p)
	}
}

// testProductRows: the report's table groups a department's open and
// waived findings by instrument and product, counting hosts, systems and
// owners, with findings without a deadline present too.
func testProductRows(t *testing.T, f *fixture) {
	a, b := f.enrol(t, "DWP", "ws-1"), f.enrol(t, "DWP", "ws-2")
	k := func(id string, deadline time.Time) store.Finding {
		fd := finding(id, "BOD-17-01", deadline)
		fd.Product, fd.Rule = "kesl", "r"
		return fd
	}
	w := finding("W-"+a, "NCSC", time.Time{}) // a warning: no deadline
	w.Product = "tiktok"
	f.scan(t, a, "s-a", t0, k("K-"+a, t0.Add(10*day)), w)
	f.scan(t, b, "s-b", t0, k("K-"+b, t0.Add(5*day)))
	rows, total, err := f.st.DepartmentProducts(f.ctx, f.dwp, "DWP", 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(rows) != 2 {
		t.Fatalf("product rows %d %+v; want 2", total, rows)
	}
	p := rows[0]
	if p.Instrument != "BOD-17-01" || p.Product != "kesl" || p.Hosts != 2 || p.Open != 2 || !p.Deadline.Equal(t0.Add(5*day)) ||
		p.System != "Benefits" || p.Systems != 1 || p.Owner != "ops" || p.Owners != 1 || p.Kind != store.Software {
		t.Errorf("kesl row %+v", p)
	}
	if q := rows[1]; q.Instrument != "NCSC" || q.Product != "tiktok" || !q.Deadline.IsZero() || q.Hosts != 1 {
		t.Errorf("tiktok row %+v: want it listed, without a deadline", q)
	}
	if rows, total, _ := f.st.DepartmentProducts(f.ctx, f.dwp, "DWP", 1); total != 2 || len(rows) != 1 {
		t.Errorf("limited to 1: %d rows of %d", len(rows), total)
	}
	if _, _, err := f.st.DepartmentProducts(f.ctx, f.hmrc, "DWP", 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another department's officer: %v, want ErrNotFound", err)
	}
}

// testSearch: hosts and findings found by a part of their names, in any
// case, LIKE's own characters taken literally, kinds apart.
func testSearch(t *testing.T, f *fixture) {
	a, b := f.enrol(t, "DWP", "WS-Kiosk_1"), f.enrol(t, "DWP", "ws-desk%2")
	k := finding("K", "BOD-17-01", time.Time{})
	k.Item, k.Product = "Kaspersky Endpoint", "kesl"
	f.scan(t, a, "s-a", t0, k)
	sum, fd := traffic("T", "entity:kaspersky", "BOD-17-01", 1, t0, t0)
	f.flows(t, b, "fl", t0, sum, fd)
	hosts := func(q string) []string {
		hs, err := f.st.Hosts(f.ctx, f.dwp, store.HostFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hs {
			out = append(out, h.Host)
		}
		return out
	}
	for q, want := range map[string][]string{"kiosk": {"WS-Kiosk_1"}, "k_1": {"WS-Kiosk_1"}, "_": {"WS-Kiosk_1"}, "%": {"ws-desk%2"},
		"ws-": {"WS-Kiosk_1", "ws-desk%2"}, "nothing": nil, "benefits": {"WS-Kiosk_1"}} {
		if got := hosts(q); !slices.Equal(got, want) {
			t.Errorf("hosts %q: %v, want %v", q, got, want)
		}
	}
	ids := func(fl store.FindingFilter) []string {
		fs, err := f.st.Findings(f.ctx, f.dwp, fl)
		if err != nil {
			t.Fatal(err)
		}
		return findingIDs(fs)
	}
	for _, c := range []struct {
		f    store.FindingFilter
		want []string
	}{
		{store.FindingFilter{Query: "KASPERSKY"}, []string{"K", "T"}},
		{store.FindingFilter{Query: "endpoint"}, []string{"K"}},
		{store.FindingFilter{Query: "bod-17"}, []string{"K", "T"}},
		{store.FindingFilter{Kind: store.Traffic}, []string{"T"}},
		{store.FindingFilter{Kind: store.Software, Query: "kasp"}, []string{"K"}},
		{store.FindingFilter{Query: "%"}, nil},
	} {
		got := ids(c.f)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("findings %+v: %v, want %v", c.f, got, c.want)
		}
	}
}
