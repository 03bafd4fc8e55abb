package mdm

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// vendor is one connector against its loopback server, for the tests
// that every connector must pass alike.
type vendor struct {
	name   string
	server func(t *testing.T) *fakeServer
	config func(s *fakeServer) string
	files  map[string]string // a complete pull's files and their fixtures
	mid    string            // a request in the middle of the pull
}

var vendors = []vendor{
	{"intune", intuneServer, intuneConfig, intuneFiles, "/beta/deviceManagement/managedDevices/" + devB + "/detectedApps"},
	{"jamf-pro", jamfServer, func(s *fakeServer) string { return jamfConfig(s, "pro") }, map[string]string{
		"jamf-pro-mobile-devices-0001.json": "jamf/pro-page-0.json",
		"jamf-pro-mobile-devices-0002.json": "jamf/pro-page-1.json",
	}, "/api/v2/mobile-devices/detail?" + url.Values{"page": {"1"}, "page-size": {"2"}, "section": jamfSections}.Encode()},
	{"jamf-classic", jamfServer, func(s *fakeServer) string { return jamfConfig(s, "classic") }, map[string]string{
		"jamf-classic-device-42.xml": "jamf/classic-device-42.xml",
		"jamf-classic-device-43.xml": "jamf/classic-device-43.xml",
	}, "/JSSResource/mobiledevices/id/43"},
	{"workspace-one", ws1Server, ws1OAuthConfig, ws1Files, "/api/mdm/devices/5616/apps"},
}

// TestThrottled: each connector waits the Retry-After it is given and
// saves the throttled page once.
func TestThrottled(t *testing.T) {
	for _, v := range vendors {
		t.Run(v.name, func(t *testing.T) {
			h := newHarness(t)
			s := v.server(t)
			s.faults[v.mid] = []fault{{status: 429, header: map[string]string{"Retry-After": "9"}}}
			res, err := h.pull(t, h.connector(t, v.config(s)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]time.Duration{9 * time.Second}, h.clk.waits); diff != "" || res.Retries != 1 {
				t.Errorf("retries %d, waits (-want +got)\n%s", res.Retries, diff)
			}
			checkSaved(t, res.Dir, s.URL, v.files)
		})
	}
}

// TestTokenRefused: each connector renews a token the server stops
// taking and loses no page.
func TestTokenRefused(t *testing.T) {
	for _, v := range vendors {
		t.Run(v.name, func(t *testing.T) {
			h := newHarness(t)
			s := v.server(t)
			s.tokenLife = 1 // every request is refused once
			res, err := h.pull(t, h.connector(t, v.config(s)))
			if err != nil {
				t.Fatal(err)
			}
			_, tokens, refused := s.snapshot()
			if refused == 0 || res.Renewals != refused || tokens != refused+1 || res.Retries != 0 {
				t.Errorf("tokens %d refused %d renewals %d retries %d", tokens, refused, res.Renewals, res.Retries)
			}
			checkSaved(t, res.Dir, s.URL, v.files)
		})
	}
}

// TestFailureKeepsCurrent: for each connector, a request that fails
// every time fails the pull; the current directory stays as the last
// complete pull left it, and the partial run is kept and reported.
func TestFailureKeepsCurrent(t *testing.T) {
	for _, v := range vendors {
		t.Run(v.name, func(t *testing.T) {
			h := newHarness(t)
			s := v.server(t)
			conn := h.connector(t, v.config(s))
			first, err := h.pull(t, conn)
			if err != nil {
				t.Fatal(err)
			}
			before := tree(t, first.Current)
			h.clk.advance(time.Hour)
			s.always[v.mid] = fault{status: 500}
			res, err := h.pull(t, conn)
			if err == nil || !strings.Contains(err.Error(), "HTTP 500") {
				t.Fatalf("err %v", err)
			}
			if diff := cmp.Diff(before, tree(t, first.Current)); diff != "" {
				t.Errorf("current changed (-before +after)\n%s", diff)
			}
			m, err := readManifest(filepath.Join(res.Dir, ManifestName))
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(filepath.Dir(res.Dir)) != dirPartial || m.Status != StatusFailed || m.Error != res.Error ||
				m.Pages == 0 || m.Pages >= len(v.files) || res.CurrentRun != first.Run {
				t.Errorf("dir %s manifest %+v current run %s", res.Dir, m, res.CurrentRun)
			}
			if got := len(tree(t, res.Dir)); got != m.Pages+1 {
				t.Errorf("partial run holds %d files for %d pages", got, m.Pages)
			}
		})
	}
}
