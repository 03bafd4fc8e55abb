package e2e

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// enrolAgent enrols one agent by the API and returns its credential.
func enrolAgent(t *testing.T, base, token, host string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token, "host": host})
	resp, err := http.Post(base+"/api/v1/enroll", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ AgentID, Secret string }
	if err := json.NewDecoder(resp.Body).Decode(&struct {
		AgentID *string `json:"agent_id"`
		Secret  *string `json:"secret"`
	}{&out.AgentID, &out.Secret}); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("enrol %s: %s %v", host, resp.Status, err)
	}
	return out.AgentID + "." + out.Secret
}

// uploadReport sends a scan report as an agent would; it returns the
// status, or 0 when no answer came (the server died).
func uploadReport(c *http.Client, base, cred string, report []byte) int {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(report)
	zw.Close()
	sum := sha256.Sum256(report)
	req, _ := http.NewRequest("POST", base+"/api/v1/uploads/inventory", &gz)
	req.Header.Set("Authorization", "Bearer "+cred)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Embargo-Digest", "sha256="+hex.EncodeToString(sum[:]))
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0
	}
	return resp.StatusCode
}

// TestServerKilledDuringUploads: agents upload while the server is killed
// with SIGKILL. After a restart every acknowledged upload is there, whole,
// and no upload is there in part: each host holds all of its scan's
// findings or is absent.
func TestServerKilledDuringUploads(t *testing.T) {
	for _, mk := range stores(t) {
		st := mk(t)
		t.Run(st.name, func(t *testing.T) {
			f := newFleet(t, st)
			target := dpkgTarget(t, kesl, curl)
			scan := exec.Command(binary, "scan", target, "-o", "json", "--quiet")
			report, _ := scan.Output() // exit 1: restricted software found
			if !bytes.Contains(report, []byte(`"kesl"`)) {
				t.Fatalf("the scan report does not hold kesl:\n%.300s", report)
			}
			const agents = 60
			creds := make([]string, agents)
			for i := range creds {
				creds[i] = enrolAgent(t, f.srv.url, f.tokens["DWP"], fmt.Sprintf("ws-%03d", i))
			}
			// One agent's scan is judged into this many findings.
			if code := uploadReport(http.DefaultClient, f.srv.url, creds[0], report); code != http.StatusCreated {
				t.Fatalf("first upload: %d", code)
			}
			admin := login(t, f.srv.url, "admin", passwords["admin"])
			var first []store.Finding
			admin.do("GET", "/api/v1/findings", nil, &first)
			perHost := len(first)
			if perHost == 0 {
				t.Fatal("the first upload was judged into no findings")
			}

			var (
				mu    sync.Mutex
				acked = map[string]bool{"ws-000": true}
				wg    sync.WaitGroup
			)
			c := &http.Client{Timeout: 30 * time.Second}
			for w := range 4 {
				wg.Go(func() {
					for i := 1 + w; i < agents; i += 4 {
						if uploadReport(c, f.srv.url, creds[i], report)/100 == 2 {
							mu.Lock()
							acked[fmt.Sprintf("ws-%03d", i)] = true
							mu.Unlock()
						}
					}
				})
			}
			// Kill once some uploads are through and others are under way.
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 8 {
					break
				}
			}
			f.srv.kill()
			wg.Wait()
			if len(acked) >= agents {
				t.Fatalf("every upload was through before the kill; the test proves nothing")
			}
			f.srv.start(t)

			admin = login(t, f.srv.url, "admin", passwords["admin"])
			var hosts []store.Host
			admin.do("GET", "/api/v1/hosts", nil, &hosts)
			var all []store.Finding
			admin.do("GET", "/api/v1/findings?limit=100000", nil, &all)
			perHostID := map[string]int{}
			for _, fd := range all {
				perHostID[fd.HostID]++
			}
			present := map[string]bool{}
			for _, h := range hosts {
				if h.LastScan.IsZero() {
					continue // enrolled, never uploaded
				}
				present[h.Host] = true
				if n := perHostID[h.ID]; n != perHost {
					t.Errorf("host %s holds %d findings, want all %d or none", h.Host, n, perHost)
				}
			}
			var lost []string
			for h := range acked {
				if !present[h] {
					lost = append(lost, h)
				}
			}
			if len(lost) > 0 {
				t.Errorf("acknowledged uploads lost: %s", strings.Join(lost, " "))
			}
			t.Logf("%d of %d uploads acknowledged before the kill; %d hosts hold a scan after it", len(acked), agents, len(present))
		})
	}
}
