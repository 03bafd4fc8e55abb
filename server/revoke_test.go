package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/store"
)

func TestRevocation(t *testing.T) { testRevocation(t, sqliteEngine) }

// Access can be taken back (issue 14): an agent's credential revoked (its
// next upload 401, its host shown revoked), an agent's secret rotated
// (the old one dead at once), an enrolment token revoked, a user
// disabled with their sessions ended; admins only, each audited.
func testRevocation(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	admin := f.login("admin")
	rep := scanReport(t)

	// An agent's credential.
	a := f.enroll("ws-0001", "DWP")
	if code, body, _ := a.upload("inventory", rep, nil); code != http.StatusCreated {
		t.Fatalf("upload before revocation: %d %s", code, body)
	}
	if code, _ := f.login("dwp-officer").do("POST", "/api/v1/agents/"+a.id+"/revoke", nil, nil); code != http.StatusForbidden {
		t.Errorf("an officer revoking an agent: %d; want 403", code)
	}
	if code, body := admin.do("POST", "/api/v1/agents/"+a.id+"/revoke", nil, nil); code != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", code, body)
	}
	if code, body, _ := a.upload("inventory", rep, nil); code != http.StatusUnauthorized || !strings.Contains(string(body), "revoked") {
		t.Errorf("upload after revocation: %d %s; want 401 saying revoked", code, body)
	}
	var h store.Host
	admin.getJSON("/api/v1/hosts/"+a.id, http.StatusOK, &h)
	if h.Revoked.IsZero() {
		t.Errorf("host after revocation: %+v; want it shown revoked", h)
	}
	if code, page := admin.do("GET", "/hosts/"+a.id, nil, nil); code != http.StatusOK || !strings.Contains(string(page), "credential revoked") {
		t.Errorf("host page after revocation: %d", code)
	}

	// The dashboard's form revokes too.
	b := f.enroll("ws-0002", "DWP")
	form := url.Values{"csrf": {admin.csrf}}
	code, _ := admin.do("POST", "/hosts/"+b.id+"/revoke", []byte(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if code != http.StatusSeeOther {
		t.Errorf("revoke from the host page: %d; want a redirect", code)
	}
	if code, _, _ := b.upload("inventory", rep, nil); code != http.StatusUnauthorized {
		t.Errorf("upload after revocation from the page: %d; want 401", code)
	}

	// Rotation to a secret the agent proposes: the new secret works, the
	// old one no longer; a weak one is refused.
	c := f.enroll("ws-0003", "DWP")
	rotate := func(secret string) int {
		body := strings.NewReader(`{"secret":"` + secret + `"}`)
		req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/agent/rotate", body)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.id+"."+c.secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := rotate("short"); code != http.StatusBadRequest {
		t.Errorf("rotating to a short secret: %d; want 400", code)
	}
	newSecret := strings.Repeat("Nx7", 15)
	if code := rotate(newSecret); code != http.StatusOK {
		t.Fatalf("rotate: %d", code)
	}
	if code, _, _ := c.upload("inventory", rep, nil); code != http.StatusUnauthorized {
		t.Errorf("upload with the old secret: %d; want 401", code)
	}
	c.secret = newSecret
	if code, body, _ := c.upload("inventory", rep, nil); code != http.StatusCreated {
		t.Errorf("upload with the new secret: %d %s", code, body)
	}

	// An enrolment token.
	code, body := admin.do("POST", "/api/v1/enrollment-tokens", map[string]any{"department": "DWP", "uses": 5}, nil)
	var tok struct{ Token string }
	json.Unmarshal(body, &tok)
	if code != http.StatusCreated || tok.Token == "" {
		t.Fatalf("create token: %d %s", code, body)
	}
	if code, body := admin.do("POST", "/api/v1/enrollment-tokens/revoke", map[string]string{"token": tok.Token}, nil); code != http.StatusNoContent {
		t.Fatalf("revoke token: %d %s", code, body)
	}
	if code, _ := f.anon().do("POST", "/api/v1/enroll", map[string]string{"token": tok.Token, "host": "ws-0009"}, nil); code < 400 || code >= 500 {
		t.Errorf("enrolment with a revoked token: %d; want it refused", code)
	}
	if code, _ := admin.do("POST", "/api/v1/enrollment-tokens/revoke", map[string]string{"token": "no-such-token"}, nil); code != http.StatusNotFound {
		t.Errorf("revoking an unknown token: %d; want 404", code)
	}

	// A user: their session ends, and their login answers as a wrong
	// password does; an admin cannot disable themselves.
	officer := f.login("hmrc-officer")
	if code, body := admin.do("POST", "/api/v1/users/hmrc-officer/disable", nil, nil); code != http.StatusNoContent {
		t.Fatalf("disable: %d %s", code, body)
	}
	if code, _ := officer.do("GET", "/api/v1/overview", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("the disabled user's session: %d; want 401", code)
	}
	disabled, _ := f.anon().do("POST", "/api/v1/login", map[string]string{"username": "hmrc-officer", "password": testPassword}, nil)
	unknown, _ := f.anon().do("POST", "/api/v1/login", map[string]string{"username": "nobody-here", "password": testPassword}, nil)
	if disabled != http.StatusUnauthorized || unknown != disabled {
		t.Errorf("login of a disabled account %d, of an unknown one %d; want both 401", disabled, unknown)
	}
	if code, _ := admin.do("POST", "/api/v1/users/admin/disable", nil, nil); code != http.StatusBadRequest {
		t.Errorf("an admin disabling themselves: %d; want 400", code)
	}

	// The dashboard's users page does the same for admins only.
	if code, _ := f.login("dwp-officer").do("GET", "/users", nil, nil); code != http.StatusForbidden {
		t.Errorf("an officer's users page: %d; want 403", code)
	}
	code, page := admin.do("GET", "/users", nil, nil)
	if code != http.StatusOK || !strings.Contains(string(page), `action="/users/dwp-officer/disable"`) || strings.Contains(string(page), `action="/users/admin/disable"`) {
		t.Errorf("users page: %d; want a disable form for others, none for oneself", code)
	}
	formPost := func(path string, v url.Values) int {
		v.Set("csrf", admin.csrf)
		code, _ := admin.do("POST", path, []byte(v.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		return code
	}
	if code := formPost("/users/dwp-officer/disable", url.Values{}); code != http.StatusSeeOther {
		t.Errorf("disable from the page: %d", code)
	}
	if code, _ := f.anon().do("POST", "/api/v1/login", map[string]string{"username": "dwp-officer", "password": testPassword}, nil); code != http.StatusUnauthorized {
		t.Errorf("login of an account disabled from the page: %d; want 401", code)
	}
	code, body = admin.do("POST", "/api/v1/enrollment-tokens", map[string]any{"department": "HMRC", "uses": 2}, nil)
	if err := json.Unmarshal(body, &tok); code != http.StatusCreated || err != nil {
		t.Fatalf("create a second token: %d %s", code, body)
	}
	if code := formPost("/enrollment-tokens/revoke", url.Values{"token": {tok.Token}}); code != http.StatusSeeOther {
		t.Errorf("revoke a token from the page: %d", code)
	}
	if code, _ := f.anon().do("POST", "/api/v1/enroll", map[string]string{"token": tok.Token, "host": "ws-0010"}, nil); code < 400 || code >= 500 {
		t.Errorf("enrolment with a token revoked from the page: %d; want it refused", code)
	}

	// Each change is audited.
	var log []store.AuditEntry
	admin.getJSON("/api/v1/audit", http.StatusOK, &log)
	seen := map[string]bool{}
	for _, en := range log {
		seen[en.Action] = true
	}
	for _, want := range []string{"agent.revoke", "agent.rotate", "token.revoke", "user.disable"} {
		if !seen[want] {
			t.Errorf("no %s in the audit log", want)
		}
	}
}
