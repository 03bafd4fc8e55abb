package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/policy/systems"
)

const twoDepartments = `# the estate's register
classifications: [OFFICIAL, SECRET, TOP SECRET]
default:
  classification: OFFICIAL
systems:
  - id: dwp-desks
    department: DWP
    owner: desks@dwp.example.gov
    classification: SECRET
    match:
      hosts: ["ws-*"]
  - id: hmrc-vault
    department: HMRC
    owner: vault@hmrc.example.gov
    classification: TOP SECRET
    match:
      hosts: ["vault-*"]
      addresses: [10.66.0.0/16]
  - id: shared-print
    owner: print@example.gov
    classification: OFFICIAL
    match:
      hosts: ["print-*"]
`

func TestRegisterByDepartment(t *testing.T) { testRegisterByDepartment(t, sqliteEngine) }

// An officer reads the systems of their own department only: not another
// department's systems, owners, host globs or address ranges (issue 14);
// admins and auditors read the whole register.
func testRegisterByDepartment(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	admin := f.login("admin")
	if code, body := admin.do("PUT", "/api/v1/register", []byte(twoDepartments), map[string]string{"Content-Type": "application/yaml"}); code != http.StatusNoContent {
		t.Fatalf("PUT register: %d %s", code, body)
	}
	for _, tc := range []struct {
		user      string
		see, hide []string
	}{
		{"dwp-officer", []string{"dwp-desks", "desks@dwp.example.gov", "ws-*", "OFFICIAL"}, []string{"hmrc", "vault", "10.66.", "shared-print", "print@"}},
		{"hmrc-officer", []string{"hmrc-vault", "10.66.0.0/16", "TOP SECRET"}, []string{"dwp", "ws-*", "shared-print"}},
		{"admin", []string{"dwp-desks", "hmrc-vault", "shared-print"}, nil},
		{"auditor", []string{"dwp-desks", "hmrc-vault", "shared-print"}, nil},
	} {
		code, body := f.login(tc.user).do("GET", "/api/v1/register", nil, nil)
		if code != http.StatusOK {
			t.Fatalf("%s: GET register: %d %s", tc.user, code, body)
		}
		for _, s := range tc.see {
			if !strings.Contains(string(body), s) {
				t.Errorf("%s does not see %q in:\n%s", tc.user, s, body)
			}
		}
		for _, s := range tc.hide {
			if strings.Contains(string(body), s) {
				t.Errorf("%s sees %q in:\n%s", tc.user, s, body)
			}
		}
		if _, err := systems.Load("register.yaml", body); err != nil {
			t.Errorf("%s's register does not load: %v", tc.user, err)
		}
	}
}
