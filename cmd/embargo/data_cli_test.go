package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// 'data show' looks up IP addresses, AS numbers and MAC addresses, and
// anything else is told what it takes and where names are found.
func TestDataShowArguments(t *testing.T) {
	home := t.TempDir()
	out, stderr, code := runData(t, home, "data", "show", "AS45090", "45090", "91.103.64.10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// AS45090, Tencent's (the issue names it as Tencent Cloud's), and the
	// address of Kaspersky's that the README's example looks up.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	as := lines[len(lines)-3]
	if !strings.HasPrefix(as, "AS45090\tCN\tShenzhen Tencent Computer Systems Company Limited\t") || !strings.Contains(as, "in all)") {
		t.Errorf("AS45090: %q", as)
	}
	if lines[len(lines)-2] != as {
		t.Errorf("45090 and AS45090 differ: %q, %q", lines[len(lines)-2], as)
	}
	if !strings.HasPrefix(lines[len(lines)-1], "91.103.64.10\t") {
		t.Errorf("address: %q", lines[len(lines)-1])
	}

	for _, arg := range []string{"kaspersky.com", "Лаборатория Касперского", "AS", "AS0"} {
		out, stderr, code := runData(t, home, "data", "show", arg)
		if code != 2 || out != "" {
			t.Errorf("data show %s: exit %d, stdout %q", arg, code, out)
		}
		for _, want := range []string{"is not an IP address (91.103.64.10), an AS number (AS45090) or a MAC address", "embargo catalog search "} {
			if !strings.Contains(stderr, want) {
				t.Errorf("data show %s: stderr lacks %q: %s", arg, want, stderr)
			}
		}
		if strings.Contains(stderr, "ParseAddr") {
			t.Errorf("data show %s: a Go parse error: %s", arg, stderr)
		}
	}
	if _, stderr, _ := runData(t, home, "data", "show", "kaspersky.com"); !strings.Contains(stderr, "embargo catalog search kaspersky.com\n") {
		t.Errorf("no ready command to search the catalogue: %s", stderr)
	}
	if _, stderr, _ := runData(t, home, "data", "show", "Лаборатория Касперского"); !strings.Contains(stderr, "embargo catalog search 'Лаборатория Касперского'") {
		t.Errorf("the suggested command is not quoted for a shell: %s", stderr)
	}
}

// 'data update' on a file of no format it knows names the file, the
// formats, and --format; on an empty file, says it is empty.
func TestDataUpdateUnknownFile(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	prose := filepath.Join(dir, "blocks.txt")
	writeFixture(t, prose, "These are the blocks we saw last week.\n1.2.3.0/24 RU\n")
	empty := filepath.Join(dir, "delegated-ripencc-extended-latest")
	writeFixture(t, empty, "")
	tests := []struct {
		file string
		want []string
	}{
		{prose, []string{prose + ": cannot tell what it holds", "--format rir-delegated|ip2asn|ipldb-country-csv|ipldb-asn-csv|mmdb", "IEEE MAC address listing"}},
		{empty, []string{empty + " is empty (0 bytes)"}},
	}
	for _, tc := range tests {
		_, stderr, code := runData(t, home, "data", "update", "--from", tc.file)
		if code != 2 {
			t.Errorf("%s: exit %d", tc.file, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr lacks %q: %s", tc.file, w, stderr)
			}
		}
		if strings.Contains(stderr, "Input.Format") {
			t.Errorf("%s: names a Go field: %s", tc.file, stderr)
		}
	}
}
