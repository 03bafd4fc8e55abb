package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

// TestOfficerSeesOnlyTheirDepartment: every page of another department's
// rows is a 404, and the overview counts only the officer's own.
func TestOfficerSeesOnlyTheirDepartment(t *testing.T) {
	f := webtest.Seed(t)
	hugo := webtest.HMRCOfficer
	srv := serve(t, f, &hugo)
	for _, path := range []string{
		"/hosts/" + f.DWPHost, "/hosts/" + f.DWPNever, "/findings/" + f.DWPFinding,
		fmt.Sprintf("/waivers/%d", f.DWPWaiver), "/departments/DWP", "/reports/DWP", "/no-such-page", "/waivers/x",
	} {
		if code, _ := get(t, srv, path); code != http.StatusNotFound {
			t.Errorf("GET %s as HMRC's officer: %d, want 404", path, code)
		}
	}
	for _, path := range []string{"/hosts/" + f.HMRCHost, "/findings/" + f.HMRCFinding, "/departments/HMRC", "/reports/HMRC"} {
		if code, _ := get(t, srv, path); code != http.StatusOK {
			t.Errorf("GET %s as HMRC's officer: %d, want 200", path, code)
		}
	}
	_, body := get(t, srv, "/")
	if want := `<div class="tile"><b>1</b>hosts</div>`; !strings.Contains(body, want) {
		t.Errorf("HMRC's overview does not count 1 host (%s)", want)
	}
	for _, leak := range []string{"DWP", "ws-0142", "kaspersky"} {
		if strings.Contains(body, leak) {
			t.Errorf("HMRC's overview shows %q", leak)
		}
	}
	for _, path := range []string{"/waivers", "/egress"} {
		_, body := get(t, srv, path)
		if strings.Contains(body, "DWP") || strings.Contains(body, "entity:kaspersky-ao") {
			t.Errorf("%s shows DWP's rows to HMRC's officer", path)
		}
	}
	// Officers cannot act on another department's rows either.
	form := url.Values{"csrf": {"csrf-hugo"}, "finding_id": {f.DWPFinding}, "reason": {"x"}, "expiry": {"2026-06-01"}}
	if code, _ := post(t, srv, "/waivers", form); code != http.StatusNotFound {
		t.Errorf("HMRC's officer requesting a waiver of DWP's finding: %d, want 404", code)
	}
	if code, _ := post(t, srv, "/reports/DWP", url.Values{"csrf": {"csrf-hugo"}}); code != http.StatusNotFound {
		t.Errorf("HMRC's officer marking DWP's report sent: %d, want 404", code)
	}
}

var (
	formTag  = regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	csrfAttr = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]*)">`)
)

// forms returns the actions of the page's forms but the logout form of
// the layout, checking that each carries the session's CSRF token.
func forms(t *testing.T, page, body, token string) []string {
	t.Helper()
	var actions []string
	for _, m := range formTag.FindAllStringSubmatch(body, -1) {
		c := csrfAttr.FindStringSubmatch(m[2])
		if c == nil || c[1] != token {
			t.Errorf("%s: the form to %s has no csrf field with the session's token", page, m[1])
		}
		if m[1] != "/logout" {
			actions = append(actions, m[1])
		}
	}
	return actions
}

