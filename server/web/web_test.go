package web

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// serve runs the dashboard over f's store for viewer v (nil: nobody
// logged in) on a loopback server.
func serve(t *testing.T, f webtest.Fleet, v *store.Viewer) *httptest.Server {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	h := New(f.Store, Options{
		Catalog: cat,
		ViewerFrom: func(*http.Request) (store.Viewer, bool) {
			if v == nil {
				return store.Viewer{}, false
			}
			return *v, true
		},
		CSRFToken: func(*http.Request) string { return csrfOf(v) },
		Now:       func() time.Time { return webtest.Now },
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func csrfOf(v *store.Viewer) string {
	if v == nil {
		return ""
	}
	return "csrf-" + v.Username
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches path and returns the status and body.
func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := noRedirect.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// post submits a form and returns the status and the Location header.
func post(t *testing.T, srv *httptest.Server, path string, form url.Values) (int, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location")
}

func TestGoldenPages(t *testing.T) {
	f := webtest.Seed(t)
	admin, officer := webtest.Admin, webtest.DWPOfficer
	pages := []struct {
		name string
		v    *store.Viewer
		path string
	}{
		{"overview", &admin, "/"},
		{"overview-officer", &officer, "/"},
		{"department", &admin, "/departments/DWP"},
		{"host", &admin, "/hosts/" + f.DWPHost},
		{"host-never-scanned", &officer, "/hosts/" + f.DWPNever},
		{"finding", &officer, "/findings/" + f.DWPFinding},
		{"finding-traffic-less", &admin, "/findings/" + f.HMRCFinding},
		{"waivers", &admin, "/waivers"},
		{"waiver", &admin, fmt.Sprintf("/waivers/%d", f.DWPWaiver)},
		{"egress", &admin, "/egress"},
		{"trends", &admin, "/trends"},
		{"users", &admin, "/users"},
		{"report", &officer, "/reports/DWP"},
		{"catalogue", &officer, "/catalogue/kaspersky-ao"},
		{"hosts", &admin, "/hosts?q=ws-014"},
		{"findings", &officer, "/findings?q=kaspersky&state=standing"},
		{"findings-traffic", &admin, "/findings?kind=traffic"},
		{"finding-traffic", &officer, "/findings/FL-dwp-ksn"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			code, body := get(t, serve(t, f, p.v), p.path)
			if code != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", p.path, code, body)
			}
			// The map's shapes are the generator's, tested on their own.
			body = mapPaths.ReplaceAllString(body, `d="…"`)
			golden(t, filepath.Join("testdata", p.name+".html"), body)
		})
	}
}

var mapPaths = regexp.MustCompile(`(<path class="country[^"]*" id="map-..") d="[^"]*"`)

func golden(t *testing.T, path, got string) {
	t.Helper()
	got = mapPaths.ReplaceAllString(got, `$1 d="…"`)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got; -update to accept):\n%s", path, d)
	}
}

