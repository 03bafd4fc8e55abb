package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnforceNothingToBlock: an artefact that would block nothing — an
// AppLocker policy of allow rules only, a script with no prefix, an
// empty app list — is not written and the command fails saying why and
// what to do, unless --allow-empty, which writes it with a warning.
func TestEnforceNothingToBlock(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.xml")
	for _, c := range []struct {
		name string
		args []string
		why  []string // in the error
	}{
		{"AppLocker, organisation names only", []string{"-o", "applocker"},
			[]string{"the applocker artefact would block nothing", "organisation names alone", "--from-scan", "--allow-empty"}},
		{"AppLocker to a file", []string{"-o", "applocker", "--output-file", file},
			[]string{"the applocker artefact would block nothing", "Nothing was written"}},
		{"nftables, a pack of apps only", []string{"-o", "nftables", "--policy", "us-asda-2023"},
			[]string{"the nftables artefact would block nothing", "no network of the chosen entities (what the pack us-asda-2023 flags"}},
		{"iOS apps, a pack of traffic only", []string{"-o", "ios-restrictions", "--policy", "uk-ncsc-2017-russia-egress"},
			[]string{"the ios-restrictions artefact would block nothing", "no catalogued app"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, code := run(t, append([]string{"enforce"}, c.args...)...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, %d bytes written; want 2 and nothing", code, len(out))
			}
			for _, w := range c.why {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("%s was written: %v", file, err)
	}
	out, stderr, code := run(t, "enforce", "-o", "applocker", "--allow-empty")
	if code != 0 || !strings.Contains(out, `Action="Allow"`) || strings.Contains(out, `Action="Deny"`) ||
		!strings.Contains(stderr, "embargo: warning: the applocker artefact blocks nothing (--allow-empty)") {
		t.Errorf("--allow-empty: exit %d, stderr %s", code, stderr)
	}
	out, _, code = run(t, "enforce", "-o", "ios-restrictions", "--policy", "uk-ncsc-2017-russia-egress", "--allow-empty")
	if code != 0 || !strings.Contains(out, "<key>blockedAppBundleIDs</key>") {
		t.Errorf("--allow-empty, an app list: exit %d\n%.500s", code, out)
	}
}

// TestEnforceBroad: without --policy every catalogued entity is blocked;
// standard error says so, names the networks dropped whole — Tencent's
// AS45090 among them, which carries others' services too — and the
// hosting networks set aside or included, and how to narrow the block.
// With --policy, nothing is said.
func TestEnforceBroad(t *testing.T) {
	_, stderr, code := run(t, "enforce", "-o", "nftables")
	for _, want := range []string{"embargo: warning: no --policy: blocking every catalogued entity",
		"Networks dropped whole", "AS45090 (shenzhen-tencent-computer-system)", "AS41983 (kaspersky-lab-switzerland)",
		"services that other organisations run there", "Set aside:", "AS133478 (tencent-cloud)", "--include-hosting blocks them",
		"--policy PACK ('embargo policy list')"} {
		if code != 0 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d; stderr lacks %q:\n%s", code, want, stderr)
		}
	}
	_, stderr, _ = run(t, "enforce", "-o", "nftables", "--include-hosting")
	if !strings.Contains(stderr, "Hosting networks included, every customer's service on them blocked: ") || !strings.Contains(stderr, "AS133478 (tencent-cloud)") ||
		strings.Contains(stderr, "Set aside:") {
		t.Errorf("--include-hosting:\n%s", stderr)
	}
	_, stderr, _ = run(t, "enforce", "-o", "rpz")
	if !strings.Contains(stderr, "Names blocked: ") || strings.Contains(stderr, "Networks dropped whole") {
		t.Errorf("-o rpz:\n%s", stderr)
	}
	if _, stderr, code := run(t, "enforce", "-o", "nftables", "--policy", "us-bod-17-01"); code != 0 || stderr != "" {
		t.Errorf("with --policy: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := run(t, "enforce", "-o", "nftables", "--classification", "SECRET"); code != 2 || !strings.Contains(stderr, "give --policy too") {
		t.Errorf("--classification alone: exit %d, %s", code, stderr)
	}
}
