package deptreport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func build(t *testing.T, st store.Store, v store.Viewer, dept string, now time.Time) Report {
	t.Helper()
	r, err := Build(context.Background(), st, v, dept, now, nil)
	if err != nil {
		t.Fatalf("building the report of %s: %v", dept, err)
	}
	return r
}

// summary is the part of a report the table tests compare.
type summary struct {
	Status                                string
	Compliant                             bool
	Hosts, Open, Overdue, DueSoon, Waived int
	Stale                                 []string
	Owners                                []string
	Instruments                           []store.Count
	Expiring                              int
	New, Remediated, Reopened             []string
	HasSince                              bool
}

func summarize(r Report) summary {
	s := summary{Status: r.Status, Compliant: r.Compliant, Hosts: r.Hosts, Open: r.Open, Overdue: r.Overdue,
		DueSoon: r.DueSoon, Waived: r.Waived, Instruments: r.ByInstrument, Expiring: len(r.Expiring), HasSince: r.Since != nil}
	for _, h := range r.Stale {
		s.Stale = append(s.Stale, h.Host)
	}
	for _, d := range r.Deadlines {
		s.Owners = append(s.Owners, d.Owner)
	}
	if c := r.Since; c != nil {
		for _, x := range c.New {
			s.New = append(s.New, x.FindingID)
		}
		for _, x := range c.Remediated {
			s.Remediated = append(s.Remediated, x.FindingID)
		}
		for _, x := range c.Reopened {
			s.Reopened = append(s.Reopened, x.FindingID)
		}
	}
	return s
}

func TestBuild(t *testing.T) {
	f := webtest.Seed(t)
	owner := "jane.doe@dwp.example"
	tests := []struct {
		name string
		v    store.Viewer
		dept string
		want summary
	}{
		{"DWP by its officer", webtest.DWPOfficer, "DWP", summary{
			// Two of the open findings are traffic findings (Kaspersky's
			// network, an SG address).
			Status: "Not compliant: 7 open findings, 3 overdue; 1 host not scanned in 30 days",
			Hosts:  2, Open: 7, Overdue: 3, Stale: []string{"ws-0143"},
			Owners: []string{owner, owner, owner},
			Instruments: []store.Count{{Name: "uk-ncsc-2017-russia-av", N: 4, Overdue: 1}, {Name: "us-bod-17-01", N: 2, Overdue: 2},
				{Name: "agency-geo", N: 1}},
		}},
		{"HMRC by an admin", webtest.Admin, "HMRC", summary{
			Status: "Not compliant: 2 open findings, 0 overdue", Hosts: 1, Open: 2, DueSoon: 1,
			Owners:      []string{"sam.ray@hmrc.example"},
			Instruments: []store.Count{{Name: "agency-geo", N: 1}, {Name: "us-ndaa19-s889", N: 1}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(build(t, f.Store, tt.v, tt.dept, webtest.Now))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("report (-want +got):\n%s", d)
			}
		})
	}
}

func TestNotVisible(t *testing.T) {
	f := webtest.Seed(t)
	for _, tt := range []struct {
		v    store.Viewer
		dept string
	}{{webtest.HMRCOfficer, "DWP"}, {webtest.DWPOfficer, "HMRC"}, {webtest.Admin, "MOD"}} {
		if _, err := Build(context.Background(), f.Store, tt.v, tt.dept, webtest.Now, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s building %s: err %v, want ErrNotFound", tt.v.Username, tt.dept, err)
		}
	}
	r := build(t, f.Store, webtest.Auditor, "DWP", webtest.Now)
	if err := Save(context.Background(), f.Store, webtest.Auditor, r); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("auditor saving: err %v, want ErrForbidden", err)
	}
}