func TestWaiverWorkflow(t *testing.T) {
	f := webtest.Seed(t)
	dora, ada, bob := webtest.DWPOfficer, webtest.Admin, webtest.Admin2
	officer, admin, admin2 := serve(t, f, &dora), serve(t, f, &ada), serve(t, f, &bob)
	req := url.Values{"csrf": {"csrf-dora"}, "finding_id": {f.DWPFinding}, "reason": {"Replaced by Defender in May"}, "expiry": {"2026-06-01"}}

	bad := []struct {
		name string
		edit func(url.Values)
		want int
	}{
		{"no csrf", func(v url.Values) { v.Del("csrf") }, http.StatusForbidden},
		{"wrong csrf", func(v url.Values) { v.Set("csrf", "csrf-ada") }, http.StatusForbidden},
		{"bad date", func(v url.Values) { v.Set("expiry", "June") }, http.StatusBadRequest},
		{"past date", func(v url.Values) { v.Set("expiry", "2020-01-01") }, http.StatusBadRequest},
		{"no reason", func(v url.Values) { v.Del("reason") }, http.StatusBadRequest},
		{"unknown finding", func(v url.Values) { v.Set("finding_id", "F-nope") }, http.StatusNotFound},
	}
	for _, b := range bad {
		form := url.Values{}
		for k, v := range req {
			form[k] = append([]string(nil), v...)
		}
		b.edit(form)
		if code, _ := post(t, officer, "/waivers", form); code != b.want {
			t.Errorf("%s: %d, want %d", b.name, code, b.want)
		}
	}
	code, loc := post(t, officer, "/waivers", req)
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/waivers/") {
		t.Fatalf("requesting: %d %q", code, loc)
	}
	approve := loc + "/approve"
	if code, _ := post(t, officer, approve, url.Values{"csrf": {"csrf-dora"}}); code != http.StatusForbidden {
		t.Errorf("officer approving: %d, want 403", code)
	}
	// ada requested nothing here, but bob may not approve his own: have
	// bob request one and try.
	if code, _ := post(t, admin, approve, url.Values{"csrf": {"csrf-ada"}, "note": {"ok until June"}}); code != http.StatusSeeOther {
		t.Errorf("admin approving: %d, want 303", code)
	}
	_, body := get(t, admin, loc)
	if !strings.Contains(body, `<dd class="state approved">approved</dd>`) || !strings.Contains(body, "ok until June") {
		t.Errorf("the waiver page does not show the approval")
	}
	_, body = get(t, officer, "/findings/"+f.DWPFinding)
	if !strings.Contains(body, "state waived") {
		t.Errorf("the finding is not waived after approval")
	}
	req2 := url.Values{"csrf": {"csrf-bob"}, "finding_id": {f.Findings[2].ID}, "reason": {"lab"}, "expiry": {"2026-05-01"}}
	code, loc = post(t, admin2, "/waivers", req2)
	if code != http.StatusSeeOther {
		t.Fatalf("bob requesting: %d", code)
	}
	if code, _ := post(t, admin2, loc+"/reject", url.Values{"csrf": {"csrf-bob"}}); code != http.StatusForbidden {
		t.Errorf("admin deciding their own request: %d, want 403", code)
	}
}

func TestNotLoggedInGoesToLogin(t *testing.T) {
	f := webtest.Seed(t)
	srv := serve(t, f, nil)
	resp, err := noRedirect.Get(srv.URL + "/findings/x?y=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Ffindings%2Fx%3Fy%3D1" {
		t.Errorf("%d %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, _ := get(t, srv, "/assets/style.css"); code != http.StatusOK {
		t.Errorf("the stylesheet needs a login: %d", code)
	}
}

// TestViewingAReportSavesNothing: only "mark as sent" moves the baseline.
func TestViewingAReportSavesNothing(t *testing.T) {
	f := webtest.Seed(t)
	dora := webtest.DWPOfficer
	srv := serve(t, f, &dora)
	for range 2 {
		if code, _ := get(t, srv, "/reports/DWP"); code != http.StatusOK {
			t.Fatalf("GET report: %d", code)
		}
	}
	ctx := context.Background()
	if _, _, err := f.Store.LastReport(ctx, dora, "DWP"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("viewing saved a report: %v", err)
	}
	if code, loc := post(t, srv, "/reports/DWP", url.Values{"csrf": {"csrf-dora"}}); code != http.StatusSeeOther || loc != "/reports/DWP" {
		t.Fatalf("mark as sent: %d %q", code, loc)
	}
	at, _, err := f.Store.LastReport(ctx, dora, "DWP")
	if err != nil || !at.Equal(webtest.Now) {
		t.Fatalf("after mark as sent: %v %v", at, err)
	}
	_, body := get(t, srv, "/reports/DWP")
	if !strings.Contains(body, "Last report sent 2026-03-02") {
		t.Errorf("the report does not say when the last was sent")
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := webtest.Seed(t)
	ada := webtest.Admin
	srv := serve(t, f, &ada)
	for _, path := range []string{"/", "/reports/DWP", "/nope"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
}
