package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

// page is a browser logged in to the dashboard as one person.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
	last atomic.Int64 // status of the last document loaded
}

// browserLogin opens Debian's chromium and logs in through the login form.
func browserLogin(t *testing.T, base, name string) *page {
	t.Helper()
	p := &page{t: t, ctx: webtest.Browser(t), base: base}
	if err := chromedp.Listen(p.ctx, func(ev any) {
		if e, ok := ev.(*network.EventResponseReceived); ok && e.Type == network.ResourceTypeDocument {
			p.last.Store(e.Response.Status)
		}
	}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(p.ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), passwords[name]),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	)
	if err != nil {
		t.Fatalf("logging in as %s: %v", name, err)
	}
	if url := p.location(); strings.Contains(url, "/login") {
		t.Fatalf("still on the login page after logging in as %s: %s", name, url)
	}
	return p
}

func (p *page) location() string {
	u, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatal(err)
	}
	return u
}

// open loads path and returns the document's status and its text.
func (p *page) open(path string) (int64, string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Navigate(p.base+path)); err != nil {
		p.t.Fatalf("opening %s: %v", path, err)
	}
	text, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		p.t.Fatalf("reading %s: %v", path, err)
	}
	return p.last.Load(), text
}

// download fetches path as the browser's session would, with its
// cookies: an export is a download, which chromium does not render.
func (p *page) download(path string) (int, string) {
	p.t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.base + "/"}})
	if err != nil {
		p.t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", p.base+path, nil)
	for _, c := range res.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// forms counts the forms of the current page other than the log-out one.
func (p *page) forms() int {
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('form:not([action="/logout"])').length`))
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

// TestDashboardInBrowser drives the dashboard of a real server in
// chromium: an officer of one department cannot see or open another
// department's host, finding or waiver by URL or by export, and the
// auditor is offered nothing to change.
func TestDashboardInBrowser(t *testing.T) {
	f := newFleet(t, backend{"sqlite", []string{"--data", t.TempDir()}})
	target := dpkgTarget(t, kesl, curl)
	for _, a := range [][2]string{{"DWP", "dwp-ws-01"}, {"HMRC", "hmrc-ws-01"}} {
		if code, out := f.agent(t, a[0], a[1], t.TempDir(), target); code != 0 {
			t.Fatalf("agent %s: exit %d\n%s", a[1], code, out)
		}
	}
	// HMRC's officer asks for a waiver; DWP's must never see it.
	hmrcAPI := login(t, f.srv.url, "hmrc", passwords["hmrc"])
	hmrcFinding := firstFinding(t, hmrcAPI)
	var w store.Waiver
	if code := hmrcAPI.do("POST", "/api/v1/waivers", map[string]string{"finding_id": hmrcFinding.ID,
		"reason": "HMRC-only reason text", "expiry": "2099-01-01T00:00:00Z"}, &w); code/100 != 2 {
		t.Fatalf("HMRC's waiver request: %d", code)
	}

	dwp := browserLogin(t, f.srv.url, "dwp")
	if code, text := dwp.open("/"); code != http.StatusOK || !strings.Contains(text, "DWP") || strings.Contains(text, "HMRC") {
		t.Errorf("DWP's overview (%d) lacks DWP or shows HMRC:\n%s", code, text)
	}
	for _, path := range []string{
		"/hosts/" + hmrcFinding.HostID, "/findings/" + hmrcFinding.ID, fmt.Sprintf("/waivers/%d", w.ID),
		"/departments/HMRC", "/reports/HMRC",
	} {
		code, text := dwp.open(path)
		if code != http.StatusNotFound || strings.Contains(text, "hmrc-ws-01") {
			t.Errorf("DWP's officer opening %s: %d, want 404 and nothing of HMRC's:\n%s", path, code, text)
		}
	}
	if code, text := dwp.open("/waivers"); code != http.StatusOK || strings.Contains(text, "HMRC-only reason text") {
		t.Errorf("DWP's waiver list (%d) shows HMRC's waiver:\n%s", code, text)
	}
	for _, format := range []string{"csv", "json"} {
		code, text := dwp.download("/api/v1/export/findings?format=" + format)
		if code != http.StatusOK || strings.Contains(text, hmrcFinding.HostID) || !strings.Contains(text, "kesl") {
			t.Errorf("DWP's %s export in the browser (%d) shows HMRC's or lacks DWP's:\n%s", format, code, text)
		}
	}
	// Their own finding offers the waiver form.
	own := firstFinding(t, login(t, f.srv.url, "dwp", passwords["dwp"]))
	if code, _ := dwp.open("/findings/" + own.ID); code != http.StatusOK || dwp.forms() == 0 {
		t.Errorf("DWP's own finding: %d, %d forms; want the waiver form", code, dwp.forms())
	}

	aud := browserLogin(t, f.srv.url, "audit")
	for _, path := range []string{"/", "/findings/" + hmrcFinding.ID, fmt.Sprintf("/waivers/%d", w.ID), "/waivers", "/reports/HMRC"} {
		code, _ := aud.open(path)
		if code != http.StatusOK {
			t.Errorf("auditor opening %s: %d", path, code)
		}
		if n := aud.forms(); n != 0 {
			t.Errorf("auditor is offered %d forms on %s", n, path)
		}
	}
}
