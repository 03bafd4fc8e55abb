package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/embargo-dev/embargo/report"
)

// TestMdmPullThenScan is the whole path a department takes: `mdm pull`
// fetches a Jamf Pro inventory page by page from a server replaying the
// documented responses (mdm/testdata/jamf), and `scan` of the pull's
// current directory reads the pages as they were saved, makes each
// device a host and judges it by what Jamf says it is, with no --tag:
// WeChat on the institutional iPad breaks the Canadian ban, TikTok on
// the personal iPhone does not (the ban covers government-issued
// devices), and the personal device enrolled without apps is named.
func TestMdmPullThenScan(t *testing.T) {
	srv := jamfReplay(t, nil)
	dir := t.TempDir()
	t.Setenv("EMBARGO_TEST_JAMF_SECRET", "e2e-secret")
	cfg := filepath.Join(dir, "mdm.yaml")
	if err := os.WriteFile(cfg, []byte("connectors:\n  - name: jamf\n    kind: jamf\n    department: Operations\n    url: "+srv.URL+
		"\n    client_id: c1\n    client_secret_env: EMBARGO_TEST_JAMF_SECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if stdout, stderr, code := run(t, "mdm", "pull", "--config", cfg, "--out", out); code != 0 {
		t.Fatalf("mdm pull: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, stderr, code := run(t, "scan", filepath.Join(out, "jamf", "current"), "--policy", "ca-wechat-kaspersky-2023,ca-tiktok-2023", "-o", "json")
	if code != 1 {
		t.Fatalf("scan: exit %d, want 1 (findings)\n%s", code, stderr)
	}
	var rep struct {
		Devices []struct {
			Host, Ownership string
			Apps            int
		} `json:"devices"`
		Findings []struct {
			Host   string `json:"host"`
			Pack   string `json:"pack"`
			Device struct {
				ID   string `json:"mdm_id"`
				User string `json:"user"`
			} `json:"device"`
		} `json:"findings"`
		Unknowns []struct{ Name, Reason string } `json:"unknowns"`
	}
	validReport(t, []byte(stdout))
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var devices, findings []string
	for _, d := range rep.Devices {
		devices = append(devices, d.Host+" "+d.Ownership)
	}
	for _, f := range rep.Findings {
		findings = append(findings, f.Host+" "+f.Pack+" (jamf id "+f.Device.ID+")")
	}
	slices.Sort(devices)
	want := []string{"jamf:42 corporate", "jamf:43 personal", "jamf:57 personal"}
	if diff := cmp.Diff(want, devices); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"jamf:42 ca-wechat-kaspersky-2023 (jamf id 42)"}, findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// validReport checks a JSON report against schema/report.schema.json.
func validReport(t *testing.T, out []byte) {
	t.Helper()
	f, err := os.Open("../../schema/report.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(report.SchemaURL, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(report.SchemaURL)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("the report does not validate against the schema:\n%v", err)
	}
}

// jamfReplay is a Jamf Pro replaying the documented inventory pages
// (mdm/testdata/jamf) in pages of the size asked; a page for which
// fail(page) is true answers 500.
func jamfReplay(t *testing.T, fail func(page int) bool) *httptest.Server {
	t.Helper()
	// The documented pages' devices, served in pages of the size asked.
	var all []json.RawMessage
	for _, p := range []string{"../../mdm/testdata/jamf/pro-page-0.json", "../../mdm/testdata/jamf/pro-page-1.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var page struct{ Results []json.RawMessage }
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Results...)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/oauth/token":
			w.Write([]byte(`{"access_token":"tok-e2e","token_type":"Bearer","expires_in":599}`))
		case "/api/v2/mobile-devices/detail":
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			if fail != nil && fail(page) {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			size, err := strconv.Atoi(r.URL.Query().Get("page-size"))
			if err != nil || size < 1 {
				http.Error(w, "page-size", http.StatusBadRequest)
				return
			}
			from, to := min(page*size, len(all)), min((page+1)*size, len(all))
			json.NewEncoder(w).Encode(map[string]any{"totalCount": len(all), "results": all[from:to]})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}
