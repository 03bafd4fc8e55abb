package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeJamf answers the Jamf Pro token request and one inventory page of
// one device; fail makes the inventory answer 403.
func fakeJamf(t *testing.T, fail *bool) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/oauth/token":
			fmt.Fprint(w, `{"access_token":"tok-eyJhbGciOiJIUzI1NiJ9.cli","token_type":"Bearer","expires_in":599}`)
		case "/api/v2/mobile-devices/detail":
			if *fail {
				http.Error(w, "forbidden", http.StatusForbidden)
				return
			}
			fmt.Fprint(w, `{"totalCount":1,"results":[{"mobileDeviceId":"42","general":{"deviceOwnershipType":"Institutional"},"applications":[]}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// TestMdmPull runs `mdm pull` in process: a complete pull is summarised
// with where its files are; a failed one with its partial run and the
// pull that stays current; neither prints the secret.
func TestMdmPull(t *testing.T) {
	fail := false
	srv := fakeJamf(t, &fail)
	dir := t.TempDir()
	const secret = "cli-Secret-Value-77aa"
	t.Setenv("EMBARGO_TEST_JAMF_SECRET", secret)
	cfg := filepath.Join(dir, "mdm.yaml")
	if err := os.WriteFile(cfg, []byte(`connectors:
  - name: jamf
    kind: jamf
    department: Operations
    url: `+srv.URL+`
    client_id: c1
    client_secret_env: EMBARGO_TEST_JAMF_SECRET
`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	pull := func() (string, error) {
		cmd := newMdmCmd()
		cmd.SilenceUsage, cmd.SilenceErrors = true, true // as under the root command
		var o bytes.Buffer
		cmd.SetOut(&o)
		cmd.SetErr(&o)
		cmd.SetArgs([]string{"pull", "--config", cfg, "--out", out, "--verbose"})
		err := cmd.ExecuteContext(context.Background())
		return o.String(), err
	}
	stdout, err := pull()
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	t.Log(stdout)
	cur := filepath.Join(out, "jamf", "current")
	for _, want := range []string{"jamf (jamf, department Operations): complete: 1 devices, 1 pages, 2 requests, 0 retries", "files: " + cur} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(cur, "jamf-pro-mobile-devices-0001.json")); err != nil {
		t.Error(err)
	}

	fail = true
	stdout, err = pull()
	if err == nil || err.Error() != "1 of 1 pulls failed" {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{"FAILED:", "HTTP 403", "partial run kept at " + filepath.Join(out, "jamf", "partial"), "still current: " + cur} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	t.Log(stdout)
	if strings.Contains(stdout, secret) || strings.Contains(stdout, "eyJhbGciOiJIUzI1NiJ9") {
		t.Errorf("output holds a secret:\n%s", stdout)
	}
	if exitCode(err) != exitError {
		t.Errorf("exit code %d", exitCode(err))
	}
}

func TestMdmPullBadConfig(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "mdm.yaml")
	os.WriteFile(cfg, []byte("connectors:\n  - {name: j, kind: jamf, department: D, url: 'https://j.example', client_id: c, client_secret: hunter2}\n"), 0o600)
	cmd := newMdmCmd()
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{"pull", "--config", cfg, "--out", t.TempDir()})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "client_secret may not be written in the configuration") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err %v", err)
	}
}
