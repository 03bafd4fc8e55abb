package main

import (
	"strings"
	"testing"
)

// 'catalog search' exits as grep does: 0 when something matched, 1 when
// nothing did (saying so on standard error, or writing an empty JSON
// list), never 2, which is for what could not be done.
func TestCatalogSearchNoMatch(t *testing.T) {
	out, stderr, code := run(t, "catalog", "search", "kaspersky.com")
	if code != 0 || !strings.Contains(out, "kaspersky-ao") {
		t.Errorf("a match: exit %d: %s%s", code, out, stderr)
	}
	out, stderr, code = run(t, "catalog", "search", "no such supplier")
	if code != 1 || out != "" || stderr != "embargo: no match for \"no such supplier\" in the catalogue's names, aliases and identifiers\n" {
		t.Errorf("no match: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	out, stderr, code = run(t, "catalog", "search", "-o", "json", "no such supplier")
	if code != 1 || strings.TrimSpace(out) != "[]" || stderr != "" {
		t.Errorf("no match, JSON: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}
