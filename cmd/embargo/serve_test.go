package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/embargo-dev/embargo/store/sqlstore"
)

// runIn runs the built binary with stdin.
func runIn(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var o, e bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// TestAdminAndAuditCommands: accounts and tokens are made on the store
// directly, every change is in the audit log, and a tampered entry fails
// verification by name.
func TestAdminAndAuditCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if _, stderr, code := runIn(t, "", "audit", "verify", "--data", data); code != exitError || !strings.Contains(stderr, "no store") {
		t.Fatalf("audit verify without a store: exit %d, %q", code, stderr)
	}
	if _, stderr, code := runIn(t, "a long enough password\n", "admin", "create-user", "--data", data, "--username", "root", "--role", "admin", "--password-stdin"); code != 0 {
		t.Fatalf("create-user: exit %d: %s", code, stderr)
	}
	if _, stderr, code := runIn(t, "short\n", "admin", "create-user", "--data", data, "--username", "o", "--role", "officer", "--department", "DWP", "--password-stdin"); code != exitError || !strings.Contains(stderr, "at least") {
		t.Fatalf("create-user with a short password: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := runIn(t, "", "admin", "create-enrollment-token", "--data", data, "--department", "DWP", "--uses", "3", "--expires", "2h")
	if code != 0 || !regexp.MustCompile(`^[A-Za-z0-9_-]{43}\n$`).MatchString(stdout) {
		t.Fatalf("create-enrollment-token: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	stdout, stderr, code = runIn(t, "", "audit", "verify", "--data", data)
	if code != 0 || stdout != "2 entries verified\n" {
		t.Fatalf("audit verify: exit %d, %q %s", code, stdout, stderr)
	}

	db, err := sql.Open("sqlite", filepath.Join(data, "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE audit SET actor = 'someone else' WHERE seq = (SELECT MIN(seq) FROM audit)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, stderr, code = runIn(t, "", "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(stderr, "entry 1") {
		t.Fatalf("audit verify of a tampered log: exit %d, %q; want 1 naming entry 1", code, stderr)
	}
}

// TestServeCommand: serve prints its URL and its metrics listener's,
// answers /healthz, keeps /metrics off the main listener, and stops on an
// interrupt.
func TestServeCommand(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--data", data, "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var url, metrics string
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "embargo: metrics on "); ok {
			metrics = u
		}
		if u, ok := strings.CutPrefix(sc.Text(), "embargo: serving on "); ok {
			url = u
			break
		}
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		cmd.Process.Kill()
		t.Fatalf("serve printed no URL (got %q)", url)
	}
	go io.Copy(io.Discard, stderr)
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", resp.StatusCode)
	}
	for _, c := range []struct {
		url  string
		want int
	}{{metrics, http.StatusOK}, {url + "/metrics", http.StatusNotFound}} {
		resp, err := http.Get(c.url)
		if err != nil {
			t.Fatalf("%s: %v", c.url, err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.url, resp.StatusCode, c.want)
		}
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after an interrupt: %v", err)
	}
}

// Metrics stay on loopback: a metrics listener beyond it is refused.
func TestServeMetricsBeyondLoopback(t *testing.T) {
	_, stderr, code := runIn(t, "", "serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0", "--metrics-listen", "0.0.0.0:0")
	if code == 0 || !strings.Contains(stderr, "--metrics-listen") || !strings.Contains(stderr, "--metrics-token") {
		t.Errorf("serve --metrics-listen 0.0.0.0:0: exit %d, %q; want a refusal pointing to --metrics-token", code, stderr)
	}
}

// TestAdminRevokeCommands: tokens, agents and accounts are taken back on
// the store directly, each in the audit log.
func TestAdminRevokeCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, u := range []string{"root", "officer"} {
		args := []string{"admin", "create-user", "--data", data, "--username", u, "--role", "auditor", "--password-stdin"}
		if _, stderr, code := runIn(t, "a long enough password\n", args...); code != 0 {
			t.Fatalf("create-user: %s", stderr)
		}
	}
	token, stderr, code := runIn(t, "", "admin", "create-enrollment-token", "--data", data, "--department", "DWP", "--uses", "3")
	if code != 0 {
		t.Fatalf("create-enrollment-token: %s", stderr)
	}
	if _, stderr, code := runIn(t, token, "admin", "revoke-enrollment-token", "--data", data); code != 0 || !strings.Contains(stderr, "revoked") {
		t.Fatalf("revoke-enrollment-token: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runIn(t, "no-such-token\n", "admin", "revoke-enrollment-token", "--data", data); code == 0 || !strings.Contains(stderr, "not found") {
		t.Errorf("revoking an unknown token: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runIn(t, "", "admin", "disable-user", "--data", data, "--username", "officer"); code != 0 {
		t.Fatalf("disable-user: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runIn(t, "", "admin", "revoke-agent", "--data", data, "--id", "nope"); code == 0 || !strings.Contains(stderr, "not found") {
		t.Errorf("revoking an unknown agent: exit %d, %s", code, stderr)
	}
	stdout, stderr, code := runIn(t, "", "audit", "verify", "--data", data)
	if code != 0 || stdout != "5 entries verified\n" {
		t.Errorf("audit verify: exit %d, %q %s", code, stdout, stderr)
	}
}

// TestServePolicyDefault: --policy sets the packs in force of a store
// that has none, is refused when it names no pack, and does not replace
// packs set before.
func TestServePolicyDefault(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var w bytes.Buffer
	if err := defaultPolicies(ctx, &w, st, []string{"narnia"}); err == nil || !strings.Contains(err.Error(), "narnia") {
		t.Errorf("--policy narnia: %v", err)
	}
	if err := defaultPolicies(ctx, &w, st, []string{"uk"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Policies(ctx); !slices.Equal(got, []string{"uk"}) {
		t.Errorf("packs in force %v, want [uk]", got)
	}
	w.Reset()
	if err := defaultPolicies(ctx, &w, st, []string{"au"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Policies(ctx); !slices.Equal(got, []string{"uk"}) || !strings.Contains(w.String(), "not applied") {
		t.Errorf("a second start with --policy au: packs %v, said %q; want uk kept and the difference said", got, w.String())
	}
}
