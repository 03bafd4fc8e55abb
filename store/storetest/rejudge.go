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

// testRejudge walks re-judging: a change of packs makes a new version
// (uploads judged by the old one are stale), one owner at a time
// re-judges host by host (resuming after a lease lapses), findings no
// rule judges now are out of scope with the change as reason, and come
// back reopened when the pack is added back.
func testRejudge(t *testing.T, f *fixture) {
	a, b := f.enrol(t, "DWP", "ws-1"), f.enrol(t, "HMRC", "ws-2")
	v0 := f.version(t)
	if v0.Done != v0.Version {
		t.Fatalf("a new store's version %+v is not done", v0)
	}
	if _, ok, err := f.st.ClaimRejudge(f.ctx, "r1", t0, time.Minute); err != nil || ok {
		t.Fatalf("claim with nothing to re-judge: %v %v", ok, err)
	}
	for _, h := range []string{a, b} {
		if err := f.scanOf(t, h, "s-"+h, t0, v0.Version, []string{"I1", "I2"}, item("F1-"+h, "I1"), item("F2-"+h, "I2")); err != nil {
			t.Fatal(err)
		}
	}
	sum, fd := traffic("T-"+a, "entity:kaspersky", "BOD-17-01", 10, t0, t0)
	f.flows(t, a, "fl", t0, sum, fd)

	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"only-one"}); err != nil {
		t.Fatal(err)
	}
	v1 := f.version(t)
	if v1.Version != v0.Version+1 || v1.Done != v0.Version || v1.Reason == "" {
		t.Fatalf("after a change of packs: %+v, want version %d, done %d, with a reason", v1, v0.Version+1, v0.Version)
	}
	err := f.scanOf(t, a, "stale", t0.Add(time.Minute), v0.Version, []string{"I1"}, item("F1-"+a, "I1"))
	if !errors.Is(err, store.ErrStale) {
		t.Errorf("an upload judged by the old version: %v, want ErrStale", err)
	}

	job, ok, err := f.st.ClaimRejudge(f.ctx, "r1", t0, time.Minute)
	if err != nil || !ok || job.Version != v1.Version || job.After != "" {
		t.Fatalf("claim: %+v %v %v", job, ok, err)
	}
	if _, ok, _ := f.st.ClaimRejudge(f.ctx, "r2", t0.Add(time.Second), time.Minute); ok {
		t.Error("a second owner claimed a running lease")
	}
	hosts, err := f.st.RejudgeHosts(f.ctx, job.After, 10)
	if err != nil || len(hosts) != 2 || hosts[0] != a {
		t.Fatalf("hosts to re-judge: %v %v", hosts, err)
	}
	_, at, err := f.st.InventoryAt(f.ctx, store.System, a)
	if err != nil {
		t.Fatal(err)
	}
	// Judged from an inventory that is no longer the host's: stale.
	stale := store.Rejudged{HostID: a, Inventory: at.Add(-time.Hour), At: t0.Add(time.Minute), Reason: job.Reason}
	if err := f.st.RejudgeHost(f.ctx, job, stale); !errors.Is(err, store.ErrStale) {
		t.Errorf("re-judged from an old inventory: %v, want ErrStale", err)
	}
	// The new packs judge F1 only; F2 and the traffic finding fall out.
	reg := store.Host{SystemID: "sys-9", SystemName: "Payments", Owner: "ops", Classification: "SECRET", Tags: []string{"x"}}
	r := store.Rejudged{HostID: a, Inventory: at, Host: reg, Software: []store.Finding{item("F1-"+a, "I1")}, At: t0.Add(time.Minute), Reason: job.Reason}
	if err := f.st.RejudgeHost(f.ctx, job, r); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]store.FindingState{"F1-" + a: store.Open, "F2-" + a: store.OutOfScope, "T-" + a: store.OutOfScope} {
		fd, _ := f.st.Finding(f.ctx, store.System, id)
		if fd.State != want || (want == store.OutOfScope && fd.Reason != job.Reason) {
			t.Errorf("%s after re-judging: %s (%q), want %s", id, fd.State, fd.Reason, want)
		}
	}
	if h := f.host(t, a); h.SystemID != "sys-9" || h.Classification != "SECRET" || h.Open != 1 {
		t.Errorf("host after re-judging: %+v, want registered to sys-9 with 1 open finding", h)
	}
	if p := f.version(t); p.HostsDone != 1 || p.HostsTotal != 2 || p.Owner != "r1" {
		t.Errorf("progress %+v, want 1 of 2 by r1", p)
	}
	// The lease lapses; another owner resumes after the host done.
	job2, ok, err := f.st.ClaimRejudge(f.ctx, "r2", t0.Add(2*time.Minute), time.Minute)
	if err != nil || !ok || job2.After != a {
		t.Fatalf("claim after the lease lapsed: %+v %v %v", job2, ok, err)
	}
	if err := f.st.RejudgeHost(f.ctx, job, store.Rejudged{HostID: b, At: t0.Add(2 * time.Minute)}); !errors.Is(err, store.ErrStale) {
		t.Errorf("the old owner went on: %v, want ErrStale", err)
	}
	_, atB, _ := f.st.InventoryAt(f.ctx, store.System, b)
	rb := store.Rejudged{HostID: b, Inventory: atB, Software: []store.Finding{item("F1-"+b, "I1"), item("F2-"+b, "I2")},
		At: t0.Add(2 * time.Minute), Reason: job2.Reason}
	if err := f.st.RejudgeHost(f.ctx, job2, rb); err != nil {
		t.Fatal(err)
	}
	if err := f.st.FinishRejudge(f.ctx, job2, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if p := f.version(t); p.Done != p.Version || p.Owner != "" || p.Finished.IsZero() {
		t.Errorf("after finishing: %+v", p)
	}
	if _, ok, _ := f.st.ClaimRejudge(f.ctx, "r1", t0.Add(3*time.Minute), time.Minute); ok {
		t.Error("claimed a version already done")
	}
	o, _ := f.st.Overview(f.ctx, f.admin, t0.Add(3*time.Minute))
	tr, _ := f.st.Trend(f.ctx, f.admin, 1, t0.Add(3*time.Minute))
	if o.Open != 3 || o.OutOfScope != 2 || o.Remediated != 0 || o.Traffic != 0 || tr[0].Remediated != 0 || tr[0].Open != 3 {
		t.Errorf("overview %+v, trend %+v: want 3 open, 2 out of scope, nothing remediated", o, tr)
	}

	// The pack comes back: a new version, and the findings reopen.
	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"all"}); err != nil {
		t.Fatal(err)
	}
	job3, ok, err := f.st.ClaimRejudge(f.ctx, "r1", t0.Add(4*time.Minute), time.Minute)
	if err != nil || !ok || job3.After != "" {
		t.Fatalf("claim of the next version: %+v %v %v", job3, ok, err)
	}
	_, fdT := traffic("T-"+a, "entity:kaspersky", "BOD-17-01", 0, t0, t0)
	r.Software = append(r.Software, item("F2-"+a, "I2"))
	r.Traffic, r.Reason, r.At = []store.Finding{fdT}, job3.Reason, t0.Add(4*time.Minute)
	if err := f.st.RejudgeHost(f.ctx, job3, r); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"F2-" + a, "T-" + a} {
		if fd, _ := f.st.Finding(f.ctx, store.System, id); fd.State != store.Reopened || fd.Reason != job3.Reason {
			t.Errorf("%s after the pack came back: %s (%q), want reopened for %q", id, fd.State, fd.Reason, job3.Reason)
		}
	}
	if o, _ := f.st.Overview(f.ctx, f.admin, t0.Add(4*time.Minute)); o.Open != 5 || o.Traffic != 1 || o.OutOfScope != 0 {
		t.Errorf("overview after the pack came back: %+v", o)
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
