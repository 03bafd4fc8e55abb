package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/server/web/webtest"
)

// TestBrowserEquipment loads the equipment page in Debian's chromium
// (headless, through chromedp), logged in through the login form, over a
// server whose agents uploaded real scans of two departments' asset
// registers: the equipment is grouped by department, then site (the
// equipment without one last), the rebranded camera says it is sold as
// Acme and made by Hikvision with the evidence's confidence, the
// unattributed devices say who their MAC's block is registered to; the
// site filter narrows the page through its form; the stylesheet applies.
func TestBrowserEquipment(t *testing.T) {
	ef := newEquipmentFleet(t, sqliteEngine)
	base := ef.f.ts.URL
	ctx := webtest.Browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next=/equipment"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.equipment table`)),
	)
	if err != nil {
		t.Fatalf("logging in and opening /equipment: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Network equipment", "Export as CSV",
		"Hangzhou Hikvision Digital Technology Co., Ltd., controlled from",
		"sold as Acme (the label disagrees: no catalogued rebrand covers it)",
		"OUI 44:19:B6 (IEEE MA-L): high confidence",
		`manufacturer "Huawei" in the asset register: low confidence`,
		"MAC 00:1e:c2:01:02:03 registered to Apple, Inc. (IEEE MA-L 00:1E:C2), not a catalogued supplier",
		"MAC 00:00:0c:12:34:56 registered to Cisco Systems, Inc (IEEE MA-L 00:00:0C), not a catalogued supplier",
		"unknown maker: not compliant until resolved", "restricted: a finding is open",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/equipment does not show %q", want)
		}
	}
	// The groups as the page lays them out: each department's heading,
	// then its sites' headings.
	groups, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("section.equipment")).map(s =>
		[s.querySelector("h2").textContent].concat(Array.from(s.querySelectorAll("h3.site")).map(h => h.textContent)))`))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"DWP", "Leeds", "Newcastle"}, {"HMRC", "Croydon", "(no site)"}}
	if d := cmp.Diff(want, groups); d != "" {
		t.Errorf("departments and sites (-want +got):\n%s", d)
	}
	// The camera's row: its address, who made it and the brand it is
	// sold as, side by side.
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(Array.from(document.querySelectorAll("section.equipment tr"))
		.find(tr => tr.textContent.includes("10.1.0.20")).querySelectorAll("td")).map(td => td.innerText)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 6 || !strings.Contains(cells[0], "44:19:b6:12:34:56") || !strings.Contains(cells[2], "Hangzhou Hikvision") ||
		!strings.Contains(cells[2], "sold as Acme") || !strings.Contains(cells[4], "restricted") {
		t.Errorf("the camera's row: %q", cells)
	}
	box, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS("section.equipment table")))
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

	// The site filter, through the form: Croydon's camera alone.
	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.before = "1"`),
		chromedp.SetValue(chromedp.CSS(`select[name=site]`), "Croydon"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`body[data-before]`)),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	)
	if err != nil {
		t.Fatalf("filtering by site: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("section.equipment tr td:first-child")).map(td => td.innerText.split("\n")[0])`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "site=Croydon") || !cmp.Equal(addrs, []string{"10.3.0.9"}) {
		t.Errorf("filtered by site at %s: addresses %q, want Croydon's camera alone", loc, addrs)
	}

	// DWP's officer sees DWP's equipment alone, whatever is asked.
	dwp := ef.f.login("dwp-officer")
	for _, path := range []string{"/equipment", "/equipment?department=HMRC", "/equipment?site=Croydon"} {
		code, body := dwp.do("GET", path, nil, nil)
		leak := strings.Contains(string(body), "10.3.0.") || strings.Contains(string(body), "IPC-HDW2431T")
		if code != http.StatusOK || leak || strings.Contains(string(body), "No network equipment matches") != (path != "/equipment") {
			t.Errorf("GET %s as DWP's officer: %d, shows HMRC's equipment: %v\n%s", path, code, leak, body)
		}
	}
}
