package mdm

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ws1Server is a Workspace ONE UEM API server and token service: three
// devices in two search pages (Total 3), device 5614's apps in one page,
// 5615's answered 204 (none), 5616's in two pages.
func ws1Server(t *testing.T) *fakeServer {
	s := newServer(t, "/connect/token")
	s.routes["/api/mdm/devices/search"] = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("pagesize") != "2" {
			http.Error(w, "bad query", http.StatusBadRequest)
			return
		}
		s.file(w, "application/json", "ws1/devices-page-"+r.URL.Query().Get("page")+".json")
	}
	s.routes["/api/mdm/devices/5614/apps"] = func(w http.ResponseWriter, r *http.Request) {
		s.file(w, "application/json", "ws1/apps-5614.json")
	}
	s.routes["/api/mdm/devices/5615/apps"] = func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}
	s.routes["/api/mdm/devices/5616/apps"] = func(w http.ResponseWriter, r *http.Request) {
		s.file(w, "application/json", "ws1/apps-5616-"+r.URL.Query().Get("page")+".json")
	}
	return s
}

func ws1OAuthConfig(s *fakeServer) string {
	return `connectors:
  - name: ws1
    kind: workspace-one
    department: Field staff
    url: ` + s.URL + `
    token_url: ` + s.URL + `/connect/token
    client_id: 0a1b2c3d4e5f
    client_secret_file: SECRET
    tenant_code_env: TEST_TENANT_CODE
`
}

var ws1Files = map[string]string{
	"ws1-devices-0001.json":          "ws1/devices-page-0.json",
	"ws1-devices-0002.json":          "ws1/devices-page-1.json",
	"ws1-device-5614-apps-0001.json": "ws1/apps-5614.json",
	"ws1-device-5616-apps-0001.json": "ws1/apps-5616-0.json",
	"ws1-device-5616-apps-0002.json": "ws1/apps-5616-1.json",
}