// TestSinceLastReport saves a report, changes the estate, and checks
// that the next report says what changed, and that building (viewing)
// alone never moves the baseline.
func TestSinceLastReport(t *testing.T) {
	f := webtest.Seed(t)
	ctx := context.Background()
	v := webtest.DWPOfficer
	first := build(t, f.Store, v, "DWP", webtest.Now)
	if first.Since != nil {
		t.Fatalf("a first report has changes since %v", first.Since.Last)
	}
	if _, _, err := f.Store.LastReport(ctx, v, "DWP"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("building saved a report: %v", err)
	}
	if err := Save(ctx, f.Store, v, first); err != nil {
		t.Fatal(err)
	}
	// The next day's scan: the first finding is gone, the sixth (which
	// the seed's last scan remediated) is back.
	host := store.Host{SystemID: "dwp-desktops", SystemName: "DWP desktops", Owner: "jane.doe@dwp.example", Items: 5}
	later := webtest.Now.Add(24 * time.Hour)
	webtest.Scan(t, f.Store, f.DWPHost, "d4", later, host, append([]store.Finding{}, f.Findings[1:]...))
	got := summarize(build(t, f.Store, v, "DWP", later.Add(time.Hour)))
	want := []string{f.DWPFinding}
	if d := cmp.Diff(want, got.Remediated); d != "" {
		t.Errorf("remediated (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{f.Findings[5].ID}, got.Reopened); d != "" {
		t.Errorf("reopened (-want +got):\n%s", d)
	}
	if len(got.New) != 0 {
		t.Errorf("new: %v, want none", got.New)
	}
	next := build(t, f.Store, v, "DWP", later.Add(time.Hour))
	if next.Since.OpenDelta != 0 || next.Since.Last.IsZero() {
		t.Errorf("since: %+v", next.Since)
	}
}

func TestRenderGolden(t *testing.T) {
	f := webtest.Seed(t)
	r := build(t, f.Store, webtest.Admin, "DWP", webtest.Now)
	for _, format := range []string{"html", "json"} {
		var b bytes.Buffer
		if err := Render(&b, r, format); err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "dwp."+format), b.Bytes())
	}
	if err := Render(&bytes.Buffer{}, r, "pdf"); err == nil {
		t.Error("rendering as pdf: no error")
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; -update to accept):\n%s", path, d)
	}
}

// TestReportPrintsOnOnePage prints the report with chromium, as a head
// of department's assistant would, and counts the PDF's pages: the
// seeded report and one with far more rows than fit, which must be cut
// to "and N more" rather than spill onto a second sheet.
func TestReportPrintsOnOnePage(t *testing.T) {
	f := webtest.Seed(t)
	big := build(t, f.Store, webtest.Admin, "DWP", webtest.Now)
	for i := 0; i < 80; i++ {
		long := strings.Repeat("very-long-item-name-", 3)
		sec := Section{Instrument: fmt.Sprintf("instrument-%d", i%9), Title: strings.Repeat("A long instrument title ", 4), Open: 999999, Overdue: 99999}
		sec.Rows = append(sec.Rows, Row{Product: long + long, Supplier: "Kaspersky Lab JSC (a long supplier name)", Effect: "remove-by",
			Hosts: 99999, Open: 99999, Waived: 9999, System: "a system with a long name", Systems: 999, Owner: "someone.with.a.long.name@dwp.example",
			Owners: 999, Deadline: webtest.Now, Overdue: true, DaysLeft: -3000})
		big.Sections = append(big.Sections, sec)
		big.Deadlines = append(big.Deadlines, Deadline{FindingID: "F-x", Host: "ws-long-hostname-0001.dwp.example", System: "a system with a long name",
			Owner: "someone.with.a.long.name@dwp.example", Instrument: "us-ndaa18-s1634", Item: long, Supplier: "kaspersky-ao",
			Deadline: webtest.Now, Overdue: true, DaysLeft: -3})
		big.Stale = append(big.Stale, StaleHost{Host: "ws-stale", Owner: "owner@dwp.example"})
		big.Expiring = append(big.Expiring, Expiring{WaiverID: 1, Host: "ws", Expiry: webtest.Now, Reason: strings.Repeat("a long reason ", 20)})
		big.ByInstrument = append(big.ByInstrument[:min(len(big.ByInstrument), 8)], store.Count{Name: "instrument", N: 3})
	}
	big.Since = &Changes{Last: webtest.Now, NewCount: 40000, RemediatedCount: 40000, ReopenedCount: 40000}
	for i := 0; i < 40; i++ {
		c := Change{FindingID: "F-y", Host: "ws-long-hostname-0001", Instrument: "us-bod-17-01", Item: "kesl"}
		big.Since.New = append(big.Since.New, c)
		big.Since.Remediated = append(big.Since.Remediated, c)
		big.Since.Reopened = append(big.Since.Reopened, c)
	}
	// Counts of a department of 100,000 findings: wider numbers.
	big.Open, big.Overdue, big.DueSoon, big.Waived = 100000, 99999, 12345, 54321
	big.DeadlineCount, big.StaleCount, big.ExpiringCount, big.SectionRows = 100000, 50000, 20000, 100000
	ctx := webtest.Browser(t)
	for name, r := range map[string]Report{"seeded": build(t, f.Store, webtest.Admin, "DWP", webtest.Now), "crowded": big} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "report.html")
			var b bytes.Buffer
			if err := Render(&b, r, "html"); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path)); err != nil {
				t.Fatal(err)
			}
			for _, paper := range []struct {
				size chromedp.PaperSize
				info string
			}{{chromedp.PaperA4, "(A4)"}, {chromedp.PaperLetter, "(letter)"}} {
				pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(paper.size)))
				if err != nil {
					t.Fatal(err)
				}
				if n := webtest.PDFPages(t, pdf); n != 1 {
					t.Errorf("%s: the report prints on %d pages, want 1", paper.info, n)
				}
				if size := webtest.PDFSize(t, pdf); !strings.Contains(size, paper.info) {
					t.Errorf("page size %q, want %s", size, paper.info)
				}
			}
		})
	}
}

