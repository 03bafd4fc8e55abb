package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/embargo-dev/embargo/store"
)

// openAPIDoc is openapi.yaml as plain JSON values: maps, lists, strings,
// json.Number, as jsonschema wants them.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var y any
	if err := yaml.Unmarshal(openAPI, &y); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	// Through JSON, so that every map has string keys (a YAML key such as
	// 200 left unquoted would not) and numbers are json.Number.
	data, err := json.Marshal(y)
	if err != nil {
		t.Fatalf("openapi.yaml as JSON (is every key a string?): %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return doc.(map[string]any)
}

// pointer resolves a local JSON pointer ("#/components/schemas/Host")
// in doc.
func pointer(doc any, ref string) (any, error) {
	p, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, fmt.Errorf("$ref %q: want a local reference (#/...)", ref)
	}
	v := doc
	for _, tok := range strings.Split(p, "/")[1:] {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: %q is not inside an object", ref, tok)
		}
		if v, ok = m[tok]; !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, tok)
		}
	}
	return v, nil
}

// deref follows $ref until it reaches an object without one.
func deref(t *testing.T, doc, v any) map[string]any {
	t.Helper()
	for range 10 {
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var err error
		if v, err = pointer(doc, ref); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("$ref chain too long at %v", v)
	return nil
}

// TestOpenAPIRefsResolve: every $ref in the document points at
// something that is there.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := openAPIDoc(t)
	n := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"]; ok {
				n++
				s, _ := ref.(string)
				if _, err := pointer(doc, s); err != nil {
					t.Errorf("%s: %v", at, err)
				}
			}
			for k, e := range x {
				walk(at+"/"+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s/%d", at, i), e)
			}
		}
	}
	walk("#", doc)
	if n < 50 {
		t.Errorf("%d $refs; the document should have many more", n)
	}
}

// TestOpenAPISchemasCompile: every schema of the document, in
// components and inline in parameters and bodies, is a valid JSON Schema
// 2020-12 (the dialect of OpenAPI 3.1), its references included.
func TestOpenAPISchemasCompile(t *testing.T) {
	doc := openAPIDoc(t)
	c := openAPICompiler(t, doc)
	var locs []string
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				kp := at + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
				if k == "schema" || strings.HasSuffix(at, "/components/schemas") {
					locs = append(locs, kp)
					continue
				}
				walk(kp, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s/%d", at, i), e)
			}
		}
	}
	walk("", doc)
	if len(locs) < 60 {
		t.Errorf("found %d schemas; the walk missed some", len(locs))
	}
	for _, loc := range locs {
		if _, err := c.Compile(openAPIURL + "#" + loc); err != nil {
			t.Errorf("schema %s: %v", loc, err)
		}
	}
}

// openAPIURL names the document for the schema compiler.
const openAPIURL = "https://embargo.invalid/api/openapi.json"

func openAPICompiler(t *testing.T, doc map[string]any) *jsonschema.Compiler {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(openAPIURL, doc); err != nil {
		t.Fatal(err)
	}
	return c
}

// schemaTypes maps each component schema that the server encodes or
// decodes with a Go type to that type. Response types must also mark
// as required exactly the fields Go always encodes.
var schemaTypes = []struct {
	schema   string
	typ      any
	response bool
}{
	{"Host", store.Host{}, true},
	{"Finding", store.Finding{}, true},
	{"FlowFinding", store.FlowFinding{}, true},
	{"DeviceInfo", store.DeviceInfo{}, true},
	{"DeviceFinding", store.DeviceFinding{}, true},
	{"Waiver", store.Waiver{}, true},
	{"AuditEntry", store.AuditEntry{}, true},
	{"Overview", store.Overview{}, true},
	{"Count", store.Count{}, true},
	{"Upload", uploadResponse{}, true},
	{"Enrolled", enrollResponse{}, true},
	{"AgentConfig", agentConfigResponse{}, true},
	{"User", userResponse{}, true},
	{"Policies", policiesBody{}, true},
	{"EnrollRequest", enrollRequest{}, false},
	{"LoginRequest", loginRequest{}, false},
	{"WaiverRequest", waiverRequest{}, false},
	{"Decision", decisionBody{}, false},
	{"UserRequest", userRequest{}, false},
	{"EnrollmentTokenRequest", tokenRequest{}, false},
}

// TestOpenAPISchemasMatchGoTypes: the properties of each schema are the
// JSON fields of its Go type, both ways, with a matching JSON type; so a
// field added to a type without being documented fails here.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	doc := openAPIDoc(t)
	for _, tc := range schemaTypes {
		t.Run(tc.schema, func(t *testing.T) {
			sch := deref(t, doc, map[string]any{"$ref": "#/components/schemas/" + tc.schema})
			props, _ := sch["properties"].(map[string]any)
			fields := jsonFields(reflect.TypeOf(tc.typ))
			var documented, encoded, required, always []string
			for name := range props {
				documented = append(documented, name)
			}
			for _, r := range asList(sch["required"]) {
				required = append(required, r.(string))
			}
			for _, f := range fields {
				encoded = append(encoded, f.name)
				if !f.optional {
					always = append(always, f.name)
				}
				if p, ok := props[f.name]; ok {
					if err := checkType(deref(t, doc, p), f.typ); err != nil {
						t.Errorf("property %q: %v", f.name, err)
					}
				}
			}
			for _, s := range [][]string{documented, encoded, required, always} {
				slices.Sort(s)
			}
			if d := cmp.Diff(encoded, documented); d != "" {
				t.Errorf("properties of %s (-Go JSON fields +openapi.yaml):\n%s", tc.schema, d)
			}
			if tc.response {
				if d := cmp.Diff(always, required); d != "" {
					t.Errorf("required of %s (-always encoded +openapi.yaml):\n%s", tc.schema, d)
				}
			}
		})
	}
}

// asList is v as a list: a YAML list, or one value.
func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}
