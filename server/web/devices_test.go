package web

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

// TestDevicesPages: the devices page lists the managed devices with open
// findings by instrument, each named as its manager knows it (golden
// pages, for an admin and filtered by app); a managed device's host page
// shows its manager's record; an officer sees their own department's
// devices only, whatever the department asked for.
func TestDevicesPages(t *testing.T) {
	f := webtest.Seed(t)
	p := webtest.SeedDevices(t, f.Store)
	admin, dwp, hmrc := webtest.Admin, webtest.DWPOfficer, webtest.HMRCOfficer
	for _, c := range []struct {
		name string
		v    *store.Viewer
		path string
	}{
		{"devices", &admin, "/devices"},
		{"devices-app", &dwp, "/devices?app=tiktok&instrument=uk-tiktok-govdevices-2023"},
		{"host-device", &dwp, "/hosts/" + p.Corp},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, serve(t, f, c.v), c.path)
			if code != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", c.path, code, body)
			}
			golden(t, filepath.Join("testdata", c.name+".html"), body)
		})
	}
	srv := serve(t, f, &hmrc)
	for path, own := range map[string]bool{"/devices": true, "/devices?app=TikTok": true, "/devices?department=DWP": false} {
		code, body := get(t, srv, path)
		if code != http.StatusOK || strings.Contains(body, "HMRC-iPad-07") != own {
			t.Errorf("GET %s as HMRC's officer: %d; HMRC's iPad shown: %v, want %v", path, code, !own, own)
		}
		for _, leak := range []string{"Ada&#39;s iPhone", "Bob&#39;s Pixel", "0f8fad5b", "ada.lovelace"} {
			if strings.Contains(body, leak) {
				t.Errorf("GET %s as HMRC's officer shows DWP's %s", path, leak)
			}
		}
	}
	if code, _ := get(t, srv, "/hosts/"+p.Corp); code != http.StatusNotFound {
		t.Errorf("DWP's phone as HMRC's officer: %d, want 404", code)
	}
	_, body := get(t, serve(t, f, &admin), "/hosts/"+p.Corp)
	if strings.Contains(body, "/revoke") {
		t.Error("a managed device's page offers to revoke an agent credential")
	}
}

// TestBrowserDevices loads the devices page in the real browser: each
// instrument's table lays out with the devices as their manager names
// them, and the stylesheet applies.
func TestBrowserDevices(t *testing.T) {
	f := webtest.Seed(t)
	webtest.SeedDevices(t, f.Store)
	ada := webtest.Admin
	srv := serve(t, f, &ada)
	ctx := webtest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/devices"), chromedp.WaitVisible(chromedp.CSS("section.devices table"))); err != nil {
		t.Fatalf("loading /devices: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ada's iPhone", "0f8fad5b-d9cb-469f-a165-70867728950e", "bob.baker@dwp.example", "personal", "HMRC-iPad-07", "WeChat", "Export as CSV"} {
		if !strings.Contains(text, want) {
			t.Errorf("/devices does not show %q", want)
		}
	}
	tables, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("section.devices table"), chromedp.AtLeast(0)))
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 3 {
		t.Errorf("%d tables, want one for each of 3 instruments", len(tables))
	}
	box, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS("section.devices table")))
	if err != nil {
		t.Fatal(err)
	}
	if box.Width < 300 || box.Height < 40 {
		t.Errorf("the first table is drawn %dx%d", box.Width, box.Height)
	}
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	if bg != "rgb(20, 38, 61)" {
		t.Errorf("the header's background is %q: the stylesheet did not apply", bg)
	}
}
