package server

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/feed/feedtest"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
	"github.com/embargo-dev/embargo/store"
)

// repackReport is a scan report of a host with the department's own
// repackaging of Kaspersky Endpoint Security (known only to its local
// catalogue, catalog/testdata/local/dwp.yaml) and nothing else.
func repackReport(t *testing.T) []byte {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "var", "lib", "dpkg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	status := "Package: dwp-kes-agent\nStatus: install ok installed\nMaintainer: DWP Packaging <pkg@dwp.example>\nArchitecture: amd64\nVersion: 12.1-dwp3\nDescription: endpoint agent\n\n"
	if err := os.WriteFile(filepath.Join(dir, "status"), []byte(status), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), attribute.New(cat), []string{root}, scan.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (report.JSON{}).Encode(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLocalCatalogueAndFeeds: a server's local catalogue files are added
// to the data it starts with and to every feed installed later, through
// it or by another replica; the fleet is judged again by the feed with
// the local facts, and the feed's own digest is what the fleet records.
func TestLocalCatalogueAndFeeds(t *testing.T) {
	now := time.Now()
	repo := feedtest.New(t, now)
	data, err := os.ReadFile("../catalog/testdata/local/dwp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	local := []catalog.LocalFile{{Name: "dwp.yaml", Data: data}}
	f := newFixture(t, sqliteEngine, func(c *Config) {
		c.Feed = FeedConfig{Dir: t.TempDir(), Root: repo.Root(t)}
		c.Local = local
	})
	ctx := context.Background()
	a := f.enroll("ws-0001", "DWP")
	if code, resp, _ := a.upload("inventory", repackReport(t), nil); code != http.StatusCreated {
		t.Fatalf("scan upload: %d %s", code, resp)
	}
	if _, err := f.srv.Rejudge(ctx); err != nil {
		t.Fatal(err)
	}
	admin := f.login("admin")
	repack := func(when string) {
		t.Helper()
		var fs []store.Finding
		admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &fs)
		n := 0
		for _, fd := range fs {
			if fd.Product == "dwp-kes-repack" && (fd.State == store.Open || fd.State == store.Reopened) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no standing finding of the locally catalogued repackaging among %d", when, len(fs))
		}
	}
	repack("at start")
	if d := f.srv.dataNow(); !strings.Contains(d.digest, "+local:") || d.feedDigest == d.digest {
		t.Errorf("the server's data %q (feed %q) does not name its local files", d.digest, d.feedDigest)
	}

	bundle, err := os.ReadFile(repo.Publish(t, "2026.12.1", "../catalog/data", "../policy/packs", now))
	if err != nil {
		t.Fatal(err)
	}
	code, body := admin.do("POST", "/api/v1/feed", bundle, map[string]string{"Content-Type": "application/x-tar"})
	if code != http.StatusOK {
		t.Fatalf("install feed: %d %s", code, body)
	}
	d := f.srv.dataNow()
	if d.bundle == "" || !strings.Contains(d.digest, "+local:") {
		t.Fatalf("after the feed, the server judges by %q from %q: the local files were dropped", d.digest, d.bundle)
	}
	b, err := f.st.Feed(ctx)
	if err != nil || b.DataDigest != d.feedDigest {
		t.Errorf("the fleet recorded the feed's data as %q (%v), want the feed's own %q", b.DataDigest, err, d.feedDigest)
	}
	p, err := f.st.PolicyVersion(ctx)
	if err != nil || p.Catalogue != d.digest {
		t.Errorf("the fleet is judged by %q (%v), want the feed with the local files %q", p.Catalogue, err, d.digest)
	}
	if n, err := f.srv.Rejudge(ctx); err != nil || n == 0 {
		t.Fatalf("re-judging by the feed and the local files: %d %v", n, err)
	}
	repack("after a feed installed through the server")

	// A replica with the same local files installs the fleet's feed and
	// judges by the same data; one without them judges without.
	same, err := New(Config{Store: f.st, Feed: FeedConfig{Dir: t.TempDir(), Root: repo.Root(t)}, Local: local})
	if err != nil {
		t.Fatal(err)
	}
	if err := same.syncFeed(ctx); err != nil || same.dataNow().digest != d.digest {
		t.Errorf("replica with the local files: %v, data %q, want %q", err, same.dataNow().digest, d.digest)
	}
	bare, err := New(Config{Store: f.st, Feed: FeedConfig{Dir: t.TempDir(), Root: repo.Root(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := bare.syncFeed(ctx); err != nil || bare.dataNow().digest != d.feedDigest {
		t.Errorf("replica without local files: %v, data %q, want the feed's %q", err, bare.dataNow().digest, d.feedDigest)
	}
}
