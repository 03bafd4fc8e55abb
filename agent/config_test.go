package agent

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/agent/agenttest"
)

func TestAgentConfigChecks(t *testing.T) {
	u := func(s string) *url.URL {
		p, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		cfg  Config
		err  string // "" for none
	}{
		{"loopback http", Config{Server: u("http://127.0.0.1:8080"), StateDir: "x"}, ""},
		{"localhost http", Config{Server: u("http://localhost:8080"), StateDir: "x"}, ""},
		{"IPv6 loopback http", Config{Server: u("http://[::1]:8080"), StateDir: "x"}, ""},
		{"https", Config{Server: u("https://embargo.example:8443"), StateDir: "x"}, ""},
		{"remote plain http", Config{Server: u("http://10.0.0.5:8080"), StateDir: "x"}, "plain http is allowed only on loopback"},
		{"no server", Config{StateDir: "x"}, "no server URL"},
		{"ftp", Config{Server: u("ftp://127.0.0.1"), StateDir: "x"}, "want an http or https URL"},
		{"no state dir", Config{Server: u("https://e.example")}, "no state directory"},
		{"jitter too large", Config{Server: u("https://e.example"), StateDir: "x", Jitter: 1}, "jitter"},
		{"bad fingerprint", Config{Server: u("https://e.example"), StateDir: "x", Fingerprint: "abc"}, "64 hex digits"},
		{"missing CA file", Config{Server: u("https://e.example"), StateDir: "x", CAFile: "/nonexistent/ca.pem"}, "CA file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.cfg.withDefaults()
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("err = %v, want one saying %q", err, tt.err)
			case err == nil && (len(c.Targets) != 1 || c.Targets[0] != "/" || c.Jitter != DefaultJitter || c.SpoolMaxCount != DefaultSpoolMaxCount):
				t.Errorf("defaults not applied: %+v", c)
			}
		})
	}
}

func TestAgentParseFingerprint(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	colons := strings.TrimSuffix(strings.Repeat("AB:", 32), ":")
	for _, s := range []string{hex, "sha256:" + hex, colons, "SHA256:" + colons, " " + hex + "\n"} {
		fp, err := ParseFingerprint(s)
		if err != nil || fp[0] != 0xab || fp[31] != 0xab {
			t.Errorf("ParseFingerprint(%q) = %x, %v", s, fp, err)
		}
	}
	for _, s := range []string{"", hex[:62], hex + "ab", "zz" + hex[2:]} {
		if _, err := ParseFingerprint(s); err == nil {
			t.Errorf("ParseFingerprint(%q): no error", s)
		}
	}
}

// The server's self-signed certificate is trusted by its pinned
// fingerprint, and by nothing else.
func TestAgentPinsTheServerCertificate(t *testing.T) {
	srv, fp := agenttest.StartTLS(t)
	srv.AddToken("tok-1", "DWP", 1)
	rep, logs := &reports{}, &logBuffer{}
	rep.set("a")
	tests := []struct {
		name, fingerprint, err string
	}{
		{"no pin: unknown authority", "", "certificate"},
		{"wrong pin", strings.Repeat("00", 32), "does not match the pinned fingerprint"},
		{"right pin", "sha256:" + fp, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t, srv, t.TempDir(), rep, logs)
			cfg.Fingerprint = tt.fingerprint
			err := Once(ctx, cfg)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
	if n := srv.Agents(); n != 1 {
		t.Errorf("%d agents enrolled, want 1 (only with the right pin)", n)
	}
}

// A corrupt credential is not silently replaced by a new enrolment.
func TestAgentCorruptCredentialIsAnError(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	rep.set("a")
	if err := os.WriteFile(filepath.Join(dir, "credential.json"), []byte(`{"agent_id":`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Once(ctx, testConfig(t, srv, dir, rep, logs))
	if err == nil || !strings.Contains(err.Error(), "credential.json") || srv.Agents() != 0 {
		t.Fatalf("err = %v, agents %d; want an error naming credential.json and no enrolment", err, srv.Agents())
	}
}
