package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

// TestBrowserPages loads the dashboard in Debian's chromium (headless,
// through chromedp) over a real store: the pages lay out, the charts and
// the map are drawn at a visible size, and the stylesheet applies (the
// pages' Content-Security-Policy lets it in).
func TestBrowserPages(t *testing.T) {
	f := webtest.Seed(t)
	ada := webtest.Admin
	srv := serve(t, f, &ada)
	ctx := webtest.Browser(t)

	type check struct {
		path     string
		wait     string   // a selector that must be visible
		texts    []string // in the page's main text
		drawn    []string // selectors of SVG drawn wider than 300 px
		minNodes map[string]int
	}
	checks := []check{
		{path: "/", wait: "svg.chart.bars", texts: []string{"Estate overview", "never scanned", "Open findings by instrument", "NCSC letter to permanent", "HMRC"},
			drawn: []string{"svg.chart.bars", "svg.chart.trend"}, minNodes: map[string]int{"svg.chart.bars rect.bar": 3, "svg.chart.trend polyline": 3}},
		{path: "/departments/DWP", wait: "table", texts: []string{"ws-0142", "ws-0143", "jane.doe@dwp.example", "overdue by"},
			drawn: []string{"svg.chart.bars"}},
		{path: "/findings/" + f.DWPFinding, wait: "pre.chain", texts: []string{"Control chain", "AO Kaspersky Lab", "Request a waiver"}},
		{path: "/egress", wait: "svg.worldmap", texts: []string{"AO Kaspersky Lab", "Russian Federation", "Controlled from", "5.0 MiB"},
			drawn: []string{"svg.worldmap"}, minNodes: map[string]int{"svg.worldmap path.country": 200, "path.country.c5": 1}},
		{path: "/trends", wait: "svg.chart.trend", drawn: []string{"svg.chart.trend"}},
		{path: "/catalogue/kaspersky-ao", wait: "dl.fields", texts: []string{"AO Kaspersky Lab", "Russian Federation", "high confidence", "Instruments that name it"}},
		{path: "/findings/FL-dwp-ksn", wait: "pre.chain", texts: []string{"Traffic", "AO Kaspersky Lab", "Request a waiver"}},
	}
	for _, c := range checks {
		t.Run(c.path, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+c.path), chromedp.WaitVisible(chromedp.CSS(c.wait))); err != nil {
				t.Fatalf("loading %s: %v", c.path, err)
			}
			text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range c.texts {
				if !strings.Contains(text, want) {
					t.Errorf("%s does not show %q", c.path, want)
				}
			}
			for _, sel := range c.drawn {
				box, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS(sel)))
				if err != nil {
					t.Fatalf("%s: %v", sel, err)
				}
				if box.Width < 300 || box.Height < 50 {
					t.Errorf("%s is drawn %dx%d", sel, box.Width, box.Height)
				}
			}
			for sel, n := range c.minNodes {
				nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
				if err != nil {
					t.Fatal(err)
				}
				if len(nodes) < n {
					t.Errorf("%s: %d nodes, want at least %d", sel, len(nodes), n)
				}
			}
			// The stylesheet applied: the header is dark.
			bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).backgroundColor`))
			if err != nil {
				t.Fatal(err)
			}
			if bg != "rgb(20, 38, 61)" {
				t.Errorf("the header's background is %q: the stylesheet did not apply", bg)
			}
		})
	}
	// No chart's label or value is cut by the chart's edge, at two widths
	// of the window.
	for _, width := range []int64{1280, 800} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 1000), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("svg.chart.bars"))); err != nil {
			t.Fatal(err)
		}
		cut, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("svg.chart")).flatMap(svg => {
			const w = svg.viewBox.baseVal.width;
			return Array.from(svg.querySelectorAll("text")).filter(t => { const b = t.getBBox(); return b.x < -0.5 || b.x + b.width > w + 0.5; })
				.map(t => t.textContent);
		})`))
		if err != nil {
			t.Fatal(err)
		}
		if len(cut) > 0 {
			t.Errorf("window %d px wide: chart texts cut by the chart's edge: %q", width, cut)
		}
		// The instruments' chart as the browser draws it, against its
		// golden screenshot at this width (-update writes it).
		compareScreenshot(t, fmt.Sprintf("testdata/screenshots/overview-instruments-%d.png", width), elementShot(t, ctx, width, "section svg.chart.bars"))
	}
	// The map shades the country most bytes went to the darkest.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/egress"), chromedp.WaitVisible(chromedp.CSS("svg.worldmap"))); err != nil {
		t.Fatal(err)
	}
	class, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#map-RU"), "class"))
	if err != nil {
		t.Fatal(err)
	}
	if class.Value != "country c5" {
		t.Errorf("Russia's shape has class %q, want country c5", class.Value)
	}
	fill, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#map-RU")).fill`))
	if err != nil {
		t.Fatal(err)
	}
	if fill != "rgb(140, 20, 16)" {
		t.Errorf("Russia is filled %q", fill)
	}
}

