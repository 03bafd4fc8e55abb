package web

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/server/deptreport"
	"github.com/embargo-dev/embargo/server/web/webtest"
	"github.com/embargo-dev/embargo/store"
)

// benchHosts is the size of the benchmarks' estate: two departments of
// this many hosts, each with four findings.
const benchHosts = 1000

func benchFleet(b *testing.B) store.Store {
	b.Helper()
	st := webtest.Open(b)
	webtest.SeedHosts(b, st, "DWP", benchHosts, 4)
	webtest.SeedHosts(b, st, "HMRC", benchHosts, 4)
	return st
}

// BenchmarkPages serves the overview and a department's page to an admin
// over a SQLite store of 2 × benchHosts hosts.
func BenchmarkPages(b *testing.B) {
	st := benchFleet(b)
	h := New(st, Options{
		ViewerFrom: func(*http.Request) (store.Viewer, bool) { return webtest.Admin, true },
		CSRFToken:  func(*http.Request) string { return "t" },
		Now:        func() time.Time { return webtest.Now },
	})
	for _, path := range []string{"/", "/departments/DWP", "/reports/DWP", "/egress", "/trends"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", path, w.Code)
				}
			}
		})
	}
}

// BenchmarkDepartmentReport builds one department's report.
func BenchmarkDepartmentReport(b *testing.B) {
	st := benchFleet(b)
	for b.Loop() {
		if _, err := deptreport.Build(context.Background(), st, webtest.Admin, "DWP", webtest.Now, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// largeHosts is the size of BenchmarkLargeDepartment's department: 5,000
// hosts of 20 findings is one of the ten departments of the fleet
// benchmark's 50,000 systems (bench/fleet.sh); the pages' queries read
// ranges of indexes that begin with the department, so the other nine
// change little but the set-up time.
var largeHosts = flag.Int("large-hosts", 5000, "hosts of the department BenchmarkLargeDepartment serves")

// seedLarge enrols n hosts in department dept and applies one scan to
// each with perHost findings with evidence of the size ingest keeps
// (about 2.5 KB): deadlines spread a year either side of webtest.Now
// and a tenth without one; scans up to three days old, and a twentieth
// of the hosts not scanned for 40 days.
func seedLarge(b *testing.B, st store.Store, dept string, n, perHost int) {
	b.Helper()
	ctx := context.Background()
	sum := sha256.Sum256([]byte("large-token-" + dept))
	err := st.CreateEnrollmentToken(ctx, store.System, store.EnrollmentToken{Hash: sum[:], Department: dept,
		Created: webtest.Now.AddDate(0, 0, -30), Expires: webtest.Now.AddDate(1, 0, 0), Uses: n})
	if err != nil {
		b.Fatal(err)
	}
	evidence := fmt.Sprintf(`{"finding":{"rule":"supplier-ban","clause":%q},"entry":{"name":"kesl","evidence":%q}}`,
		strings.Repeat("covered software of a restricted supplier; ", 20), strings.Repeat("dpkg status: kesl 11.2.0.4528 ", 50))
	for i := range n {
		id := fmt.Sprintf("agent-%s-%05d", dept, i)
		secret := sha256.Sum256([]byte(id))
		if _, err := st.Enroll(ctx, sum[:], store.Agent{ID: id, Host: fmt.Sprintf("%s-ws-%05d", dept, i), SecretHash: secret[:]}, webtest.Now.AddDate(0, 0, -50)); err != nil {
			b.Fatal(err)
		}
		fs := make([]store.Finding, perHost)
		for j := range fs {
			var deadline time.Time
			if j%10 != 9 {
				deadline = webtest.Now.AddDate(0, 0, (i*7+j*37)%730-365).Truncate(24 * time.Hour)
			}
			fs[j] = store.Finding{ID: fmt.Sprintf("F-%s-%d", id, j), Pack: "bench", Rule: "supplier-ban", Instrument: fmt.Sprintf("instrument-%d", j%6),
				Title: "Remove restricted supplier software", Effect: "remove-by", Item: fmt.Sprintf("item-%d", j), Version: "1.0",
				Supplier: "kaspersky-ao", Country: "RU", Deadline: deadline, Evidence: json.RawMessage(evidence)}
		}
		at := webtest.Now.Add(-time.Duration(i%72) * time.Hour)
		if i%20 == 0 {
			at = webtest.Now.AddDate(0, 0, -40)
		}
		webtest.Scan(b, st, id, "large", at, store.Host{SystemID: "desktops", SystemName: dept + " desktops", Owner: "owner@" + dept, Items: 2000}, fs)
	}
}

// BenchmarkLargeDepartment serves the department page and the printable
// report of a department of -large-hosts hosts (20 findings each) to an
// admin and to the department's officer, with and without a report
// sent before, and reports each request's 95th percentile.
func BenchmarkLargeDepartment(b *testing.B) {
	st := webtest.Open(b)
	start := time.Now()
	seedLarge(b, st, "DWP", *largeHosts, 20)
	webtest.SeedHosts(b, st, "HMRC", 100, 4)
	b.Logf("seeded %d hosts in %v", *largeHosts+100, time.Since(start).Round(time.Second))
	h := func(v store.Viewer) http.Handler {
		return New(st, Options{
			ViewerFrom: func(*http.Request) (store.Viewer, bool) { return v, true },
			CSRFToken:  func(*http.Request) string { return "t" },
			Now:        func() time.Time { return webtest.Now },
		})
	}
	get := func(name string, h http.Handler, path string) {
		b.Run(name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t := time.Now()
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				took = append(took, time.Since(t))
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", path, w.Code)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
	admin, officer := h(webtest.Admin), h(webtest.DWPOfficer)
	get("department/admin", admin, "/departments/DWP")
	get("department/officer", officer, "/departments/DWP")
	get("report/admin", admin, "/reports/DWP")
	// A report sent a day and a half ago: half the hosts were first
	// scanned since, so half the department's findings are new.
	sent := deptreport.Report{Department: "DWP", Generated: webtest.Now.Add(-36 * time.Hour)}
	if err := deptreport.Save(context.Background(), st, webtest.Admin, sent); err != nil {
		b.Fatal(err)
	}
	get("report-since/officer", officer, "/reports/DWP")
}
