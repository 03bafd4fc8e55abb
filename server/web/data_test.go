package web

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

// The data page names the feeds installed and how far judging by the
// newest has gone; a feed's page lists what it changed, each officer
// seeing their department's changes only.
func TestGoldenDataPages(t *testing.T) {
	f := webtest.Seed(t)
	ctx := context.Background()
	b, err := f.Store.PutFeed(ctx, webtest.Admin, store.FeedBundle{FeedVersion: 7, SHA256: "0f1e", DataDigest: "sha256:1df46fbf8a3f+8fe0be8bfef152a3",
		Status: []byte(`{"version":7}`)}, []byte("bundle"), webtest.Now.Add(-30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// Feed 7 ends HMRC's finding and moves none of DWP's.
	job, in, err := f.Store.ClaimHosts(ctx, "web-test", 10, webtest.Now.Add(-20*time.Minute), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var rs []store.Rejudged
	for _, x := range in {
		r := store.Rejudged{HostID: x.Host.ID, Unchanged: true}
		if x.Host.ID == f.HMRCHost {
			r = store.Rejudged{HostID: x.Host.ID, Inventory: x.Received, Host: x.Host, At: webtest.Now.Add(-20 * time.Minute),
				Reason: "re-judged: " + job.Reason}
		}
		rs = append(rs, r)
	}
	if n, err := f.Store.ApplyRejudged(ctx, job, rs); err != nil || n != 3 || len(in) != 3 {
		t.Fatalf("re-judging the estate: %d of %d, %v", n, len(in), err)
	}
	if ok, err := f.Store.FinishRejudge(ctx, job, webtest.Now.Add(-10*time.Minute)); err != nil || !ok {
		t.Fatalf("finishing: %v %v", ok, err)
	}
	admin, dwp, hmrc := webtest.Admin, webtest.DWPOfficer, webtest.HMRCOfficer
	for _, p := range []struct {
		name string
		v    *store.Viewer
		path string
	}{
		{"data", &admin, "/data"},
		{"feedchanges", &hmrc, "/data/feeds/7"},
	} {
		t.Run(p.name, func(t *testing.T) {
			code, body := get(t, serve(t, f, p.v), p.path)
			if code != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", p.path, code, body)
			}
			golden(t, filepath.Join("testdata", p.name+".html"), body)
		})
	}
	if _, body := get(t, serve(t, f, &dwp), "/data/feeds/7"); !strings.Contains(body, "changed no finding you can see") || strings.Contains(body, f.HMRCHost) {
		t.Errorf("DWP's officer sees HMRC's changes:\n%s", body)
	}
	if code, _ := get(t, serve(t, f, &admin), "/data/feeds/8"); code != http.StatusNotFound {
		t.Errorf("a feed never installed: %d, want 404", code)
	}
	if b.PolicyVersion != job.Version {
		t.Errorf("feed made version %d, re-judging %d", b.PolicyVersion, job.Version)
	}
}
