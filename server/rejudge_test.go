package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

func TestRejudge(t *testing.T) { testRejudge(t, sqliteEngine) }

func TestFeed(t *testing.T) { testFeed(t, sqliteEngine) }

// testRejudge changes the packs and the register through the API and
// checks that the fleet is judged again without an upload: findings of a
// dropped pack are out of scope (never remediated: the software is still
// installed), they reopen when the pack comes back, a host the register
// no longer lists is unregistered, and traffic findings count with the
// rest throughout.
func testRejudge(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	ctx := context.Background()
	a := f.enroll("ws-0001", "DWP") // SECRET by the register
	if code, resp, _ := a.upload("inventory", scanReport(t), nil); code != http.StatusCreated {
		t.Fatalf("scan upload: %d %s", code, resp)
	}
	if code, resp, _ := a.upload("flows", flowsReport(t, 2048), nil); code != http.StatusCreated {
		t.Fatalf("flows upload: %d %s", code, resp)
	}
	admin := f.login("admin")
	var o store.Overview
	admin.getJSON("/api/v1/overview", http.StatusOK, &o)
	var all []store.Finding
	admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &all)
	traffic := 0
	for _, x := range all {
		if x.Kind == store.Traffic {
			traffic++
		}
	}
	if traffic == 0 || o.Traffic != traffic || o.Open != len(all) || o.EgressBytesOut != 2048+5<<20 {
		t.Fatalf("before: %d findings (%d traffic), overview %+v; want traffic findings counted in open, and all egress summed", len(all), traffic, o)
	}
	// The register was put after the store was made: the host is judged
	// again, by the same packs and register, which changes nothing.
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 1 {
		t.Fatalf("re-judging: %d hosts, %v; want 1", n, err)
	}
	var same []store.Finding
	admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &same)
	if len(same) != len(all) {
		t.Fatalf("re-judged by the same policy: %d findings, want %d", len(same), len(all))
	}
	for _, x := range same {
		if x.State != store.Open || x.Reason != "" {
			t.Errorf("re-judged by the same policy: %s is %s (%q)", x.ID, x.State, x.Reason)
		}
	}
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 0 {
		t.Fatalf("re-judging with nothing changed: %d hosts, %v", n, err)
	}

	// Only the UK anti-virus pack stays in force.
	if code, body := admin.do("PUT", "/api/v1/policies", map[string]any{"packs": []string{"uk-ncsc-2017-russia-av"}}, nil); code != http.StatusNoContent && code != http.StatusOK {
		t.Fatalf("put policies: %d %s", code, body)
	}
	var pv store.PolicyVersion
	admin.getJSON("/api/v1/policy/status", http.StatusOK, &pv)
	if pv.Done >= pv.Version || !strings.Contains(pv.Reason, "packs") {
		t.Fatalf("status after a change of packs: %+v; want a version not yet done, with the change as reason", pv)
	}
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 1 {
		t.Fatalf("re-judging: %d hosts, %v; want 1", n, err)
	}
	admin.getJSON("/api/v1/policy/status", http.StatusOK, &pv)
	if pv.Done != pv.Version || pv.HostsDone != 1 || pv.HostsTotal != 1 {
		t.Errorf("status after re-judging: %+v", pv)
	}
	var after []store.Finding
	admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &after)
	kept, out := 0, 0
	for _, x := range after {
		switch {
		case x.Pack == "uk-ncsc-2017-russia-av" && x.State == store.Open:
			kept++
		case x.Pack != "uk-ncsc-2017-russia-av" && x.State == store.OutOfScope && strings.Contains(x.Reason, "packs"):
			out++
		default:
			t.Errorf("after dropping packs: %s (%s, %s) is %s (%q)", x.ID, x.Pack, x.Kind, x.State, x.Reason)
		}
	}
	if kept == 0 || out == 0 || kept+out != len(all) {
		t.Errorf("after dropping packs: %d kept, %d out of scope, of %d", kept, out, len(all))
	}
	admin.getJSON("/api/v1/overview", http.StatusOK, &o)
	if o.Remediated != 0 || o.OutOfScope != out || o.Open != kept {
		t.Errorf("overview after dropping packs: %+v; want %d open, %d out of scope, none remediated", o, kept, out)
	}
	// The agent uploads the same software again: still out of scope.
	a.upload("inventory", append(scanReport(t), ' '), nil)
	admin.getJSON("/api/v1/overview", http.StatusOK, &o)
	if o.Remediated != 0 || o.OutOfScope != out {
		t.Errorf("overview after a new upload of the same software: %+v", o)
	}

	// Every pack again: the findings come back reopened.
	admin.do("PUT", "/api/v1/policies", map[string]any{"packs": []string{"all"}}, nil)
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 1 {
		t.Fatalf("re-judging: %d hosts, %v", n, err)
	}
	admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &after)
	for _, x := range after {
		if x.Pack != "uk-ncsc-2017-russia-av" && x.State != store.Reopened {
			t.Errorf("after the packs came back: %s (%s) is %s", x.ID, x.Pack, x.State)
		}
	}
	// evidenceOf checks the stored evidence of each standing software
	// finding: re-judging writes new evidence only for what says
	// something new, and keeps the rest; each must be of the system's
	// classification.
	evidenceOf := func(when, classification string) {
		t.Helper()
		n := 0
		for _, x := range after {
			if x.Kind != store.Software || (x.State != store.Open && x.State != store.Reopened) {
				continue
			}
			n++
			fd, err := f.st.Finding(ctx, store.System, x.ID)
			ev := string(fd.Evidence)
			if err != nil || !strings.Contains(ev, `"entry"`) || !strings.Contains(ev, `"finding"`) ||
				!strings.Contains(ev, `"classification":"`+classification+`"`) {
				t.Errorf("%s: the evidence of %s is %.300q (%v), want the %s system's", when, x.ID, ev, err, classification)
			}
		}
		if n == 0 {
			t.Errorf("%s: no software finding stands", when)
		}
	}
	evidenceOf("reopened", "SECRET")
	var trend []store.TrendPoint
	admin.getJSON("/api/v1/trend?days=1", http.StatusOK, &trend)
	if len(trend) != 1 || trend[0].Remediated != 0 || trend[0].Open != len(all) {
		t.Errorf("trend %+v; want %d open and nothing remediated", trend, len(all))
	}

	// A register that no longer lists the host: it is judged as the
	// default (OFFICIAL) without an upload.
	if code, body := admin.do("PUT", "/api/v1/register", []byte("default:\n  classification: OFFICIAL\n"), map[string]string{"Content-Type": "application/yaml"}); code >= 300 {
		t.Fatalf("put register: %d %s", code, body)
	}
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 1 {
		t.Fatalf("re-judging: %d hosts, %v", n, err)
	}
	var h store.Host
	admin.getJSON("/api/v1/hosts/"+a.id, http.StatusOK, &h)
	if h.SystemID != "" || h.Classification != "OFFICIAL" {
		t.Errorf("host after the register changed: %+v; want unregistered, OFFICIAL", h)
	}
	admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &after)
	evidenceOf("the register changed", "OFFICIAL")
}

