package kavscanengine

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// TestCollect reads every state of both services' files: what the item
// says of KSN, the evidence, and what could not be read.
func TestCollect(t *testing.T) {
	for _, c := range []struct {
		dir, service, ksn, evidence, unknown string
	}{
		{"icap-global", "kavicapd", Global, "kavicapd.xml KSNSettings/UseKSN=1", ""},
		{"icap-off", "kavicapd", Off, "kavicapd.xml KSNSettings/UseKSN=0", ""},
		{"icap-missing", "kavicapd", Unknown, "kavicapd.xml KSNSettings absent (Kaspersky's default: not used)", ""},
		{"icap-invalid", "kavicapd", Unknown, "kavicapd.xml KSNSettings/UseKSN absent", "KSNSettings without UseKSN"},
		{"icap-corrupt", "kavicapd", Unknown, "kavicapd.xml (not XML)", "line 4: not a Scan Engine configuration"},
		{"http-global", "kavhttpd", Global, "kavhttpd.xml ServerSettings/Flags has KAV_SHT_ENGINE_KSN", ""},
		{"http-off", "kavhttpd", Off, "kavhttpd.xml ServerSettings/Flags without KAV_SHT_ENGINE_KSN", ""},
		{"http-noflags", "kavhttpd", Unknown, "kavhttpd.xml ServerSettings/Flags absent", ""},
	} {
		t.Run(c.dir, func(t *testing.T) {
			res := collecttest.Root(t, filepath.Join("testdata", c.dir), Collector{})
			if len(res.Items) != 1 || len(res.Errs) != 0 {
				t.Fatalf("%d items, errors %v", len(res.Items), res.Errs)
			}
			it := res.Items[0]
			got := []string{it.Get("service"), it.Get(ConfigKSN), it.Get(ConfigKSNEvidence)}
			if d := cmp.Diff([]string{c.service, c.ksn, c.evidence}, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			switch {
			case c.unknown == "" && len(res.Unknowns) > 0:
				t.Errorf("unknowns %+v", res.Unknowns)
			case c.unknown != "" && (len(res.Unknowns) != 1 || !strings.Contains(res.Unknowns[0].Reason, c.unknown)):
				t.Errorf("unknowns %+v, want one saying %q", res.Unknowns, c.unknown)
			}
		})
	}
}

// TestWants takes the two files by name only.
func TestWants(t *testing.T) {
	for p, want := range map[string]bool{
		"etc/kavicapd.xml": true, "opt/kaspersky/ScanEngine/bin/kavhttpd.xml": true,
		"etc/kavicapd.xml.bak": false, "etc/klScanEngineUI.xml": false, "etc/c-icap.conf": false,
	} {
		if got := (Collector{}).Wants(p); got != want {
			t.Errorf("Wants(%q) = %v", p, got)
		}
	}
}
