package e2e

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/feed/feedtest"
	"github.com/embargo-dev/embargo/store"
)

// TestFeedChangeSurvivesKill: on each store, a data feed that drops a
// pack is installed with `embargo admin install-feed`; the server,
// judging the estate again by it a host at a time, is killed with
// SIGKILL part-way and started again. It finishes: every host judged
// once, the dropped pack's findings out of scope (none remediated), and
// the feed's changes listed one per finding.
func TestFeedChangeSurvivesKill(t *testing.T) {
	for _, mk := range stores(t) {
		st := mk(t)
		t.Run(st.name, func(t *testing.T) {
			repo := feedtest.New(t, time.Now())
			root := filepath.Join(t.TempDir(), "root.json")
			if err := os.WriteFile(root, repo.Root(t), 0o644); err != nil {
				t.Fatal(err)
			}
			bundle := repo.Publish(t, "2026.12.7", "../catalog/data", feedtest.PacksWithout(t, "../policy/packs", "uk-ncsc-2017-russia-av.yaml"), time.Now())
			f := newFleet(t, st)
			f.srv.stop()
			srv := startServerEnv(t, st, []string{"EMBARGO_DATA_DIR=" + t.TempDir()},
				"--trust-root", root, "--rejudge-batch", "1", "--rejudge-lease", "2s")
			const hosts = 120
			report := scanReport(t, dpkgTarget(t, kesl, curl))
			for i := range hosts {
				uploadAs(t, srv.url, f.tokens["DWP"], fmt.Sprintf("dwp-ws-%03d", i), report)
			}
			admin := login(t, srv.url, "admin", passwords["admin"])
			var before []store.Finding
			admin.do("GET", "/api/v1/findings?limit=10000", nil, &before)
			dropped := 0
			for _, x := range before {
				if x.Pack == "uk-ncsc-2017-russia-av" {
					dropped++
				}
			}
			if dropped < hosts {
				t.Fatalf("%d findings of the pack the feed drops on %d hosts", dropped, hosts)
			}

			embargo(t, "", append([]string{"admin", "install-feed", "--trust-root", root, bundle}, st.args...)...)
			var pv store.PolicyVersion
			deadline := time.Now().Add(60 * time.Second)
			for {
				admin.do("GET", "/api/v1/policy/status", nil, &pv)
				if pv.Done < pv.Version && pv.HostsDone > 0 {
					break
				}
				if pv.Done == pv.Version && pv.HostsDone == hosts && pv.Version > 1 {
					t.Fatalf("judged again before it could be killed: %+v", pv)
				}
				if time.Now().After(deadline) {
					t.Fatalf("no re-judging within 60 s: %+v\n%s", pv, srv.log)
				}
				time.Sleep(5 * time.Millisecond)
			}
			srv.kill()
			t.Logf("killed with %d of %d hosts judged again", pv.HostsDone, pv.HostsTotal)
			srv.start(t)
			admin = login(t, srv.url, "admin", passwords["admin"])
			deadline = time.Now().Add(90 * time.Second)
			for admin.do("GET", "/api/v1/policy/status", nil, &pv); pv.Done < pv.Version; admin.do("GET", "/api/v1/policy/status", nil, &pv) {
				if time.Now().After(deadline) {
					t.Fatalf("not finished within 90 s of the restart: %+v\n%s", pv, srv.log)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if pv.HostsDone != hosts {
				t.Errorf("finished with %d hosts done, want %d", pv.HostsDone, hosts)
			}
			var after []store.Finding
			admin.do("GET", "/api/v1/findings?limit=10000", nil, &after)
			for _, x := range after {
				want := store.Open
				if x.Pack == "uk-ncsc-2017-russia-av" {
					want = store.OutOfScope
				}
				if x.State != want {
					t.Errorf("%s of %s: %s, want %s", x.ID, x.Pack, x.State, want)
				}
			}
			var ch struct {
				Changes []store.FindingChange `json:"changes"`
			}
			admin.do("GET", "/api/v1/feed/1/changes", nil, &ch)
			if len(ch.Changes) != dropped {
				t.Errorf("feed 1 changed %d findings, want the %d of the pack it drops", len(ch.Changes), dropped)
			}
			var es []store.AuditEntry
			admin.do("GET", "/api/v1/audit?limit=100000", nil, &es)
			judged := rejudgedHosts(t, es, "feed version 1")
			if len(judged) != hosts {
				t.Errorf("%d hosts in the re-judging's audit entries, want %d", len(judged), hosts)
			}
			for h, n := range judged {
				if n != 1 {
					t.Errorf("host %s judged again %d times", h, n)
				}
			}
		})
	}
}

// startServerEnv is startServer with environment variables of its own.
func startServerEnv(t *testing.T, st backend, env []string, extra ...string) *server {
	t.Helper()
	addr := freePort(t)
	s := &server{url: "http://" + addr, log: &bytes.Buffer{}, env: env}
	s.args = append(append([]string{"serve", "--listen", addr}, st.args...), extra...)
	s.start(t)
	t.Cleanup(func() { s.stop() })
	return s
}

// scanReport is `embargo scan -o json` of target.
func scanReport(t *testing.T, target string) []byte {
	t.Helper()
	out, err := exec.Command(binary, "scan", "-o", "json", "--quiet", target).Output()
	if err != nil && exitCode(err) != 1 {
		t.Fatalf("scan: %v", err)
	}
	return out
}

// uploadAs enrols host with token and uploads report as its inventory,
// as an agent does.
func uploadAs(t *testing.T, base, token, host string, report []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token, "host": host})
	resp, err := http.Post(base+"/api/v1/enroll", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var cred struct {
		AgentID string `json:"agent_id"`
		Secret  string `json:"secret"`
	}
	json.NewDecoder(resp.Body).Decode(&cred)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("enrol %s: %d", host, resp.StatusCode)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(report)
	zw.Close()
	sum := sha256.Sum256(report)
	req, _ := http.NewRequest("POST", base+"/api/v1/uploads/inventory", &gz)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Embargo-Digest", "sha256="+hex.EncodeToString(sum[:]))
	req.Header.Set("Authorization", "Bearer "+cred.AgentID+"."+cred.Secret)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload of %s: %d", host, resp.StatusCode)
	}
}
