package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// testRejudge walks re-judging: a change of packs makes a new version
// (uploads judged by the old one are stale); servers claim hosts in
// batches, each host held by one claim until it lapses; findings no rule
// judges now are out of scope with the change as reason, and come back
// reopened when the pack is added back; a host whose inventory changed
// while claimed is claimed again.
func testRejudge(t *testing.T, f *fixture) {
	a, b := f.enrol(t, "DWP", "ws-1"), f.enrol(t, "HMRC", "ws-2")
	v0 := f.version(t)
	if v0.Done != v0.Version {
		t.Fatalf("a new store's version %+v is not done", v0)
	}
	if _, in, err := f.st.ClaimHosts(f.ctx, "r1", 10, t0, time.Minute); err != nil || len(in) != 0 {
		t.Fatalf("claim with nothing to re-judge: %v %v", in, err)
	}
	for _, h := range []string{a, b} {
		if err := f.scanOf(t, h, "s-"+h, t0, v0.Version, []string{"I1", "I2"}, item("F1-"+h, "I1"), item("F2-"+h, "I2")); err != nil {
			t.Fatal(err)
		}
	}
	// b's items are indexed: re-judging reads their keys, not the report.
	docs := []store.ItemDoc{store.NewItemDoc([]byte(`{"id":"I1"}`)), store.NewItemDoc([]byte(`{"id":"I2"}`))}
	if _, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: b, Digest: digest("s2-" + b), Received: t0.Add(time.Second), PolicyVersion: v0.Version,
		Report: []byte(`{}`), Findings: []store.Finding{item("F1-"+b, "I1"), item("F2-"+b, "I2")}, Present: []string{"I1", "I2"}, Items: docs}); err != nil {
		t.Fatal(err)
	}
	sum, fd := traffic("T-"+a, "entity:kaspersky", "BOD-17-01", 10, t0, t0)
	f.flows(t, a, "fl", t0, sum, fd)

	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"only-one"}); err != nil {
		t.Fatal(err)
	}
	v1 := f.version(t)
	if v1.Version != v0.Version+1 || v1.Done != v0.Version || v1.Reason == "" || v1.HostsTotal != 2 || v1.HostsDone != 0 {
		t.Fatalf("after a change of packs: %+v, want version %d, done %d, 0 of 2 hosts, with a reason", v1, v0.Version+1, v0.Version)
	}
	err := f.scanOf(t, a, "stale", t0.Add(time.Minute), v0.Version, []string{"I1"}, item("F1-"+a, "I1"))
	if !errors.Is(err, store.ErrStale) {
		t.Errorf("an upload judged by the old version: %v, want ErrStale", err)
	}

	// r1 claims one host; r2 the other, not r1's.
	job, in1, err := f.st.ClaimHosts(f.ctx, "r1", 1, t0, time.Minute)
	if err != nil || len(in1) != 1 || in1[0].Host.ID != a || job.Version != v1.Version || job.Reason != v1.Reason {
		t.Fatalf("r1's claim: %+v %+v %v", job, in1, err)
	}
	job2, in2, err := f.st.ClaimHosts(f.ctx, "r2", 10, t0, time.Minute)
	if err != nil || len(in2) != 1 || in2[0].Host.ID != b {
		t.Fatalf("r2's claim: %+v %v", in2, err)
	}
	x := in1[0]
	ids := func(ps []store.PriorFinding) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		slices.Sort(out)
		return out
	}
	if x.Indexed || string(x.Report) != `{}` || x.Received.IsZero() || len(x.Flows) != 1 || !slices.Equal(ids(x.Findings), []string{"F1-" + a, "F2-" + a, "T-" + a}) {
		t.Errorf("input of %s: %+v", a, x)
	}
	if y := in2[0]; !y.Indexed || len(y.Keys) != 2 || y.Keys[0] != docs[0].Key || y.Report != nil {
		t.Errorf("input of the indexed host %s: %+v", b, y)
	}
	if got, err := f.st.ItemDocs(f.ctx, in2[0].Keys); err != nil || len(got) != 2 || string(got[docs[1].Key].Doc) != `{"id":"I2"}` {
		t.Errorf("item docs: %+v %v", got, err)
	}
	reg := store.Host{SystemID: "sys-9", SystemName: "Payments", Owner: "ops", Classification: "SECRET", Tags: []string{"x"}}
	r := store.Rejudged{HostID: a, Inventory: x.Received, Host: reg, Software: []store.Finding{item("F1-"+a, "I1")}, At: t0.Add(time.Minute), Reason: job.Reason}
	// The new packs judge F1 only; F2 and the traffic finding fall out.
	if n, err := f.st.ApplyRejudged(f.ctx, job, []store.Rejudged{r}); err != nil || n != 1 {
		t.Fatalf("r1 applied: %d %v", n, err)
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
	if p := f.version(t); p.HostsDone != 1 || p.HostsTotal != 2 || p.Done == p.Version {
		t.Errorf("progress %+v, want 1 of 2", p)
	}
	if ok, err := f.st.FinishRejudge(f.ctx, job, t0.Add(time.Minute)); err != nil || ok {
		t.Errorf("finished with a host left: %v %v", ok, err)
	}
	// r2's claim lapses; r3 takes the host, and r2 may not apply it.
	job3, in3, err := f.st.ClaimHosts(f.ctx, "r3", 10, t0.Add(2*time.Minute), time.Minute)
	if err != nil || len(in3) != 1 || in3[0].Host.ID != b {
		t.Fatalf("claim after the lease lapsed: %+v %v", in3, err)
	}
	same := store.Rejudged{HostID: b, Unchanged: true}
	if n, err := f.st.ApplyRejudged(f.ctx, job2, []store.Rejudged{same}); err != nil || n != 0 {
		t.Errorf("a lapsed claim applied: %d %v", n, err)
	}
	if n, err := f.st.ApplyRejudged(f.ctx, job3, []store.Rejudged{same}); err != nil || n != 1 {
		t.Fatalf("unchanged host: %d %v", n, err)
	}
	if ok, err := f.st.FinishRejudge(f.ctx, job3, t0.Add(2*time.Minute)); err != nil || !ok {
		t.Fatalf("finish: %v %v", ok, err)
	}
	if p := f.version(t); p.Done != p.Version || p.Finished.IsZero() || p.HostsDone != 2 {
		t.Errorf("after finishing: %+v", p)
	}
	if _, in, _ := f.st.ClaimHosts(f.ctx, "r1", 10, t0.Add(3*time.Minute), time.Minute); len(in) != 0 {
		t.Error("claimed hosts of a version already done")
	}
	o, _ := f.st.Overview(f.ctx, f.admin, t0.Add(3*time.Minute))
	tr, _ := f.st.Trend(f.ctx, f.admin, 1, t0.Add(3*time.Minute))
	if o.Open != 3 || o.OutOfScope != 2 || o.Remediated != 0 || o.Traffic != 0 || tr[0].Remediated != 0 || tr[0].Open != 3 {
		t.Errorf("overview %+v, trend %+v: want 3 open, 2 out of scope, nothing remediated", o, tr)
	}

	// The pack comes back: a new version. b's batch is judged back
	// (its findings reopen); an upload lands on a while its batch is
	// claimed: the upload's judgement stands, not the batch's.
	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"all"}); err != nil {
		t.Fatal(err)
	}
	job4, in4, err := f.st.ClaimHosts(f.ctx, "r1", 1, t0.Add(4*time.Minute), time.Minute)
	if err != nil || len(in4) != 1 || in4[0].Host.ID != a {
		t.Fatalf("claim of the next version: %+v %v", in4, err)
	}
	if err := f.scanOf(t, a, "s3", t0.Add(4*time.Minute), job4.Version, []string{"I1", "I2"}, item("F1-"+a, "I1")); err != nil {
		t.Fatal(err)
	}
	_, fdT := traffic("T-"+a, "entity:kaspersky", "BOD-17-01", 0, t0, t0)
	r = store.Rejudged{HostID: a, Inventory: in4[0].Received, Host: reg, Software: []store.Finding{item("F1-"+a, "I1"), item("F2-"+a, "I2")},
		Traffic: []store.Finding{fdT}, At: t0.Add(4 * time.Minute), Reason: job4.Reason}
	if n, err := f.st.ApplyRejudged(f.ctx, job4, []store.Rejudged{r}); err != nil || n != 1 {
		t.Errorf("applied a batch whose host was uploaded meanwhile: %d %v", n, err)
	}
	if fd, _ := f.st.Finding(f.ctx, store.System, "F2-"+a); fd.State == store.Reopened {
		t.Errorf("F2 reopened by a re-judging of an inventory no longer the host's: %+v", fd)
	}
	job5, in5, err := f.st.ClaimHosts(f.ctx, "r1", 1, t0.Add(4*time.Minute), time.Minute)
	if err != nil || len(in5) != 1 || in5[0].Host.ID != b || job5.Batch == job4.Batch {
		t.Fatalf("the next batch: %+v %v", in5, err)
	}
	rb := store.Rejudged{HostID: b, Inventory: in5[0].Received, Software: []store.Finding{item("F1-"+b, "I1"), item("F2-"+b, "I2")},
		At: t0.Add(4 * time.Minute), Reason: job5.Reason}
	// A host not of the batch is not written by it.
	stray := store.Rejudged{HostID: a, Inventory: in5[0].Received, At: t0.Add(4 * time.Minute), Reason: job5.Reason}
	if n, err := f.st.ApplyRejudged(f.ctx, job5, []store.Rejudged{rb, stray}); err != nil || n != 1 {
		t.Fatalf("apply: %d %v", n, err)
	}
	if fd, _ := f.st.Finding(f.ctx, store.System, "F1-"+a); fd.State != store.Open {
		t.Errorf("a host of another batch was written: F1 of a is %s", fd.State)
	}
	if ok, err := f.st.FinishRejudge(f.ctx, job5, t0.Add(4*time.Minute)); err != nil || !ok {
		t.Errorf("finish: %v %v", ok, err)
	}
	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"uk"}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.st.ApplyRejudged(f.ctx, job5, []store.Rejudged{{HostID: b, Unchanged: true}}); !errors.Is(err, store.ErrStale) || n != 0 {
		t.Errorf("applied for a version no longer current: %d %v, want ErrStale", n, err)
	}
}

