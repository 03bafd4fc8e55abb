package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// forge rewrites a scan report's JSON as a hostile agent would.
func forge(t *testing.T, rep []byte, change func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(rep, &doc); err != nil {
		t.Fatal(err)
	}
	change(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestForgedSummary(t *testing.T) { testForgedSummary(t, sqliteEngine) }

// An agent's own summary is not shown: it says "0 items, 0 attributed"
// and the host page and the stored report say what the server counted
// (issue 14); negative counts are refused by name.
func testForgedSummary(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	a := f.enroll("ws-0142", "DWP")
	honest := scanReport(t)
	forged := forge(t, honest, func(doc map[string]any) {
		doc["summary"] = map[string]any{"items": 0, "attributed": 0, "unattributed": 0, "unknown": 0, "failed_inputs": 0,
			"by_supplier": map[string]any{}, "by_country": map[string]any{}}
		for _, it := range doc["items"].([]any) {
			delete(it.(map[string]any), "attribution") // the agent says nothing is Kaspersky's
		}
	})
	if code, body, _ := a.upload("inventory", forged, nil); code != http.StatusCreated {
		t.Fatalf("forged summary upload: %d %s", code, body)
	}
	var want report.Report
	json.Unmarshal(honest, &want)
	admin := f.login("admin")
	code, inv := admin.do("GET", "/api/v1/hosts/"+a.id+"/inventory", nil, nil)
	var kept report.Report
	if code != http.StatusOK || json.Unmarshal(inv, &kept) != nil {
		t.Fatalf("inventory: %d %.200s", code, inv)
	}
	if kept.Summary.Items != want.Summary.Items || kept.Summary.Attributed != want.Summary.Attributed || kept.Summary.Attributed == 0 {
		t.Errorf("stored summary %+v; want the server's count %+v", kept.Summary, want.Summary)
	}
	code, page := admin.do("GET", "/hosts/"+a.id, nil, nil)
	shown := string(page)
	if wantLine := fmt.Sprintf("<p>%d items, %d attributed", want.Summary.Items, want.Summary.Attributed); code != http.StatusOK || !strings.Contains(shown, wantLine) {
		t.Errorf("host page (%d) does not say %q: the agent's summary is shown", code, wantLine)
	}
	for _, bad := range []func(doc map[string]any){
		func(doc map[string]any) { doc["inputs"].([]any)[0].(map[string]any)["items"] = -5 },
		func(doc map[string]any) { doc["inputs"].([]any)[0].(map[string]any)["unknowns"] = -1 },
	} {
		code, body, _ := a.upload("inventory", forge(t, honest, bad), nil)
		if code != http.StatusBadRequest || !strings.Contains(string(body), "inputs[0]: negative counts") {
			t.Errorf("negative counts: %d %s; want 400 naming the input", code, body)
		}
	}
}

// TestAgentCannotClaimDevice: an agent's upload whose report says its
// host is a personal phone's work profile is judged as the agent's host
// all the same: TikTok on it is still a finding of the UK ban on
// government devices, and the host has no device record or its tags.
func TestAgentCannotClaimDevice(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	a := f.enroll("ph-0001", "DWP")
	rep := mdmReport(phone{"ph-0001", "personal", "work-profile", []string{tiktok}})
	rep.Devices[0].Host = "ph-0001"
	for i := range rep.Items {
		rep.Items[i].Location.Host = "ph-0001"
	}
	var buf bytes.Buffer
	if err := (report.JSON{}).Encode(&buf, rep); err != nil {
		t.Fatal(err)
	}
	// The report with its devices, as the schema has them.
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	doc["devices"] = rep.Devices
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"ownership":"personal"`) {
		t.Fatalf("the report says no personal device: %.500s", body)
	}
	if code, body, _ := a.upload("inventory", body, nil); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	admin := f.login("admin")
	if open := packsOn(t, admin, a.id)[store.Open]; !slices.Contains(open, "uk-tiktok-govdevices-2023") {
		t.Errorf("the agent's claim of a personal phone escaped the UK ban: %v", open)
	}
	var h store.Host
	admin.getJSON("/api/v1/hosts/"+a.id, http.StatusOK, &h)
	if h.Device != nil || slices.Contains(h.Tags, "personal-device") || slices.Contains(h.Tags, "mdm-enrolled") {
		t.Errorf("the agent's host took the report's device: %+v %v", h.Device, h.Tags)
	}
	inv, err := f.st.Inventory(context.Background(), store.System, a.id)
	if err != nil || strings.Contains(string(inv), "personal") {
		t.Errorf("the stored inventory keeps the report's devices: %v %.300s", err, inv)
	}
}
