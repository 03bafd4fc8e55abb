package web

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// TestPagesRenderHandBuilt renders every page from values built by hand,
// including empty ones, without a store.
func TestPagesRenderHandBuilt(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	p := Page{Title: "T <x>", Viewer: store.Viewer{Username: "ada", Role: store.Admin}, CSRF: "tok", Now: now, CanAct: true, IsAdmin: true}
	f := store.Finding{ID: "F-1", HostID: "h1", Department: "DWP", Instrument: "us-bod-17-01", Item: "kesl <b>",
		State: store.Open, Deadline: now.AddDate(0, 0, -3), FirstSeen: now.AddDate(0, -1, 0)}
	pages := map[string]any{
		"overview": overviewData(p, store.Overview{}, nil, nil, store.PolicyVersion{Version: 2, Done: 1, Reason: "r <x>"}, nil),
		"department": departmentData(p, "DWP", store.DepartmentFacts{Hosts: 1, Open: 1, Findings: []store.DepartmentFinding{{Finding: f, Host: "ws-1"}}},
			[]store.Host{{ID: "h1", Host: "ws-1"}}, nil),
		"host":    hostPage{Page: p, Host: store.Host{ID: "h1"}, InventoryError: "broken"},
		"finding": findingData(p, f, nil),
		"waivers": waiversPage{Page: p},
		"waiver":  waiverData(p, store.Waiver{ID: 1, State: store.Requested, RequestedBy: "dora"}),
		"egress":  egressData(p, nil, nil),
		"trends":  trendsPage{Page: p},
		"data": dataPage{Page: p, Policy: store.PolicyVersion{Version: 3, Done: 2, Reason: "feed <x>"},
			Feeds: []store.FeedBundle{{FeedVersion: 2, DataDigest: "d <x>", InstalledBy: "ada"}}},
		"feedchanges": feedChangesPage{Page: p, Feed: store.FeedBundle{FeedVersion: 2},
			Changes: []store.FindingChange{{FindingID: "F-1", HostID: "h1", Item: "kesl <b>", Became: "out_of_scope"}}, More: true},
		"error": errorPage{Page: p, Code: 404, Message: "no"},
	}
	ps, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range pages {
		var b bytes.Buffer
		if err := ps.execute(&b, name, data); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if strings.Contains(b.String(), "<b>\"") || strings.Contains(b.String(), "T <x>") {
			t.Errorf("%s: unescaped text", name)
		}
		if strings.Contains(b.String(), "<script") || strings.Contains(b.String(), " style=") {
			t.Errorf("%s: inline script or style", name)
		}
	}
}

func TestBarChartEscapes(t *testing.T) {
	svg := string(barChart(`a "title"`, []Bar{{Label: `<script>alert(1)</script>`, Href: `/departments/a"b`, Value: 3, Overdue: 1, Text: "3"}}))
	if strings.Contains(svg, "<script>") || strings.Contains(svg, `a"b`) {
		t.Errorf("unescaped: %s", svg)
	}
	var v struct{}
	if err := xml.Unmarshal([]byte(svg), &v); err != nil {
		t.Errorf("the chart is not well-formed: %v\n%s", err, svg)
	}
}

func TestTrendChart(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	svg := string(trendChart("t", []store.TrendPoint{{Day: day, Open: 4, Overdue: 1}, {Day: day.AddDate(0, 0, 1), Open: 2, Remediated: 2}}))
	for _, want := range []string{`class="line open"`, `class="line overdue"`, `class="line remediated"`, "2026-03-01", "2026-03-02"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the trend lacks %s", want)
		}
	}
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Errorf("not well-formed: %v", err)
	}
}

func TestWorldMap(t *testing.T) {
	if len(worldSVG) > 300<<10 {
		t.Errorf("world.svg is %d bytes, more than 300 KiB", len(worldSVG))
	}
	w := world()
	ids := map[string]bool{}
	for _, c := range w.Paths {
		if len(c.ID) != 2 || strings.ToUpper(c.ID) != c.ID || c.D == "" || c.Title == "" {
			t.Errorf("bad country %+v", c.ID)
		}
		if ids[c.ID] {
			t.Errorf("country %s twice", c.ID)
		}
		ids[c.ID] = true
	}
	for _, cc := range []string{"RU", "CN", "US", "GB", "DE", "CH", "SG", "HK", "IL", "AE", "TW", "KP", "IR", "BY"} {
		if !ids[cc] {
			t.Errorf("the map has no %s", cc)
		}
	}
	svg, missing := worldMap("m", map[string]uint64{"RU": 5 << 20, "SG": 3000, "ZZ": 9})
	if d := cmp.Diff([]string{"ZZ"}, missing); d != "" {
		t.Errorf("not on the map (-want +got):\n%s", d)
	}
	for _, want := range []string{`class="country c5" id="map-RU"`, `class="country c0" id="map-FR"`, "Russia: 5.0 MiB"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the map lacks %s", want)
		}
	}
}

func TestShade(t *testing.T) {
	got := []int{shade(1, 1e9), shade(1e3, 1e9), shade(1e6, 1e9), shade(1e9, 1e9), shade(5, 5), shade(1, 1)}
	if d := cmp.Diff([]int{1, 2, 3, 5, 5, 5}, got); d != "" {
		t.Errorf("shades (-want +got):\n%s", d)
	}
}

func TestEvidenceChain(t *testing.T) {
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, raw, want string
	}{
		{"entry", `{"finding":{"id":"F-1","deadline":"2026-03-12T00:00:00Z"},"entry":{"id":"I-1","name":"kesl","type":"application","location":{"source":"x"}}}`, "due in 10 days"},
		{"record", `{"finding":{"id":"F-1"},"item":{"id":"I-1","name":"kesl"}}`, "Item I-1: kesl"},
		{"traffic", `{"finding":{"id":"F-2"},"traffic":{"destination":"entity:kaspersky-ao","bytes_out":10}}`, "Finding    F-2"},
		{"finding only", `{"finding":{"id":"F-3","rule":"r"}}`, "Rule       r of pack"},
	} {
		got, err := evidenceChain([]byte(tt.raw), now)
		if err != nil || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %v\n%s\nwant %q", tt.name, err, got, tt.want)
		}
	}
	for _, raw := range []string{"", "{", `{"entry":5}`, strings.Repeat(" ", MaxEvidenceBytes+1)} {
		if _, err := evidenceChain([]byte(raw), now); err == nil {
			t.Errorf("evidence %.20q: no error", raw)
		}
	}
}

func FuzzEvidenceChain(f *testing.F) {
	f.Add([]byte(`{"finding":{"id":"F-1","deadline_rule":{"days_after":30,"from":"first-seen"}},"entry":{"id":"I-1","attribution":{"supplier":{"id":"k"},"control_chain":[{"id":"k"}],"evidence":[{}]}}}`))
	f.Add([]byte(`{"finding":{},"traffic":{"addresses":["192.0.2.1"],"asns":[1]}}`))
	f.Add([]byte(`{"finding":{"waiver":{"expired":true}},"item":{}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		evidenceChain(raw, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	})
}

func TestBytesText(t *testing.T) {
	got := []string{report.Bytes(0), report.Bytes(1023), report.Bytes(1536), report.Bytes(5 << 20), report.Bytes(1 << 62)}
	want := []string{"0 B", "1023 B", "1.5 KiB", "5.0 MiB", "4.0 EiB"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
