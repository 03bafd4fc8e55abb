package report_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	gosarif "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

const sarifModule = "github.com/owenrumney/go-sarif/v3"

var sarifSchema struct {
	once sync.Once
	s    *jsonschema.Schema
}

// sarifValidator compiles the official SARIF 2.1.0 schema (OASIS,
// errata01, draft-04) as go-sarif ships it: the text of the constant
// "schema" in pkg/report/v210/sarif/schema.go of its module. The schema
// is read from the module cache, not copied into this repository.
func sarifValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sarifSchema.once.Do(func() {
		path := filepath.Join(moduleDir(t, sarifModule), "pkg", "report", "v210", "sarif", "schema.go")
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatalf("reading the SARIF schema from %s: %v", path, err)
		}
		var text string
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "schema" || len(vs.Values) != 1 {
				return true
			}
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				text, _ = strconv.Unquote(lit.Value)
			}
			return false
		})
		if text == "" {
			t.Fatalf("no SARIF schema constant in %s", path)
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if err != nil {
			t.Fatalf("SARIF schema in %s: %v", path, err)
		}
		id, _ := doc.(map[string]any)["id"].(string)
		if id != "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json" {
			t.Fatalf("the schema in %s is %q, not SARIF 2.1.0 errata01", path, id)
		}
		sarifSchema.s = compileSchema(t, id, []schemaFile{{id, doc}})
	})
	if sarifSchema.s == nil {
		t.Fatal("the SARIF schema could not be compiled")
	}
	return sarifSchema.s
}

// checkSARIF validates a log against the schema and returns go-sarif's
// reading of it, a second, independent reader. (go-sarif's own Validate
// checks its re-encoding of the log, which adds empty fields the schema
// rejects, so it cannot judge ours.)
func checkSARIF(t *testing.T, name string, out []byte) *gosarif.Report {
	t.Helper()
	validate(t, sarifValidator(t), name, out)
	log, err := gosarif.FromBytes(out)
	if err != nil {
		t.Fatalf("%s: go-sarif cannot read it: %v", name, err)
	}
	return log
}

// sarifOut is the part of a log the tests look at.
type sarifOut struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name, Version, InformationURI string
				Rules                         []struct {
					ID                   string
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text, Markdown string }
					HelpURI              string
					DefaultConfiguration struct{ Level string }
					Properties           map[string]any
				}
			}
		}
		OriginalURIBaseIDs map[string]artifactOut `json:"originalUriBaseIds"`
		Invocations        []struct {
			ExecutionSuccessful        bool
			ToolExecutionNotifications []notificationOut
		}
		Results    []sarifResultOut
		Properties map[string]any
	}
}

type notificationOut struct {
	Level   string
	Message struct{ Text string }
}

type sarifResultOut struct {
	RuleID              string
	RuleIndex           int
	Level               string
	Message             struct{ Text string }
	Locations           []locationOut
	PartialFingerprints map[string]string
	Properties          map[string]any
}

type locationOut struct {
	PhysicalLocation struct {
		ArtifactLocation artifactOut
		Region           *struct{ StartLine int }
	}
	LogicalLocations []logicalOut
}

type artifactOut struct {
	URI       string
	URIBaseID string `json:"uriBaseId"`
}

type logicalOut struct {
	Name, FullyQualifiedName, Kind string
}

func TestSARIFSchema(t *testing.T) {
	r := fixedReport(t)
	out := encode(t, report.SARIF{}, r)
	log := checkSARIF(t, "fixture", out)
	if n := len(log.Runs[0].Results); n != r.Summary.Attributed+r.Summary.Unknown {
		t.Errorf("go-sarif reads %d results, want %d", n, r.Summary.Attributed+r.Summary.Unknown)
	}
	// A scan with an input that could not be read.
	r = scanReport(t, fixture, garbage(t))
	checkSARIF(t, "failed input", encode(t, report.SARIF{}, r))
	// Nothing at all.
	checkSARIF(t, "empty", encode(t, report.SARIF{}, &report.Report{}))
}

