package mdm

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// jamfServer is a Jamf Pro server: the API client token endpoint, the
// Jamf Pro API's paged inventory (three devices, two a page) and the
// Classic API's list and device documents (42 and 43).
func jamfServer(t *testing.T) *fakeServer {
	s := newServer(t, "/api/oauth/token")
	s.expiresIn = 599 // Jamf's documented example
	s.routes["/api/v2/mobile-devices/detail"] = func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("page-size") != "2" || len(q["section"]) != 5 {
			http.Error(w, "bad query", http.StatusBadRequest)
			return
		}
		s.file(w, "application/json", "jamf/pro-page-"+q.Get("page")+".json")
	}
	s.routes["/JSSResource/mobiledevices"] = func(w http.ResponseWriter, r *http.Request) {
		s.file(w, "application/xml", "jamf/classic-list.xml")
	}
	for _, id := range []string{"42", "43"} {
		s.routes["/JSSResource/mobiledevices/id/"+id] = func(w http.ResponseWriter, r *http.Request) {
			s.file(w, "application/xml", "jamf/classic-device-"+id+".xml")
		}
	}
	return s
}

func jamfConfig(s *fakeServer, api string) string {
	return `connectors:
  - name: jamf
    kind: jamf
    department: Operations
    url: ` + s.URL + `
    api: ` + api + `
    client_id: 6cabf059-21c9-44d6-bbde-02898f7430dd
    client_secret_file: SECRET
`
}

func TestJamfProPull(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	res, err := h.pull(t, h.connector(t, jamfConfig(s, "pro")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Devices != 3 || res.Pages != 2 || res.Status != StatusComplete {
		t.Errorf("devices %d pages %d status %s", res.Devices, res.Pages, res.Status)
	}
	checkSaved(t, res.Dir, s.URL, map[string]string{
		"jamf-pro-mobile-devices-0001.json": "jamf/pro-page-0.json",
		"jamf-pro-mobile-devices-0002.json": "jamf/pro-page-1.json",
	})
	reqs, tokens, _ := s.snapshot()
	want := []string{
		"/api/v2/mobile-devices/detail?" + url.Values{"page": {"0"}, "page-size": {"2"}, "section": jamfSections}.Encode(),
		"/api/v2/mobile-devices/detail?" + url.Values{"page": {"1"}, "page-size": {"2"}, "section": jamfSections}.Encode(),
	}
	if diff := cmp.Diff(want, reqs); diff != "" {
		t.Errorf("requests (-want +got)\n%s", diff)
	}
	if !strings.Contains(want[0], "section=GENERAL&section=HARDWARE&section=USER_AND_LOCATION&section=APPLICATIONS&section=NETWORK") {
		t.Errorf("sections out of order: %s", want[0])
	}
	wantForm := map[string][]string{"grant_type": {"client_credentials"}, "client_id": {"6cabf059-21c9-44d6-bbde-02898f7430dd"}, "client_secret": {testSecret}}
	if diff := cmp.Diff(wantForm, map[string][]string(s.forms[0])); tokens != 1 || diff != "" {
		t.Errorf("%d tokens; form (-want +got)\n%s", tokens, diff)
	}
}

// TestJamfProShortfall: a listing that ends before totalCount is an
// incomplete pull, kept aside.
func TestJamfProShortfall(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	s.routes["/api/v2/mobile-devices/detail"] = func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"totalCount": 5, "results": []}`))
	}
	res, err := h.pull(t, h.connector(t, jamfConfig(s, "pro")))
	if err == nil || !strings.Contains(err.Error(), "reported 5 devices but listed 0") {
		t.Fatalf("err %v", err)
	}
	if res.Current != "" || !strings.Contains(res.Dir, filepath.Join("jamf", "partial")) {
		t.Errorf("current %q dir %q", res.Current, res.Dir)
	}
}

func TestJamfClassicPull(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	res, err := h.pull(t, h.connector(t, jamfConfig(s, "classic")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Devices != 2 || res.Pages != 2 {
		t.Errorf("devices %d pages %d", res.Devices, res.Pages)
	}
	checkSaved(t, res.Dir, s.URL, map[string]string{
		"jamf-classic-device-42.xml": "jamf/classic-device-42.xml",
		"jamf-classic-device-43.xml": "jamf/classic-device-43.xml",
	})
	reqs, _, _ := s.snapshot()
	if diff := cmp.Diff([]string{"/JSSResource/mobiledevices", "/JSSResource/mobiledevices/id/42", "/JSSResource/mobiledevices/id/43"}, reqs); diff != "" {
		t.Errorf("requests (-want +got)\n%s", diff)
	}
	for i, hd := range s.headers {
		if hd.Get("Accept") != "application/xml" || !strings.HasPrefix(hd.Get("Authorization"), "Bearer tok-1-") {
			t.Errorf("request %d: Accept %q Authorization %.12q", i, hd.Get("Accept"), hd.Get("Authorization"))
		}
	}
}

// TestJamfClassicGone: a device deleted between the list and its
// request is named in the manifest; the pull completes.
func TestJamfClassicGone(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	delete(s.routes, "/JSSResource/mobiledevices/id/43")
	res, err := h.pull(t, h.connector(t, jamfConfig(s, "classic")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"jamf-classic-device-43"}, res.Gone); diff != "" || res.Pages != 1 {
		t.Errorf("pages %d, gone (-want +got)\n%s", res.Pages, diff)
	}
}

// TestJamfClassicFailureKeepsCurrent: a device document that fails every
// time fails the pull; the earlier current stays.
func TestJamfClassicFailureKeepsCurrent(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	conn := h.connector(t, jamfConfig(s, "classic"))
	first, err := h.pull(t, conn)
	if err != nil {
		t.Fatal(err)
	}
	before := tree(t, first.Current)
	h.clk.advance(time.Hour)
	s.always["/JSSResource/mobiledevices/id/43"] = fault{status: 502}
	res, err := h.pull(t, conn)
	if err == nil || !strings.Contains(err.Error(), "device 43 (2 of 2)") {
		t.Fatalf("err %v", err)
	}
	if diff := cmp.Diff(before, tree(t, first.Current)); diff != "" {
		t.Errorf("current changed (-before +after)\n%s", diff)
	}
	got := tree(t, res.Dir)
	if _, ok := got["jamf-classic-device-42.xml"]; !ok || len(got) != 2 || res.CurrentRun != first.Run {
		t.Errorf("partial run %q holds %d files; current run %q", res.Dir, len(got), res.CurrentRun)
	}
}

// TestJamfClassicNotAList: an answer that is not the documented list is
// refused, not read as no devices.
func TestJamfClassicNotAList(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	s.routes["/JSSResource/mobiledevices"] = func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html><body>Login</body></html>`))
	}
	if _, err := h.pull(t, h.connector(t, jamfConfig(s, "classic"))); err == nil || !strings.Contains(err.Error(), "<mobile_devices>") {
		t.Fatalf("err %v", err)
	}
}
