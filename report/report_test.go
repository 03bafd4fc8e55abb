package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixture is a small CycloneDX BOM: the subject device, the Kaspersky
// Endpoint Security for Linux deb package, an application published by
// «Лаборатория Касперского» with an unattributed library inside, an
// unattributed npm library and a component with no name (an unknown).
const fixture = "testdata/scan.cdx.json"

// generated is the fixed time of the golden reports.
var generated = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// scanReport runs the real pipeline (embedded catalogue, attributor,
// scan) over inputs, with a fixed time and version.
func scanReport(t *testing.T, inputs ...string) *report.Report {
	t.Helper()
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatalf("embedded catalogue: %v", err)
	}
	r, err := scan.Run(context.Background(), attribute.New(cat), inputs, scan.Options{Version: "1.0.0-test", Now: generated})
	if err != nil {
		t.Fatalf("scan %v: %v", inputs, err)
	}
	return r
}

func fixedReport(t *testing.T) *report.Report {
	t.Helper()
	r := scanReport(t, fixture)
	// Guard the fixture: the goldens describe exactly this.
	if r.Summary.Items != 5 || r.Summary.Attributed != 2 || r.Summary.Unknown != 1 {
		t.Fatalf("fixture summary changed: %+v", r.Summary)
	}
	return r
}

// garbage writes an input that no reader recognises.
func garbage(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "garbage.json")
	if err := os.WriteFile(path, []byte("not an inventory\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func encode(t *testing.T, e report.Encoder, r *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := e.Encode(&b, r); err != nil {
		t.Fatalf("%s: %v", e.Name(), err)
	}
	return b.Bytes()
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = portable(t, got)
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got; go test ./report -update refreshes it):\n%s", name, diff)
	}
}

// moduleRoot is what golden files name the module's directory: SARIF
// logs give the absolute URI of their source root, which is somewhere
// else in every checkout.
const moduleRoot = "/MODULE"

// portable replaces the module's directory in out with moduleRoot, and
// the day control chains are taken on (attributions' as_of: the day the
// test runs, whatever the report's time) with "TODAY".
func portable(t *testing.T, out []byte) []byte {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String()
	out = bytes.ReplaceAll(out, []byte(uri), []byte("file://"+moduleRoot))
	out = bytes.ReplaceAll(out, []byte(dir), []byte(moduleRoot))
	return asOf.ReplaceAll(out, []byte(`"as_of": "TODAY"`))
}

// asOf matches an attribution's as_of in indented JSON.
var asOf = regexp.MustCompile(`"as_of": "\d{4}-\d{2}-\d{2}"`)

func TestGolden(t *testing.T) {
	r := fixedReport(t)
	for _, tc := range []struct {
		format, file string
	}{
		{"json", "report.json"},
		{"table", "report.txt"},
		{"csv", "report.csv"},
		{"sarif", "report.sarif"},
		{"cyclonedx", "report.cdx.json"},
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

func TestEncodersRegistered(t *testing.T) {
	var got []string
	for _, e := range report.Encoders() {
		got = append(got, e.Name())
	}
	want := []string{"table", "json", "csv", "csv-excel", "sarif", "cyclonedx"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("encoders (-want +got):\n%s", diff)
	}
}

// TestEncodersDoNotChangeReport encodes the same report twice with every
// encoder: the output must not change, so no encoder changed the report
// or the documents it holds. The report judged by policy is checked too.
func TestEncodersDoNotChangeReport(t *testing.T) {
	for name, r := range map[string]*report.Report{"fixture": fixedReport(t), "findings": policyReport(t)} {
		for _, e := range report.Encoders() {
			first := encode(t, e, r)
			for _, e2 := range report.Encoders() {
				encode(t, e2, r)
			}
			if diff := cmp.Diff(string(first), string(encode(t, e, r))); diff != "" {
				t.Errorf("%s, %s: second encoding differs:\n%s", name, e.Name(), diff)
			}
		}
	}
}

// moduleDir returns the directory of a module in the module cache,
// downloading it when needed. It fails the test when the module cannot
// be found: the schemas it ships are what the tests validate against.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	list := func() string {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	dir := list()
	if dir == "" {
		if out, err := exec.Command("go", "mod", "download", module).CombinedOutput(); err != nil {
			t.Fatalf("go mod download %s: %v\n%s", module, err, out)
		}
		dir = list()
	}
	if dir == "" {
		t.Fatalf("module %s is not in the module cache", module)
	}
	return dir
}

// schemaFile is one schema document and the URL it is known by.
type schemaFile struct {
	url string
	doc any
}

// compileSchema compiles the schema at url from the given documents only
// (nothing is fetched), asserting formats as well as structure.
func compileSchema(t *testing.T, url string, files []schemaFile) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(noLoader{})
	for _, f := range files {
		if err := c.AddResource(f.url, f.doc); err != nil {
			t.Fatalf("schema %s: %v", f.url, err)
		}
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling %s: %v", url, err)
	}
	return s
}

// noLoader refuses to fetch: every schema the tests use is added as a
// resource.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, &os.PathError{Op: "load", Path: url, Err: os.ErrNotExist}
}

func validate(t *testing.T, s *jsonschema.Schema, name string, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not validate against %s:\n%v", name, s.Location, err)
	}
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

func unmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func validateErr(s *jsonschema.Schema, out []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// Recount gives back the summary a scan computed as it went, from the
// report's contents alone.
func TestRecount(t *testing.T) {
	r := scanReport(t, fixture, garbage(t))
	want := r.Summary
	r.Summary = report.Summary{Items: -3}
	r.Recount()
	if diff := cmp.Diff(want, r.Summary); diff != "" {
		t.Errorf("summary (-scan +recounted):\n%s", diff)
	}
}
