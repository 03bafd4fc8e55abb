package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiscoverDryRun lists every probe it would send to a documentation
// address (RFC 5737) and sends nothing: no document is saved.
func TestDiscoverDryRun(t *testing.T) {
	save := filepath.Join(t.TempDir(), "d.json")
	out, stderr, code := run(t, "discover", "--targets", "192.0.2.0/30", "--snmp-community", "public", "--dry-run", "--save", save)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2*6 { // two hosts, six probes each: SNMP, HTTP, HTTPS, ONVIF, SSDP, mDNS
		t.Errorf("%d probes listed, want 12:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "would send ") || !(strings.Contains(l, " 192.0.2.1:") || strings.Contains(l, " 192.0.2.2:")) {
			t.Errorf("listed %q", l)
		}
		if strings.Contains(l, "public") {
			t.Errorf("the community reached the listing: %q", l)
		}
	}
	if d := cmp.Diff("embargo: dry run: nothing was sent to 2 addresses\n", stderr); d != "" {
		t.Errorf("stderr (-want +got):\n%s", d)
	}
	if _, err := os.Stat(save); !os.IsNotExist(err) {
		t.Errorf("a dry run saved a document: %v", err)
	}
	_, stderr, code = run(t, "discover", "--dry-run")
	if code != 2 || !strings.Contains(stderr, "no targets") {
		t.Errorf("no --targets: exit %d, %q", code, stderr)
	}
}
