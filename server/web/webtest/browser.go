package webtest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// ChromiumPath is Debian's chromium (package chromium).
const ChromiumPath = "/usr/bin/chromium"

// chromiumFlags keep the browser from reaching anything but the test's
// server.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync"}

// Chromium returns the browser's path, failing the test (the test
// command installs it) when it is missing.
func Chromium(t testing.TB) string {
	t.Helper()
	return testtool.File(t, ChromiumPath, "chromium")
}

// Browser starts a headless chromium for the test, through chromedp,
// with a temporary profile; it is closed in t.Cleanup.
func Browser(t testing.TB) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(Chromium(t)), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1024)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f[2:], true))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser and must have no deadline (it
	// would end the browser); what runs after is bounded.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// PrintToPDF prints the page at url with the chromium command line (as
// a person would with "Save as PDF") and returns the PDF.
func PrintToPDF(t testing.TB, url string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page.pdf")
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir(), "--no-pdf-header-footer",
		"--print-to-pdf="+out, url)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, Chromium(t), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --print-to-pdf %s: %v\n%s", url, err, stderr.String())
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("chromium wrote no PDF: %v\n%s", err, stderr.String())
	}
	return pdf
}

var pagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// PDFPages counts a PDF's pages with pdfinfo (Debian package
// poppler-utils), failing the test when it is missing.
func PDFPages(t testing.TB, pdf []byte) int {
	t.Helper()
	bin := testtool.Command(t, "pdfinfo", "poppler-utils")
	path := filepath.Join(t.TempDir(), "count.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo printed no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// PDFSize returns the first page's size in points from pdfinfo.
func PDFSize(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "size.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Page size:\s+(.*)$`).FindSubmatch(out)
	if m == nil {
		return ""
	}
	return string(m[1])
}
