package report_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// TestJSONSchema validates json output against schema/report.schema.json:
// the fixture, a report with ties and notes, one with a failed input, and
// the fixture judged by policy, with findings.
func TestJSONSchema(t *testing.T) {
	s := compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}})
	cases := map[string]*report.Report{
		"fixture":      fixedReport(t),
		"failed input": scanReport(t, fixture, garbage(t)),
		"directory":    scanReport(t, dpkgTree(t)),
		"tie":          scanReport(t, writeFile(t, "tie.cdx.json", tieBOM)),
		"findings":     policyReport(t),
		"no findings":  noFindingsReport(t),
		"equipment":    equipmentReport(t),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			validate(t, s, name, encode(t, report.JSON{}, r))
		})
	}
	if e := cases["tie"].Items[0]; e.Attribution == nil || len(e.Attribution.Ties) == 0 {
		t.Error("the tie report has no tie; the ties case is not covered")
	}
	if len(cases["directory"].Notes) == 0 {
		t.Error("the directory report has no notes; the notes case is not covered")
	}
}

// equipmentReport holds two cameras: one sold under a label no rebrand
// covers (attributed by its MAC block), one covered by a rebrand fact.
func equipmentReport(t *testing.T) *report.Report {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	r := &report.Report{Tool: report.Tool{Name: "embargo", Version: "test"}, Catalog: report.Catalog{Digest: cat.Digest()},
		Inputs: []report.Input{{Source: "assets.csv", Reader: "asset-register", Format: "asset register CSV", Items: 2}}}
	for i, attrs := range [][]string{{"manufacturer", "Acme", "mac", "44:19:b6:12:34:56", "ip", "10.20.0.7"},
		{"manufacturer", "Lorex", "acquired", "2020-06-15"}} {
		it := &inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: "camera", Location: inventory.Location{Source: "assets.csv", Line: i + 2}}
		for j := 0; j+1 < len(attrs); j += 2 {
			it.Add(inventory.Field(attrs[j]), attrs[j+1])
		}
		it.SetID()
		at := a.Attribute(it)
		if at == nil || at.SoldAs == nil {
			t.Fatalf("camera %d: no sold-as attribution: %+v", i, at)
		}
		r.Items = append(r.Items, report.Entry{Item: it, Attribution: at})
	}
	r.Recount()
	return r
}

func TestJSONSchemaBites(t *testing.T) {
	s := compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}})
	inst := []byte(`{"$schema":"x","schema_version":"1.0","tool":{"name":"embargo","version":"1"},"generated":"2025-01-01T00:00:00Z",
	"catalog":{"digest":"sha256:00","entities":1,"products":1,"identifiers":1},"inputs":[],"summary":{},"items":[],"unknowns":[]}`)
	if err := validateErr(s, inst); err == nil {
		t.Error("an invalid report validated")
	}
}

const tieBOM = `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
 {"type":"application","name":"x","publisher":"AO Kaspersky Lab","supplier":{"name":"ZTE Corporation"}}]}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dpkgTree is a directory target holding a dpkg database.
func dpkgTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	data, err := os.ReadFile("../inventory/dpkg/testdata/status")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "var/lib/dpkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}
