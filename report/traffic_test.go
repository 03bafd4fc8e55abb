package report_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/flows"
	"github.com/embargo-dev/embargo/ipdata"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
)

// zeekLogs are Zeek logs with traffic to DeepSeek and Hikvision (by TLS
// and DNS names) and to Kaspersky's network (by ASN), and some bad lines.
var zeekLogs = []string{"../egress/zeek/testdata/conn.log", "../egress/zeek/testdata/dns.log", "../egress/zeek/testdata/ssl.log",
	"testdata/kaspersky-conn.log"}

// trafficLookup stands in for IP data, so that the goldens do not move
// with the embedded snapshot: Kaspersky's Swiss network, a Russian
// address, and everything else registered in Germany.
func trafficLookup(a netip.Addr) destination.AddrInfo {
	switch {
	case a.Is4() && a.As4()[0] == 91:
		return destination.AddrInfo{Country: "CH", ASN: 41983, ASOrg: "Kaspersky Lab Switzerland GmbH"}
	case a.Is4() && a.As4()[0] == 95:
		return destination.AddrInfo{Country: "RU", ASN: 64501, ASOrg: "Example Telecom"}
	}
	return destination.AddrInfo{Country: "DE", ASN: 64502, ASOrg: "Example GmbH"}
}

// trafficReport runs the real traffic pipeline (flows.Run, and with
// packs the judge) over the Zeek logs, as from a SECRET system,
// at a fixed time.
func trafficReport(t *testing.T, packs ...string) *report.Report {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	sys := systems.System{ID: "one-off", Classification: "SECRET"}
	meta := ipdata.Meta{Name: "test-ipdata", Built: generated.Add(-24 * time.Hour), Digest: "sha256:" + strings.Repeat("0", 64),
		Sources: []ipdata.Source{{Name: "test", License: "CC0-1.0"}}}
	r, err := flows.Run(context.Background(), append(slices.Clone(zeekLogs), "testdata/missing.log"), flows.Options{
		Options: collect.Options{Catalog: cat, Lookup: trafficLookup, Sources: collect.OneOffSources(sys)},
		IPData:  func() (*report.IPData, error) { return report.IPDataOf(meta), nil },
		Version: "1.0.0-test", Now: generated,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(packs) > 0 {
		var ps []*policy.Pack
		for _, id := range packs {
			p, err := policy.BuiltinPack(id)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		e, err := policy.NewEngine(cat, systems.UKScale(), ps...)
		if err != nil {
			t.Fatal(err)
		}
		j := &judge.Judge{Engine: e, SystemsName: systems.OneOffID, FailOn: policy.Prohibit, Now: generated}
		r.SetVerdict(j.Traffic(r.Traffic.Aggregates, (*collect.Aggregate).SourceSystem))
	}
	return r
}

// The traffic report in every format that can write it, with and without
// a policy, against golden files.
func TestTrafficGolden(t *testing.T) {
	plain, judged := trafficReport(t), trafficReport(t, "uk-ncsc-2017-russia-egress", "us-fcc-covered-list")
	// Guard the fixture: the goldens describe traffic to catalogued
	// entities, a failed input, bad records and a prohibit finding.
	if plain.Summary.Attributed == 0 || plain.Summary.FailedInputs != 1 || len(plain.Unknowns) == 0 || plain.Inputs[0].Items == 0 {
		t.Fatalf("fixture changed: summary %+v, inputs %+v", plain.Summary, plain.Inputs)
	}
	if judged.Summary.Findings == nil || judged.Summary.Findings.Failing == 0 {
		t.Fatalf("fixture changed: findings %+v", judged.Summary.Findings)
	}
	var names []string
	for _, e := range report.TrafficEncoders() {
		names = append(names, e.Name())
		if e.Name() == "csv-excel" {
			continue // the csv golden with a BOM and CRLF: see TestCSVExcel
		}
		// The logs are in another package: the module is the source
		// root, as the repository's root would be.
		e, err := report.Configure(e, report.Options{SourceRoot: ".."})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			r    *report.Report
		}{{"traffic", plain}, {"traffic-findings", judged}} {
			if tc.name == "traffic" && e.Name() == "sarif" {
				continue // SARIF lists findings: see TestTrafficRefused
			}
			t.Run(tc.name+"."+e.Name(), func(t *testing.T) {
				golden(t, tc.name+"."+ext(e.Name()), encode(t, e, tc.r))
			})
		}
	}
	if diff := cmp.Diff([]string{"table", "json", "csv", "csv-excel", "sarif"}, names); diff != "" {
		t.Errorf("traffic formats (-want +got):\n%s", diff)
	}
}

// ext is the golden file's extension for a format.
func ext(format string) string {
	if format == "table" {
		return "txt"
	}
	return format
}

// What cannot describe traffic says so instead of writing an empty
// document: CycloneDX (software only), SARIF without findings.
func TestTrafficRefused(t *testing.T) {
	r := trafficReport(t)
	for _, name := range []string{"cyclonedx", "sarif"} {
		e, err := report.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := e.Encode(&b, r); err == nil || b.Len() > 0 {
			t.Errorf("%s of traffic: %d bytes, error %v; want an error and nothing written", name, b.Len(), err)
		}
	}
	if _, err := report.LookupTraffic("cyclonedx"); err == nil || !strings.Contains(err.Error(), "table, json, csv, csv-excel, sarif") {
		t.Errorf("LookupTraffic(cyclonedx) = %v", err)
	}
}

// The traffic JSON follows the report schema, and the schema describes
// every field the traffic types write.
func TestTrafficSchema(t *testing.T) {
	s := compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}})
	validate(t, s, "traffic", encode(t, report.JSON{}, trafficReport(t)))
	validate(t, s, "traffic findings", encode(t, report.JSON{}, trafficReport(t, "uk-ncsc-2017-russia-egress", "us-fcc-covered-list")))

	doc := readJSON(t, "../schema/report.schema.json").(map[string]any)
	defs := doc["$defs"].(map[string]any)
	props := func(def any) []string {
		var keys []string
		for k := range def.(map[string]any)["properties"].(map[string]any) {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	}
	traffic := defs["traffic"].(map[string]any)["properties"].(map[string]any)
	ipd := defs["ipdata"].(map[string]any)["properties"].(map[string]any)
	for _, tc := range []struct {
		name string
		v    any
		def  any
	}{
		{"traffic", report.Traffic{}, defs["traffic"]},
		{"stats", collect.Stats{}, traffic["stats"]},
		{"aggregate", collect.Aggregate{}, defs["aggregate"]},
		{"sample", egress.Location{}, defs["aggregate"].(map[string]any)["properties"].(map[string]any)["samples"].(map[string]any)["items"]},
		{"ipdata", report.IPData{}, defs["ipdata"]},
		{"ipdata source", report.IPDataSource{}, ipd["sources"].(map[string]any)["items"]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(jsonFields(reflect.TypeOf(tc.v)), props(tc.def)); diff != "" {
				t.Errorf("fields (-written +in the schema):\n%s", diff)
			}
		})
	}
}