func TestWorkspaceOnePullOAuth(t *testing.T) {
	h := newHarness(t)
	s := ws1Server(t)
	res, err := h.pull(t, h.connector(t, ws1OAuthConfig(s)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Devices != 3 || res.Pages != 5 {
		t.Errorf("devices %d pages %d", res.Devices, res.Pages)
	}
	if diff := cmp.Diff([]string{"ws1-device-5615-apps"}, res.NoContent); diff != "" {
		t.Errorf("no content (-want +got)\n%s", diff)
	}
	checkSaved(t, res.Dir, s.URL, ws1Files)
	reqs, tokens, _ := s.snapshot()
	want := []string{
		"/api/mdm/devices/search?page=0&pagesize=2", "/api/mdm/devices/search?page=1&pagesize=2",
		"/api/mdm/devices/5614/apps?page=0&pagesize=2", "/api/mdm/devices/5615/apps?page=0&pagesize=2",
		"/api/mdm/devices/5616/apps?page=0&pagesize=2", "/api/mdm/devices/5616/apps?page=1&pagesize=2",
	}
	if diff := cmp.Diff(want, reqs); diff != "" || tokens != 1 {
		t.Errorf("%d tokens; requests (-want +got)\n%s", tokens, diff)
	}
	for i, hd := range s.headers {
		if hd.Get("Accept") != "application/json" || hd.Get("aw-tenant-code") != "aw-Tenant-Code-0123456789" || !strings.HasPrefix(hd.Get("Authorization"), "Bearer ") {
			t.Errorf("request %d headers: Accept %q, tenant code set %v, bearer %v", i, hd.Get("Accept"), hd.Get("aw-tenant-code") != "", strings.HasPrefix(hd.Get("Authorization"), "Bearer "))
		}
	}
}

// TestWorkspaceOneBasic204: basic authentication with the tenant code;
// a search whose pages give no Total is paged until HTTP 204.
func TestWorkspaceOneBasic204(t *testing.T) {
	h := newHarness(t)
	s := ws1Server(t)
	s.basicUser = "embargo-api"
	s.routes["/api/mdm/devices/search"] = func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Query().Get("page"); p {
		case "0", "1":
			s.file(w, "application/json", "ws1/devices-nototal-"+p+".json")
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}
	s.routes["/api/mdm/devices/5617/apps"] = s.routes["/api/mdm/devices/5615/apps"]
	res, err := h.pull(t, h.connector(t, `connectors:
  - name: ws1
    kind: workspace-one
    department: Field staff
    url: `+s.URL+`
    auth: basic
    username: embargo-api
    client_secret_file: SECRET
    tenant_code_env: TEST_TENANT_CODE
`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Devices != 4 || res.Pages != 5 || res.Renewals != 0 {
		t.Errorf("devices %d pages %d renewals %d", res.Devices, res.Pages, res.Renewals)
	}
	if diff := cmp.Diff([]string{"ws1-device-5615-apps", "ws1-device-5617-apps"}, res.NoContent); diff != "" {
		t.Errorf("no content (-want +got)\n%s", diff)
	}
	checkSaved(t, res.Dir, s.URL, map[string]string{
		"ws1-devices-0001.json":          "ws1/devices-nototal-0.json",
		"ws1-devices-0002.json":          "ws1/devices-nototal-1.json",
		"ws1-device-5614-apps-0001.json": "ws1/apps-5614.json",
		"ws1-device-5616-apps-0001.json": "ws1/apps-5616-0.json",
		"ws1-device-5616-apps-0002.json": "ws1/apps-5616-1.json",
	})
	if reqs, tokens, _ := s.snapshot(); tokens != 0 || reqs[2] != "/api/mdm/devices/search?page=2&pagesize=2" {
		t.Errorf("tokens %d requests %q", tokens, reqs)
	}
	if s.headers[0].Get("aw-tenant-code") != "aw-Tenant-Code-0123456789" {
		t.Error("no aw-tenant-code header")
	}
}

// TestWorkspaceOneFailureKeepsCurrent: apps that fail with 503 after
// every retry fail the pull; the earlier current stays, the partial run
// is kept with the pages fetched.
func TestWorkspaceOneFailureKeepsCurrent(t *testing.T) {
	h := newHarness(t)
	s := ws1Server(t)
	conn := h.connector(t, ws1OAuthConfig(s))
	first, err := h.pull(t, conn)
	if err != nil {
		t.Fatal(err)
	}
	before := tree(t, first.Current)
	h.clk.advance(time.Hour)
	s.always["/api/mdm/devices/5616/apps"] = fault{status: 503, header: map[string]string{"Retry-After": "5"}}
	res, err := h.pull(t, conn)
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("err %v", err)
	}
	if diff := cmp.Diff(before, tree(t, first.Current)); diff != "" {
		t.Errorf("current changed (-before +after)\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second}, h.clk.waits); diff != "" {
		t.Errorf("waits (-want +got)\n%s", diff)
	}
	got := tree(t, res.Dir)
	for _, f := range []string{"ws1-devices-0001.json", "ws1-devices-0002.json", "ws1-device-5614-apps-0001.json", ManifestName} {
		if _, ok := got[f]; !ok {
			t.Errorf("partial run lacks %s", f)
		}
	}
	if len(got) != 4 || res.Status != StatusFailed {
		t.Errorf("partial run holds %d files, status %s", len(got), res.Status)
	}
}

// TestWorkspaceOneShortfall: fewer devices than Total is incomplete.
func TestWorkspaceOneShortfall(t *testing.T) {
	h := newHarness(t)
	s := ws1Server(t)
	s.routes["/api/mdm/devices/search"] = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "0" {
			s.file(w, "application/json", "ws1/devices-page-0.json")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
	if _, err := h.pull(t, h.connector(t, ws1OAuthConfig(s))); err == nil || !strings.Contains(err.Error(), "reported 3 devices but listed 2") {
		t.Fatalf("err %v", err)
	}
}
