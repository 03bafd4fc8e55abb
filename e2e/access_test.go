package e2e

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// TestFleetAccessControls runs `embargo serve` (each store) and takes
// access back as an admin would (issue 14): an officer reads only their
// department's systems of the register; failed logins slow one address
// down without keeping the admin out from another; an agent revoked with
// `embargo admin revoke-agent` gets 401; a user disabled through the API
// loses their session.
func TestFleetAccessControls(t *testing.T) {
	for _, mk := range stores(t) {
		st := mk(t)
		t.Run(st.name, func(t *testing.T) {
			f := newFleet(t, st)
			base := f.srv.url
			admin := login(t, base, "admin", passwords["admin"])
			register := "default:\n  classification: OFFICIAL\nsystems:\n" +
				"  - id: dwp-desks\n    department: DWP\n    owner: desks@dwp.example.gov\n    classification: SECRET\n    match:\n      hosts: [\"dwp-*\"]\n" +
				"  - id: hmrc-vault\n    department: HMRC\n    owner: vault@hmrc.example.gov\n    classification: SECRET\n    match:\n      hosts: [\"vault-*\"]\n"
			if code := putRaw(t, admin, "/api/v1/register", register); code != http.StatusNoContent {
				t.Fatalf("PUT register: %d", code)
			}
			dwp := login(t, base, "dwp", passwords["dwp"])
			if code, body := dwp.get("/api/v1/register"); code != http.StatusOK || !strings.Contains(body, "dwp-desks") || strings.Contains(body, "hmrc") {
				t.Errorf("the DWP officer's register: %d\n%s", code, body)
			}

			// Failed logins from one address; the admin from another.
			for i := range 5 {
				if code := loginCode(base, "", "admin", "wrong password"); code != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d", i+1, code)
				}
			}
			if code := loginCode(base, "", "admin", passwords["admin"]); code != http.StatusTooManyRequests {
				t.Errorf("the right password from the failing address: %d; want 429", code)
			}
			if code := loginCode(base, "127.0.0.2", "admin", passwords["admin"]); code != http.StatusOK {
				t.Errorf("the admin from another address: %d; want 200", code)
			}

			// An agent revoked on the store while the server runs.
			cred := enrolAgent(t, base, f.tokens["DWP"], "dwp-ws-01")
			honest := []byte(embargoOut(t, "scan", dpkgTarget(t, kesl), "-o", "json"))
			if code := upload(base, cred, "inventory", honest); code != http.StatusCreated {
				t.Fatalf("upload: %d", code)
			}
			id := strings.Split(cred, ".")[0]
			if out, err := exec.Command(binary, append([]string{"admin", "revoke-agent", "--id", id}, st.args...)...).CombinedOutput(); err != nil {
				t.Fatalf("revoke-agent: %v\n%s", err, out)
			}
			if code := upload(base, cred, "inventory", honest); code != http.StatusUnauthorized {
				t.Errorf("upload of a revoked agent: %d; want 401", code)
			}
			// A user disabled through the API loses their session.
			if code := admin.do("POST", "/api/v1/users/dwp/disable", nil, nil); code != http.StatusNoContent {
				t.Fatalf("disable: %d", code)
			}
			if code, _ := dwp.get("/api/v1/overview"); code != http.StatusUnauthorized {
				t.Errorf("the disabled officer's session: %d; want 401", code)
			}
		})
	}
}

// loginCode posts a login from the loopback address from ("" for the
// default) and returns the status.
func loginCode(base, from, name, password string) int {
	tr := &http.Transport{}
	if from != "" {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		tr.DialContext = d.DialContext
	}
	c := &http.Client{Transport: tr, Timeout: time.Minute}
	body, _ := json.Marshal(map[string]string{"username": name, "password": password})
	resp, err := c.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAPITokenFromCLI: `embargo admin create-api-token` prints a token a
// program reads the running server's API with, in its scope, until
// `embargo admin revoke-api-token` ends it.
func TestAPITokenFromCLI(t *testing.T) {
	st := backend{"sqlite", []string{"--data", t.TempDir()}}
	f := newFleet(t, st)
	if code, out := f.agent(t, "DWP", "dwp-ws-01", t.TempDir(), dpkgTarget(t, kesl)); code != 0 {
		t.Fatalf("agent: exit %d\n%s", code, out)
	}
	token := strings.TrimSpace(embargo(t, "", append([]string{"admin", "create-api-token", "--name", "siem", "--role", "officer", "--department", "HMRC"}, st.args...)...))
	get := func() (int, []store.Host) {
		req, _ := http.NewRequest("GET", f.srv.url+"/api/v1/hosts", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var hs []store.Host
		json.NewDecoder(resp.Body).Decode(&hs)
		return resp.StatusCode, hs
	}
	if code, hs := get(); code != http.StatusOK || len(hs) != 0 {
		t.Errorf("HMRC's token reads %d: %+v; want 200 and none of DWP's hosts", code, hs)
	}
	var list []store.APIToken
	admin := login(t, f.srv.url, "admin", passwords["admin"])
	admin.do("GET", "/api/v1/tokens", nil, &list)
	if len(list) != 1 || list[0].Name != "siem" {
		t.Fatalf("tokens %+v", list)
	}
	embargo(t, "", append([]string{"admin", "revoke-api-token", strconv.FormatInt(list[0].ID, 10)}, st.args...)...)
	if code, _ := get(); code != http.StatusUnauthorized {
		t.Errorf("after revoke-api-token: %d, want 401", code)
	}
}
