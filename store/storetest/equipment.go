package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// The suite's part on network equipment (run by Run): what a scan lists
// replaces the host's equipment, which keeps when it was first seen;
// lists by department, site and address, filtered and paged; statuses
// read from the findings; officers see their department's only.

// Pieces of equipment as a server reads them from scans: a camera sold
// as Acme and made by Hikvision, an unattributed printer with its MAC's
// registrant, a Huawei router at another site, and HMRC's switch.
var (
	camera = store.Equipment{ItemID: "I-cam", Name: "DS-2CD2143G2-I", Model: "DS-2CD2143G2-I", DeviceType: "camera", IP: "10.1.0.20",
		MAC: "44:19:b6:12:34:56", Site: "Leeds / Block A",
		Supplier:   &store.EquipmentSupplier{ID: "hikvision", Name: "Hangzhou Hikvision Digital Technology Co., Ltd.", Country: "CN"},
		Confidence: "high", SoldAs: &store.EquipmentLabel{Label: "Acme", Disagrees: true},
		Evidence: []store.EquipmentSignal{{Kind: "oui", Text: "OUI 44:19:B6 (IEEE MA-L)", Field: "mac", Value: "44:19:b6:12:34:56", Confidence: "high"}},
		Source:   "register.csv", Reader: "asset-register"}
	printer = store.Equipment{ItemID: "I-prn", Name: "printer", IP: "10.1.0.9", MAC: "00:1e:c2:01:02:03", Site: "Leeds / Block A",
		MACRegistrant: &store.MACRegistrant{MAC: "00:1e:c2:01:02:03", Organization: "Apple, Inc.", Registry: "MA-L", Prefix: "001EC2"},
		Source:        "register.csv", Reader: "asset-register"}
	router = store.Equipment{ItemID: "I-rtr", Name: "AR651", IP: "10.2.0.1", MAC: "00:e0:fc:12:34:56", Site: "Newcastle",
		Supplier:   &store.EquipmentSupplier{ID: "huawei-technologies", Name: "Huawei Technologies Co., Ltd.", Country: "CN"},
		Confidence: "high", Source: "register.csv", Reader: "asset-register"}
	nameless = store.Equipment{ItemID: "I-sw", Name: "sw-core", IP: "10.3.0.2", Source: "lan.xml", Reader: "nmap-xml"}
)

// equipmentScan uploads a scan of agent listing es, with findings fs.
func (f *fixture) equipmentScan(t *testing.T, agent, name string, at time.Time, es []store.Equipment, fs ...store.Finding) {
	t.Helper()
	_, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: agent, Digest: digest(name), Received: at, Host: store.Host{Items: len(es)},
		Report: []byte(`{}`), Findings: fs, Equipment: es})
	if err != nil {
		t.Fatalf("scan %q of %q: %v", name, agent, err)
	}
}

// on is finding id on item item.
func on(id, item string) store.Finding {
	fd := finding(id, "us-ndaa-889", time.Time{})
	fd.ItemKey = item
	return fd
}

// seen is e as a list gives it back from host (name), department dept,
// first seen at first, last at last, with its status.
func seen(e store.Equipment, host, name, dept string, first, last time.Time, status store.EquipmentStatus, fs ...store.EquipmentFinding) store.Equipment {
	e.HostID, e.Host, e.Department, e.FirstSeen, e.LastSeen, e.Status, e.Findings = host, name, dept, first, last, status, fs
	return e
}

