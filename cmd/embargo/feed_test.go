package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFeedCommands walks the maintainers' commands and the user's: keys,
// a repository signed two of two for targets, a publication, a bundle;
// `embargo update` from the directory and from the bundle with the
// repository's root, `update status`; a tampered target refused with the
// data in use kept.
func TestFeedCommands(t *testing.T) {
	dir := t.TempDir()
	key := func(name string) string {
		p := filepath.Join(dir, name+".key")
		if out, errOut, code := run(t, "feed", "keygen", "--out", p); code != 0 || len(strings.TrimSpace(out)) != 64 {
			t.Fatalf("keygen: exit %d %q %s", code, out, errOut)
		}
		return p
	}
	root1, root2, t1, t2, snap, ts := key("root-1"), key("root-2"), key("t-1"), key("t-2"), key("s"), key("ts")
	if _, _, code := run(t, "feed", "keygen", "--out", root1); code == 0 {
		t.Error("keygen overwrote a key")
	}
	repo := filepath.Join(dir, "repo")
	if _, errOut, code := run(t, "feed", "init", "--repo", repo, "--root-key", root1, "--root-key", root2, "--root-threshold", "2",
		"--targets-key", t1, "--targets-key", t2, "--targets-threshold", "2", "--snapshot-key", snap, "--timestamp-key", ts); code != 0 {
		t.Fatalf("init: exit %d %s", code, errOut)
	}
	publish := []string{"feed", "publish", "--repo", repo, "--version", "2026.12.7", "--catalog", "../../catalog/data", "--packs", "../../policy/packs",
		"--snapshot-key", snap, "--timestamp-key", ts, "--targets-key", t1}
	if _, errOut, code := run(t, publish...); code == 0 || !strings.Contains(errOut, "threshold") {
		t.Errorf("publish with one targets key of two: exit %d %s; want refused", code, errOut)
	}
	if _, errOut, code := run(t, append(publish, "--targets-key", t2)...); code != 0 {
		t.Fatalf("publish: exit %d %s", code, errOut)
	}
	bundle := filepath.Join(dir, "feed.bundle")
	if _, errOut, code := run(t, "feed", "bundle", "--repo", repo, "--out", bundle); code != 0 {
		t.Fatalf("bundle: exit %d %s", code, errOut)
	}
	trust := filepath.Join(repo, "metadata", "1.root.json")
	for _, from := range []string{repo, bundle} {
		data := t.TempDir()
		// Without --trust-root the project's root is trusted: this
		// repository's feed is refused, saying so, and pins nothing.
		if _, errOut, code := run(t, "update", "--from", from, "--data-dir", data); code == 0 || !strings.Contains(errOut, "needs --trust-root") {
			t.Errorf("update --from %s with the project's root: exit %d %s", from, code, errOut)
		}
		out, errOut, code := run(t, "update", "--from", from, "--trust-root", trust, "--data-dir", data)
		if code != 0 || !strings.Contains(out, "installed feed version 1") || !strings.Contains(out, "catalogue 2026.12.7") {
			t.Fatalf("update --from %s: exit %d\n%s%s", from, code, out, errOut)
		}
		st, _, code := run(t, "update", "status", "--data-dir", data)
		if code != 0 || !strings.Contains(st, "feed version 1") || !strings.Contains(st, "packs") {
			t.Errorf("status: %s", st)
		}
	}
	// A tampered target: refused, the data in use kept.
	data := t.TempDir()
	run(t, "update", "--from", repo, "--trust-root", trust, "--data-dir", data)
	before, _, _ := run(t, "update", "status", "--data-dir", data)
	if _, errOut, code := run(t, append(publish, "--targets-key", t2, "--version", "2026.12.8")...); code != 0 {
		t.Fatalf("publish: %s", errOut)
	}
	m, _ := filepath.Glob(filepath.Join(repo, "targets", "*.catalog.tar"))
	for _, p := range m {
		b, _ := os.ReadFile(p)
		b[len(b)/2] ^= 1
		os.WriteFile(p, b, 0o644)
	}
	_, errOut, code := run(t, "update", "--from", repo, "--data-dir", data)
	if code == 0 || !strings.Contains(errOut, "hash verification failed") {
		t.Errorf("a tampered catalogue: exit %d %s; want refused", code, errOut)
	}
	if after, _, _ := run(t, "update", "status", "--data-dir", data); after != before {
		t.Errorf("status changed after a refused update:\n%s\nwas\n%s", after, before)
	}
	if out, _, _ := run(t, "update", "status", "--data-dir", t.TempDir()); !strings.Contains(out, "built into this binary") {
		t.Errorf("status with no feed: %q", out)
	}
}