func TestSARIFFixture(t *testing.T) {
	r := fixedReport(t)
	var got sarifOut
	unmarshal(t, encode(t, report.SARIF{}, r), &got)
	if got.Version != "2.1.0" || len(got.Runs) != 1 {
		t.Fatalf("version %q, %d runs", got.Version, len(got.Runs))
	}
	run := got.Runs[0]
	d := run.Tool.Driver
	if d.Name != "embargo" || d.Version != "1.0.0-test" || d.InformationURI == "" {
		t.Errorf("driver %+v", d)
	}
	var ruleIDs []string
	for _, rl := range d.Rules {
		ruleIDs = append(ruleIDs, rl.ID)
	}
	wantRules := []string{"embargo/product/kaspersky-endpoint-security-linux", "embargo/supplier/kaspersky-ao", "embargo/unknown"}
	if diff := cmp.Diff(wantRules, ruleIDs); diff != "" {
		t.Fatalf("rules (-want +got):\n%s", diff)
	}
	kesl := d.Rules[0]
	if diff := cmp.Diff([]any{"supply-chain", "restricted-supplier", "RU"}, kesl.Properties["tags"]); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if kesl.Properties["security-severity"] != "8.0" || kesl.DefaultConfiguration.Level != "error" {
		t.Errorf("kesl rule properties %v, level %s", kesl.Properties, kesl.DefaultConfiguration.Level)
	}
	for _, s := range []string{"AO Kaspersky Lab", "RU", "kaspersky-eula-uk", "https://support.kaspersky.co.uk/14541", "kesl-11-2-docs"} {
		if !strings.Contains(kesl.Help.Text, s) || !strings.Contains(kesl.Help.Markdown, s) {
			t.Errorf("help does not name %q:\n%s\n%s", s, kesl.Help.Text, kesl.Help.Markdown)
		}
	}
	if len(run.Results) != 3 {
		t.Fatalf("%d results, want 2 attributed items and 1 unknown", len(run.Results))
	}
	res := run.Results[0]
	if res.RuleID != wantRules[0] || res.RuleIndex != 0 || res.Level != "error" {
		t.Errorf("kesl result: rule %s #%d level %s", res.RuleID, res.RuleIndex, res.Level)
	}
	wantMsg := "kesl 11.2.0.4528 is Kaspersky Endpoint Security for Linux by AO Kaspersky Lab, controlled from RU"
	if !strings.HasPrefix(res.Message.Text, wantMsg) || !strings.Contains(res.Message.Text, "evidence: purl=pkg:deb/debian/kesl@11.2.0.4528?arch=amd64 matches deb_package kesl") {
		t.Errorf("message %q", res.Message.Text)
	}
	// A CycloneDX document has no lines to speak of: the file, no region,
	// and the component by its JSON pointer and package URL.
	loc := res.Locations[0]
	if loc.PhysicalLocation.ArtifactLocation.URI != fixture || loc.PhysicalLocation.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.PhysicalLocation.Region != nil {
		t.Errorf("location %+v", loc.PhysicalLocation)
	}
	wantLogical := []logicalOut{
		{Name: "kesl", FullyQualifiedName: "/components/0", Kind: "object"},
		{Name: "kesl", FullyQualifiedName: "pkg:deb/debian/kesl@11.2.0.4528?arch=amd64", Kind: "module"},
	}
	if diff := cmp.Diff(wantLogical, loc.LogicalLocations); diff != "" {
		t.Errorf("logical locations (-want +got):\n%s", diff)
	}
	if cwd, _ := os.Getwd(); run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file://"+filepath.ToSlash(cwd)+"/" {
		t.Errorf("source root %+v, want the working directory %s", run.OriginalURIBaseIDs, cwd)
	}
	if fp := res.PartialFingerprints["embargoItem/v1"]; len(fp) != 32 {
		t.Errorf("partial fingerprint %q", fp)
	}
	att, _ := res.Properties["attribution"].(map[string]any)
	if att["controlling_country"] != "RU" || att["evidence"] == nil {
		t.Errorf("attribution view missing from properties: %v", res.Properties)
	}
	unk := run.Results[2]
	if unk.RuleID != report.UnknownRuleID || unk.Level != "warning" || unk.RuleIndex != 2 ||
		unk.Message.Text != fixture+" /components/3 could not be read or attributed: no name, package URL, CPE, supplier or location to attribute it by" {
		t.Errorf("unknown result %+v", unk)
	}
	if inv := run.Invocations; len(inv) != 1 || !inv[0].ExecutionSuccessful || len(inv[0].ToolExecutionNotifications) != 0 {
		t.Errorf("invocations %+v", inv)
	}
}

