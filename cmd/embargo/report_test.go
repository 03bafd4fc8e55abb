package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/server/web/webtest"
)

// TestReportCommand runs `embargo report` on a data folder seeded through
// the store: the HTML and JSON reports, the department that does not
// exist, and --save moving "since the last report".
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	webtest.SeedInto(t, webtest.OpenIn(t, dir))

	out, errOut, code := run(t, "report", "--department", "DWP", "--data", dir)
	if code != 0 {
		t.Fatalf("report -o html: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"<!doctype html>", "@page { margin: 12mm; }", "DWP: restricted suppliers", "Open findings by instrument", "Not compliant: 7 open findings",
		"jane.doe@dwp.example", "No earlier report was sent."} {
		if !strings.Contains(out, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if strings.Contains(out, "Mark as sent") {
		t.Error("the command's report carries the dashboard's form")
	}

	type jsonReport struct {
		Department string `json:"department"`
		Hosts      int    `json:"hosts"`
		Open       int    `json:"open"`
		Stale      []struct {
			Host string `json:"host"`
		} `json:"hosts_not_scanned_in_30_days"`
		Since *struct {
			OpenDelta int `json:"open_delta"`
		} `json:"since_last_report"`
	}
	report := func(args ...string) jsonReport {
		t.Helper()
		out, errOut, code := run(t, append([]string{"report", "--department", "DWP", "--db", "sqlite:" + dir + "/embargo.db", "-o", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("report -o json %v: exit %d\n%s", args, code, errOut)
		}
		var r jsonReport
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("the JSON report: %v\n%s", err, out)
		}
		return r
	}
	r := report()
	if r.Department != "DWP" || r.Hosts != 2 || r.Open != 7 || r.Since != nil {
		t.Errorf("report: %+v", r)
	}
	// The seed's scans are dated 2026-03-02 and the command reports at
	// the real time, so only the never-scanned host is certain to be
	// listed (first: never is the stalest).
	if len(r.Stale) == 0 || r.Stale[0].Host != "ws-0143" {
		t.Errorf("not scanned: %+v, want ws-0143 first", r.Stale)
	}
	if report().Since != nil {
		t.Fatal("writing a report saved it")
	}
	report("--save")
	if r := report(); r.Since == nil || r.Since.OpenDelta != 0 {
		t.Errorf("after --save: since %+v", r.Since)
	}

	// -o pdf prints with the real chromium, on each paper.
	for _, paper := range []struct{ flag, info string }{{"a4", "(A4)"}, {"letter", "(letter)"}} {
		webtest.Chromium(t)
		pdf, errOut, code := run(t, "report", "--department", "DWP", "--data", dir, "-o", "pdf", "--paper", paper.flag)
		if code != 0 {
			t.Fatalf("report -o pdf --paper %s: exit %d\n%s", paper.flag, code, errOut)
		}
		if n := webtest.PDFPages(t, []byte(pdf)); n != 1 {
			t.Errorf("report -o pdf --paper %s: %d pages, want 1", paper.flag, n)
		}
		if size := webtest.PDFSize(t, []byte(pdf)); !strings.Contains(size, paper.info) {
			t.Errorf("report -o pdf --paper %s: page size %q", paper.flag, size)
		}
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--department", "MOD", "--data", dir}, `department "MOD": not found`},
		{[]string{"report", "--department", "DWP", "--data", dir, "-o", "docx"}, `unknown output format "docx"`},
		{[]string{"report", "--department", "DWP", "--data", dir, "-o", "pdf", "--paper", "a3"}, `--paper "a3"`},
		{[]string{"report", "--department", "DWP", "--data", dir, "-o", "pdf", "--browser", "no-such-browser"}, `browser "no-such-browser"`},
		{[]string{"report", "--data", dir}, `required flag(s) "department" not set`},
		{[]string{"report", "--department", "DWP", "--data", t.TempDir()}, "no store at"},
	} {
		_, errOut, code := run(t, tt.args...)
		if code != exitError || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %d and %q", tt.args, code, errOut, exitError, tt.want)
		}
	}
}
