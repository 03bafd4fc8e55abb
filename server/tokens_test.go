package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

func TestAPITokens(t *testing.T) { testAPITokens(t, sqliteEngine) }

// testAPITokens: an admin makes tokens through the API; a program reads
// with one, in its scope only, without a session or a CSRF header; an
// officer's token may request a waiver, an auditor's changes nothing, no
// token reaches an admin route; a revoked or expired token is refused.
func testAPITokens(t *testing.T, e engine) {
	now := time.Now().UTC()
	clock := now
	f := newFixture(t, e, func(c *Config) { c.Now = func() time.Time { return clock } })
	dwpAgent, hmrcAgent := f.enroll("ws-0001", "DWP"), f.enroll("ws-0002", "HMRC")
	for _, a := range []*agentClient{dwpAgent, hmrcAgent} {
		if code, resp, _ := a.upload("inventory", scanReport(t), nil); code != http.StatusCreated {
			t.Fatalf("upload: %d %s", code, resp)
		}
	}
	admin := f.login("admin")
	mk := func(body map[string]any) (int, apiTokenResponse) {
		var out apiTokenResponse
		code, resp := admin.do("POST", "/api/v1/tokens", body, nil)
		if code == http.StatusCreated {
			if err := json.Unmarshal(resp, &out); err != nil {
				t.Fatal(err)
			}
		}
		return code, out
	}
	for _, bad := range []map[string]any{{"name": "x", "role": "admin"}, {"name": "x", "role": "officer"}, {"name": "", "role": "auditor"},
		{"name": "x", "role": "auditor", "days": 400}} {
		if code, _ := mk(bad); code != http.StatusBadRequest {
			t.Errorf("token %v: %d, want 400", bad, code)
		}
	}
	if code, _ := f.login("dwp-officer").do("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": "auditor"}, nil); code != http.StatusForbidden {
		t.Errorf("an officer makes a token: %d, want 403", code)
	}
	code, siem := mk(map[string]any{"name": "siem", "role": "officer", "department": "DWP", "days": 30})
	if code != http.StatusCreated || !strings.HasPrefix(siem.Token, APITokenPrefix) || siem.Department != "DWP" {
		t.Fatalf("officer token: %d %+v", code, siem)
	}
	_, audit := mk(map[string]any{"name": "audit-bot", "role": "auditor"})
	call := func(token, method, path string, body any) (int, []byte) {
		return f.anon().do(method, path, body, map[string]string{"Authorization": "Bearer " + token})
	}
	// Read in scope, without a session or a CSRF header.
	code, body := call(siem.Token, "GET", "/api/v1/findings", nil)
	var fs []store.Finding
	if code != http.StatusOK || json.Unmarshal(body, &fs) != nil || len(fs) == 0 {
		t.Fatalf("findings with the officer's token: %d %.200s", code, body)
	}
	for _, x := range fs {
		if x.Department != "DWP" {
			t.Errorf("the DWP token reads %s's finding %s", x.Department, x.ID)
		}
	}
	if code, _ := call(siem.Token, "GET", "/api/v1/hosts/"+hmrcAgent.id, nil); code != http.StatusNotFound {
		t.Errorf("the DWP token reads HMRC's host: %d", code)
	}
	if code, _ := call(audit.Token, "GET", "/api/v1/hosts/"+hmrcAgent.id, nil); code != http.StatusOK {
		t.Errorf("the auditor's token reads HMRC's host: %d", code)
	}
	// Changes: a waiver request with the officer's token, nothing with the
	// auditor's, no admin route with either.
	w := map[string]any{"finding_id": fs[0].ID, "reason": "replacement ordered", "expiry": now.Add(30 * 24 * time.Hour)}
	if code, body := call(siem.Token, "POST", "/api/v1/waivers", w); code != http.StatusCreated {
		t.Errorf("a waiver with the officer's token: %d %s", code, body)
	}
	if code, _ := call(audit.Token, "POST", "/api/v1/waivers", w); code != http.StatusForbidden {
		t.Errorf("a waiver with the auditor's token: %d, want 403", code)
	}
	for _, tok := range []string{siem.Token, audit.Token} {
		if code, _ := call(tok, "PUT", "/api/v1/policies", map[string]any{"packs": []string{"all"}}); code != http.StatusForbidden {
			t.Errorf("PUT policies with a token: %d, want 403", code)
		}
		if code, _ := call(tok, "POST", "/api/v1/tokens", map[string]any{"name": "y", "role": "auditor"}); code != http.StatusForbidden {
			t.Errorf("a token makes a token: %d, want 403", code)
		}
	}
	var es []store.AuditEntry
	admin.getJSON("/api/v1/audit?limit=1000", http.StatusOK, &es)
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.Action+" "+e.Actor] = true
	}
	if !seen["waiver.request token:siem"] || !seen["token.create admin"] {
		t.Errorf("audit: %v; want the token's waiver request by token:siem and token.create by admin", seen)
	}
	// Revoked, then expired: refused.
	if code, _ := admin.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", siem.ID), nil, nil); code != http.StatusNoContent {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := call(siem.Token, "GET", "/api/v1/findings", nil); code != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d, want 401", code)
	}
	clock = now.Add(91 * 24 * time.Hour)
	if code, _ := call(audit.Token, "GET", "/api/v1/findings", nil); code != http.StatusUnauthorized {
		t.Errorf("an expired token: %d, want 401", code)
	}
	if code, _ := call("embt_nonsense", "GET", "/api/v1/findings", nil); code != http.StatusUnauthorized {
		t.Errorf("an unknown token: %d, want 401", code)
	}
	var list []store.APIToken
	f.login("admin").getJSON("/api/v1/tokens", http.StatusOK, &list) // the first session has expired too
	if len(list) != 2 || list[1].Revoked.IsZero() && list[0].Revoked.IsZero() {
		t.Errorf("tokens %+v; want two, one revoked", list)
	}
}
