package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/feed/feedtest"
)

// embargo admin install-feed verifies a bundle before the fleet takes it.
func TestAdminInstallFeed(t *testing.T) {
	data := t.TempDir()
	repo := feedtest.New(t, time.Now())
	root := filepath.Join(t.TempDir(), "root.json")
	if err := os.WriteFile(root, repo.Root(t), 0o644); err != nil {
		t.Fatal(err)
	}
	bundle := repo.Publish(t, "2026.12.7", "../../catalog/data", "../../policy/packs", time.Now())
	raw, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "tampered.tar")
	if err := os.WriteFile(tampered, feedtest.Tamper(t, raw, "kaspersky"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, bundle, root string
		code               int
		out                string
	}{
		{"tampered", tampered, root, exitError, "refused"},
		{"the project's root", bundle, "", exitError, "refused"},
		{"verified", bundle, root, 0, "feed version 1 installed for the fleet"},
	} {
		args := []string{"admin", "install-feed", "--data", data, bundle}
		args[len(args)-1] = c.bundle
		if c.root != "" {
			args = append(args, "--trust-root", c.root)
		}
		stdout, stderr, code := run(t, args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.out) {
			t.Errorf("%s: exit %d, %s%s; want %d and %q", c.name, code, stdout, stderr, c.code, c.out)
		}
	}
}
