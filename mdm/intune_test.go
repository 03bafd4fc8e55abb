package mdm

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	devA = "3f1c2a70-9d1e-4c4b-a1e3-5b7b9f0c1d22"
	devB = "c8e0b7f4-7d6a-4f0e-9b12-2a3c4d5e6f70"
	devC = "5b2e9a11-0c3d-4e8f-9a7b-6c5d4e3f2a10"
)

// intuneServer is Entra's token endpoint and Graph on one loopback
// server, replaying managedDevices in three pages (the second empty) and
// each device's detectedApps (devA's in two pages, devB's empty).
func intuneServer(t *testing.T) *fakeServer {
	s := newServer(t, "/contoso.example/oauth2/v2.0/token")
	s.routes["/v1.0/deviceManagement/managedDevices"] = func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Query().Get("$select"), "id,") {
			http.Error(w, "no $select", http.StatusBadRequest)
			return
		}
		page := map[string]string{"": "1", "LastDeviceName='Pixel 7'": "2", "LastDeviceName='Pixel 7',2": "3"}[r.URL.Query().Get("$skiptoken")]
		s.file(w, "application/json", "intune/managedDevices-"+page+".json")
	}
	for _, id := range []string{devA, devB, devC} {
		s.routes["/beta/deviceManagement/managedDevices/"+id+"/detectedApps"] = func(w http.ResponseWriter, r *http.Request) {
			page := "1"
			if r.URL.Query().Get("$skiptoken") != "" {
				page = "2"
			}
			s.file(w, "application/json", "intune/detectedApps-"+id+"-"+page+".json")
		}
	}
	return s
}

func intuneConfig(s *fakeServer) string {
	return `connectors:
  - name: intune-prod
    kind: intune
    department: Finance
    tenant: contoso.example
    client_id: 6cabf059-21c9-44d6-bbde-02898f7430dd
    client_secret_file: SECRET
    graph_url: ` + s.URL + `
    login_url: ` + s.URL + "\n"
}

// intuneFiles are the files of a complete pull and the fixtures they
// hold.
var intuneFiles = map[string]string{
	"intune-managedDevices-0001.json":            "intune/managedDevices-1.json",
	"intune-managedDevices-0002.json":            "intune/managedDevices-2.json",
	"intune-managedDevices-0003.json":            "intune/managedDevices-3.json",
	"intune-detectedApps-" + devA + "-0001.json": "intune/detectedApps-" + devA + "-1.json",
	"intune-detectedApps-" + devA + "-0002.json": "intune/detectedApps-" + devA + "-2.json",
	"intune-detectedApps-" + devB + "-0001.json": "intune/detectedApps-" + devB + "-1.json",
	"intune-detectedApps-" + devC + "-0001.json": "intune/detectedApps-" + devC + "-1.json",
}