// TestFeedDataInUse: once a feed is installed, the commands judge by its
// packs and catalogue, not the binary's: a feed carrying two packs makes
// `policy list` list those two, and `--policy all` judge by them alone.
func TestFeedDataInUse(t *testing.T) {
	dir := t.TempDir()
	var ks []string
	for _, n := range []string{"r", "t", "s", "ts"} {
		p := filepath.Join(dir, n+".key")
		if _, errOut, code := run(t, "feed", "keygen", "--out", p); code != 0 {
			t.Fatal(errOut)
		}
		ks = append(ks, p)
	}
	repo := filepath.Join(dir, "repo")
	if _, errOut, code := run(t, "feed", "init", "--repo", repo, "--root-key", ks[0], "--targets-key", ks[1], "--snapshot-key", ks[2], "--timestamp-key", ks[3]); code != 0 {
		t.Fatal(errOut)
	}
	packs := filepath.Join(dir, "packs")
	os.MkdirAll(packs, 0o755)
	for _, p := range []string{"uk-ncsc-2017-russia-av.yaml", "us-bod-17-01.yaml"} {
		b, err := os.ReadFile(filepath.Join("../../policy/packs", p))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(packs, p), b, 0o644)
	}
	if _, errOut, code := run(t, "feed", "publish", "--repo", repo, "--version", "two-packs", "--catalog", "../../catalog/data", "--packs", packs,
		"--ipdata", "../../ipdata/data/embargo-ipdata.snap", "--targets-key", ks[1], "--snapshot-key", ks[2], "--timestamp-key", ks[3]); code != 0 {
		t.Fatal(errOut)
	}
	data := filepath.Join(dir, "data")
	if _, errOut, code := run(t, "update", "--from", repo, "--trust-root", filepath.Join(repo, "metadata", "1.root.json"), "--data-dir", data); code != 0 {
		t.Fatal(errOut)
	}
	t.Setenv("EMBARGO_DATA_DIR", data)
	out, errOut, code := run(t, "policy", "list")
	if code != 0 || !strings.Contains(out, "uk-ncsc-2017-russia-av") || !strings.Contains(out, "us-bod-17-01") || strings.Contains(out, "us-ndaa19-s889") {
		t.Errorf("policy list with the feed installed: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := run(t, "scan", "--policy", "us-ndaa19-s889", "-o", "json", t.TempDir()); code != 2 || !strings.Contains(errOut, "us-ndaa19-s889") {
		t.Errorf("a pack the feed does not carry: exit %d %s; want refused", code, errOut)
	}
	// Reports name the feed; data older than --max-data-age warns, and
	// fails the run under --fail-on-stale.
	target := t.TempDir()
	os.WriteFile(filepath.Join(target, "readme.txt"), []byte("nothing"), 0o644)
	out, errOut, code = run(t, "scan", "-o", "json", target)
	if code != 0 || !strings.Contains(out, `"source": "feed"`) || !strings.Contains(out, `"feed_version": 1`) || !strings.Contains(out, `"version": "two-packs"`) ||
		strings.Contains(errOut, "warning") {
		t.Errorf("scan with the feed: exit %d %s\n%.600s", code, errOut, out)
	}
	_, errOut, code = run(t, "scan", "-o", "table", "--max-data-age", "1ns", target)
	if code != 0 || !strings.Contains(errOut, "more than --max-data-age allows") {
		t.Errorf("stale data: exit %d %q; want a warning and exit 0", code, errOut)
	}
	if _, _, code := run(t, "scan", "-o", "table", "--max-data-age", "1ns", "--fail-on-stale", target); code != 3 {
		t.Errorf("stale data with --fail-on-stale: exit %d, want 3", code)
	}
	if out, _, _ := run(t, "scan", "-o", "table", target); !strings.Contains(out, "Judged by the feed catalogue") {
		t.Errorf("the table does not name the feed:\n%s", out)
	}
	// Traffic is looked up in the feed's IP data.
	out, errOut, code = run(t, "flows", "-o", "json", "testdata/zeek-ru/conn.log")
	if code == 2 || !strings.Contains(out, `"ipdata"`) || !strings.Contains(out, `"source": "feed"`) {
		t.Errorf("flows with the feed's IP data: exit %d %s\n%.400s", code, errOut, out)
	}
	// It is the feed's snapshot that is read: spoilt on disk after its
	// install, it stops the run rather than being passed over.
	m, _ := filepath.Glob(filepath.Join(data, "v*", "ipdata.bin"))
	if len(m) != 1 {
		t.Fatalf("installed IP data: %v", m)
	}
	os.WriteFile(m[0], []byte("spoilt"), 0o644)
	if _, errOut, code := run(t, "flows", "-o", "json", "testdata/zeek-ru/conn.log"); code != 2 || !strings.Contains(errOut, "the installed feed's IP data") {
		t.Errorf("flows with the feed's IP data spoilt: exit %d %s; want 2 naming it", code, errOut)
	}
}