func TestFormsCarryCSRFAndAuditorGetsNone(t *testing.T) {
	f := webtest.Seed(t)
	paths := []string{"/", "/departments/DWP", "/hosts/" + f.DWPHost, "/findings/" + f.DWPFinding, "/waivers", "/waivers?finding=" + f.DWPFinding,
		fmt.Sprintf("/waivers/%d", f.DWPWaiver), "/egress", "/trends", "/reports/DWP"}
	tests := []struct {
		v    store.Viewer
		want map[string][]string // path → form actions
	}{
		{webtest.Auditor, map[string][]string{}},
		{webtest.DWPOfficer, map[string][]string{
			"/findings/" + f.DWPFinding: {"/waivers"}, "/waivers?finding=" + f.DWPFinding: {"/waivers"}, "/reports/DWP": {"/reports/DWP"}}},
		{webtest.Admin, map[string][]string{
			"/findings/" + f.DWPFinding:             {"/waivers"},
			"/waivers":                              {fmt.Sprintf("/waivers/%d/approve", f.DWPWaiver), fmt.Sprintf("/waivers/%d/reject", f.DWPWaiver)},
			"/waivers?finding=" + f.DWPFinding:      {fmt.Sprintf("/waivers/%d/approve", f.DWPWaiver), fmt.Sprintf("/waivers/%d/reject", f.DWPWaiver), "/waivers"},
			fmt.Sprintf("/waivers/%d", f.DWPWaiver): {fmt.Sprintf("/waivers/%d/approve", f.DWPWaiver), fmt.Sprintf("/waivers/%d/reject", f.DWPWaiver)},
			"/reports/DWP":                          {"/reports/DWP"},
			"/hosts/" + f.DWPHost:                   {"/hosts/" + f.DWPHost + "/revoke"}}},
	}
	for _, tt := range tests {
		t.Run(tt.v.Username, func(t *testing.T) {
			srv := serve(t, f, &tt.v)
			got := map[string][]string{}
			for _, p := range paths {
				code, body := get(t, srv, p)
				if code != http.StatusOK {
					t.Fatalf("GET %s: %d", p, code)
				}
				if a := forms(t, p, body, "csrf-"+tt.v.Username); len(a) > 0 {
					got[p] = a
				}
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("forms (-want +got):\n%s", d)
			}
		})
	}
}

func TestAuditorPostsAreForbidden(t *testing.T) {
	f := webtest.Seed(t)
	audrey := webtest.Auditor
	srv := serve(t, f, &audrey)
	tok := url.Values{"csrf": {"csrf-audrey"}}
	for path, form := range map[string]url.Values{
		"/waivers": {"csrf": {"csrf-audrey"}, "finding_id": {f.DWPFinding}, "reason": {"x"}, "expiry": {"2026-06-01"}},
		fmt.Sprintf("/waivers/%d/approve", f.DWPWaiver): tok,
		fmt.Sprintf("/waivers/%d/reject", f.DWPWaiver):  tok,
		"/reports/DWP": tok,
	} {
		if code, _ := post(t, srv, path, form); code != http.StatusForbidden {
			t.Errorf("auditor POST %s: %d, want 403", path, code)
		}
	}
	w, err := f.Store.Waiver(context.Background(), webtest.Admin, f.DWPWaiver)
	if err != nil || w.State != store.Requested {
		t.Errorf("the waiver changed: %+v %v", w, err)
	}
}

// TestListsKeepToTheViewer: the hosts and findings lists, searched or
// not, show an officer their department's rows alone.
func TestListsKeepToTheViewer(t *testing.T) {
	f := webtest.Seed(t)
	dora := webtest.DWPOfficer
	srv := serve(t, f, &dora)
	for _, path := range []string{"/hosts", "/hosts?department=HMRC", "/hosts?q=ws", "/findings", "/findings?department=HMRC",
		"/findings?q=huawei", "/findings?q=esight&kind=software", "/findings?kind=traffic"} {
		code, body := get(t, srv, path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", path, code)
		}
		for _, other := range []string{f.HMRCHost, f.HMRCFinding, "HMRC servers", "FL-hmrc-cn"} {
			if strings.Contains(body, other) {
				t.Errorf("%s shows DWP's officer %q", path, other)
			}
		}
	}
	_, body := get(t, srv, "/findings?kind=traffic")
	if !strings.Contains(body, "FL-dwp-ksn") || strings.Contains(body, f.DWPFinding) {
		t.Error("the traffic findings list does not hold DWP's traffic finding alone")
	}
}
