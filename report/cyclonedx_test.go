package report_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/cyclonedx"
	"github.com/embargo-dev/embargo/report"
)

const cdxModule = "github.com/CycloneDX/cyclonedx-go"

var cdxSchemas struct {
	once sync.Once
	dir  string
	docs []schemaFile
	ids  map[cdx.SpecVersion]string
	mu   sync.Mutex
	comp map[cdx.SpecVersion]*jsonschema.Schema
}

// cdxValidator compiles the CycloneDX JSON schema of version v as the
// cyclonedx-go module ships it (schema/bom-1.x.schema.json, with the
// spdx.schema.json and jsf-0.82.schemax.json it refers to), read from
// the module cache.
func cdxValidator(t *testing.T, v cdx.SpecVersion) *jsonschema.Schema {
	t.Helper()
	s := &cdxSchemas
	s.once.Do(func() {
		s.dir = moduleDir(t, cdxModule)
		s.ids = map[cdx.SpecVersion]string{}
		s.comp = map[cdx.SpecVersion]*jsonschema.Schema{}
		add := func(name string) string {
			doc := readJSON(t, filepath.Join(s.dir, "schema", name))
			id, _ := doc.(map[string]any)["$id"].(string)
			if id == "" {
				t.Fatalf("schema %s has no $id", name)
			}
			s.docs = append(s.docs, schemaFile{id, doc})
			return id
		}
		add("spdx.schema.json")
		add("jsf-0.82.schemax.json")
		for _, v := range []cdx.SpecVersion{cdx.SpecVersion1_2, cdx.SpecVersion1_3, cdx.SpecVersion1_4, cdx.SpecVersion1_5, cdx.SpecVersion1_6, cdx.SpecVersion1_7} {
			s.ids[v] = add(fmt.Sprintf("bom-%s.schema.json", v))
		}
	})
	if s.dir == "" {
		t.Fatal("the CycloneDX schemas could not be loaded")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.comp[v]; c != nil {
		return c
	}
	id, ok := s.ids[v]
	if !ok {
		t.Fatalf("no CycloneDX JSON schema for %s", v)
	}
	c := compileSchema(t, id, s.docs)
	s.comp[v] = c
	return c
}

func decodeBOM(t *testing.T, data []byte, format cdx.BOMFileFormat) *cdx.BOM {
	t.Helper()
	bom := new(cdx.BOM)
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), format).Decode(bom); err != nil {
		t.Fatalf("cyclonedx-go cannot decode it: %v", err)
	}
	return bom
}

// checkCDX validates CycloneDX output against the schema of the version
// it declares and decodes it with cyclonedx-go.
func checkCDX(t *testing.T, name string, out []byte) *cdx.BOM {
	t.Helper()
	bom := decodeBOM(t, out, cdx.BOMFileFormatJSON)
	validate(t, cdxValidator(t, bom.SpecVersion), name, out)
	return bom
}

func props(p *[]cdx.Property) []cdx.Property {
	if p == nil {
		return nil
	}
	return *p
}

func embargoProps(p *[]cdx.Property) []cdx.Property {
	var out []cdx.Property
	for _, x := range props(p) {
		if strings.HasPrefix(x.Name, report.PropPrefix) {
			out = append(out, x)
		}
	}
	return out
}

func propValues(p *[]cdx.Property, name string) []string {
	var out []string
	for _, x := range props(p) {
		if x.Name == name {
			out = append(out, x.Value)
		}
	}
	return out
}

