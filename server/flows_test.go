package server

import (
	"bytes"
	"encoding/csv"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// flowsReport is a flows report (as `embargo flows -o json` writes it)
// of traffic to Kaspersky and to an address registered in Germany.
func flowsReport(t *testing.T, bytesOut uint64) []byte {
	t.Helper()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	rep := &report.Report{Tool: report.Tool{Name: "embargo", Version: "test"}, Generated: at}
	res := &collect.Result{Stats: collect.Stats{Flows: 4}}
	res.Aggregates = []collect.Aggregate{
		{System: "one-off", Classification: "OFFICIAL", Destination: "entity:kaspersky-ao", Entity: "kaspersky-ao",
			EntityName: "AO Kaspersky Lab", ControllingCountry: "RU", DecidedBy: "name", RegisteredCountries: []string{"CH"},
			ASNs: []uint32{200107}, Names: []string{"ksn-a-p.kaspersky-labs.com"}, BytesOut: bytesOut, BytesIn: 100, Flows: 3,
			First: at.Add(-time.Hour), Last: at},
		{System: "one-off", Classification: "OFFICIAL", Destination: "country:DE", ControllingCountry: "DE", DecidedBy: "country",
			RegisteredCountries: []string{"DE"}, BytesOut: 5 << 20, Flows: 1, First: at, Last: at},
	}
	rep.SetTraffic([]collect.Input{{Source: "conn.log", Reader: "zeek", Records: 4}}, res, nil)
	var buf bytes.Buffer
	if err := (report.JSON{}).Encode(&buf, rep); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadFlows(t *testing.T) { testUploadFlows(t, sqliteEngine) }

func testUploadFlows(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	a := f.enroll("ws-0001", "DWP") // SECRET by the register
	body := flowsReport(t, 2048)
	code, resp, _ := a.upload("flows", body, nil)
	if code != http.StatusCreated {
		t.Fatalf("flows upload: %d %s", code, resp)
	}
	if code, resp, _ = a.upload("flows", body, nil); code != http.StatusOK {
		t.Fatalf("same flows again: %d %s; want 200 duplicate", code, resp)
	}
	var fs []store.FlowFinding
	f.login("admin").getJSON("/api/v1/flows?host="+a.id, http.StatusOK, &fs)
	if len(fs) != 1 {
		t.Fatalf("flow findings %+v; want one, on Kaspersky (Germany is no restricted destination)", fs)
	}
	x := fs[0]
	if x.Destination != "entity:kaspersky-ao" || x.BytesOut != 2048 || x.Department != "DWP" || x.Effect != "prohibit" {
		t.Fatalf("flow finding %+v", x)
	}
	// The finding's page reads the traffic's evidence: its chain, the
	// catalogue's entry by name.
	if code, page := f.login("admin").do("GET", "/findings/"+x.ID, nil, nil); code != http.StatusOK ||
		!strings.Contains(string(page), `<a href="/catalogue/kaspersky-ao">AO Kaspersky Lab</a>`) || strings.Contains(string(page), "cannot be read") ||
		!strings.Contains(string(page), "ksn-a-p.kaspersky-labs.com") {
		t.Errorf("the traffic finding's page: %d\n%.3000s", code, page)
	}
	// The export filters by kind: the traffic finding alone, named so.
	code, csvBody := f.login("admin").do("GET", "/api/v1/export/findings?format=csv&kind=traffic&state=standing", nil, nil)
	rows, err := csv.NewReader(bytes.NewReader(csvBody)).ReadAll()
	if code != http.StatusOK || err != nil || len(rows) != 2 || rows[1][len(rows[1])-2] != "traffic" {
		t.Errorf("export of traffic findings: %d %v %q", code, err, rows)
	}
	// A later report adds up.
	a.upload("flows", flowsReport(t, 1000), nil)
	f.login("admin").getJSON("/api/v1/flows?host="+a.id, http.StatusOK, &fs)
	if len(fs) != 1 || fs[0].BytesOut != 3048 {
		t.Fatalf("after a second report: %+v; want bytes summed to 3048", fs)
	}
	if code, resp, _ := a.upload("flows", []byte(`{"aggregates": 7}`), nil); code != http.StatusBadRequest {
		t.Fatalf("malformed flows: %d %s; want 400", code, resp)
	}
	// A counter past what a store keeps is refused by name, and the
	// dashboard stays up (issue 14: 2^64-1 bytes made every page fail).
	for _, n := range []uint64{math.MaxUint64, math.MaxInt64, store.MaxCounter + 1} {
		code, resp, _ := a.upload("flows", flowsReport(t, n), nil)
		if code != http.StatusBadRequest || !strings.Contains(string(resp), "traffic.aggregates[0].bytes_out") {
			t.Errorf("bytes_out %d: %d %s; want 400 naming the field", n, code, resp)
		}
	}
	if code, resp, _ := a.upload("flows", flowsReport(t, store.MaxCounter), nil); code != http.StatusCreated {
		t.Errorf("bytes_out at the cap: %d %s; want 201", code, resp)
	}
	admin := f.login("admin")
	admin.getJSON("/api/v1/overview", http.StatusOK, nil)
	for _, page := range []string{"/", "/egress", "/hosts/" + a.id} {
		if code, body := admin.do("GET", page, nil, nil); code != http.StatusOK {
			t.Errorf("%s after a counter at the cap: %d %.200s", page, code, body)
		}
	}
	admin.getJSON("/api/v1/flows?host="+a.id, http.StatusOK, &fs)
	if len(fs) != 1 || fs[0].BytesOut != store.MaxCounter {
		t.Errorf("after a counter at the cap: %+v; want bytes out saturated at %d", fs, store.MaxCounter)
	}
	// Each route takes its own kind of report: a scan is no traffic, and
	// traffic is no scan.
	if code, resp, _ := a.upload("flows", scanReport(t), nil); code != http.StatusBadRequest || !strings.Contains(string(resp), "no traffic section") {
		t.Errorf("a scan uploaded as flows: %d %s; want 400", code, resp)
	}
	if code, resp, _ := a.upload("inventory", flowsReport(t, 1), nil); code != http.StatusBadRequest || !strings.Contains(string(resp), "upload flows to") {
		t.Errorf("flows uploaded as a scan: %d %s; want 400", code, resp)
	}
}
