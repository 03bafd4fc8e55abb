package report_test

import (
	"os"
	"path/filepath"
	"testing"

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