// The schema refuses a traffic report that is not one.
func TestTrafficSchemaBites(t *testing.T) {
	s := compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}})
	out := encode(t, report.JSON{}, trafficReport(t, "uk-ncsc-2017-russia-egress"))
	scanOut := encode(t, report.JSON{}, fixedReport(t))
	traffic := func(d map[string]any) map[string]any { return d["traffic"].(map[string]any) }
	aggregate := func(d map[string]any) map[string]any { return traffic(d)["aggregates"].([]any)[0].(map[string]any) }
	for _, tc := range []struct {
		name   string
		breakf func(doc map[string]any)
	}{
		{"items beside traffic", func(d map[string]any) {
			var scan map[string]any
			unmarshal(t, scanOut, &scan)
			d["items"] = scan["items"]
		}},
		{"no aggregates", func(d map[string]any) { delete(traffic(d), "aggregates") }},
		{"unknown traffic field", func(d map[string]any) { traffic(d)["bad_records"] = []any{} }},
		{"destination of no kind", func(d map[string]any) { aggregate(d)["destination"] = "kaspersky" }},
		{"decided by nothing known", func(d map[string]any) { aggregate(d)["decided_by"] = "guess" }},
		{"negative bytes", func(d map[string]any) { aggregate(d)["bytes_out"] = -1 }},
		{"finding on no item or destination", func(d map[string]any) { findingAt(d, 0)["item"] = "kaspersky" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			unmarshal(t, out, &doc)
			tc.breakf(doc)
			bad, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if validateErr(s, bad) == nil {
				t.Errorf("a broken report validates")
			}
		})
	}
}

// IPDataOf names the snapshot a report used, with every dataset behind
// it.
func TestIPDataOf(t *testing.T) {
	db, err := ipdata.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	m := db.Meta()
	d := report.IPDataOf(m)
	if d.Name != m.Name || d.Digest != m.Digest || !d.Built.Equal(m.Built) || len(m.Sources) == 0 || len(d.Sources) != len(m.Sources) ||
		d.Sources[0].License != m.Sources[0].License || d.Sources[0].Attribution != m.Sources[0].Attribution {
		t.Errorf("IPDataOf = %+v, snapshot %+v", d, m)
	}
}
