package server

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// The size of BenchmarkIngestDevices' pull: 10,000 phones of 150 apps
// each by default, smaller for a quick look.
var (
	benchPhones = flag.Int("bench-phones", 10_000, "phones in BenchmarkIngestDevices' pull")
	benchApps   = flag.Int("bench-apps", 150, "apps per phone in BenchmarkIngestDevices' pull")
)

// benchPull is one pull of n phones of apps apps each, as `embargo scan`
// of a device manager's pages makes it: every phone with TikTok and
// WeChat among apps-2 apps no rule judges (each phone's own selection of
// 1,000), one in four personal (its work profile listed), one in ten of
// unknown ownership.
func benchPull(n, apps int) *report.Report {
	rep := &report.Report{Tool: report.Tool{Name: "embargo", Version: "bench"}, Inputs: []report.Input{{Source: "intune", Reader: "intune"}}}
	rep.Items = make([]report.Entry, 0, n*apps)
	for i := range n {
		id := fmt.Sprintf("%08x-bench", i)
		host := inventory.DeviceHost("intune", id)
		d := inventory.ManagedDevice{Host: host, MDM: "intune", ID: id, Name: fmt.Sprintf("DWP-PHONE-%05d", i), Platform: inventory.PlatformAndroid,
			Ownership: inventory.Corporate, User: fmt.Sprintf("user%05d@dwp.example", i), Apps: apps}
		switch {
		case i%4 == 0:
			d.Ownership, d.Scope = inventory.Personal, inventory.ScopeWorkProfile
		case i%10 == 1:
			d.Ownership = ""
		}
		rep.Devices = append(rep.Devices, d)
		for j := range apps {
			pkg := fmt.Sprintf("com.example.app%04d", (i*7+j*13)%1000)
			switch j {
			case 0:
				pkg = tiktok
			case 1:
				pkg = "com.tencent.mm"
			}
			it := &inventory.Item{Type: inventory.Application, Ecosystem: "android", Name: pkg, Version: fmt.Sprintf("%d.0", j%9),
				Location: inventory.Location{Source: "intune/detectedApps", Host: host}}
			it.Add(inventory.AndroidID, pkg)
			it.SetID()
			rep.Items = append(rep.Items, report.Entry{Item: it})
		}
	}
	return rep
}

// BenchmarkIngestDevices: IngestDevices of one pull of 10,000 phones of
// 150 apps each into a SQLite store, the first pull (every host new) and
// the next day's (every host kept, its findings standing), each timed
// whole, with per phone and phones a second reported; then the devices
// list's reads over them.
//
//	go test -run '^$' -bench IngestDevices -benchtime 1x ./server/
//	go test -run '^$' -bench IngestDevices -benchtime 1x ./server/ -bench-phones 1000
func BenchmarkIngestDevices(b *testing.B) {
	n, apps := *benchPhones, *benchApps
	rep := benchPull(n, apps)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	pull := func(b *testing.B, s *Server, at time.Time) IngestSummary {
		sum, err := s.IngestDevices(ctx, "DWP", "intune-dwp", rep, at)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Judged != n || len(sum.Failed) != 0 || sum.Findings < n {
			b.Fatalf("summary: %d judged, %d failed, %d findings; want %d judged with findings", sum.Judged, len(sum.Failed), sum.Findings, n)
		}
		return sum
	}
	rate := func(b *testing.B) {
		per := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
		b.ReportMetric(per/1e6, "ms/phone")
		b.ReportMetric(1e9/per, "phones/s")
	}
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			s, _ := benchServer(b)
			b.StartTimer()
			if sum := pull(b, s, at); sum.New != n {
				b.Fatalf("%d new hosts, want %d", sum.New, n)
			}
		}
		rate(b)
	})
	s, st := benchServer(b)
	b.Run("again", func(b *testing.B) {
		b.StopTimer()
		pull(b, s, at)
		b.StartTimer()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if sum := pull(b, s, at.Add(time.Duration(i)*24*time.Hour)); sum.New != 0 {
				b.Fatalf("%d new hosts on the next pull", sum.New)
			}
		}
		rate(b)
	})
	// The devices page's read of the department (its first 201 rows) and
	// the export's first page, over the pull's findings.
	for _, c := range []struct {
		name string
		f    store.DeviceFilter
	}{
		{"page", store.DeviceFilter{Department: "DWP", Limit: 201}},
		{"export-page", store.DeviceFilter{Department: "DWP", ByID: true, Limit: exportPage}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				rows, err := st.DeviceFindings(ctx, store.System, c.f)
				if err != nil || len(rows) == 0 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
	}
}