// TestSARIFFingerprintsStable: the same item scanned again, at another
// time, keeps its fingerprint; different items have different ones.
func TestSARIFFingerprintsStable(t *testing.T) {
	var a, b sarifOut
	unmarshal(t, encode(t, report.SARIF{}, fixedReport(t)), &a)
	r := fixedReport(t)
	r.Generated = r.Generated.AddDate(1, 0, 0)
	unmarshal(t, encode(t, report.SARIF{}, r), &b)
	seen := map[string]bool{}
	for i, res := range a.Runs[0].Results {
		fp := res.PartialFingerprints["embargoItem/v1"]
		if fp != b.Runs[0].Results[i].PartialFingerprints["embargoItem/v1"] {
			t.Errorf("result %d: fingerprint changed between runs", i)
		}
		if seen[fp] {
			t.Errorf("result %d: fingerprint %s repeats", i, fp)
		}
		seen[fp] = true
	}
}

func TestSARIFLevels(t *testing.T) {
	base := fixedReport(t)
	kesl := base.Items[1]
	for _, tc := range []struct {
		conf catalog.Confidence
		want string
	}{
		{catalog.High, "error"},
		{catalog.Medium, "error"},
		{catalog.Low, "warning"},
	} {
		t.Run(tc.conf.String(), func(t *testing.T) {
			at := *kesl.Attribution
			at.Confidence = tc.conf
			r := &report.Report{Items: []report.Entry{{Item: kesl.Item, Attribution: &at}}}
			out := encode(t, report.SARIF{}, r)
			checkSARIF(t, tc.conf.String(), out)
			var got sarifOut
			unmarshal(t, out, &got)
			if l := got.Runs[0].Results[0].Level; l != tc.want {
				t.Errorf("level %s, want %s", l, tc.want)
			}
		})
	}
}

func TestSARIFFailedInput(t *testing.T) {
	bad := garbage(t)
	r := scanReport(t, fixture, bad)
	var got sarifOut
	unmarshal(t, encode(t, report.SARIF{}, r), &got)
	// The input that could not be read is in a temporary directory,
	// outside the source root: an absolute URI, and a warning says so.
	inv := got.Runs[0].Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 2 || inv.ToolExecutionNotifications[0].Level != "error" ||
		!strings.Contains(inv.ToolExecutionNotifications[0].Message.Text, bad) ||
		inv.ToolExecutionNotifications[1].Level != "warning" || !strings.HasPrefix(inv.ToolExecutionNotifications[1].Message.Text, bad+" is outside the source root") {
		t.Errorf("invocation %+v", inv)
	}
	var unknown []string
	for _, res := range got.Runs[0].Results {
		if res.RuleID == report.UnknownRuleID {
			unknown = append(unknown, res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
	}
	if diff := cmp.Diff([]string{fixture, "file://" + filepath.ToSlash(bad)}, unknown); diff != "" {
		t.Errorf("unknown results (-want +got):\n%s", diff)
	}
}

// TestSARIFNoFindings: a clean scan is still a valid log with an empty
// results array, which says the tool ran and found nothing.
func TestSARIFNoFindings(t *testing.T) {
	it := &inventory.Item{ID: "I-1", Name: "left-pad", Type: inventory.Library, Location: inventory.Location{Source: "a.json"}}
	r := &report.Report{Items: []report.Entry{{Item: it}}, Notes: []string{"a.json: only the SBOM was read"}}
	out := encode(t, report.SARIF{}, r)
	checkSARIF(t, "clean", out)
	if !strings.Contains(string(out), `"results": []`) {
		t.Errorf("no empty results array:\n%s", out)
	}
	var got sarifOut
	unmarshal(t, out, &got)
	inv := got.Runs[0].Invocations[0]
	if !inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 1 || inv.ToolExecutionNotifications[0].Level != "note" ||
		inv.ToolExecutionNotifications[0].Message.Text != r.Notes[0] {
		t.Errorf("invocation %+v, want the note", inv)
	}
}

// TestSARIFSchemaBites makes sure the validator rejects a broken log, so
// that the schema tests above mean something.
func TestSARIFSchemaBites(t *testing.T) {
	out := string(encode(t, report.SARIF{}, fixedReport(t)))
	for _, bad := range []string{
		strings.Replace(out, `"level": "error"`, `"level": "severe"`, 1),
		strings.Replace(out, `"ruleIndex": 0`, `"ruleIndex": -2`, 1),
		strings.Replace(out, `"uri": "file:///`, `"uri": 5, "x": "`, 1),
		strings.Replace(out, `"version": "2.1.0"`, `"version": "2.0.0"`, 1),
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sarifValidator(t).Validate(inst) == nil {
			t.Errorf("a broken log validates:\n%.300s", bad)
		}
	}
}
