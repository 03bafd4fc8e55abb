package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/feed/feedtest"
	"github.com/embargo-dev/embargo/store"
)

// testFeed installs real signed feed bundles through the API: verified
// with the server's root before use, stored for replicas and agents,
// the fleet re-judged by each, and what each changed kept under it;
// tampered and rolled-back bundles are refused and the data in use stays.
func testFeed(t *testing.T, e engine) {
	now := time.Now()
	repo := feedtest.New(t, now)
	f := newFixture(t, e, func(c *Config) { c.Feed = FeedConfig{Dir: t.TempDir(), Root: repo.Root(t)} })
	ctx := context.Background()
	a := f.enroll("ws-0001", "DWP") // SECRET by the register, Kaspersky installed
	if code, resp, _ := a.upload("inventory", scanReport(t), nil); code != http.StatusCreated {
		t.Fatalf("scan upload: %d %s", code, resp)
	}
	if _, err := f.srv.Rejudge(ctx); err != nil { // the register put after the store was made
		t.Fatal(err)
	}
	admin := f.login("admin")
	post := func(who *browser, data []byte) (int, store.FeedBundle, string) {
		t.Helper()
		code, body := who.do("POST", "/api/v1/feed", data, map[string]string{"Content-Type": "application/x-tar"})
		var b store.FeedBundle
		json.Unmarshal(body, &b)
		return code, b, string(body)
	}
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}

	full := read(repo.Publish(t, "2026.12.1", "../catalog/data", "../policy/packs", now))
	if code, _, body := post(f.login("dwp-officer"), full); code != http.StatusForbidden {
		t.Errorf("an officer installed a feed: %d %s", code, body)
	}
	code, b1, body := post(admin, full)
	if code != http.StatusOK || b1.FeedVersion != 1 || b1.DataDigest != f.srv.dataNow().digest || b1.PolicyVersion == 0 {
		t.Fatalf("install feed 1: %d %s", code, body)
	}
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 1 {
		t.Fatalf("re-judging by feed 1: %d %v", n, err)
	}
	var ch feedChanges
	admin.getJSON("/api/v1/feed/1/changes", http.StatusOK, &ch)
	if len(ch.Changes) != 0 {
		t.Errorf("feed 1 carries the built-in data, yet changed %+v", ch.Changes)
	}

	// Feed 2 drops the NCSC's 2017 pack: its finding goes out of scope.
	lean := read(repo.Publish(t, "2026.12.2", "../catalog/data", feedtest.PacksWithout(t, "../policy/packs", "uk-ncsc-2017-russia-av.yaml"), now))
	code, b2, body := post(admin, lean)
	if code != http.StatusOK || b2.FeedVersion != 2 || b2.PolicyVersion <= b1.PolicyVersion {
		t.Fatalf("install feed 2: %d %s", code, body)
	}
	if n, err := f.srv.Rejudge(ctx); err != nil || n != 1 {
		t.Fatalf("re-judging by feed 2: %d %v", n, err)
	}
	admin.getJSON("/api/v1/feed/2/changes", http.StatusOK, &ch)
	if len(ch.Changes) != 1 || ch.Feed.FeedVersion != 2 {
		t.Fatalf("feed 2's changes: %+v, want the NCSC finding out of scope", ch.Changes)
	}
	if c := ch.Changes[0]; c.Was != "open" || c.Became != string(store.OutOfScope) || c.HostID != a.id || c.Instrument != "uk-ncsc-2017-russia-av" {
		t.Errorf("feed 2 changed %+v, want the NCSC finding from open to out of scope", c)
	}
	var other feedChanges
	f.login("hmrc-officer").getJSON("/api/v1/feed/2/changes", http.StatusOK, &other)
	if len(other.Changes) != 0 {
		t.Errorf("HMRC sees DWP's changes: %+v", other.Changes)
	}

	// Refused: a tampered bundle, and feed 1 again (a rollback).
	digest := f.srv.dataNow().digest
	for name, data := range map[string][]byte{"tampered": feedtest.Tamper(t, lean, "kaspersky"), "rolled back": full} {
		if code, _, body := post(admin, data); code != http.StatusBadRequest || !strings.Contains(body, "refused") {
			t.Errorf("%s bundle: %d %s, want 400 refused", name, code, body)
		}
		if f.srv.dataNow().digest != digest {
			t.Errorf("after the %s bundle, the data in use changed", name)
		}
	}

	// Agents fetch the newest bundle as stored, and only when it changed.
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/feed/bundle", nil)
	req.Header.Set("Authorization", "Bearer "+a.id+"."+a.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"`+b2.SHA256+`"` || resp.ContentLength != int64(len(lean)) {
		t.Errorf("agent fetch: %d %v", resp.StatusCode, resp.Header)
	}
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Errorf("agent fetch of the same bundle: %v %v, want 304", resp, err)
	}

	// A replica on the same store installs the fleet's feed itself.
	rep, err := New(Config{Store: f.st, Feed: FeedConfig{Dir: t.TempDir(), Root: repo.Root(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.syncFeed(ctx); err != nil || rep.dataNow().digest != digest || rep.dataNow().bundle != b2.SHA256 {
		t.Errorf("replica: %v, data %s from %s; want %s from %s", err, rep.dataNow().digest, rep.dataNow().bundle, digest, b2.SHA256)
	}
	var st feedStatus
	f.login("auditor").getJSON("/api/v1/feed", http.StatusOK, &st)
	if len(st.Feeds) != 2 || st.Server.Data != digest || !st.Feeds[0].Stored || st.Feeds[1].Stored {
		t.Errorf("feed status %+v", st)
	}
}

// A server without a feed directory says so.
func TestFeedNotTaken(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	code, body := f.login("admin").do("POST", "/api/v1/feed", []byte("x"), nil)
	if code != http.StatusNotImplemented {
		t.Errorf("feed to a server that takes none: %d %s", code, body)
	}
}

// A server mirroring a feed over HTTP installs each new version for the
// fleet, and only a new one.
func TestFeedMirror(t *testing.T) {
	now := time.Now()
	repo := feedtest.New(t, now)
	repo.Publish(t, "2026.12.1", "../catalog/data", "../policy/packs", now)
	web := httptest.NewServer(http.FileServer(http.Dir(repo.Dir)))
	defer web.Close()
	f := newFixture(t, sqliteEngine, func(c *Config) { c.Feed = FeedConfig{Dir: t.TempDir(), Root: repo.Root(t), From: web.URL} })
	ctx := context.Background()
	for range 2 {
		if err := f.srv.mirrorOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	repo.Publish(t, "2026.12.2", "../catalog/data", feedtest.PacksWithout(t, "../policy/packs", "uk-ncsc-2017-russia-av.yaml"), now)
	if err := f.srv.mirrorOnce(ctx); err != nil {
		t.Fatal(err)
	}
	fs, err := f.st.Feeds(ctx, store.System)
	if err != nil || len(fs) != 2 || fs[0].FeedVersion != 2 || fs[1].FeedVersion != 1 || fs[0].InstalledBy != "system" {
		t.Fatalf("feeds after mirroring versions 1, 1 and 2: %+v %v", fs, err)
	}
	if f.srv.dataNow().digest != fs[0].DataDigest {
		t.Errorf("the server judges by %s, the fleet's feed is %s", f.srv.dataNow().digest, fs[0].DataDigest)
	}
}
