package e2e

import (
	"bufio"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, to tamper with the store
)

// TestAgentPinsGeneratedCertificate: a server listening beyond loopback
// with no certificate given generates one and prints its fingerprint; an
// agent pinning that fingerprint enrols and uploads over HTTPS, and one
// pinning another fingerprint sends nothing.
func TestAgentPinsGeneratedCertificate(t *testing.T) {
	data := t.TempDir()
	st := backend{"sqlite", []string{"--data", data}}
	for _, u := range [][2]string{{"admin", "admin"}} {
		embargo(t, passwords[u[0]]+"\n", append([]string{"admin", "create-user", "--username", u[0], "--role", u[1], "--password-stdin"}, st.args...)...)
	}
	token := strings.TrimSpace(embargo(t, "", append([]string{"admin", "create-enrollment-token", "--department", "DWP", "--uses", "5"}, st.args...)...))

	_, port, _ := net.SplitHostPort(freePort(t))
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "0.0.0.0:" + port}, st.args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	fp := readFingerprint(t, stderr)
	go io.Copy(io.Discard, stderr)
	url := "https://127.0.0.1:" + port

	client := pinnedClient(fp)
	waitReady(t, client, url)

	target := dpkgTarget(t, kesl, curl)
	wrong := strings.Repeat("ab", 32)
	out, err := exec.Command(binary, "agent", "--server", url, "--token", token, "--once", "--state-dir", t.TempDir(),
		"--host", "ws-wrong", "--fingerprint", wrong, target).CombinedOutput()
	if exitCode(err) == 0 {
		t.Errorf("an agent pinning the wrong fingerprint succeeded:\n%s", out)
	}
	out, err = exec.Command(binary, "agent", "--server", url, "--token", token, "--once", "--state-dir", t.TempDir(),
		"--host", "ws-pinned", "--fingerprint", fp, target).CombinedOutput()
	if err != nil {
		t.Fatalf("agent pinning the server's fingerprint: %v\n%s", err, out)
	}
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no Strict-Transport-Security header over HTTPS")
	}
	u := &user{t: t, base: url, c: client}
	u.c.Jar = newJar()
	var login struct {
		CSRF string `json:"csrf"`
	}
	if code := u.do("POST", "/api/v1/login", map[string]string{"username": "admin", "password": passwords["admin"]}, &login); code != http.StatusOK {
		t.Fatalf("login over HTTPS: %d", code)
	}
	var hosts []struct {
		Host string `json:"host"`
	}
	u.do("GET", "/api/v1/hosts", nil, &hosts)
	if len(hosts) != 1 || hosts[0].Host != "ws-pinned" {
		t.Errorf("hosts over HTTPS: %+v; want only ws-pinned", hosts)
	}
}

// readFingerprint reads serve's standard error up to the fingerprint it
// prints for a generated certificate.
func readFingerprint(t *testing.T, r io.Reader) string {
	t.Helper()
	sc := bufio.NewScanner(r)
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if strings.Contains(line, "fingerprint") && sc.Scan() {
			return strings.ReplaceAll(strings.TrimSpace(sc.Text()), ":", "")
		}
	}
	t.Fatalf("serve printed no fingerprint:\n%s", strings.Join(seen, "\n"))
	return ""
}

// pinnedClient trusts exactly the certificate with fingerprint fp.
func pinnedClient(fp string) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return fmt.Errorf("no certificate")
			}
			sum := sha256.Sum256(raw[0])
			if !strings.EqualFold(hex.EncodeToString(sum[:]), fp) {
				return fmt.Errorf("certificate fingerprint %x, want %s", sum, fp)
			}
			return nil
		},
	}}}
}

func waitReady(t *testing.T, c *http.Client, url string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := c.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("%s never became ready", url)
}

// TestAuditVerifyDetectsTampering: `embargo audit verify` accepts the
// chain a real run wrote and names the entry someone edited in the
// database behind the server's back.
func TestAuditVerifyDetectsTampering(t *testing.T) {
	data := t.TempDir()
	f := newFleet(t, backend{"sqlite", []string{"--data", data}})
	if code, out := f.agent(t, "DWP", "dwp-ws-01", t.TempDir(), dpkgTarget(t, kesl)); code != 0 {
		t.Fatalf("agent: exit %d\n%s", code, out)
	}
	f.srv.stop()
	out := embargo(t, "", "audit", "verify", "--data", data)
	if !strings.Contains(out, "verified") {
		t.Fatalf("audit verify of an untouched log: %s", out)
	}
	db, err := sql.Open("sqlite", filepath.Join(data, "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE audit SET actor = 'someone-else' WHERE seq = 3`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampered with %d rows, want 1", n)
	}
	cmd := exec.Command(binary, "audit", "verify", "--data", data)
	got, err := cmd.CombinedOutput()
	if exitCode(err) != 1 || !strings.Contains(string(got), "3") {
		t.Errorf("audit verify after tampering: exit %d, %s; want exit 1 naming entry 3", exitCode(err), got)
	}
}
