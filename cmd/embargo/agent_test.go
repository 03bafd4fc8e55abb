package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/agent/agenttest"
)

// `embargo agent --once` as a user runs it, against a fleet server on
// loopback.
func TestAgentCommand(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	state := t.TempDir()
	args := []string{"agent", "--server", srv.URL().String(), "--token", "tok-1", "--once", "--state-dir", state, "testdata/clean.cdx.json"}

	if _, stderr, code := run(t, args...); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	if n := len(srv.Uploads()); n != 1 {
		t.Fatalf("%d uploads, want 1", n)
	}
	if fi, err := os.Stat(filepath.Join(state, "credential.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("credential.json: %v, %v", fi, err)
	}
	// Unchanged: nothing sent, and the spent token is not needed again.
	args[4] = "spent"
	if _, stderr, code := run(t, args...); code != exitOK || srv.Requests() != 1 {
		t.Fatalf("unchanged rescan: exit %d, %d requests\n%s", code, srv.Requests(), stderr)
	}

	// The server down: exit 2, the report kept for the next run.
	srv.Stop()
	args[len(args)-1] = "testdata/estate.cdx.json"
	_, stderr, code := run(t, args...)
	if code != exitError || !strings.Contains(stderr, "kept in the spool") {
		t.Fatalf("server down: exit %d\n%s", code, stderr)
	}
	srv.Restart()
	if _, stderr, code := run(t, args...); code != exitOK || len(srv.Uploads()) != 2 {
		t.Fatalf("server back: exit %d, %d uploads\n%s", code, len(srv.Uploads()), stderr)
	}
}

func TestAgentCommandUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no server", []string{"agent", "--once", "--state-dir", t.TempDir()}, "give --server"},
		{"remote plain http", []string{"agent", "--server", "http://192.0.2.1", "--once", "--state-dir", t.TempDir()}, "only on loopback"},
		{"bad fingerprint", []string{"agent", "--server", "https://192.0.2.1", "--fingerprint", "xyz", "--once", "--state-dir", t.TempDir()}, "64 hex digits"},
		{"service off Windows", []string{"agent", "--server", "https://192.0.2.1", "--service", "--state-dir", t.TempDir()}, "needs Windows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, tt.args...)
			if code != exitError || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 saying %q", code, stderr, tt.want)
			}
		})
	}
}

func TestAgentDefaultStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	got, err := defaultAgentStateDir()
	if err != nil {
		t.Fatal(err)
	}
	want := "/xdg/state/embargo/agent"
	if os.Geteuid() == 0 {
		want = "/var/lib/embargo-agent"
	}
	if got != want {
		t.Errorf("state dir %q, want %q", got, want)
	}
}
