package web

import (
	"context"
	"net/http"
	"net/http/httptest"
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
		if _, err := deptreport.Build(context.Background(), st, webtest.Admin, "DWP", webtest.Now); err != nil {
			b.Fatal(err)
		}
	}
}
