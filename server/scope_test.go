package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// TestOfficerSeesOwnDepartment: an officer of HMRC gets 404 for a DWP
// host, finding and waiver, and neither lists nor exports DWP rows.
func TestOfficerSeesOwnDepartment(t *testing.T) { testOfficerSeesOwnDepartment(t, sqliteEngine) }

func testOfficerSeesOwnDepartment(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	dwp, hmrc := f.enroll("ws-0001", "DWP"), f.enroll("ws-0002", "HMRC")
	for _, a := range []*agentClient{dwp, hmrc} {
		if code, body, _ := a.upload("inventory", scanReport(t), nil); code != http.StatusCreated {
			t.Fatalf("upload: %d %s", code, body)
		}
	}
	admin := f.login("admin")
	var dwpFindings []store.Finding
	admin.getJSON("/api/v1/findings?department=DWP", http.StatusOK, &dwpFindings)
	if len(dwpFindings) == 0 {
		t.Fatal("no DWP findings")
	}
	fid := dwpFindings[0].ID
	code, body := admin.do("POST", "/api/v1/waivers", map[string]any{"finding_id": fid, "reason": "replacement on order",
		"expiry": time.Now().Add(30 * 24 * time.Hour)}, nil)
	if code != http.StatusCreated {
		t.Fatalf("waiver request: %d %s", code, body)
	}
	var w store.Waiver
	json.Unmarshal(body, &w)

	o := f.login("hmrc-officer")
	for _, p := range []string{"/api/v1/hosts/" + dwp.id, "/api/v1/hosts/" + dwp.id + "/inventory",
		"/api/v1/findings/" + fid, fmt.Sprintf("/api/v1/waivers/%d", w.ID)} {
		if code, body := o.do("GET", p, nil, nil); code != http.StatusNotFound {
			t.Errorf("HMRC officer GET %s: %d %s; want 404", p, code, body)
		}
	}
	// Nor can the officer act on it.
	code, _ = o.do("POST", "/api/v1/waivers", map[string]any{"finding_id": fid, "reason": "x", "expiry": time.Now().Add(time.Hour)}, nil)
	if code != http.StatusNotFound {
		t.Errorf("HMRC officer waiving a DWP finding: %d; want 404", code)
	}
	var own []store.Finding
	o.getJSON("/api/v1/findings", http.StatusOK, &own)
	o.getJSON("/api/v1/findings?department=DWP", http.StatusOK, &dwpFindings)
	var hosts []store.Host
	o.getJSON("/api/v1/hosts", http.StatusOK, &hosts)
	var ws []store.Waiver
	o.getJSON("/api/v1/waivers", http.StatusOK, &ws)
	if len(own) == 0 || len(hosts) != 1 || hosts[0].ID != hmrc.id || len(ws) != 0 {
		t.Fatalf("HMRC officer lists %d findings, hosts %+v, waivers %+v; want own only", len(own), hosts, ws)
	}
	for _, x := range append(own, dwpFindings...) {
		if x.Department != "HMRC" {
			t.Fatalf("HMRC officer lists a %s finding", x.Department)
		}
	}

	var exported []store.Finding
	o.getJSON("/api/v1/export/findings?format=json", http.StatusOK, &exported)
	code, body = o.do("GET", "/api/v1/export/findings?format=csv", nil, nil)
	if code != http.StatusOK {
		t.Fatalf("CSV export: %d", code)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("CSV export: %v", err)
	}
	if len(exported) != len(own) || len(rows) != len(own)+1 {
		t.Fatalf("exports hold %d (JSON) and %d (CSV) findings; want the officer's %d", len(exported), len(rows)-1, len(own))
	}
	if strings.Contains(string(body), dwp.id) || strings.Contains(string(body), "DWP") {
		t.Fatal("the CSV export holds DWP rows")
	}
}

// TestWaiverFlowAndAudit: a waiver requested by an officer and approved
// by an admin leaves an audit chain that verifies.
func TestWaiverFlowAndAudit(t *testing.T) { testWaiverFlowAndAudit(t, sqliteEngine) }