func testEquipmentList(t *testing.T, f *fixture) {
	leeds := f.enrol(t, "DWP", "scan-leeds")
	croydon := f.enrol(t, "HMRC", "scan-croydon")
	noSite := router
	noSite.ItemID, noSite.Site, noSite.IP, noSite.MAC = "I-rtr2", "", "10.2.0.2", "00:e0:fc:12:34:57"
	f.equipmentScan(t, leeds, "leeds-1", t0, []store.Equipment{printer, noSite, router, camera},
		on("F-cam", "I-cam"), on("F-rtr", "I-rtr"), on("F-rtr2", "I-rtr2"))
	f.equipmentScan(t, croydon, "croydon-1", t0.Add(time.Hour), []store.Equipment{nameless})
	w, err := f.st.RequestWaiver(f.ctx, f.dwp, store.Waiver{FindingID: "F-rtr", Reason: "replaced next month", Expiry: t0.Add(30 * day), Requested: t0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.DecideWaiver(f.ctx, f.admin, w.ID, true, "", t0); err != nil {
		t.Fatal(err)
	}
	inst := "us-ndaa-889"
	wantAll := []store.Equipment{
		// DWP, Leeds / Block A by address, Newcastle, then no site.
		seen(printer, leeds, "scan-leeds", "DWP", t0, t0, store.EquipmentUnknown),
		seen(camera, leeds, "scan-leeds", "DWP", t0, t0, store.EquipmentHasFinding, store.EquipmentFinding{ID: "F-cam", Instrument: inst, State: store.Open}),
		seen(router, leeds, "scan-leeds", "DWP", t0, t0, store.EquipmentWaived, store.EquipmentFinding{ID: "F-rtr", Instrument: inst, State: store.Waived}),
		seen(noSite, leeds, "scan-leeds", "DWP", t0, t0, store.EquipmentHasFinding, store.EquipmentFinding{ID: "F-rtr2", Instrument: inst, State: store.Open}),
		seen(nameless, croydon, "scan-croydon", "HMRC", t0.Add(time.Hour), t0.Add(time.Hour), store.EquipmentUnknown),
	}
	pick := func(is ...int) []store.Equipment {
		var out []store.Equipment
		for _, i := range is {
			out = append(out, wantAll[i])
		}
		return out
	}
	for _, c := range []struct {
		name string
		v    store.Viewer
		f    store.EquipmentFilter
		want []store.Equipment
	}{
		{"admin", f.admin, store.EquipmentFilter{}, wantAll},
		{"auditor", f.auditor, store.EquipmentFilter{}, wantAll},
		{"officer", f.dwp, store.EquipmentFilter{}, pick(0, 1, 2, 3)},
		{"officer asks for another department", f.hmrc, store.EquipmentFilter{Department: "DWP"}, nil},
		{"department", f.admin, store.EquipmentFilter{Department: "HMRC"}, pick(4)},
		{"site", f.admin, store.EquipmentFilter{Site: "Leeds / Block A"}, pick(0, 1)},
		{"no site", f.admin, store.EquipmentFilter{Site: store.NoSite}, pick(3, 4)},
		{"supplier", f.admin, store.EquipmentFilter{Supplier: "huawei-technologies"}, pick(2, 3)},
		{"no supplier", f.dwp, store.EquipmentFilter{Supplier: store.NoSupplier}, pick(0)},
		{"limit", f.admin, store.EquipmentFilter{Limit: 2}, pick(0, 1)},
		{"no role", store.Viewer{}, store.EquipmentFilter{}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.st.Equipment(f.ctx, c.v, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("equipment (-want +got):\n%s", d)
			}
		})
	}
	// Pages by host and item, one row a page, hold every row once.
	var paged []string
	p := store.EquipmentFilter{ByID: true, Limit: 1}
	for range 10 {
		got, err := f.st.Equipment(f.ctx, f.admin, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		paged = append(paged, got[0].HostID+"/"+got[0].ItemID)
		p.AfterHost, p.AfterItem = got[0].HostID, got[0].ItemID
	}
	want := []string{"agent-scan-croydon/I-sw", "agent-scan-leeds/I-cam", "agent-scan-leeds/I-prn", "agent-scan-leeds/I-rtr", "agent-scan-leeds/I-rtr2"}
	if d := cmp.Diff(want, paged); d != "" {
		t.Errorf("pages by id (-want +got):\n%s", d)
	}
	facets, err := f.st.EquipmentFacets(f.ctx, f.dwp, "")
	if err != nil {
		t.Fatal(err)
	}
	wantFacets := store.EquipmentFacets{
		Sites:     []store.Count{{Name: store.NoSite, N: 1}, {Name: "Leeds / Block A", N: 2}, {Name: "Newcastle", N: 1}},
		Suppliers: []store.Count{{Name: store.NoSupplier, N: 1}, {Name: "hikvision", N: 1}, {Name: "huawei-technologies", N: 2}},
	}
	if d := cmp.Diff(wantFacets, facets); d != "" {
		t.Errorf("DWP's officer's facets (-want +got):\n%s", d)
	}
	if facets, err = f.st.EquipmentFacets(f.ctx, f.hmrc, "DWP"); err != nil || len(facets.Sites)+len(facets.Suppliers) != 0 {
		t.Errorf("HMRC's officer's facets of DWP: %+v %v; want none", facets, err)
	}
	if facets, err = f.st.EquipmentFacets(f.ctx, f.admin, "HMRC"); err != nil || len(facets.Sites) != 1 || facets.Sites[0].Name != store.NoSite {
		t.Errorf("HMRC's facets: %+v %v", facets, err)
	}
}

// testEquipmentLifetime: a later scan replaces the host's equipment; a
// piece keeps when it was first seen by its MAC (its item id may change
// with the file it was read from), else its address; a duplicate upload
// changes nothing; long values are clipped.
func testEquipmentLifetime(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "scan-leeds")
	f.equipmentScan(t, a, "s1", t0, []store.Equipment{camera, printer, nameless})
	moved := camera
	moved.ItemID, moved.Source, moved.Site = "I-cam-2", "register-2026.csv", "Leeds / Block B"
	renamed := nameless
	renamed.ItemID, renamed.Name = "I-sw-2", "sw-core-2"
	long := printer
	long.ItemID, long.MAC, long.IP, long.Name = "I-long", "", "", strings.Repeat("é", store.MaxDeviceField)
	long.Site = "Leeds /\x00 Block A" // a NUL, which PostgreSQL's text refuses, is dropped
	for range store.MaxEquipmentSignals + 3 {
		long.Evidence = append(long.Evidence, store.EquipmentSignal{Kind: "org_name", Text: "manufacturer", Confidence: "low"})
	}
	t1 := t0.Add(day)
	f.equipmentScan(t, a, "s2", t1, []store.Equipment{moved, renamed, long})
	f.equipmentScan(t, a, "s2", t1.Add(time.Hour), []store.Equipment{camera}) // the same upload again: nothing changes
	got, err := f.st.Equipment(f.ctx, f.admin, store.EquipmentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	clipped := store.ClipEquipment(long)
	if len(clipped.Name) > store.MaxDeviceField || len(clipped.Evidence) != store.MaxEquipmentSignals || !strings.HasPrefix(long.Name, clipped.Name) ||
		clipped.Site != "Leeds / Block A" {
		t.Fatalf("clipped to %d bytes, %d signals", len(clipped.Name), len(clipped.Evidence))
	}
	want := []store.Equipment{
		seen(clipped, a, "scan-leeds", "DWP", t1, t1, store.EquipmentUnknown),
		seen(moved, a, "scan-leeds", "DWP", t0, t1, store.EquipmentClear),
		seen(renamed, a, "scan-leeds", "DWP", t0, t1, store.EquipmentUnknown),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("equipment after the second scan (-want +got):\n%s", d)
	}
	// A scan with no equipment leaves the host none.
	f.equipmentScan(t, a, "s3", t1.Add(day), nil)
	if got, err := f.st.Equipment(f.ctx, f.admin, store.EquipmentFilter{}); err != nil || len(got) != 0 {
		t.Errorf("after a scan without equipment: %d rows, %v", len(got), err)
	}
}

// testEquipmentRefused: equipment without an item id is refused with
// the whole upload.
func testEquipmentRefused(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "scan-leeds")
	bad := camera
	bad.ItemID = ""
	_, err := f.st.ApplyScan(f.ctx, store.ScanUpload{AgentID: a, Digest: digest("bad"), Received: t0, Report: []byte(`{}`),
		Findings: []store.Finding{on("F-cam", "I-cam")}, Equipment: []store.Equipment{camera, bad}})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("equipment without an item id: %v, want ErrInvalid", err)
	}
	if fs, err := f.st.Findings(f.ctx, f.admin, store.FindingFilter{}); err != nil || len(fs) != 0 {
		t.Errorf("the refused upload left %d findings (%v)", len(fs), err)
	}
	if got, err := f.st.Equipment(f.ctx, f.admin, store.EquipmentFilter{}); err != nil || len(got) != 0 {
		t.Errorf("the refused upload left %d pieces of equipment (%v)", len(got), err)
	}
}