func TestDecodeSnapshot(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, in string
		want     Snapshot
		err      string
	}{
		{"version 1, findings skipped", `{"version":1,"at":"2026-03-02T12:00:00Z","open":3,"overdue":2,"waived":1,"findings":{"F-1":"open","F-2":"remediated"}}`,
			Snapshot{Version: 1, At: at, Open: 3, Overdue: 2, Waived: 1}, ""},
		{"version 2", `{"version":2,"at":"2026-03-02T12:00:00Z","hosts":9,"open":3,"overdue":2,"due_in_30_days":4,"waived":1,"remediated":7,"stale":5}`,
			Snapshot{Version: 2, At: at, Hosts: 9, Open: 3, Overdue: 2, DueSoon: 4, Waived: 1, Remediated: 7, Stale: 5}, ""},
		{"version 3", `{"version":3}`, Snapshot{Version: 3}, "version 3"},
		{"not an object", `[]`, Snapshot{}, "decoding"},
		{"too large", `{"version":2,"x":"` + strings.Repeat("a", MaxSnapshotBytes) + `"}`, Snapshot{}, "more than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeSnapshot([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("snapshot (-want +got):\n%s", d)
			}
		})
	}
}

// TestSavedSnapshotIsSmall saves the report of a department of 400
// hosts and checks the snapshot holds counts, not findings.
func TestSavedSnapshotIsSmall(t *testing.T) {
	st := webtest.Open(t)
	webtest.SeedHosts(t, st, "DWP", 400, 5)
	r := build(t, st, webtest.Admin, "DWP", webtest.Now)
	if err := Save(context.Background(), st, webtest.Admin, r); err != nil {
		t.Fatal(err)
	}
	_, snap, err := st.LastReport(context.Background(), webtest.Admin, "DWP")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap) > 512 {
		t.Errorf("the snapshot is %d bytes: %s", len(snap), snap)
	}
	got, err := DecodeSnapshot(snap)
	if err != nil {
		t.Fatal(err)
	}
	want := Snapshot{Version: SnapshotVersion, At: webtest.Now, Hosts: 400, Open: 2000, Overdue: 1200, DueSoon: 800}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("snapshot (-want +got):\n%s", d)
	}
}

// TestLongListsCut checks that a department with more rows than the
// report lists counts them all and prints "and N more".
func TestLongListsCut(t *testing.T) {
	st := webtest.Open(t)
	webtest.SeedHosts(t, st, "DWP", 120, 2)
	r := build(t, st, webtest.Admin, "DWP", webtest.Now)
	if len(r.Deadlines) != Listed || r.DeadlineCount != 240 || r.Open != 240 || r.Overdue != 120 || r.DueSoon != 120 {
		t.Errorf("deadlines %d listed of %d; open %d, overdue %d, due soon %d", len(r.Deadlines), r.DeadlineCount, r.Open, r.Overdue, r.DueSoon)
	}
	// Every open finding is in a row of the report: none is absent.
	inRows := 0
	for _, s := range r.Sections {
		for _, row := range s.Rows {
			inRows += row.Open
		}
	}
	if inRows != r.Open {
		t.Errorf("the report's rows hold %d open findings of %d", inRows, r.Open)
	}
	var b bytes.Buffer
	if err := Render(&b, r, "html"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<b>240</b>open"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	// A department with more rows than the page prints says how many
	// it leaves out.
	r.SectionRows += 40
	for i := range 40 {
		r.Sections = append(r.Sections, Section{Instrument: "x", Title: "X", Rows: []Row{{Product: fmt.Sprint("p", i), Open: 1}}})
	}
	b.Reset()
	if err := Render(&b, r, "html"); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("and %d more rows", r.SectionRows-maxRows); !strings.Contains(b.String(), want) {
		t.Errorf("the page does not say %q", want)
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	f.Add([]byte(`{"version":1,"at":"2026-03-02T12:00:00Z","open":3,"findings":{"F-1":"open","F-2":"remediated"}}`))
	f.Add([]byte(`{"version":2,"open":3,"stale":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeSnapshot(b)
		if err != nil {
			return
		}
		// A snapshot that decodes is of a known version and encodes
		// again as it decoded.
		if s.Version != 1 && s.Version != SnapshotVersion {
			t.Errorf("decoded version %d", s.Version)
		}
		again, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := DecodeSnapshot(again)
		if err != nil || s2 != s {
			t.Errorf("round trip: %+v, %v; want %+v", s2, err, s)
		}
	})
}