// testRejudgeHosts applies one batch of several hosts, each changing
// differently: one loses a finding (out of scope), one gains one and
// keeps another waived, one is registered to a system and keeps its findings,
// one was uploaded meanwhile (left as the upload made it), and one no
// longer exists. Each host's counts, the overview and the changes
// recorded under the version agree with the findings.
func testRejudgeHosts(t *testing.T, f *fixture) {
	v0 := f.version(t)
	hosts := make([]string, 4)
	for i := range hosts {
		hosts[i] = f.enrol(t, "DWP", "batch-"+string(rune('a'+i)))
		h := hosts[i]
		if err := f.scanOf(t, h, "s-"+h, t0, v0.Version, []string{"I1", "I2"}, item("F1-"+h, "I1"), item("F2-"+h, "I2")); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c, d := hosts[0], hosts[1], hosts[2], hosts[3]
	w, err := f.st.RequestWaiver(f.ctx, f.dwp, store.Waiver{FindingID: "F1-" + b, Reason: "replacing it", Expiry: t0.Add(30 * day), Requested: t0})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.PutPolicies(f.ctx, f.admin, []string{"changed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.DecideWaiver(f.ctx, f.admin, w.ID, true, "", t0); err != nil {
		t.Fatal(err)
	}
	job, in, err := f.st.ClaimHosts(f.ctx, "r1", 100, t0.Add(time.Minute), time.Minute)
	if err != nil || len(in) != 4 {
		t.Fatalf("claim: %d hosts, %v", len(in), err)
	}
	received := map[string]time.Time{}
	for _, x := range in {
		received[x.Host.ID] = x.Received
	}
	// d is uploaded meanwhile, by the new version.
	if err := f.scanOf(t, d, "s2-"+d, t0.Add(2*time.Minute), job.Version, []string{"I1"}, item("F1-"+d, "I1")); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(3 * time.Minute)
	reg := store.Host{SystemID: "sys-1", SystemName: "Payroll", Owner: "ops", Classification: "SECRET", Tags: []string{"t"}}
	rs := []store.Rejudged{
		{HostID: a, Inventory: received[a], Software: []store.Finding{item("F1-"+a, "I1")}, At: at, Reason: job.Reason},
		{HostID: b, Inventory: received[b], Software: []store.Finding{item("F1-"+b, "I1"), item("F2-"+b, "I2"), item("F3-"+b, "I2")}, At: at, Reason: job.Reason},
		{HostID: c, Inventory: received[c], Host: reg, Software: []store.Finding{item("F1-"+c, "I1"), item("F2-"+c, "I2")}, At: at, Reason: job.Reason},
		{HostID: d, Inventory: received[d], Software: nil, At: at, Reason: job.Reason},
		{HostID: "no-such-host", Inventory: received[a], At: at, Reason: job.Reason},
	}
	if n, err := f.st.ApplyRejudged(f.ctx, job, rs); err != nil || n != 4 {
		t.Fatalf("apply: %d %v", n, err)
	}
	want := map[string]store.FindingState{
		"F1-" + a: store.Open, "F2-" + a: store.OutOfScope,
		"F1-" + b: store.Waived, "F2-" + b: store.Open, "F3-" + b: store.Open,
		"F1-" + c: store.Open, "F2-" + c: store.Open,
		"F1-" + d: store.Open, "F2-" + d: store.Remediated, // as d's upload left them
	}
	for id, st := range want {
		if got := f.state(t, id); got != st {
			t.Errorf("%s: %s, want %s", id, got, st)
		}
	}
	if fd, _ := f.st.Finding(f.ctx, store.System, "F2-"+d); fd.Reason == job.Reason {
		t.Errorf("the uploaded host's finding was ended by the batch: %+v", fd)
	}
	for h, c2 := range map[string][2]int{a: {1, 0}, b: {2, 1}, c: {2, 0}, d: {1, 0}} {
		if got := f.host(t, h); got.Open != c2[0] || got.Waived != c2[1] {
			t.Errorf("host %s counts %d open, %d waived; want %v", h, got.Open, got.Waived, c2)
		}
	}
	if h := f.host(t, c); h.SystemID != "sys-1" || h.Classification != "SECRET" || !slices.Equal(h.Tags, []string{"t"}) {
		t.Errorf("registered host: %+v", h)
	}
	if h := f.host(t, a); h.SystemID != "" {
		t.Errorf("an unregistered host got a system: %+v", h)
	}
	if o, err := f.st.Overview(f.ctx, f.admin, at); err != nil || o.Open != 6 || o.Waived != 1 || o.OutOfScope != 1 || o.Remediated != 1 {
		t.Errorf("overview %+v %v: want 6 open, 1 waived, 1 out of scope, 1 remediated", o, err)
	}
	ch, err := f.st.Changes(f.ctx, f.admin, job.Version, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range ch {
		got[x.FindingID] = x.Was + ">" + x.Became
	}
	// (F1 of b was waived when the waiver was approved, not by the batch.)
	wantCh := map[string]string{"F2-" + a: "open>out_of_scope", "F3-" + b: ">open"}
	for id, s := range wantCh {
		if got[id] != s {
			t.Errorf("change of %s: %q, want %q (all: %v)", id, got[id], s, got)
		}
	}
	for id := range got {
		if _, ok := wantCh[id]; !ok && !strings.HasSuffix(id, d) {
			t.Errorf("a change recorded for %s that did not change: %s", id, got[id])
		}
	}
}

// testRestate: a finding re-judging finds saying what it said (the same
// digest) comes back reopened with its first sighting and evidence as
// stored, seen at the host's inventory and changed when re-judged.
func testRestate(t *testing.T, f *fixture) {
	v0 := f.version(t)
	h := f.enrol(t, "DWP", "restate-1")
	fd := item("F1-"+h, "I1")
	fd.Digest = "says-the-same"
	if err := f.scanOf(t, h, "s-"+h, t0, v0.Version, []string{"I1"}, fd); err != nil {
		t.Fatal(err)
	}
	apply := func(at time.Time, fs ...store.Finding) store.RejudgeJob {
		t.Helper()
		if err := f.st.PutPolicies(f.ctx, f.admin, []string{at.Format(time.RFC3339)}); err != nil {
			t.Fatal(err)
		}
		job, in, err := f.st.ClaimHosts(f.ctx, "r", 10, at, time.Minute)
		if err != nil || len(in) != 1 {
			t.Fatalf("claim: %+v %v", in, err)
		}
		if n, err := f.st.ApplyRejudged(f.ctx, job, []store.Rejudged{{HostID: h, Inventory: in[0].Received, Software: fs, At: at, Reason: job.Reason}}); err != nil || n != 1 {
			t.Fatalf("apply: %d %v", n, err)
		}
		if ok, err := f.st.FinishRejudge(f.ctx, job, at); err != nil || !ok {
			t.Fatalf("finish: %v %v", ok, err)
		}
		return job
	}
	apply(t0.Add(time.Hour))
	if got := f.state(t, fd.ID); got != store.OutOfScope {
		t.Fatalf("with no rule: %s", got)
	}
	back := fd
	back.Evidence = nil // re-judging makes none for what says the same
	at := t0.Add(2 * time.Hour)
	job := apply(at, back)
	got, err := f.st.Finding(f.ctx, store.System, fd.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.Reopened || got.Reason != job.Reason || !got.Changed.Equal(at) || !got.FirstSeen.Equal(t0) ||
		!got.LastSeen.Equal(t0) || string(got.Evidence) != string(fd.Evidence) {
		t.Errorf("restated: %+v, want reopened for %q at %v, first and last seen %v, evidence %s", got, job.Reason, at, t0, fd.Evidence)
	}
	if h := f.host(t, h); h.Open != 1 {
		t.Errorf("host counts %d open, want 1", h.Open)
	}
}
