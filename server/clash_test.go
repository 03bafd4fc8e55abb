package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/store"
)

func TestHostNameClash(t *testing.T) { testHostNameClash(t, sqliteEngine) }

// A department's token cannot take another department's system by
// naming its host like it: the host is judged as its own department's
// default, and the clash is shown to admins, not to the officer (issue
// 14).
func testHostNameClash(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	admin := f.login("admin")
	if code, body := admin.do("PUT", "/api/v1/register", []byte(twoDepartments), map[string]string{"Content-Type": "application/yaml"}); code != http.StatusNoContent {
		t.Fatalf("PUT register: %d %s", code, body)
	}
	own := f.enroll("vault-7", "HMRC")    // HMRC's own system
	posing := f.enroll("ws-0001", "HMRC") // named like DWP's desks
	for _, a := range []*agentClient{own, posing} {
		if code, body, _ := a.upload("inventory", scanReport(t), nil); code != http.StatusCreated {
			t.Fatalf("upload of %s: %d %s", a.id, code, body)
		}
	}
	var h store.Host
	admin.getJSON("/api/v1/hosts/"+own.id, http.StatusOK, &h)
	if h.SystemID != "hmrc-vault" || h.Classification != "TOP SECRET" || h.Clash != "" {
		t.Errorf("HMRC's own host: %+v", h)
	}
	admin.getJSON("/api/v1/hosts/"+posing.id, http.StatusOK, &h)
	if h.SystemID != "" || h.Owner != "" || h.Classification != "OFFICIAL" || !strings.Contains(h.Clash, "dwp-desks") {
		t.Errorf("a host named like DWP's system, enrolled by HMRC: %+v; want HMRC's default and the clash", h)
	}
	if code, page := admin.do("GET", "/hosts/"+posing.id, nil, nil); code != http.StatusOK || !strings.Contains(string(page), "Name clash") {
		t.Errorf("the admin's host page does not show the clash: %d", code)
	}
	officer := f.login("hmrc-officer")
	var seen store.Host
	officer.getJSON("/api/v1/hosts/"+posing.id, http.StatusOK, &seen)
	if seen.ID != posing.id || seen.Clash != "" {
		t.Errorf("the officer reads %+v; want the host without the other department's system", seen)
	}
	if code, page := officer.do("GET", "/hosts/"+posing.id, nil, nil); code != http.StatusOK || strings.Contains(string(page), "dwp") {
		t.Errorf("the officer's host page names DWP's system: %d", code)
	}
}