// TestServeJudgesAgainByANewCatalogue: a server that starts with another
// catalogue than the store last noted makes a new policy version, and its
// re-judger judges the fleet by it without an upload.
func TestServeJudgesAgainByANewCatalogue(t *testing.T) {
	f := newFixture(t, sqliteEngine, func(c *Config) { c.PolicyPoll = 50 * time.Millisecond })
	a := f.enroll("ws-0001", "DWP")
	if code, resp, _ := a.upload("inventory", scanReport(t), nil); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, resp)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// What the store knew: another catalogue.
	if _, err := f.st.NoteCatalogue(ctx, "an-older-catalogue", time.Now()); err != nil {
		t.Fatal(err)
	}
	before, _ := f.st.PolicyVersion(ctx)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.srv.Serve(ctx, ln) }()
	deadline := time.Now().Add(20 * time.Second)
	var p store.PolicyVersion
	for time.Now().Before(deadline) {
		p, _ = f.st.PolicyVersion(ctx)
		if p.Version > before.Version && p.Done == p.Version {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if p.Catalogue != f.srv.dataNow().cat.Digest() /* no DataDigest given */ || p.Version != before.Version+1 || p.Done != p.Version || p.HostsDone != 1 ||
		!strings.Contains(p.Reason, "catalogue") {
		t.Errorf("after serving with the embedded catalogue: %+v (before %+v)", p, before)
	}
	// The progress is in the metrics (the re-judger's next poll notes it).
	deadline = time.Now().Add(5 * time.Second)
	want := fmt.Sprintf(`embargo_policy{what="done"} %d`, p.Version)
	var body string
	for time.Now().Before(deadline) {
		rec := httptest.NewRecorder()
		f.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if body = rec.Body.String(); strings.Contains(body, want) && strings.Contains(body, `embargo_policy{what="hosts_done"} 1`) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(body, want) || !strings.Contains(body, `embargo_policy{what="hosts_total"} 1`) {
		t.Errorf("metrics lack %q and the hosts judged:\n%s", want, grepLines(body, "embargo_policy"))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