func testWaiverFlowAndAudit(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	a := f.enroll("ws-0001", "DWP")
	a.upload("inventory", scanReport(t), nil)
	o := f.login("dwp-officer")
	var fs []store.Finding
	o.getJSON("/api/v1/findings?state=open", http.StatusOK, &fs)
	if len(fs) == 0 {
		t.Fatal("no open findings")
	}
	code, body := o.do("POST", "/api/v1/waivers", map[string]any{"finding_id": fs[0].ID, "reason": "isolated lab machine",
		"expiry": time.Now().Add(7 * 24 * time.Hour)}, nil)
	if code != http.StatusCreated {
		t.Fatalf("request: %d %s", code, body)
	}
	var w store.Waiver
	json.Unmarshal(body, &w)
	if code, _ := o.do("POST", fmt.Sprintf("/api/v1/waivers/%d/approve", w.ID), map[string]string{"note": "self"}, nil); code != http.StatusForbidden {
		t.Fatalf("officer approving: %d; want 403", code)
	}
	admin := f.login("admin")
	code, body = admin.do("POST", fmt.Sprintf("/api/v1/waivers/%d/approve", w.ID), map[string]string{"note": "ok until the swap"}, nil)
	if code != http.StatusOK {
		t.Fatalf("approve: %d %s", code, body)
	}
	var got store.Finding
	admin.getJSON("/api/v1/findings/"+fs[0].ID, http.StatusOK, &got)
	if got.State != store.Waived {
		t.Errorf("finding after approval: %s; want waived", got.State)
	}
	code, body = admin.do("PUT", "/api/v1/policies", map[string]any{"packs": []string{"uk-ncsc-2017-russia-av"}}, nil)
	if code != http.StatusOK {
		t.Fatalf("put policies: %d %s", code, body)
	}
	if code, body := admin.do("PUT", "/api/v1/register", []byte("systems: [\n"), map[string]string{"Content-Type": "application/yaml"}); code != http.StatusBadRequest {
		t.Fatalf("put a broken register: %d %s; want 400", code, body)
	}

	var audit []store.AuditEntry
	f.login("auditor").getJSON("/api/v1/audit?limit=1000", http.StatusOK, &audit)
	actions := map[string]bool{}
	for _, x := range audit {
		actions[x.Action] = true
	}
	if len(audit) < 4 {
		t.Fatalf("audit log has %d entries: %v", len(audit), actions)
	}
	n, err := f.st.VerifyAudit(context.Background())
	if err != nil || n != int64(len(audit)) {
		t.Fatalf("VerifyAudit = %d, %v; want %d entries verified", n, err, len(audit))
	}
}

// TestOfficerSeesOwnDevices: an officer of HMRC sees none of DWP's
// managed devices: not in the devices list or its export, whatever
// department is asked for, and a DWP phone, its apps and its findings
// are not found.
func TestOfficerSeesOwnDevices(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for dept, id := range map[string]string{"DWP": "dwp-phone", "HMRC": "hmrc-phone"} {
		if _, err := f.srv.IngestDevices(context.Background(), dept, "intune-"+dept, mdmReport(phone{id, "corporate", "", []string{tiktok}}), now); err != nil {
			t.Fatal(err)
		}
	}
	dwpPhone := deviceHostID("intune-DWP", "intune:dwp-phone")
	var dwpRows []store.DeviceFinding
	f.login("admin").getJSON("/api/v1/devices?department=DWP", http.StatusOK, &dwpRows)
	if len(dwpRows) == 0 {
		t.Fatal("no DWP device findings")
	}
	o := f.login("hmrc-officer")
	for _, p := range []string{"/api/v1/hosts/" + dwpPhone, "/api/v1/hosts/" + dwpPhone + "/inventory", "/api/v1/findings/" + dwpRows[0].FindingID} {
		if code, body := o.do("GET", p, nil, nil); code != http.StatusNotFound {
			t.Errorf("HMRC officer GET %s: %d %s; want 404", p, code, body)
		}
	}
	for _, p := range []string{"/api/v1/devices", "/api/v1/devices?department=DWP", "/api/v1/export/devices?format=json", "/api/v1/export/devices?format=json&department=DWP"} {
		var rows []store.DeviceFinding
		o.getJSON(p, http.StatusOK, &rows)
		for _, r := range rows {
			if r.Department != "HMRC" || r.HostID == dwpPhone {
				t.Errorf("HMRC officer GET %s lists %s's %s", p, r.Department, r.Device.Name)
			}
		}
		if want := !strings.Contains(p, "DWP"); (len(rows) > 0) != want {
			t.Errorf("HMRC officer GET %s: %d rows; want HMRC's own: %v", p, len(rows), want)
		}
	}
	code, body := o.do("GET", "/api/v1/export/devices?format=csv", nil, nil)
	if code != http.StatusOK || strings.Contains(string(body), "dwp-phone") || !strings.Contains(string(body), "hmrc-phone") {
		t.Errorf("HMRC officer's CSV export: %d\n%s", code, body)
	}
}