func nodes(t *testing.T, bom *cdx.BOM) []cyclonedx.Node {
	t.Helper()
	var out []cyclonedx.Node
	if err := cyclonedx.Walk(bom, inventory.DefaultLimits.MaxDepth, func(n cyclonedx.Node) error {
		out = append(out, n)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func nodeProps(n cyclonedx.Node) *[]cdx.Property {
	if n.Component != nil {
		return n.Component.Properties
	}
	return n.Service.Properties
}

// stripEmbargo removes every "embargo:" property from a decoded BOM, so
// that what is left can be compared with the input; an empty list of
// properties becomes none.
func stripEmbargo(t *testing.T, bom *cdx.BOM) {
	t.Helper()
	strip := func(p *[]cdx.Property) *[]cdx.Property {
		if p == nil {
			return nil
		}
		var out []cdx.Property
		for _, x := range *p {
			if !strings.HasPrefix(x.Name, report.PropPrefix) {
				out = append(out, x)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return &out
	}
	for _, n := range nodes(t, bom) {
		if n.Component != nil {
			n.Component.Properties = strip(n.Component.Properties)
		} else {
			n.Service.Properties = strip(n.Service.Properties)
		}
	}
	if bom.Metadata != nil {
		bom.Metadata.Properties = strip(bom.Metadata.Properties)
		if len(props(bom.Metadata.Properties)) == 0 {
			bom.Metadata.Properties = nil
		}
		if *bom.Metadata == (cdx.Metadata{}) {
			bom.Metadata = nil
		}
	}
}

func TestCycloneDXFixture(t *testing.T) {
	r := fixedReport(t)
	out := encode(t, report.CycloneDX{}, r)
	bom := checkCDX(t, "fixture", out)
	if bom.SpecVersion != cdx.SpecVersion1_5 || bom.SerialNumber != "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" {
		t.Errorf("spec %s serial %s: the input's should be kept", bom.SpecVersion, bom.SerialNumber)
	}
	ns := nodes(t, bom)
	if len(ns) != 6 {
		t.Fatalf("%d components, want the input's 6", len(ns))
	}
	byRef := map[string]cyclonedx.Node{}
	for _, n := range ns {
		byRef[n.Ref] = n
	}
	keslProps := []cdx.Property{
		{Name: "embargo:item-id", Value: r.Items[1].ID},
		{Name: "embargo:supplier", Value: "kaspersky-ao"},
		{Name: "embargo:supplier-name", Value: "AO Kaspersky Lab"},
		{Name: "embargo:product", Value: "kaspersky-endpoint-security-linux"},
		{Name: "embargo:product-name", Value: "Kaspersky Endpoint Security for Linux"},
		{Name: "embargo:controlling-country", Value: "RU"},
		{Name: "embargo:control-chain", Value: "kaspersky-ao"},
		{Name: "embargo:confidence", Value: "high"},
		{Name: "embargo:score", Value: "95"},
		{Name: "embargo:tier", Value: "product"},
		{Name: "embargo:decided-by", Value: "deb_package:kesl"},
		{Name: "embargo:basis", Value: "the package name as installed; names are not reserved, so each is checked against the supplier's own repository or documentation"},
		{Name: "embargo:evidence", Value: "purl=pkg:deb/debian/kesl@11.2.0.4528?arch=amd64 matches deb_package kesl (https://support.kaspersky.ru/kes4linux/11.2.0/en-us/all-in-one.htm)"},
	}
	for _, tc := range []struct {
		ref  string
		want []cdx.Property
	}{
		{"/metadata/component", nil},
		{"/components/0", keslProps},
		{"/components/1/components/0", nil},
		{"/components/2", nil},
		{"/components/3", []cdx.Property{{Name: "embargo:unknown", Value: "no name, package URL, CPE, supplier or location to attribute it by"}}},
	} {
		if diff := cmp.Diff(tc.want, embargoProps(nodeProps(byRef[tc.ref]))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.ref, diff)
		}
	}
	agent := byRef["/components/1"].Component.Properties
	if got := propValues(agent, report.PropSupplier); !slices.Equal(got, []string{"kaspersky-ao"}) {
		t.Errorf("agent supplier %v", got)
	}
	if got := propValues(agent, report.PropProduct); got != nil {
		t.Errorf("agent product %v: the publisher names the supplier only", got)
	}
	if got := propValues(agent, report.PropEvidence); len(got) == 0 || !strings.HasPrefix(got[0], "publisher=АО «Лаборатория Касперского» matches org_name ") {
		t.Errorf("agent evidence %v", got)
	}
	md := bom.Metadata.Properties
	for name, want := range map[string][]string{
		report.PropCatalogDigest:                {r.Catalog.Digest},
		"embargo:summary:items":                 {"5"},
		"embargo:summary:attributed":            {"2"},
		"embargo:summary:not-attributed":        {"3"},
		"embargo:summary:unknown":               {"1"},
		"embargo:summary:failed-inputs":         {"0"},
		"embargo:summary:supplier:kaspersky-ao": {"2"},
		"embargo:summary:country:RU":            {"2"},
		report.PropUnknown:                      {fixture + " /components/3: no name, package URL, CPE, supplier or location to attribute it by"},
		report.PropSpecUpgraded:                 nil,
	} {
		if diff := cmp.Diff(want, propValues(md, name)); diff != "" {
			t.Errorf("metadata %s (-want +got):\n%s", name, diff)
		}
	}

	// Apart from the properties, the output is the input.
	in, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	want := decodeBOM(t, in, cdx.BOMFileFormatJSON)
	stripEmbargo(t, want)
	stripEmbargo(t, bom)
	if diff := cmp.Diff(want, bom, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("output differs from the input beyond properties (-in +out):\n%s", diff)
	}
}

// TestCycloneDXRealBOMs returns the test BOMs of the cyclonedx-go module
// (every spec version it ships as JSON and XML) and checks that each
// output validates against its version's schema and, apart from embargo:
// properties, equals the input.
func TestCycloneDXRealBOMs(t *testing.T) {
	dir := moduleDir(t, cdxModule)
	var files []string
	for _, pat := range []string{"testdata/valid-*.json", "testdata/valid-*.xml", "testdata/snapshots/*EncodeVersion*"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 80 {
		t.Fatalf("only %d test BOMs in %s", len(files), dir)
	}
	versions := map[cdx.SpecVersion]int{}
	for _, path := range files {
		name := strings.TrimPrefix(path, dir+string(filepath.Separator))
		t.Run(name, func(t *testing.T) {
			r := scanReport(t, path)
			out := encode(t, report.CycloneDX{}, r)
			got := checkCDX(t, name, out)
			versions[got.SpecVersion]++

			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			format := cdx.BOMFileFormatJSON
			if strings.HasSuffix(path, ".xml") {
				format = cdx.BOMFileFormatXML
			}
			want := decodeBOM(t, data, format)
			if n, m := len(nodes(t, want)), len(nodes(t, got)); n != m {
				t.Errorf("%d components and services in, %d out", n, m)
			}
			if digest := propValues(got.Metadata.Properties, report.PropCatalogDigest); len(digest) != 1 {
				t.Errorf("metadata catalogue digest %v", digest)
			}
			upgraded := propValues(got.Metadata.Properties, report.PropSpecUpgraded) != nil
			if upgraded != (want.SpecVersion < cdx.SpecVersion1_3) {
				t.Errorf("%s read, %s written, upgrade noted: %v", want.SpecVersion, got.SpecVersion, upgraded)
			}
			stripEmbargo(t, got)
			stripEmbargo(t, want)
			opts := []cmp.Option{cmpopts.EquateEmpty()}
			if format == cdx.BOMFileFormatXML {
				// Read from XML, written as JSON: the XML-only and
				// JSON-only header fields differ by design.
				opts = append(opts, cmpopts.IgnoreFields(cdx.BOM{}, "XMLName", "XMLNS", "BOMFormat", "SpecVersion"))
			}
			if want.SpecVersion < cdx.SpecVersion1_3 && format == cdx.BOMFileFormatJSON {
				if got.SpecVersion != cdx.SpecVersion1_3 || got.JSONSchema != "http://cyclonedx.org/schema/bom-1.3.schema.json" {
					t.Errorf("a %s BOM is written as %s (%s), want 1.3", want.SpecVersion, got.SpecVersion, got.JSONSchema)
				}
				opts = append(opts, cmpopts.IgnoreFields(cdx.BOM{}, "SpecVersion", "JSONSchema"))
			}
			if diff := cmp.Diff(want, got, opts...); diff != "" {
				t.Errorf("output differs from the input beyond properties (-in +out):\n%s", diff)
			}
		})
	}
	t.Logf("outputs by spec version: %v", versions)
}

// TestCycloneDX12 annotates a CycloneDX 1.2 BOM, which has no
// properties: it is written as 1.3, and says so.
func TestCycloneDX12(t *testing.T) {
	in, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	in12 := bytes.Replace(in, []byte(`"specVersion": "1.5"`), []byte(`"$schema": "http://cyclonedx.org/schema/bom-1.2.schema.json", "specVersion": "1.2"`), 1)
	path := filepath.Join(t.TempDir(), "bom-1.2.json")
	if err := os.WriteFile(path, in12, 0o644); err != nil {
		t.Fatal(err)
	}
	validate(t, cdxValidator(t, cdx.SpecVersion1_2), "1.2 input", bytes.Replace(in12, []byte(`"type": "library",
      "version": "0.0.1"`), []byte(`"type": "library", "name": "x",
      "version": "0.0.1"`), 1))
	r := scanReport(t, path)
	bom := checkCDX(t, "1.2 upgraded", encode(t, report.CycloneDX{}, r))
	if bom.SpecVersion != cdx.SpecVersion1_3 || bom.JSONSchema != "http://cyclonedx.org/schema/bom-1.3.schema.json" {
		t.Errorf("written as %s (%s), want 1.3", bom.SpecVersion, bom.JSONSchema)
	}
	if got := propValues(bom.Metadata.Properties, report.PropSpecUpgraded); len(got) != 1 || !strings.Contains(got[0], "1.3") {
		t.Errorf("upgrade note %v", got)
	}
	if got := propValues((*bom.Components)[0].Properties, report.PropProduct); !slices.Equal(got, []string{"kaspersky-endpoint-security-linux"}) {
		t.Errorf("kesl product %v", got)
	}
}

// TestCycloneDXNewBOM: several inputs, one of them unreadable, give one
// new CycloneDX 1.6 BOM with a component per item.
func TestCycloneDXNewBOM(t *testing.T) {
	bad := garbage(t)
	r := scanReport(t, fixture, fixture, bad)
	out := encode(t, report.CycloneDX{}, r)
	bom := checkCDX(t, "new BOM", out)
	if bom.SpecVersion != cdx.SpecVersion1_6 || !strings.HasPrefix(bom.SerialNumber, "urn:uuid:") {
		t.Errorf("spec %s serial %q", bom.SpecVersion, bom.SerialNumber)
	}
	if diff := cmp.Diff([]string{
		fixture + " (CycloneDX 1.5 JSON)", fixture + " (CycloneDX 1.5 JSON)",
		bad + " (could not be read: " + r.Inputs[2].Error + ")",
	}, propValues(bom.Metadata.Properties, report.PropInput)); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	comps := *bom.Components
	if len(comps) != len(r.Items) {
		t.Fatalf("%d components for %d items", len(comps), len(r.Items))
	}
	refs := map[string]bool{}
	restricted := 0
	for i, c := range comps {
		if refs[c.BOMRef] {
			t.Errorf("bom-ref %s repeats", c.BOMRef)
		}
		refs[c.BOMRef] = true
		it := r.Items[i]
		if c.Name != it.Name || c.Version != it.Version || c.PackageURL != it.Get(inventory.PURL) || c.Publisher != it.Get(inventory.Publisher) {
			t.Errorf("component %d %+v does not describe item %+v", i, c, it.Item)
		}
		if got := propValues(c.Properties, report.PropItemID); !slices.Equal(got, []string{it.ID}) {
			t.Errorf("component %d item ids %v", i, got)
		}
		if propValues(c.Properties, report.PropSupplier) != nil {
			restricted++
		}
	}
	if restricted != r.Summary.Attributed {
		t.Errorf("%d components with a supplier, %d attributed items", restricted, r.Summary.Attributed)
	}
	if comps[1].Type != cdx.ComponentTypeLibrary || comps[2].Type != cdx.ComponentTypeApplication {
		t.Errorf("types %s %s", comps[1].Type, comps[2].Type)
	}
	if got := propValues(bom.Metadata.Properties, report.PropUnknown); len(got) != 3 {
		t.Errorf("unknowns %v, want the nameless component twice and the unreadable input", got)
	}
}

// TestCycloneDXRescan scans an annotated BOM again: the annotations are
// replaced, not repeated.
func TestCycloneDXRescan(t *testing.T) {
	first := encode(t, report.CycloneDX{}, fixedReport(t))
	path := filepath.Join(t.TempDir(), "annotated.json")
	if err := os.WriteFile(path, first, 0o644); err != nil {
		t.Fatal(err)
	}
	a := decodeBOM(t, first, cdx.BOMFileFormatJSON)
	b := checkCDX(t, "rescan", encode(t, report.CycloneDX{}, scanReport(t, path)))
	na, nb := nodes(t, a), nodes(t, b)
	for i := range na {
		if x, y := len(embargoProps(nodeProps(na[i]))), len(embargoProps(nodeProps(nb[i]))); x != y {
			t.Errorf("%s: %d embargo properties, then %d", na[i].Ref, x, y)
		}
	}
	if x, y := len(embargoProps(a.Metadata.Properties)), len(embargoProps(b.Metadata.Properties)); x != y {
		t.Errorf("metadata: %d embargo properties, then %d", x, y)
	}
}

// TestCycloneDXMismatch: when the report's items do not line up with
// the BOM's components, the writer refuses rather than annotate the
// wrong component.
func TestCycloneDXMismatch(t *testing.T) {
	r := fixedReport(t)
	items := make([]report.Entry, len(r.Items))
	copy(items, r.Items)
	for i, e := range items {
		it := *e.Item
		if it.Index == 1 {
			it.Index = 2 // kesl claims to be the next component
		}
		items[i].Item = &it
	}
	r.Items = items
	err := report.CycloneDX{}.Encode(new(bytes.Buffer), r)
	if err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Errorf("error %v, want a mismatch", err)
	}
}

// TestCycloneDXSchemaBites makes sure the validator rejects a broken
// BOM, so that the schema tests above mean something.
func TestCycloneDXSchemaBites(t *testing.T) {
	out := string(encode(t, report.CycloneDX{}, fixedReport(t)))
	for _, bad := range []string{
		strings.Replace(out, `"type": "library"`, `"type": "bogus"`, 1),
		strings.Replace(out, `"serialNumber": "urn:uuid:3e671687`, `"serialNumber": "urn:uuid:not-a-uuid`, 1),
		strings.Replace(out, `"name": "embargo:item-id"`, `"name": 7`, 1),
	} {
		if bad == out {
			t.Fatal("the replacement did not apply")
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if cdxValidator(t, cdx.SpecVersion1_5).Validate(inst) == nil {
			t.Errorf("a broken BOM validates:\n%.300s", bad)
		}
	}
}

// TestCycloneDXNothingRead: a report without documents (every input
// failed, or a hand-made one) is still a valid BOM that carries the
// unknowns and notes.
func TestCycloneDXNothingRead(t *testing.T) {
	r := &report.Report{
		Inputs:   []report.Input{{Source: "gone.json", Error: "open gone.json: no such file"}},
		Unknowns: []inventory.Unknown{{Location: inventory.Location{Source: "gone.json"}, Reason: "could not read: open gone.json: no such file"}},
		Notes:    []string{"gone.json: nothing was read"},
	}
	bom := checkCDX(t, "nothing read", encode(t, report.CycloneDX{}, r))
	if bom.SpecVersion != cdx.SpecVersion1_6 {
		t.Errorf("spec %s", bom.SpecVersion)
	}
	if bom.Components == nil || len(*bom.Components) != 0 {
		t.Errorf("components %v, want none", bom.Components)
	}
	for name, want := range map[string][]string{
		report.PropInput:   {"gone.json (could not be read: open gone.json: no such file)"},
		report.PropUnknown: {"gone.json: could not read: open gone.json: no such file"},
		report.PropNote:    {"gone.json: nothing was read"},
	} {
		if diff := cmp.Diff(want, propValues(bom.Metadata.Properties, name)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}
