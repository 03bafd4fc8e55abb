package agent

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

const unitFile = "../deploy/systemd/embargo-agent.service"

// The unit passes systemd's own checker without a warning, and keeps the
// hardening the agent was designed for.
func TestAgentSystemdUnit(t *testing.T) {
	analyze := testtool.Command(t, "systemd-analyze", "systemd")
	unit, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ProtectSystem=strict", "ReadWritePaths=/var/lib/embargo-agent", "StateDirectory=embargo-agent",
		"NoNewPrivileges=yes", "Restart=on-failure", "ProtectHome=read-only", "CapabilityBoundingSet=CAP_DAC_READ_SEARCH",
		"ExecStart=/usr/bin/embargo agent --state-dir /var/lib/embargo-agent",
		"CacheDirectory=embargo-agent", "Environment=EMBARGO_CACHE_DIR=/var/cache/embargo-agent",
	} {
		if !strings.Contains(string(unit), "\n"+want+"\n") {
			t.Errorf("%s lacks %q", unitFile, want)
		}
	}
	// verify insists that ExecStart's program exists: point it at this
	// test binary, which does.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "embargo-agent.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), "/usr/bin/embargo", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify %s: %v\n%s", unitFile, err, out)
	}
}
