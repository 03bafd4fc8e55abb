package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/mdm"
	"github.com/embargo-dev/embargo/server"
	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/sqlstore"
)

// `serve --mdm-config` with the real server and store: a pull from a
// Jamf Pro replaying its documented pages lands the devices in the
// connector's department, judged by what Jamf says of each (WeChat on
// the institutional iPad, under the Canadian ban); a later pull whose
// second page fails keeps every device and removes nothing.
func TestServePullsDevices(t *testing.T) {
	failing := false
	jamf := jamfReplay(t, func(page int) bool { return failing && page > 0 })
	t.Setenv("EMBARGO_TEST_JAMF_SECRET", "serve-secret")
	cfg, err := mdm.Load("mdm.yaml", []byte("connectors:\n  - name: jamf\n    kind: jamf\n    department: Operations\n    url: "+jamf.URL+
		"\n    client_id: c1\n    client_secret_env: EMBARGO_TEST_JAMF_SECRET\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := server.New(server.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	opts := mdm.Options{Out: t.TempDir(), PageSize: 2, Sleep: func(context.Context, time.Duration) error { return nil }}
	log := slog.New(slog.DiscardHandler)
	standing := func() []string {
		fs, err := st.DeviceFindings(ctx, store.System, store.DeviceFilter{Department: "Operations"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range fs {
			out = append(out, f.Instrument+" "+f.Product+" on "+f.Host)
		}
		slices.Sort(out)
		return out
	}
	sum, err := pullAndIngest(ctx, cfg.Connectors[0], opts, cat, srv, log)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Complete || sum.Devices != 3 || sum.New != 3 {
		t.Errorf("first pull: %+v", sum)
	}
	want := []string{"ca-wechat-kaspersky-2023 wechat-ios on jamf:42"}
	if got := standing(); !slices.Contains(got, want[0]) {
		t.Errorf("findings on devices: %v, want among them %v", got, want)
	}
	before := standing()

	failing = true
	sum, err = pullAndIngest(ctx, cfg.Connectors[0], opts, cat, srv, log)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Complete || sum.Devices != 2 {
		t.Errorf("failed pull: %+v", sum)
	}
	if diff := cmp.Diff(before, standing()); diff != "" {
		t.Errorf("a failed pull changed the findings (-before +after):\n%s", diff)
	}
}
