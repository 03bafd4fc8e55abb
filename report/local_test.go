package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

// localReport scans testdata/local.cdx.json with the embedded catalogue
// and the catalogue package's local test files: a local product of a
// built-in supplier, a local reseller, and an override of a built-in
// product; its data names them as the command line does.
func localReport(t *testing.T) *report.Report {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var files []catalog.LocalFile
	for _, name := range []string{"dwp.yaml", "override.yaml"} {
		data, err := os.ReadFile("../catalog/testdata/local/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, catalog.LocalFile{Name: "local/" + name, Data: data})
	}
	if cat, err = cat.WithLocal(files); err != nil {
		t.Fatal(err)
	}
	r, err := scan.Run(context.Background(), attribute.New(cat), []string{"testdata/local.cdx.json"}, scan.Options{Version: "1.0.0-test", Now: generated})
	if err != nil {
		t.Fatal(err)
	}
	r.Data = &report.Data{Source: "built-in", Catalog: report.DataTarget{Digest: cat.Digest()}, Packs: report.DataTarget{Digest: "0123456789abcdef"}}
	for _, f := range cat.Local().Files {
		r.Data.Local = append(r.Data.Local, report.DataLocal{File: f.Name, Digest: f.Digest})
	}
	for _, o := range cat.Local().Overrides {
		r.Data.Overrides = append(r.Data.Overrides, report.DataOverride{What: o.What, ID: o.ID, Replaced: o.Was.String(), By: o.By.String(), Reason: o.Reason})
	}
	return r
}

// TestLocalMarked: what local catalogue files decided is marked local in
// every format — the JSON attribution (valid against the schema) and its
// parts, the table, the CSV's local column, SARIF result properties and
// rule tags, CycloneDX component properties, the explanation — and the
// data names the local files with their digests and the overrides.
func TestLocalMarked(t *testing.T) {
	r := localReport(t)
	type marks struct {
		Name, Product, Supplier            string
		Local, ProductLocal, SupplierLocal bool
		Chain                              []bool
	}
	var got []marks
	for _, e := range r.Attributed() {
		v := e.Attribution.View()
		m := marks{Name: e.Name, Supplier: v.Supplier.ID, Local: v.Local, SupplierLocal: v.Supplier.Local}
		if v.Product != nil {
			m.Product, m.ProductLocal = v.Product.ID, v.Product.Local
		}
		for _, l := range v.ControlChain {
			m.Chain = append(m.Chain, l.Local)
		}
		got = append(got, m)
	}
	want := []marks{
		{Name: "dwp-kes-agent", Product: "dwp-kes-repack", Supplier: "kaspersky-ao", Local: true, ProductLocal: true, Chain: []bool{false}},
		{Name: "Remote Support", Supplier: "acme-resellers", Local: true, SupplierLocal: true, Chain: []bool{true, false}},
		{Name: "kesl-dwp", Product: "kaspersky-endpoint-security-linux", Supplier: "kaspersky-ao", Local: true, ProductLocal: true, Chain: []bool{false}},
		{Name: "klnagent64", Product: "kaspersky-security-center", Supplier: "kaspersky-ao", Chain: []bool{false}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attributions (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Catalog.Digest, "+local:sha256:") {
		t.Errorf("the report's catalogue digest %s does not say local files were used", r.Catalog.Digest)
	}

	s := compileSchema(t, report.SchemaURL, []schemaFile{{report.SchemaURL, readJSON(t, "../schema/report.schema.json")}})
	js := encode(t, report.JSON{}, r)
	validate(t, s, "local", js)
	var doc struct {
		Data report.Data `json:"data"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	builtin, _ := catalog.Embedded()
	was := builtin.Product("kaspersky-endpoint-security-linux").Pos.String()
	wantData := []report.DataOverride{{What: "product", ID: "kaspersky-endpoint-security-linux", Replaced: was,
		By: "local/override.yaml:4", Reason: "our build ships as kesl-dwp only (change CHG-1234)"}}
	if diff := cmp.Diff(wantData, doc.Data.Overrides); diff != "" || len(doc.Data.Local) != 2 || !strings.HasPrefix(doc.Data.Local[0].Digest, "sha256:") {
		t.Errorf("data: local %v, overrides (-want +got):\n%s", doc.Data.Local, diff)
	}
	golden(t, "local.txt", encode(t, report.Table{}, r))

	csvLocal := map[string]string{}
	for _, row := range readCSV(t, encode(t, report.CSV{}, r)) {
		csvLocal[row["name"]] = row["local"]
	}
	if diff := cmp.Diff(map[string]string{"dwp-kes-agent": "true", "Remote Support": "true", "kesl-dwp": "true", "klnagent64": "false", "dwp-kes-agent-tools": "", "ws-0142": ""}, csvLocal); diff != "" {
		t.Errorf("CSV local column (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		enc  report.Encoder
		want []string
	}{
		{report.SARIF{}, []string{`"local": true`, `"RU",
                  "local"
                ]`, `"overrides"`}},
		{report.CycloneDX{}, []string{`"name": "embargo:local",
          "value": "true"`, `"embargo:data:local"`, `"name": "embargo:data:override",
        "value": "product kaspersky-endpoint-security-linux (` + was + `) replaced by local/override.yaml:4: our build ships as kesl-dwp only (change CHG-1234)"`}},
	} {
		out := string(encode(t, c.enc, r))
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q", c.enc.Name(), w)
			}
		}
	}
	var b bytes.Buffer
	if err := report.Explain(&b, r.Attributed()[1]); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Supplier  Acme Resellers Ltd (acme-resellers), incorporated in GB [local]", "\n  Acme Resellers Ltd (GB) [local]\n", "Local     facts marked [local]"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("explanation lacks %q:\n%s", w, b.String())
		}
	}
}
