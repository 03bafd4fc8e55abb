package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

// TestReplicasAgree: two `embargo serve` processes on one PostgreSQL. A
// change of packs through one is seen by the other within seconds (its
// uploads are judged by the new packs), and the estate is judged again
// once across the two, without an agent uploading: the findings of the
// packs dropped are out of scope, never remediated.
func TestReplicasAgree(t *testing.T) {
	st := backend{"postgres", []string{"--data", t.TempDir(), "--db", storetest.Postgres(t)}}
	f := newFleet(t, st)
	other := startServer(t, st)
	target := dpkgTarget(t, kesl, curl)
	if code, out := f.agent(t, "DWP", "dwp-ws-01", t.TempDir(), target); code != 0 {
		t.Fatalf("agent: exit %d\n%s", code, out)
	}
	a := login(t, f.srv.url, "admin", passwords["admin"])
	b := login(t, other.url, "admin", passwords["admin"])
	var before []store.Finding
	b.do("GET", "/api/v1/findings", nil, &before)
	packs := map[string]bool{}
	for _, x := range before {
		packs[x.Pack] = true
	}
	const keep = "uk-ncsc-2017-russia-av"
	if !packs[keep] || len(packs) < 2 {
		t.Fatalf("findings of packs %v; want %s and others", packs, keep)
	}
	// Server b judges an upload before the change, so that it holds the
	// packs in force in its cache.
	if code, out := (&fleet{srv: other, tokens: f.tokens}).agent(t, "DWP", "dwp-ws-02", t.TempDir(), target); code != 0 {
		t.Fatalf("agent through the other server: exit %d\n%s", code, out)
	}

	if code := a.do("PUT", "/api/v1/policies", map[string]any{"packs": []string{keep}}, nil); code/100 != 2 {
		t.Fatalf("put policies: %d", code)
	}
	var pv store.PolicyVersion
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		b.do("GET", "/api/v1/policy/status", nil, &pv)
		if pv.Done == pv.Version && pv.HostsDone == 2 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if pv.Done != pv.Version {
		t.Fatalf("not judged again within 30 s: %+v\n%s\n%s", pv, f.srv.log, other.log)
	}
	var after []store.Finding
	b.do("GET", "/api/v1/findings", nil, &after)
	for _, x := range after {
		want := store.OutOfScope
		if x.Pack == keep {
			want = store.Open
		}
		if x.State != want {
			t.Errorf("after the change: %s of %s on %s is %s, want %s", x.ID, x.Pack, x.HostID, x.State, want)
		}
	}
	var o store.Overview
	b.do("GET", "/api/v1/overview", nil, &o)
	if o.Remediated != 0 || o.OutOfScope == 0 {
		t.Errorf("overview after the change: %+v; want findings out of scope and none remediated", o)
	}
	// Judged once across the replicas: each host in one re-judging entry.
	var es []store.AuditEntry
	b.do("GET", "/api/v1/audit?limit=10000", nil, &es)
	judged := rejudgedHosts(t, es, "packs")
	if len(judged) != 2 {
		t.Errorf("hosts judged again: %v; want 2", judged)
	}
	for h, n := range judged {
		if n != 1 {
			t.Errorf("host %s judged again %d times", h, n)
		}
	}
	// A new host uploading through b is judged by the new packs at once.
	if code, out := (&fleet{srv: other, tokens: f.tokens}).agent(t, "DWP", "dwp-ws-03", t.TempDir(), target); code != 0 {
		t.Fatalf("agent after the change: exit %d\n%s", code, out)
	}
	var hosts []store.Host
	b.do("GET", "/api/v1/hosts", nil, &hosts)
	for _, h := range hosts {
		if h.Host != "dwp-ws-03" {
			continue
		}
		var fs []store.Finding
		b.do("GET", "/api/v1/findings?host="+h.ID, nil, &fs)
		for _, x := range fs {
			if x.Pack != keep {
				t.Errorf("a host uploaded after the change through the other server has a finding of %s", x.Pack)
			}
		}
		if len(fs) == 0 {
			t.Error("a host uploaded after the change has no finding")
		}
	}
	if code, _ := b.get("/api/v1/policy/status"); code != http.StatusOK {
		t.Errorf("status: %d", code)
	}
}

// rejudgedHosts counts, for each host, the audit entries of re-judging
// (one per batch of hosts whose findings changed) that name it, for
// versions whose reason contains why.
func rejudgedHosts(t *testing.T, es []store.AuditEntry, why string) map[string]int {
	t.Helper()
	judged := map[string]int{}
	for _, e := range es {
		if e.Action != "rejudge.hosts" || !strings.Contains(e.Detail, why) {
			continue
		}
		var d struct {
			Hosts []string `json:"hosts"`
		}
		if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
			t.Fatalf("audit entry %d: %v", e.Seq, err)
		}
		for _, h := range d.Hosts {
			judged[h]++
		}
	}
	return judged
}