func TestIntunePull(t *testing.T) {
	h := newHarness(t)
	s := intuneServer(t)
	res, err := h.pull(t, h.connector(t, intuneConfig(s)))
	if err != nil {
		t.Fatal(err)
	}
	want := Manifest{
		Format: ManifestFormat, Connector: "intune-prod", Kind: KindIntune, Department: "Finance",
		Run: "20260302T090000.000Z", Status: StatusComplete, Started: h.clk.Now(), Finished: h.clk.Now(),
		Devices: 3, Pages: 7, Requests: 8, Files: []string{
			"intune-managedDevices-0001.json", "intune-managedDevices-0002.json", "intune-managedDevices-0003.json",
			"intune-detectedApps-" + devA + "-0001.json", "intune-detectedApps-" + devA + "-0002.json",
			"intune-detectedApps-" + devB + "-0001.json", "intune-detectedApps-" + devC + "-0001.json",
		},
	}
	if diff := cmp.Diff(want, res.Manifest); diff != "" {
		t.Errorf("result (-want +got)\n%s", diff)
	}
	cur := filepath.Join(h.out, "intune-prod", "current")
	if res.Dir != cur || res.Current != cur || res.CurrentRun != want.Run {
		t.Errorf("dir %q current %q run %q", res.Dir, res.Current, res.CurrentRun)
	}
	checkSaved(t, cur, s.URL, intuneFiles)
	m, err := readManifest(filepath.Join(cur, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("manifest.json (-want +got)\n%s", diff)
	}
	reqs, tokens, _ := s.snapshot()
	if tokens != 1 {
		t.Errorf("%d tokens fetched, want 1", tokens)
	}
	wantForm := map[string][]string{
		"grant_type": {"client_credentials"}, "client_id": {"6cabf059-21c9-44d6-bbde-02898f7430dd"},
		"client_secret": {testSecret}, "scope": {s.URL + "/.default"},
	}
	if diff := cmp.Diff(wantForm, map[string][]string(s.forms[0])); diff != "" {
		t.Errorf("token request (-want +got)\n%s", diff)
	}
	wantFirst := "/v1.0/deviceManagement/managedDevices?$select=" + strings.Join(intuneDeviceFields, ",")
	if reqs[0] != wantFirst {
		t.Errorf("first request %s, want %s", reqs[0], wantFirst)
	}
	if !strings.HasPrefix(reqs[3], "/beta/deviceManagement/managedDevices/"+devA+"/detectedApps?$select=id,displayName,") {
		t.Errorf("apps request %s", reqs[3])
	}
}

// TestIntuneRetryAfter: a throttled page is fetched again after the wait
// Graph asks for (seconds or a date), else after the backoff, and saved
// once.
func TestIntuneRetryAfter(t *testing.T) {
	for _, c := range []struct {
		name   string
		faults []fault
		waits  []time.Duration
	}{
		{"429 seconds", []fault{{status: 429, header: map[string]string{"Retry-After": "7"}}}, []time.Duration{7 * time.Second}},
		{"503 seconds twice", []fault{
			{status: 503, header: map[string]string{"Retry-After": "3"}},
			{status: 429, header: map[string]string{"Retry-After": "12"}},
		}, []time.Duration{3 * time.Second, 12 * time.Second}},
		{"429 date", []fault{{status: 429, header: map[string]string{"Retry-After": "Mon, 02 Mar 2026 09:00:30 GMT"}}}, []time.Duration{30 * time.Second}},
		{"429 no header", []fault{{status: 429}, {status: 429}}, []time.Duration{time.Second, 2 * time.Second}},
		{"500 then ok", []fault{{status: 500}}, []time.Duration{time.Second}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			s := intuneServer(t)
			s.faults["/beta/deviceManagement/managedDevices/"+devB+"/detectedApps"] = c.faults
			res, err := h.pull(t, h.connector(t, intuneConfig(s)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.waits, h.clk.waits); diff != "" {
				t.Errorf("waits (-want +got)\n%s", diff)
			}
			if res.Retries != len(c.faults) || res.Pages != 7 || res.Requests != 8+len(c.faults) {
				t.Errorf("retries %d pages %d requests %d", res.Retries, res.Pages, res.Requests)
			}
			checkSaved(t, res.Dir, s.URL, intuneFiles)
		})
	}
}

// TestIntuneTokenExpiresMidRun: the server refuses the token after five
// requests; the client fetches one new token, sends the refused request
// again, and no page is lost.
func TestIntuneTokenExpiresMidRun(t *testing.T) {
	h := newHarness(t)
	s := intuneServer(t)
	s.tokenLife = 5
	res, err := h.pull(t, h.connector(t, intuneConfig(s)))
	if err != nil {
		t.Fatal(err)
	}
	reqs, tokens, refused := s.snapshot()
	if tokens != 2 || refused != 1 || res.Renewals != 1 || res.Retries != 0 {
		t.Errorf("tokens %d, refused %d, renewals %d, retries %d; want 2, 1, 1, 0", tokens, refused, res.Renewals, res.Retries)
	}
	if len(reqs) != 8 || reqs[5] != reqs[6] {
		t.Errorf("requests %q: want the sixth sent again", reqs)
	}
	checkSaved(t, res.Dir, s.URL, intuneFiles)
}

// TestIntuneRenewsBeforeExpiry: a token is replaced when it is within a
// minute of expiring, before the server would refuse it.
func TestIntuneRenewsBeforeExpiry(t *testing.T) {
	h := newHarness(t)
	s := intuneServer(t)
	s.expiresIn = 300
	s.onAPI = func() { h.clk.advance(time.Minute) }
	res, err := h.pull(t, h.connector(t, intuneConfig(s)))
	if err != nil {
		t.Fatal(err)
	}
	_, tokens, refused := s.snapshot()
	// Requests at +0..+3 min use the first token; at +4 min it is within
	// a minute of its 5-minute life and is renewed.
	if tokens != 2 || refused != 0 || res.Renewals != 1 {
		t.Errorf("tokens %d refused %d renewals %d; want 2, 0, 1", tokens, refused, res.Renewals)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uses["tok-1-eyJhbGciOiJIUzI1NiJ9"] != 4 || s.uses["tok-2-eyJhbGciOiJIUzI1NiJ9"] != 3 {
		t.Errorf("token uses %v", s.uses)
	}
}

// TestIntuneRefusedTwice: a token refused again after renewal fails the
// request; the renewal is tried once per request.
func TestIntuneRefusedTwice(t *testing.T) {
	h := newHarness(t)
	s := intuneServer(t)
	s.always["/v1.0/deviceManagement/managedDevices"] = fault{status: 401, body: `{"error":{"code":"Authorization_RequestDenied"}}`}
	res, err := h.pull(t, h.connector(t, intuneConfig(s)))
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("err %v, want HTTP 401", err)
	}
	_, tokens, _ := s.snapshot()
	if tokens != 2 || res.Renewals != 1 {
		t.Errorf("tokens %d renewals %d, want 2 and 1", tokens, res.Renewals)
	}
}

// TestIntuneFailureKeepsCurrent: a page that fails with 500 every time
// fails the pull after the retries; the current directory of the earlier
// pull is untouched and the partial run is kept aside and reported.
func TestIntuneFailureKeepsCurrent(t *testing.T) {
	h := newHarness(t)
	s := intuneServer(t)
	conn := h.connector(t, intuneConfig(s))
	first, err := h.pull(t, conn)
	if err != nil {
		t.Fatal(err)
	}
	before := tree(t, first.Current)
	h.clk.advance(time.Hour)
	s.always["/beta/deviceManagement/managedDevices/"+devB+"/detectedApps"] = fault{status: 500, body: `{"error":{"code":"InternalServerError"}}`}
	res, err := h.pull(t, conn)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") || !strings.Contains(err.Error(), "giving up after 4 attempts") {
		t.Fatalf("err %v", err)
	}
	if diff := cmp.Diff(before, tree(t, first.Current)); diff != "" {
		t.Errorf("current changed (-before +after)\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, h.clk.waits); diff != "" {
		t.Errorf("waits (-want +got)\n%s", diff)
	}
	wantDir := filepath.Join(h.out, "intune-prod", "partial", "20260302T100000.000Z")
	if res.Dir != wantDir || res.Status != StatusFailed || res.CurrentRun != first.Run || res.Current != first.Current {
		t.Errorf("dir %q status %q current %q %q", res.Dir, res.Status, res.Current, res.CurrentRun)
	}
	m, err := readManifest(filepath.Join(wantDir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusFailed || !strings.Contains(m.Error, "HTTP 500") || m.Pages != 5 || m.Devices != 3 {
		t.Errorf("manifest %+v", m)
	}
	got := tree(t, wantDir)
	if len(got) != 6 { // five pages before the failure, and the manifest
		t.Errorf("partial run holds %d files", len(got))
	}
	if ents, _ := os.ReadDir(filepath.Join(h.out, "intune-prod", "incoming")); len(ents) != 0 {
		t.Errorf("incoming not empty: %v", ents)
	}
}

// TestIntuneNextLinkElsewhere: a nextLink to another host is not
// followed with the token.
func TestIntuneNextLinkElsewhere(t *testing.T) {
	h := newHarness(t)
	s := intuneServer(t)
	s.routes["/v1.0/deviceManagement/managedDevices"] = func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"@odata.nextLink":"https://attacker.example/v1.0/x","value":[]}`))
	}
	_, err := h.pull(t, h.connector(t, intuneConfig(s)))
	if err == nil || !strings.Contains(err.Error(), "not following it") {
		t.Fatalf("err %v", err)
	}
	if reqs, _, _ := s.snapshot(); len(reqs) != 1 {
		t.Errorf("requests %q", reqs)
	}
}
