package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// equipmentLine is what a test compares of a piece of equipment.
type equipmentLine struct {
	Dept, Site, IP, Name, Supplier, SoldAs, Decided, Registrant string
	Status                                                      store.EquipmentStatus
}

func equipmentLines(es []store.Equipment) []equipmentLine {
	var out []equipmentLine
	for _, e := range es {
		l := equipmentLine{Dept: e.Department, Site: e.Site, IP: e.IP, Name: e.Name, Status: e.Status}
		if e.Supplier != nil {
			l.Supplier = e.Supplier.ID
		}
		if e.SoldAs != nil {
			l.SoldAs = e.SoldAs.Label
		}
		if len(e.Evidence) > 0 {
			l.Decided = e.Evidence[0].Text
		}
		if e.MACRegistrant != nil {
			l.Registrant = registrantText(*e.MACRegistrant)
		}
		out = append(out, l)
	}
	return out
}

func TestEquipmentAPI(t *testing.T) { testEquipmentAPI(t, sqliteEngine) }

// testEquipmentAPI: uploaded scans of asset registers give the equipment
// list, by department, site and address, each piece with who made it and
// how that is known, or its MAC's registrant; its status follows its
// findings (a waiver); officers see their own department's; filters,
// limits and the export agree; a later scan keeps when each piece was
// first seen; every response is as openapi.yaml documents it.
func testEquipmentAPI(t *testing.T, e engine) {
	ef := newEquipmentFleet(t, e)
	f, chk := ef.f, newResponseChecker(t)
	admin, dwp, hmrc := f.login("admin"), f.login("dwp-officer"), f.login("hmrc-officer")
	list := func(b *browser, query string) ([]store.Equipment, http.Header) {
		t.Helper()
		req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/equipment"+query, nil)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		chk.check("GET", "/api/v1/equipment")(resp.StatusCode, buf.Bytes())
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /api/v1/equipment%s: %d %s", query, resp.StatusCode, buf.String())
		}
		var es []store.Equipment
		if err := json.Unmarshal(buf.Bytes(), &es); err != nil {
			t.Fatal(err)
		}
		return es, resp.Header
	}
	all, _ := list(admin, "")
	var routerFindings []string
	for _, x := range all {
		if x.Name == "AR651" {
			for _, fd := range x.Findings {
				routerFindings = append(routerFindings, fd.ID)
			}
		}
	}
	if len(routerFindings) == 0 {
		t.Fatalf("the Huawei router on a SECRET federal system has no finding: %+v", all)
	}
	// The router's findings are waived: its status follows.
	for _, id := range routerFindings {
		code, body := dwp.do("POST", "/api/v1/waivers", map[string]any{"finding_id": id, "reason": "replaced next month",
			"expiry": ef.clock.now().Add(30 * 24 * time.Hour)}, nil)
		var w store.Waiver
		if code != http.StatusCreated || json.Unmarshal(body, &w) != nil {
			t.Fatalf("waiver request: %d %s", code, body)
		}
		if code, body := admin.do("POST", "/api/v1/waivers/"+strconv.FormatInt(w.ID, 10)+"/approve", map[string]string{"note": "ok"}, nil); code != http.StatusOK {
			t.Fatalf("approving: %d %s", code, body)
		}
	}
	cisco := "registered to Cisco Systems, Inc (IEEE MA-L 00:00:0C), not a catalogued supplier"
	apple := "registered to Apple, Inc. (IEEE MA-L 00:1E:C2), not a catalogued supplier"
	want := []equipmentLine{
		{"DWP", "Leeds", "10.1.0.1", "AR651", "huawei-technologies", "", "OUI 00:E0:FC (IEEE MA-L)", "", store.EquipmentWaived},
		{"DWP", "Leeds", "10.1.0.20", "DS-2CD2143G2-I", "hikvision", "Acme", "OUI 44:19:B6 (IEEE MA-L)", "", store.EquipmentHasFinding},
		{"DWP", "Newcastle", "10.2.0.2", "C9200L-24T", "", "", "", cisco, store.EquipmentUnknown},
		{"HMRC", "Croydon", "10.3.0.9", "IPC-HDW2431T", "dahua", "", "OUI 3C:EF:8C (IEEE MA-L)", "", store.EquipmentHasFinding},
		{"HMRC", "", "10.3.0.40", "10.3.0.40", "", "", "", apple, store.EquipmentUnknown},
	}
	all, _ = list(admin, "")
	if d := cmp.Diff(want, equipmentLines(all)); d != "" {
		t.Fatalf("equipment (-want +got):\n%s", d)
	}
	// The rebranded camera whole: who made it, the label, the evidence
	// with its confidence, the finding, the scanner and the source.
	cam := all[1]
	wantCam := store.Equipment{HostID: ef.dwp.id, Host: "ws-scan-dwp", Department: "DWP", Site: "Leeds", ItemID: cam.ItemID,
		Name: "DS-2CD2143G2-I", Model: "DS-2CD2143G2-I", DeviceType: "camera", Hostname: "cam-gate", IP: "10.1.0.20", MAC: "44:19:b6:12:34:56",
		Supplier:   &store.EquipmentSupplier{ID: "hikvision", Name: "Hangzhou Hikvision Digital Technology Co., Ltd.", Country: "CN"},
		Confidence: "high", SoldAs: &store.EquipmentLabel{Label: "Acme", Disagrees: true},
		Evidence: []store.EquipmentSignal{{Kind: "oui", Text: "OUI 44:19:B6 (IEEE MA-L)", Field: "mac", Value: "44:19:b6:12:34:56", Confidence: "high"}},
		Source:   dwpRegister, Reader: "asset-register", Status: store.EquipmentHasFinding, Findings: cam.Findings,
		FirstSeen: ef.clock.now(), LastSeen: ef.clock.now()}
	if d := cmp.Diff(wantCam, cam); d != "" {
		t.Errorf("the camera (-want +got):\n%s", d)
	}
	if len(cam.Findings) == 0 || cam.Findings[0].State != store.Open {
		t.Errorf("the camera's findings: %+v", cam.Findings)
	}
	router := all[0]
	if !slices.ContainsFunc(router.Evidence, func(s store.EquipmentSignal) bool {
		return s.Text == `manufacturer "Huawei" in the asset register` && s.Kind == "org_name"
	}) {
		t.Errorf("the router's evidence does not name the asset register's manufacturer: %+v", router.Evidence)
	}
	for _, c := range []struct {
		name  string
		b     *browser
		query string
		want  []equipmentLine
	}{
		{"officer", dwp, "", want[:3]},
		{"officer asks for another department", hmrc, "?department=DWP", nil},
		{"site", admin, "?site=Leeds", want[:2]},
		{"no site", admin, "?site=" + url.QueryEscape(store.NoSite), want[4:]},
		{"supplier", admin, "?supplier=dahua", want[3:4]},
		{"no supplier", hmrc, "?supplier=" + url.QueryEscape(store.NoSupplier), want[4:]},
	} {
		got, _ := list(c.b, c.query)
		if d := cmp.Diff(c.want, equipmentLines(got)); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
	if got, h := list(admin, "?limit=2"); len(got) != 2 || !strings.Contains(h.Get(TruncatedHeader), "/api/v1/export/equipment") {
		t.Errorf("limit=2: %d rows, %s %q", len(got), TruncatedHeader, h.Get(TruncatedHeader))
	}
	if _, h := list(admin, "?limit=5"); h.Get(TruncatedHeader) != "" {
		t.Errorf("limit=5 of 5 says it is cut: %q", h.Get(TruncatedHeader))
	}
	for _, q := range []string{"?limit=x", "?site=" + strings.Repeat("x", store.MaxDeviceField+1)} {
		code, body := admin.do("GET", "/api/v1/equipment"+q, nil, nil)
		chk.check("GET", "/api/v1/equipment")(code, body)
		if code != http.StatusBadRequest {
			t.Errorf("GET /api/v1/equipment%.20s: %d, want 400", q, code)
		}
	}
	if code, _ := f.anon().do("GET", "/api/v1/equipment", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("without a session: %d", code)
	}

	// The export: every row, CSV and JSON, filtered alike.
	code, body := admin.do("GET", "/api/v1/export/equipment?format=json", nil, nil)
	chk.check("GET", "/api/v1/export/equipment")(code, body)
	var exported []store.Equipment
	if code != http.StatusOK || json.Unmarshal(body, &exported) != nil {
		t.Fatalf("JSON export: %d %s", code, body)
	}
	slices.SortFunc(exported, func(a, b store.Equipment) int { return strings.Compare(a.IP, b.IP) })
	byIP := slices.Clone(all)
	slices.SortFunc(byIP, func(a, b store.Equipment) int { return strings.Compare(a.IP, b.IP) })
	if d := cmp.Diff(byIP, exported); d != "" {
		t.Errorf("JSON export (-list +export):\n%s", d)
	}
	code, body = dwp.do("GET", "/api/v1/export/equipment?format=csv&supplier="+url.QueryEscape(store.NoSupplier), nil, nil)
	if code != http.StatusOK {
		t.Fatalf("CSV export: %d %s", code, body)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !slices.Equal(rows[0], equipmentColumns) {
		t.Fatalf("CSV export of DWP's unattributed equipment: %q", rows)
	}
	got := map[string]string{}
	for i, c := range rows[0] {
		got[c] = rows[1][i]
	}
	if got["ip"] != "10.2.0.2" || got["mac_registrant"] != cisco || got["status"] != "unknown" || got["site"] != "Newcastle" {
		t.Errorf("CSV row: %v", got)
	}
	code, body = admin.do("GET", "/api/v1/export/equipment?format=xml", nil, nil)
	chk.check("GET", "/api/v1/export/equipment")(code, body)
	if code != http.StatusBadRequest {
		t.Errorf("format=xml: %d", code)
	}

	// The inventory the server keeps says the registrant of the
	// switch's MAC, and reads back as an upload does (re-judging reads
	// it so); re-judging the fleet leaves the equipment as it was.
	code, body = admin.do("GET", "/api/v1/hosts/"+ef.dwp.id+"/inventory", nil, nil)
	if code != http.StatusOK || !bytes.Contains(body, []byte(`"organization": "Cisco Systems, Inc"`)) {
		t.Fatalf("DWP's scanner's inventory: %d, without the switch's registrant:\n%.2000s", code, body)
	}
	if _, err := decodeScanReport(body); err != nil {
		t.Errorf("the kept inventory does not read back: %v", err)
	}
	if n, err := f.srv.Rejudge(context.Background()); err != nil || n != 2 {
		t.Fatalf("re-judging: %d hosts, %v; want 2", n, err)
	}
	again, _ := list(admin, "")
	if d := cmp.Diff(all, again); d != "" {
		t.Errorf("after re-judging (-before +after):\n%s", d)
	}

	// A day later DWP's scanner lists the camera alone: the rest of
	// DWP's equipment goes, the camera keeps when it was first seen.
	first := ef.clock.now()
	ef.clock.add(24 * time.Hour)
	ef.upload(t, ef.dwp, equipmentScan(t, "testdata/equipment/dwp-camera.csv"))
	later, _ := list(f.login("dwp-officer"), "") // the session of a day ago has ended
	if len(later) != 1 || later[0].IP != "10.1.0.20" || !later[0].FirstSeen.Equal(first) || !later[0].LastSeen.Equal(ef.clock.now()) {
		t.Errorf("after DWP's second scan: %+v", equipmentLines(later))
	} else if later[0].Site != "Leeds / Gatehouse" {
		t.Errorf("the camera's site is %q, want the new scan's", later[0].Site)
	}
}