// TestBrowserPrintsReportOnOnePage prints the department report served
// by the dashboard through chromedp on A4 and on US Letter, counts the
// pages, and checks the page box: laid out for print at each paper's
// width less the report's margins, nothing reaches past it.
func TestBrowserPrintsReportOnOnePage(t *testing.T) {
	f := webtest.Seed(t)
	dora := webtest.DWPOfficer
	srv := serve(t, f, &dora)
	ctx := webtest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/reports/DWP"), chromedp.WaitVisible(chromedp.CSS("p.status"))); err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("p.status")))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Not compliant: 7 open findings, 3 overdue"; !strings.HasPrefix(status, want) {
		t.Errorf("status %q, want %q...", status, want)
	}
	// The inline stylesheet is allowed by its hash: the status is boxed.
	border, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("p.status")).borderLeftStyle`))
	if err != nil {
		t.Fatal(err)
	}
	if border != "solid" {
		t.Errorf("the report's stylesheet did not apply (border %q)", border)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	const margin = 12 / 25.4 // the report's @page margin, in inches
	var pdf []byte
	for _, paper := range []struct {
		name string
		size chromedp.PaperSize
		info string
	}{{"A4", chromedp.PaperA4, "(A4)"}, {"Letter", chromedp.PaperLetter, "(letter)"}} {
		width := int64((paper.size.Width - 2*margin) * 96)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 1000, chromedp.EmulatePortrait)); err != nil {
			t.Fatal(err)
		}
		// The rightmost edge of anything drawn, against the box's width.
		right, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`Math.max(document.documentElement.scrollWidth,
			...Array.from(document.querySelectorAll("body *")).filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().right))`))
		if err != nil {
			t.Fatal(err)
		}
		if right > float64(width)+0.5 {
			t.Errorf("%s: drawn up to %.1f px, past the page box of %d px", paper.name, right, width)
		}
		pdf, err = chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(paper.size)))
		if err != nil {
			t.Fatal(err)
		}
		if n := webtest.PDFPages(t, pdf); n != 1 {
			t.Errorf("%s: the report prints on %d pages, want 1", paper.name, n)
		}
		if size := webtest.PDFSize(t, pdf); !strings.Contains(size, paper.info) {
			t.Errorf("page size %q, want %s", size, paper.info)
		}
	}
	if strings.Contains(string(pdf), "Mark as sent") {
		t.Error("the printed report shows the form")
	}
}

// TestReportPDF downloads the department report as a PDF from the
// dashboard, printed by the real chromium, on each paper; another
// department's is not found, an unknown paper is refused, and a server
// without a browser says so.
func TestReportPDF(t *testing.T) {
	webtest.Chromium(t)
	f := webtest.Seed(t)
	dora := webtest.DWPOfficer
	srv := serve(t, f, &dora)
	_, page := get(t, srv, "/reports/DWP")
	if !strings.Contains(page, `href="/reports/DWP/pdf?paper=letter"`) {
		t.Error("the report page offers no PDF")
	}
	for _, paper := range []struct{ q, info string }{{"", "(A4)"}, {"letter", "(letter)"}} {
		code, body := get(t, srv, "/reports/DWP/pdf?paper="+paper.q)
		if code != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("PDF %q: %d %.100s", paper.q, code, body)
		}
		if n := webtest.PDFPages(t, []byte(body)); n != 1 {
			t.Errorf("PDF %q: %d pages", paper.q, n)
		}
		if size := webtest.PDFSize(t, []byte(body)); !strings.Contains(size, paper.info) {
			t.Errorf("PDF %q: page size %q, want %s", paper.q, size, paper.info)
		}
	}
	if code, _ := get(t, srv, "/reports/HMRC/pdf"); code != http.StatusNotFound {
		t.Errorf("another department's PDF: %d, want 404", code)
	}
	if code, _ := get(t, srv, "/reports/DWP/pdf?paper=a3"); code != http.StatusBadRequest {
		t.Errorf("paper a3: %d, want 400", code)
	}
	cat, _ := catalog.Embedded()
	h := New(f.Store, Options{Catalog: cat, Browser: "no-such-browser",
		ViewerFrom: func(*http.Request) (store.Viewer, bool) { return dora, true }, CSRFToken: func(*http.Request) string { return "x" },
		Now: func() time.Time { return webtest.Now }})
	nob := httptest.NewServer(h)
	defer nob.Close()
	if code, body := get(t, nob, "/reports/DWP/pdf"); code != http.StatusNotImplemented || !strings.Contains(body, "chromium") {
		t.Errorf("without a browser: %d %.300s; want 501 naming chromium", code, body)
	}
}

// elementShot is a PNG of the first element sel selects, cut from a
// screenshot of a window width pixels wide and tall enough that nothing
// scrolls or overlaps it.
func elementShot(t *testing.T, ctx context.Context, width int64, sel string) []byte {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 2400)); err != nil {
		t.Fatal(err)
	}
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { window.scrollTo(0, 0);
		const r = document.querySelector(`+"`"+sel+"`"+`).getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()`))
	if err != nil || len(box) != 4 {
		t.Fatalf("the box of %s: %v %v", sel, box, err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	r := image.Rect(int(box[0]), int(box[1]), int(box[0]+box[2]+0.5), int(box[1]+box[3]+0.5)).Intersect(img.Bounds())
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, out); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// compareScreenshot checks a PNG against the golden file: the same size,
// and at most 2% of its pixels off by more than a faint shade (fonts'
// anti-aliasing differs a little between machines; a clipped label or
// value, a lost bar or a moved label does not pass). -update writes it.
func compareScreenshot(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	a, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("%s: %v", golden, err)
	}
	b, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("the screenshot: %v", err)
	}
	if a.Bounds() != b.Bounds() {
		t.Errorf("%s: the screenshot is %v, the golden %v", golden, b.Bounds(), a.Bounds())
		return
	}
	off, all := 0, 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			all++
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if diff(r1, r2) > 0x3000 || diff(g1, g2) > 0x3000 || diff(b1, b2) > 0x3000 {
				off++
			}
		}
	}
	if off*50 > all {
		out := filepath.Join(t.TempDir(), filepath.Base(golden))
		os.WriteFile(out, got, 0o644)
		t.Errorf("%s: %d of %d pixels differ (more than 2%%); the screenshot is in %s", golden, off, all, out)
	}
}

func diff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
