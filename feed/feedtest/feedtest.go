// Package feedtest builds real signed feeds for tests of the feed's
// users (server, agent, CLI): a TUF repository made by the feed
// package's own code, with one key per role, and bundles of it.
package feedtest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/feed"
)

// Repo is a repository in a test's temporary folder.
type Repo struct {
	Dir  string
	keys feed.Signers
}

// New makes a repository whose root is signed at now.
func New(t testing.TB, now time.Time) *Repo {
	t.Helper()
	r := &Repo{Dir: t.TempDir()}
	key := func(name string) feed.Role {
		k, err := feed.GenerateKey(filepath.Join(t.TempDir(), name+".key"))
		if err != nil {
			t.Fatal(err)
		}
		return feed.Role{Keys: []*feed.Key{k}, Threshold: 1}
	}
	roles := feed.Roles{Root: key("root"), Targets: key("targets"), Snapshot: key("snapshot"), Timestamp: key("timestamp")}
	r.keys = feed.Signers{Targets: roles.Targets.Keys, Snapshot: roles.Snapshot.Keys, Timestamp: roles.Timestamp.Keys}
	if err := feed.Init(r.Dir, roles, feed.DefaultLifetimes, now); err != nil {
		t.Fatal(err)
	}
	return r
}

// Root is the repository's first root: what clients trust.
func (r *Repo) Root(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.Dir, "metadata", "1.root.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Publish signs the catalogue and packs directories as the next version
// and returns the path of a bundle of the repository.
func (r *Repo) Publish(t testing.TB, version, catalogDir, packsDir string, now time.Time) string {
	t.Helper()
	cat, err := feed.PackDir(catalogDir)
	if err != nil {
		t.Fatal(err)
	}
	packs, err := feed.PackDir(packsDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := feed.Publish(r.Dir, []feed.Target{
		{Name: feed.CatalogTarget, Data: cat, Custom: feed.TargetInfo{Kind: "catalogue", Version: version, Built: now}},
		{Name: feed.PacksTarget, Data: packs, Custom: feed.TargetInfo{Kind: "packs", Version: version, Built: now}},
	}, r.keys, feed.DefaultLifetimes, now); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "feed-"+version+".tar")
	if err := feed.Bundle(r.Dir, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// PacksWithout copies the packs directory without the named files.
func PacksWithout(t testing.TB, packsDir string, drop ...string) string {
	t.Helper()
	out := t.TempDir()
	ents, err := os.ReadDir(packsDir)
	if err != nil {
		t.Fatal(err)
	}
next:
	for _, e := range ents {
		for _, d := range drop {
			if e.Name() == d {
				continue next
			}
		}
		data, err := os.ReadFile(filepath.Join(packsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Tamper returns a copy of a bundle's bytes with one byte of the file
// named (inside the tar) changed: the signatures no longer hold.
func Tamper(t testing.TB, bundle []byte, marker string) []byte {
	t.Helper()
	if !bytes.Contains(bundle, []byte(marker)) {
		t.Fatalf("no %q in the bundle", marker)
	}
	// Every occurrence: a bundle holds the targets of earlier versions
	// too, under names made of their digests, so the first occurrence
	// may lie in a target the client never fetches.
	out := bytes.Clone(bundle)
	for i := 0; ; {
		j := bytes.Index(out[i:], []byte(marker))
		if j < 0 {
			return out
		}
		out[i+j] ^= 0x20
		i += j + len(marker)
	}
}
