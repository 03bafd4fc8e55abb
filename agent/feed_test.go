package agent

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/agent/agenttest"
	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/feed/feedtest"
)

// The agent takes the server's feed and verifies it with its own root:
// a bundle the server altered, or one signed under another root, is
// refused and the data installed before stays in use.
func TestAgentVerifiesTheServersFeed(t *testing.T) {
	now := time.Now()
	repo := feedtest.New(t, now)
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	v1 := read(repo.Publish(t, "2026.12.1", "../catalog/data", "../policy/packs", now))

	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	cfg := testConfig(t, srv, dir, rep, logs)
	cfg.FeedRoot = repo.Root(t)
	installed := func() int64 {
		in, err := feed.Status(cfg.feedDir())
		if errors.Is(err, feed.ErrNone) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return in.Version
	}

	rep.set("a")
	if err := Once(ctx, cfg); err != nil || installed() != 0 {
		t.Fatalf("no feed in the fleet: %v, installed %d\n%s", err, installed(), logs)
	}
	srv.SetFeed(v1)
	rep.set("b")
	if err := Once(ctx, cfg); err != nil || installed() != 1 {
		t.Fatalf("the fleet's feed 1: %v, installed %d\n%s", err, installed(), logs)
	}
	d, err := feed.InUse(cfg.feedDir())
	if err != nil || d.Feed == nil || d.Feed.Version != 1 {
		t.Fatalf("data in use: %+v %v", d.Feed, err)
	}
	// The real scan judges by it and its report says so.
	body, err := realScan([]string{"testdata/tree"}, "test", cfg.feedDir())(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var named struct {
		Data struct {
			Source      string `json:"source"`
			FeedVersion int64  `json:"feed_version"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &named); err != nil || named.Data.Source != "feed" || named.Data.FeedVersion != 1 {
		t.Errorf("the scan report names data %+v (%v), want feed version 1", named.Data, err)
	}

	v2 := read(repo.Publish(t, "2026.12.2", "../catalog/data", feedtest.PacksWithout(t, "../policy/packs", "us-bod-17-01.yaml"), now))
	other := feedtest.New(t, now)
	foreign := read(other.Publish(t, "2026.12.9", "../catalog/data", "../policy/packs", now))
	for name, bundle := range map[string][]byte{
		"a target the server altered": feedtest.Tamper(t, v2, "kaspersky"),
		"another root's feed":         foreign,
	} {
		srv.SetFeed(bundle)
		rep.set("c-" + name)
		if err := Once(ctx, cfg); err != nil {
			t.Fatalf("%s: the scan and upload must go on: %v", name, err)
		}
		if installed() != 1 {
			t.Errorf("%s: installed version %d, want 1 kept", name, installed())
		}
		if !strings.Contains(logs.String(), "refused") {
			t.Errorf("%s: no warning in the log:\n%s", name, logs)
		}
	}
	srv.SetFeed(v2)
	rep.set("d")
	if err := Once(ctx, cfg); err != nil || installed() != 2 {
		t.Errorf("the fleet's feed 2, untouched: %v, installed %d\n%s", err, installed(), logs)
	}
}
