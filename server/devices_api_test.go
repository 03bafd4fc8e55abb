package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// TestDevicesExport: the export holds every row of the devices list, in
// CSV with the device's manager id, name, user, ownership and platform;
// an officer's holds their department's only.
func TestDevicesExport(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for dept, ps := range map[string][]phone{
		"DWP":  {{"corp", "corporate", "", []string{tiktok}}, {"anon", "", "", []string{tiktok}}},
		"HMRC": {{"hmrc1", "corporate", "", []string{tiktok}}},
	} {
		if _, err := f.srv.IngestDevices(ctx, dept, "intune-"+dept, mdmReport(ps...), now); err != nil {
			t.Fatal(err)
		}
	}
	var all []store.DeviceFinding
	admin := f.login("admin")
	admin.getJSON("/api/v1/devices", http.StatusOK, &all)
	for _, page := range []int{1, 3, len(all) + 1} {
		old := exportPage
		exportPage = page
		var exported []store.DeviceFinding
		admin.getJSON("/api/v1/export/devices?format=json", http.StatusOK, &exported)
		exportPage = old
		if len(exported) != len(all) {
			t.Errorf("JSON export in pages of %d: %d rows, want %d", page, len(exported), len(all))
		}
	}
	code, body := f.login("dwp-officer").do("GET", "/api/v1/export/devices?format=csv", nil, nil)
	if code != http.StatusOK {
		t.Fatalf("CSV export: %d %s", code, body)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(deviceColumns, rows[0]); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}
	col := func(name string) int { return slices.Index(deviceColumns, name) }
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if r[col("department")] != "DWP" {
			t.Errorf("DWP's export holds a row of %s", r[col("department")])
		}
		seen[r[col("mdm_id")]+"/"+r[col("device_name")]+"/"+r[col("user")]+"/"+r[col("ownership")]+"/"+r[col("platform")]] = true
	}
	for _, want := range []string{"corp/corp's phone/corp@dwp.example/corporate/android", "anon/anon's phone/anon@dwp.example/unknown/android"} {
		if !seen[want] {
			t.Errorf("the CSV export lacks %s: %v", want, seen)
		}
	}
	if code, _ := admin.do("GET", "/api/v1/export/devices?format=xml", nil, nil); code != http.StatusBadRequest {
		t.Errorf("an unknown format: %d", code)
	}
}

// TestDevicesAPIResponses: the devices list and export, and a managed
// device's host, validate against openapi.yaml with no property it
// leaves out.
func TestDevicesAPIResponses(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	v := newResponseChecker(t)
	rep := mdmReport(phone{"corp", "corporate", "", []string{tiktok}}, phone{"none", "shared", "", nil})
	if _, err := f.srv.IngestDevices(context.Background(), "DWP", "intune-dwp", rep, time.Now()); err != nil {
		t.Fatal(err)
	}
	admin := f.login("admin")
	get := func(route, path string) []byte {
		t.Helper()
		code, body := admin.do("GET", path, nil, nil)
		v.check("GET", route)(code, body)
		return body
	}
	var rows []store.DeviceFinding
	if err := json.Unmarshal(get("/api/v1/devices", "/api/v1/devices?department=DWP"), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("devices: %v %+v", err, rows)
	}
	get("/api/v1/devices", "/api/v1/devices?limit=x")
	get("/api/v1/export/devices", "/api/v1/export/devices?format=json&instrument=uk-tiktok-govdevices-2023")
	get("/api/v1/export/devices", "/api/v1/export/devices?format=yaml")
	get("/api/v1/hosts", "/api/v1/hosts")
	get("/api/v1/hosts/{id}", "/api/v1/hosts/"+rows[0].HostID)
	get("/api/v1/hosts/{id}", "/api/v1/hosts/"+deviceHostID("intune-dwp", "intune:none"))
	v.check("GET", "/api/v1/devices")(f.anon().do("GET", "/api/v1/devices", nil, nil))
	if v.checked != 8 {
		t.Errorf("checked %d responses, want 8", v.checked)
	}
}
