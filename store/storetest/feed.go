package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// testFeed: a feed bundle is stored by admins only, bumps the version
// when its data is new, keeps the newest's bytes alone, is idempotent
// and refuses an older feed version.
func testFeed(t *testing.T, f *fixture) {
	if _, err := f.st.Feed(f.ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("feed of a new store: %v, want ErrNotFound", err)
	}
	v0 := f.version(t).Version
	b1 := store.FeedBundle{FeedVersion: 3, SHA256: "s1", DataDigest: "data-1", Status: []byte(`{"version":3}`)}
	if _, err := f.st.PutFeed(f.ctx, f.dwp, b1, []byte("one"), t0); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("an officer installed a feed: %v", err)
	}
	got, err := f.st.PutFeed(f.ctx, f.admin, b1, []byte("one"), t0)
	if err != nil {
		t.Fatal(err)
	}
	p := f.version(t)
	if got.PolicyVersion != v0+1 || p.Version != v0+1 || p.Catalogue != "data-1" || p.Reason == "" {
		t.Errorf("after a feed: bundle %+v, version %+v; want version %d noting data-1", got, p, v0+1)
	}
	again, err := f.st.PutFeed(f.ctx, f.admin, b1, []byte("one"), t0.Add(time.Hour))
	if err != nil || again.ID != got.ID || f.version(t).Version != v0+1 {
		t.Errorf("the same bundle again: %+v %v, want nothing changed", again, err)
	}
	b2 := store.FeedBundle{FeedVersion: 4, SHA256: "s2", DataDigest: "data-2"}
	got2, err := f.st.PutFeed(f.ctx, f.admin, b2, []byte("two"), t0.Add(2*time.Hour))
	if err != nil || got2.PolicyVersion != v0+2 {
		t.Fatalf("a newer feed: %+v %v", got2, err)
	}
	if _, err := f.st.PutFeed(f.ctx, f.admin, store.FeedBundle{FeedVersion: 2, SHA256: "s0", DataDigest: "d"}, []byte("x"), t0); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("an older feed version: %v, want ErrInvalid", err)
	}
	cur, err := f.st.Feed(f.ctx)
	if err != nil || cur.ID != got2.ID || !cur.Stored || cur.Size != 3 {
		t.Errorf("the newest: %+v %v", cur, err)
	}
	if data, err := f.st.FeedData(f.ctx, cur.ID); err != nil || !bytes.Equal(data, []byte("two")) {
		t.Errorf("its bytes: %q %v", data, err)
	}
	if _, err := f.st.FeedData(f.ctx, got.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an older bundle's bytes: %v, want ErrNotFound (only the newest keeps them)", err)
	}
	all, err := f.st.Feeds(f.ctx, f.dwp)
	if err != nil || len(all) != 2 || all[0].FeedVersion != 4 || all[1].Stored || string(all[1].Status) != `{"version":3}` {
		t.Errorf("feeds: %+v %v", all, err)
	}
}

// testChanges: what re-judging changed is kept under its version, each
// department seeing its own.
func testChanges(t *testing.T, f *fixture) {
	a, b := f.enrol(t, "DWP", "ws-1"), f.enrol(t, "HMRC", "ws-2")
	v0 := f.version(t).Version
	for _, h := range []string{a, b} {
		if err := f.scanOf(t, h, "s-"+h, t0, v0, []string{"I1", "I2"}, item("F1-"+h, "I1")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.st.PutFeed(f.ctx, f.admin, store.FeedBundle{FeedVersion: 7, SHA256: "s", DataDigest: "new"}, []byte("b"), t0); err != nil {
		t.Fatal(err)
	}
	job, in, err := f.st.ClaimHosts(f.ctx, "r", 10, t0, time.Minute)
	if err != nil || len(in) != 2 {
		t.Fatal(len(in), err)
	}
	var rs []store.Rejudged
	for _, x := range in {
		h := x.Host.ID
		moved := item("F1-"+h, "I1")
		moved.Instrument = "NDAA-889"
		r := store.Rejudged{HostID: h, Inventory: x.Received, At: t0.Add(time.Minute), Reason: job.Reason,
			Software: []store.Finding{moved, item("F2-"+h, "I2")}}
		if h == b {
			r.Software = nil // F1 falls out of scope
		}
		rs = append(rs, r)
	}
	if n, err := f.st.ApplyRejudged(f.ctx, job, rs); err != nil || n != 2 {
		t.Fatal(n, err)
	}
	all, err := f.st.Changes(f.ctx, f.admin, job.Version, 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, was, became, instrument string }
	var rows []row
	for _, c := range all {
		rows = append(rows, row{c.FindingID, c.Was, c.Became, c.Instrument})
	}
	want := []row{{"F1-" + a, "open", "open", "NDAA-889"}, {"F2-" + a, "", "open", "BOD-17-01"}, {"F1-" + b, "open", "out_of_scope", "BOD-17-01"}}
	if len(rows) != len(want) {
		t.Fatalf("changes %+v, want %+v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
	if mine, _ := f.st.Changes(f.ctx, f.dwp, job.Version, 0); len(mine) != 2 || mine[0].Department != "DWP" {
		t.Errorf("DWP's changes: %+v", mine)
	}
	if none, _ := f.st.Changes(f.ctx, f.admin, job.Version-1, 0); len(none) != 0 {
		t.Errorf("changes of a version nobody re-judged: %+v", none)
	}
}
