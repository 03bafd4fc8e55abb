package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/report"
)

// The CSV of traffic not judged by policy: one row per aggregate, its
// status restricted or not-attributed and its source addresses; then
// one row per bad record, status unknown, with where it is and why, as
// a scan's CSV lists its unknowns.
func TestTrafficCSVRows(t *testing.T) {
	r := trafficReport(t)
	enc, err := report.LookupTraffic("csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(encode(t, enc, r))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(report.TrafficCSVHeader, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	aggs, bads := r.Traffic.Aggregates, r.Traffic.Bads
	if len(rows) != 1+len(aggs)+len(bads) || len(bads) == 0 {
		t.Fatalf("%d rows for %d aggregates and %d bad records", len(rows), len(aggs), len(bads))
	}
	for i, a := range aggs {
		row := rows[1+i]
		status := report.StatusNotAttributed
		if a.Entity != "" {
			status = report.StatusRestricted
		}
		var srcs []string
		for _, s := range a.Sources {
			srcs = append(srcs, s.String())
		}
		if row[col["status"]] != status || row[col["source_addresses"]] != strings.Join(srcs, " ") || len(srcs) == 0 ||
			row[col["destination"]] != a.Destination || row[col["reason"]] != "" {
			t.Errorf("row %d %q for %+v", i+1, row, a)
		}
	}
	for i, b := range bads {
		row := rows[1+len(aggs)+i]
		if row[col["status"]] != report.StatusUnknown || row[col["sample"]] != b.Where.String() || row[col["reason"]] != b.Reason ||
			row[col["system"]] != "" || row[col["destination"]] != "" {
			t.Errorf("row %q for the bad record %+v", row, b)
		}
	}
}

// The traffic table names the source hosts of each aggregate, and heads
// the findings of the egress pack with that pack's id: its instrument's
// id, which heads the group, is the id of the anti-virus pack.
func TestTrafficTableSourcesAndPacks(t *testing.T) {
	enc, err := report.LookupTraffic("table")
	if err != nil {
		t.Fatal(err)
	}
	r := trafficReport(t, "uk-ncsc-2017-russia-egress")
	out := string(encode(t, enc, r))
	// At this width the sources go to each row's second line.
	for _, want := range []string{"sources 10.0.0.5 · ", "sources 192.168.7.21 +4 · ",
		"uk-ncsc-2017-russia-av — pack uk-ncsc-2017-russia-egress: NCSC 2017, traffic to Russia-based providers (egress)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "uk-ncsc-2017-russia-av — NCSC") {
		t.Errorf("a heading names the instrument's id as if it were the pack:\n%s", out)
	}
	for _, f := range r.Findings {
		if strings.HasPrefix(f.Title, "pack ") {
			t.Errorf("writing the table changed the report's finding title %q", f.Title)
		}
	}
}
