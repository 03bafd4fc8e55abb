package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/embargo-dev/embargo/store"
)

// TestOpenAPIResponses: real responses of a real server, from enrolment
// and uploads to waivers and admin changes, have statuses the document
// lists for their route, and their JSON bodies validate against the
// schemas it gives and carry no property it leaves out.
func TestOpenAPIResponses(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	v := newResponseChecker(t)

	// An agent enrols, uploads and reads its configuration.
	token, rec, err := NewEnrollmentToken("DWP", 1, time.Hour, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateEnrollmentToken(context.Background(), store.System, rec); err != nil {
		t.Fatal(err)
	}
	enrol := map[string]string{"token": token, "host": "ws-0142"}
	code, body := f.anon().do("POST", "/api/v1/enroll", enrol, nil)
	v.check("POST", "/api/v1/enroll")(code, body)
	var en enrollResponse
	if err := json.Unmarshal(body, &en); err != nil {
		t.Fatalf("enrol: %v", err)
	}
	v.check("POST", "/api/v1/enroll")(f.anon().do("POST", "/api/v1/enroll", enrol, nil)) // used up: 401
	a := &agentClient{f: f, id: en.AgentID, secret: en.Secret, dept: en.Department}
	upload := func(kind string, body []byte) {
		t.Helper()
		code, resp, _ := a.upload(kind, body, nil)
		v.check("POST", "/api/v1/uploads/"+kind)(code, resp)
	}
	upload("inventory", scanReport(t))
	upload("inventory", scanReport(t)) // duplicate: 200
	upload("inventory", []byte(`{"items": 7}`))
	upload("flows", flowsReport(t, 2048))
	bearer := map[string]string{"Authorization": "Bearer " + a.id + "." + a.secret}
	v.check("GET", "/api/v1/agent/config")(f.anon().do("GET", "/api/v1/agent/config", nil, bearer))

	// People log in and read.
	v.check("GET", "/api/v1/overview")(f.anon().do("GET", "/api/v1/overview", nil, nil))
	v.check("POST", "/api/v1/login")(f.anon().do("POST", "/api/v1/login", map[string]string{"username": "admin", "password": testPassword}, nil))
	admin := f.login("admin")
	get := func(route, path string) []byte {
		t.Helper()
		code, body := admin.do("GET", path, nil, nil)
		v.check("GET", route)(code, body)
		return body
	}
	get("/api/v1/overview", "/api/v1/overview")
	get("/api/v1/hosts", "/api/v1/hosts")
	get("/api/v1/hosts", "/api/v1/hosts?limit=x")
	get("/api/v1/hosts/{id}", "/api/v1/hosts/"+a.id)
	get("/api/v1/hosts/{id}", "/api/v1/hosts/no-such-host")
	var fs []store.Finding
	if err := json.Unmarshal(get("/api/v1/findings", "/api/v1/findings?host="+a.id), &fs); err != nil || len(fs) == 0 {
		t.Fatalf("findings of the uploaded scan: %v %+v", err, fs)
	}
	get("/api/v1/findings", "/api/v1/findings?state=bogus")
	get("/api/v1/findings/{id}", "/api/v1/findings/"+fs[0].ID)
	get("/api/v1/flows", "/api/v1/flows")
	get("/api/v1/audit", "/api/v1/audit")
	get("/api/v1/export/findings", "/api/v1/export/findings?format=json")
	var pol policiesBody
	if err := json.Unmarshal(get("/api/v1/policies", "/api/v1/policies"), &pol); err != nil || len(pol.Packs) == 0 {
		t.Fatalf("policies: %v %+v", err, pol)
	}

	// An officer asks for a waiver, an admin decides it.
	officer := f.login("dwp-officer")
	code, body = officer.do("POST", "/api/v1/waivers", map[string]any{"finding_id": fs[0].ID, "reason": "isolated lab machine",
		"expiry": time.Now().Add(30 * 24 * time.Hour)}, nil)
	v.check("POST", "/api/v1/waivers")(code, body)
	var w store.Waiver
	if err := json.Unmarshal(body, &w); err != nil {
		t.Fatalf("waiver: %v", err)
	}
	wpath := fmt.Sprintf("/api/v1/waivers/%d", w.ID)
	v.check("GET", "/api/v1/waivers/{id}")(officer.do("GET", wpath, nil, nil))
	v.check("POST", "/api/v1/waivers/{id}/approve")(admin.do("POST", wpath+"/approve", map[string]string{"note": "until the swap"}, nil))
	v.check("POST", "/api/v1/waivers/{id}/reject")(admin.do("POST", wpath+"/reject", map[string]string{}, nil)) // decided: 409
	get("/api/v1/waivers", "/api/v1/waivers")

	// Admin changes, and one a CSRF-less request may not make.
	v.check("PUT", "/api/v1/policies")(admin.do("PUT", "/api/v1/policies", pol, nil))
	v.check("PUT", "/api/v1/policies")(admin.do("PUT", "/api/v1/policies", pol, map[string]string{CSRFHeader: "wrong"}))
	user := map[string]string{"username": "hmrc-2", "password": testPassword, "role": "officer", "department": "HMRC"}
	v.check("POST", "/api/v1/users")(admin.do("POST", "/api/v1/users", user, nil))
	v.check("POST", "/api/v1/users")(admin.do("POST", "/api/v1/users", user, nil)) // taken: 409
	v.check("POST", "/api/v1/enrollment-tokens")(admin.do("POST", "/api/v1/enrollment-tokens", map[string]any{"department": "DWP", "uses": 2}, nil))
	v.check("POST", "/api/v1/enrollment-tokens")(admin.do("POST", "/api/v1/enrollment-tokens", []byte(`{"dept": "DWP"}`), nil))

	if v.checked < 30 {
		t.Errorf("checked %d responses; want at least 30", v.checked)
	}
}

// responseChecker validates response bodies against openapi.yaml.
type responseChecker struct {
	t       *testing.T
	doc     map[string]any
	c       *jsonschema.Compiler
	checked int
}

func newResponseChecker(t *testing.T) *responseChecker {
	doc := openAPIDoc(t)
	return &responseChecker{t: t, doc: doc, c: openAPICompiler(t, doc)}
}

// check returns what validates one response of route (the path pattern
// as in the document), so that it can take a request's results whole.
func (v *responseChecker) check(method, route string) func(code int, body []byte) {
	return func(code int, body []byte) { v.t.Helper(); v.validate(method, route, code, body) }
}

func (v *responseChecker) validate(method, route string, code int, body []byte) {
	v.t.Helper()
	v.checked++
	what := fmt.Sprintf("%s %s → %d %.300s", method, route, code, body)
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	loc := "#/paths/" + esc.Replace(route) + "/" + strings.ToLower(method) + "/responses/" + strconv.Itoa(code)
	resp, err := pointer(v.doc, loc)
	if err != nil {
		v.t.Errorf("%s: the status is not documented (%v)", what, err)
		return
	}
	if ref, ok := resp.(map[string]any)["$ref"].(string); ok {
		loc = ref
	}
	loc += "/content/application~1json/schema"
	schema, err := pointer(v.doc, loc)
	if err != nil {
		if len(body) > 0 {
			v.t.Errorf("%s: a body, but no JSON schema documented (%v)", what, err)
		}
		return
	}
	sch, err := v.c.Compile(openAPIURL + loc)
	if err != nil {
		v.t.Fatalf("compiling %s: %v", loc, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		v.t.Errorf("%s: not JSON: %v", what, err)
		return
	}
	if err := sch.Validate(inst); err != nil {
		v.t.Errorf("%s:\n%v", what, err)
	}
	for _, p := range v.undocumented(schema, inst, "") {
		v.t.Errorf("%s: property %s is not in the schema", what, p)
	}
}

// undocumented lists the properties of inst, at any depth, that the
// schema's properties leave out; a schema without properties (such as
// Evidence) takes any.
func (v *responseChecker) undocumented(schema, inst any, at string) []string {
	s := deref(v.t, v.doc, schema)
	var out []string
	switch x := inst.(type) {
	case map[string]any:
		props, ok := s["properties"].(map[string]any)
		if !ok {
			return nil
		}
		for k, e := range x {
			p, ok := props[k]
			if !ok {
				out = append(out, at+"/"+k)
				continue
			}
			out = append(out, v.undocumented(p, e, at+"/"+k)...)
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, e := range x {
				out = append(out, v.undocumented(items, e, fmt.Sprintf("%s/%d", at, i))...)
			}
		}
	}
	return out
}
