package agent

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/agent/agenttest"
	"github.com/embargo-dev/embargo/report"
)

// Two real scans of the same tree a second apart differ in their bytes
// (the generation time) but not in their content digest.
func TestAgentDigestIgnoresVolatileFields(t *testing.T) {
	scan := realScan([]string{"testdata/tree"}, "test", "")
	first, err := scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	second, err := scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(first) == string(second) {
		t.Fatal("two scans a second apart gave the same bytes; the test proves nothing")
	}
	d1, err := ContentDigest(first)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := ContentDigest(second)
	if err != nil {
		t.Fatal(err)
	}
	if d1 != d2 {
		t.Errorf("content digests differ: %s, %s", d1, d2)
	}
}

func TestAgentContentDigest(t *testing.T) {
	base := `{"generated":"2026-01-01T00:00:00Z","items":[{"name":"a","version":"1"}],"summary":{"items":1}}`
	tests := []struct {
		name string
		doc  string
		same bool
	}{
		{"identical", base, true},
		{"other generation time", `{"generated":"2027-05-05T10:00:00Z","items":[{"name":"a","version":"1"}],"summary":{"items":1}}`, true},
		{"keys in another order, other spacing", `{ "summary": {"items": 1}, "items": [{"version": "1", "name": "a"}], "generated": "x" }`, true},
		{"duration and progress anywhere", `{"generated":"x","duration_ms":12,"items":[{"name":"a","version":"1","elapsed":"3s"}],"summary":{"items":1,"progress":0.5}}`, true},
		{"another version", `{"generated":"x","items":[{"name":"a","version":"2"}],"summary":{"items":1}}`, false},
		{"an item more", `{"generated":"x","items":[{"name":"a","version":"1"},{"name":"b"}],"summary":{"items":1}}`, false},
		{"a number written otherwise", `{"generated":"x","items":[{"name":"a","version":"1"}],"summary":{"items":1.0}}`, false},
	}
	want, err := ContentDigest([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ContentDigest([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if (got == want) != tt.same {
				t.Errorf("same digest = %v, want %v", got == want, tt.same)
			}
		})
	}
	for _, bad := range []string{"", "{", `{"a":1} {"b":2}`, "nul\x00"} {
		if _, err := ContentDigest([]byte(bad)); err == nil {
			t.Errorf("ContentDigest(%q): no error", bad)
		}
	}
}

// The default Scan and ScanFlows: the real scan of a dpkg database and
// the real egress judge of Zeek logs, uploaded to the server.
func TestAgentRealScanAndFlowsAreUploaded(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	dir, logs := t.TempDir(), &logBuffer{}
	cfg := testConfig(t, srv, dir, &reports{}, logs)
	cfg.Scan, cfg.Targets = nil, []string{"testdata/tree"}
	cfg.Flows = []string{"testdata/flows/conn.log", "testdata/flows/ssl.log"}
	if err := Once(ctx, cfg); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	ups := srv.Uploads()
	if len(ups) != 2 || ups[0].Kind != KindInventory || ups[1].Kind != KindFlows {
		t.Fatalf("uploads %+v, want an inventory and flows", ups)
	}
	var inv report.Report
	if err := json.Unmarshal(ups[0].Body, &inv); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range inv.Items {
		names = append(names, e.Name)
	}
	if diff := cmp.Diff([]string{"kesl", "libfoo1"}, names); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	var flows report.Report
	if err := json.Unmarshal(ups[1].Body, &flows); err != nil {
		t.Fatal(err)
	}
	if len(flows.Inputs) != 2 || flows.Traffic == nil || flows.Traffic.Stats.Flows == 0 || flows.Inputs[0].Items == 0 {
		t.Errorf("flows report: inputs %+v, traffic %+v", flows.Inputs, flows.Traffic)
	}
	// A second run of the unchanged host and logs uploads nothing.
	if err := Once(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests(); n != 2 {
		t.Errorf("%d upload requests after an unchanged rescan, want 2", n)
	}
}
