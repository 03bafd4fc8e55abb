package deptreport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Papers are the sheets a PDF report is printed on, as CSS names them.
var Papers = map[string]string{"a4": "A4", "letter": "letter"}

// Browsers are where PDF looks for a browser when none is named: Debian's
// chromium first.
var Browsers = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}

// ErrNoBrowser is returned by PDF when no browser is found.
var ErrNoBrowser = errors.New("a PDF is printed by chromium, which was not found (install the Debian package chromium, or print the HTML report)")

// maxPDF bounds the PDF read back.
const maxPDF = 32 << 20

// PDF prints r as a PDF on paper ("a4" or "letter") with the headless
// browser at browser (empty: the first of Browsers found), exactly as the
// HTML report prints: the page's own stylesheet, the paper's size. The
// browser reads only the report's file and reaches no network.
func PDF(ctx context.Context, r Report, paper, browser string) ([]byte, error) {
	size, ok := Papers[strings.ToLower(paper)]
	if !ok {
		return nil, fmt.Errorf("paper %q: want a4 or letter", paper)
	}
	bin, err := findBrowser(browser)
	if err != nil {
		return nil, err
	}
	var page bytes.Buffer
	if err := RenderPage(&page, r, nil); err != nil {
		return nil, err
	}
	// The paper's size, for this print only: the HTML report names none,
	// so that it prints on whatever a reader's printer holds.
	html := strings.Replace(page.String(), "<style>", "<style>@page { size: "+size+"; }\n", 1)
	dir, err := os.MkdirTemp("", "embargo-report-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, []byte(html), 0o600); err != nil {
		return nil, err
	}
	args := []string{"--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-quic", "--proxy-server=http://127.0.0.1:9", "--user-data-dir=" + filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf=" + out, "file://" + in}
	if os.Geteuid() == 0 {
		args = append([]string{"--no-sandbox"}, args...) // chromium refuses root otherwise
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("printing the report of %q with %s: %v: %s", r.Department, bin, err, lastLine(stderr.String()))
	}
	st, err := os.Stat(out)
	if err != nil {
		return nil, fmt.Errorf("printing the report of %q with %s: no PDF written: %s", r.Department, bin, lastLine(stderr.String()))
	}
	if st.Size() > maxPDF {
		return nil, fmt.Errorf("printing the report of %q: the PDF is %d bytes, more than %d", r.Department, st.Size(), maxPDF)
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, fmt.Errorf("printing the report of %q with %s: what it wrote is no PDF", r.Department, bin)
	}
	return pdf, nil
}

func findBrowser(name string) (string, error) {
	if name != "" {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("browser %q: %w: %w", name, err, ErrNoBrowser)
		}
		return p, nil
	}
	for _, b := range Browsers {
		if p, err := exec.LookPath(b); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
