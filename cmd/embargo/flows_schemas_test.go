package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/embargo-dev/embargo/server/web/webtest"
)

// outputSchemas compiles every schema of schema/ (each by its $id, so
// that they can refer to report.schema.json) with formats asserted.
func outputSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	files, err := filepath.Glob("../../schema/*.schema.json")
	if err != nil || len(files) < 5 {
		t.Fatalf("the schemas: %v %v", files, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	ids := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" || !strings.HasSuffix(id, "/schema/"+filepath.Base(f)) {
			t.Fatalf("%s: $id %q does not name the file", f, id)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
		ids[filepath.Base(f)] = id
	}
	out := map[string]*jsonschema.Schema{}
	for name, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

// valid reports whether out validates against the schema named.
func valid(t *testing.T, schemas map[string]*jsonschema.Schema, name, out string) error {
	t.Helper()
	s := schemas[name]
	if s == nil {
		t.Fatalf("no schema %s", name)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON (%v):\n%.500s", err, out)
	}
	return s.Validate(inst)
}

// TestOutputSchemas validates the JSON the commands write against the
// schemas beside schema/report.schema.json: the flows report, the
// department report, the catalogue and explanations, each in every shape
// it takes; and checks that each schema refuses what another command
// writes.
func TestOutputSchemas(t *testing.T) {
	schemas := outputSchemas(t)
	dir := t.TempDir()
	save := func(name, body string) string {
		p := filepath.Join(dir, name)
		writeFixture(t, p, body)
		return p
	}
	out := func(args ...string) string {
		t.Helper()
		o, stderr, code := run(t, args...)
		if code == 2 || o == "" {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		return o
	}
	zeek := []string{zeekDir + "conn.log", zeekDir + "dns.log", zeekDir + "ssl.log", "testdata/zeek-ru/conn.log"}
	flows := out(append([]string{"flows", "-o", "json"}, zeek...)...)
	judged := out(append([]string{"flows", "-o", "json", "--policy", "uk-ncsc-2017-russia-egress", "--classification", "SECRET"}, zeek...)...)
	scan := out("scan", "testdata/estate.cdx.json", "-o", "json", "--policy", "us-bod-17-01", "--no-state", "--quiet")
	state := filepath.Join(dir, "state.json")
	out("scan", "testdata/estate.cdx.json", "-o", "json", "--policy", "us-bod-17-01", "--state", state, "--quiet")

	// The departments' store, as the fleet server keeps it.
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	webtest.SeedInto(t, webtest.OpenIn(t, data))
	dept := out("report", "--department", "DWP", "--data", data, "-o", "json")
	out("report", "--department", "DWP", "--data", data, "-o", "json", "--save")
	deptSince := out("report", "--department", "DWP", "--data", data, "-o", "json")

	var ids struct {
		Items    []struct{ ID string }
		Findings []struct{ ID string }
	}
	json.Unmarshal([]byte(scan), &ids)
	var trafficIDs struct{ Findings []struct{ ID string } }
	json.Unmarshal([]byte(judged), &trafficIDs)
	if len(ids.Items) == 0 || len(ids.Findings) == 0 || len(trafficIDs.Findings) == 0 {
		t.Fatalf("the fixtures changed: %d items, %d findings, %d traffic findings", len(ids.Items), len(ids.Findings), len(trafficIDs.Findings))
	}
	scanFile, flowsFile := save("scan.json", scan), save("flows.json", judged)

	for _, c := range []struct {
		schema, name, out string
	}{
		{"flows.schema.json", "flows", flows},
		{"flows.schema.json", "flows --policy", judged},
		{"department-report.schema.json", "report -o json", dept},
		{"department-report.schema.json", "report -o json, after --save", deptSince},
		{"catalog.schema.json", "catalog list", out("catalog", "list", "-o", "json")},
		{"catalog.schema.json", "catalog list --catalog", out("catalog", "list", "-o", "json", "--catalog", "testdata/local/catalog")},
		{"catalog.schema.json", "catalog show (entity)", out("catalog", "show", "kaspersky-lab-switzerland", "-o", "json")},
		{"catalog.schema.json", "catalog show (product)", out("catalog", "show", "drweb-for-linux", "-o", "json")},
		{"catalog.schema.json", "catalog search", out("catalog", "search", "kaspersky", "-o", "json")},
		{"explain.schema.json", "explain an item", out("explain", ids.Items[1].ID, "testdata/estate.cdx.json", "-o", "json")},
		{"explain.schema.json", "explain a finding (report)", out("explain", ids.Findings[0].ID, "--report", scanFile, "-o", "json")},
		{"explain.schema.json", "explain a finding (state)", out("explain", ids.Findings[0].ID, "--state", state, "-o", "json")},
		{"explain.schema.json", "explain a traffic finding", out("explain", trafficIDs.Findings[0].ID, "--report", flowsFile, "-o", "json")},
	} {
		if err := valid(t, schemas, c.schema, c.out); err != nil {
			t.Errorf("%s does not validate against %s:\n%v", c.name, c.schema, err)
		}
		// A field the command does not write is refused.
		if extra, ok := withField(c.out); ok && valid(t, schemas, c.schema, extra) == nil {
			t.Errorf("%s with a field of its own validates against %s", c.name, c.schema)
		}
	}
	// Deep inside too: a name and an entity of the catalogue with a field
	// the catalogue does not have.
	var list map[string]any
	json.Unmarshal([]byte(out("catalog", "list", "-o", "json")), &list)
	entity := list["entities"].([]any)[0].(map[string]any)
	entity["names"].([]any)[0].(map[string]any)["script"] = "Latn"
	if b, _ := json.Marshal(list); valid(t, schemas, "catalog.schema.json", string(b)) == nil {
		t.Error("a name with a field of its own validates against catalog.schema.json")
	}
	delete(entity["names"].([]any)[0].(map[string]any), "script")
	entity["controlling_country"] = "RU"
	if b, _ := json.Marshal(list); valid(t, schemas, "catalog.schema.json", string(b)) == nil {
		t.Error("an entity with a field of its own validates against catalog.schema.json")
	}
	// Each schema is the shape of its command, not of any JSON.
	for _, c := range []struct{ schema, name, out string }{
		{"flows.schema.json", "a scan report", scan},
		{"department-report.schema.json", "a flows report", flows},
		{"catalog.schema.json", "a department report", dept},
		{"explain.schema.json", "a scan report", scan},
	} {
		if err := valid(t, schemas, c.schema, c.out); err == nil {
			t.Errorf("%s validates against %s", c.name, c.schema)
		}
	}
}

// withField is the JSON object out with one more field, and false when
// out is not an object.
func withField(out string) (string, bool) {
	var m map[string]any
	if json.Unmarshal([]byte(out), &m) != nil {
		return "", false
	}
	m["unexpected_field"] = true
	b, _ := json.Marshal(m)
	return string(b), true
}
