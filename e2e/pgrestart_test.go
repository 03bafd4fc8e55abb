package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

// TestPostgresRestart: PostgreSQL restarts under a running server; the
// server stays up, is ready again as soon as the database is, and the
// uploads and logins that follow work without restarting it.
func TestPostgresRestart(t *testing.T) {
	pg := storetest.StartPostgres(t)
	f := newFleet(t, backend{"postgres", []string{"--data", t.TempDir(), "--db", pg.NewDatabase(t)}})
	target := dpkgTarget(t, kesl, curl)
	report, _ := exec.Command(binary, "scan", target, "-o", "json", "--quiet").Output()
	if !bytes.Contains(report, []byte(`"kesl"`)) {
		t.Fatalf("the scan report does not hold kesl")
	}
	creds := make([]string, 3)
	for i := range creds {
		creds[i] = enrolAgent(t, f.srv.url, f.tokens["DWP"], fmt.Sprintf("pg-ws-%d", i))
	}
	if code := uploadReport(http.DefaultClient, f.srv.url, creds[0], report); code != http.StatusCreated {
		t.Fatalf("upload before the restart: %d", code)
	}

	pg.Restart(t)

	// The first statement on a pooled connection may find it closed;
	// within a few seconds everything answers again.
	ready := false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(f.srv.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ready = true
				break
			}
		}
	}
	if !ready {
		t.Fatalf("not ready after the PostgreSQL restart:\n%s", f.srv.log.String())
	}
	if f.srv.cmd.ProcessState != nil {
		t.Fatalf("the server exited: %v", f.srv.cmd.ProcessState)
	}
	for i := 1; i < len(creds); i++ {
		if code := uploadReport(http.DefaultClient, f.srv.url, creds[i], report); code != http.StatusCreated {
			t.Errorf("upload %d after the restart: %d\n%s", i, code, f.srv.log.String())
		}
	}
	admin := login(t, f.srv.url, "admin", passwords["admin"])
	var hosts []store.Host
	admin.do("GET", "/api/v1/hosts", nil, &hosts)
	scanned := 0
	for _, h := range hosts {
		if !h.LastScan.IsZero() {
			scanned++
		}
	}
	if scanned != len(creds) {
		t.Errorf("%d hosts hold a scan, want %d", scanned, len(creds))
	}
}
