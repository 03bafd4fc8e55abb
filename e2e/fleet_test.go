package e2e

import (
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/storetest"
)

// stores gives the two stores a server can keep its state in: SQLite in
// a data folder, and a private PostgreSQL cluster started for the test.
func stores(t *testing.T) []func(t *testing.T) backend {
	return []func(t *testing.T) backend{
		func(t *testing.T) backend { return backend{"sqlite", []string{"--data", t.TempDir()}} },
		func(t *testing.T) backend {
			dsn := storetest.Postgres(t)
			return backend{"postgres", []string{"--data", t.TempDir(), "--db", dsn}}
		},
	}
}

// fleet is a server with its accounts made by `embargo admin`.
type fleet struct {
	st     backend
	srv    *server
	tokens map[string]string // department → enrolment token
}

var passwords = map[string]string{
	"admin": "admin-password-1", "dwp": "dwp-officer-pw-2", "hmrc": "hmrc-officer-pw-3", "audit": "auditor-pw-4444",
}

func newFleet(t *testing.T, st backend) *fleet {
	t.Helper()
	for _, u := range [][3]string{{"admin", "admin", ""}, {"dwp", "officer", "DWP"}, {"hmrc", "officer", "HMRC"}, {"audit", "auditor", ""}} {
		args := append([]string{"admin", "create-user", "--username", u[0], "--role", u[1], "--password-stdin"}, st.args...)
		if u[2] != "" {
			args = append(args, "--department", u[2])
		}
		embargo(t, passwords[u[0]]+"\n", args...)
	}
	f := &fleet{st: st, tokens: map[string]string{}}
	for _, d := range []string{"DWP", "HMRC"} {
		out := embargo(t, "", append([]string{"admin", "create-enrollment-token", "--department", d, "--uses", "1000"}, st.args...)...)
		f.tokens[d] = strings.TrimSpace(out)
	}
	f.srv = startServer(t, st)
	return f
}

// agent runs `embargo agent --once` for host in department dept over
// target, keeping its state in stateDir; it returns the exit code.
func (f *fleet) agent(t *testing.T, dept, host, stateDir, target string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary, "agent", "--server", f.srv.url, "--token", f.tokens[dept], "--once",
		"--state-dir", stateDir, "--host", host, target)
	out, err := cmd.CombinedOutput()
	return exitCode(err), string(out)
}

// TestFleet: a server and two agents of two departments on loopback, on
// each store: the agents enrol and upload real scans, the server judges
// them, each officer sees only their department by API, export and
// page, the auditor changes nothing, and the audit chain verifies.
func TestFleet(t *testing.T) {
	for _, mk := range stores(t) {
		st := mk(t)
		t.Run(st.name, func(t *testing.T) {
			f := newFleet(t, st)
			target := dpkgTarget(t, kesl, curl)
			dwpState, hmrcState := t.TempDir(), t.TempDir()
			for _, a := range [][3]string{{"DWP", "dwp-ws-01", dwpState}, {"HMRC", "hmrc-ws-01", hmrcState}} {
				if code, out := f.agent(t, a[0], a[1], a[2], target); code != 0 {
					t.Fatalf("agent %s: exit %d\n%s", a[1], code, out)
				}
			}
			admin := login(t, f.srv.url, "admin", passwords["admin"])
			var hosts []store.Host
			admin.do("GET", "/api/v1/hosts", nil, &hosts)
			byName := map[string]store.Host{}
			for _, h := range hosts {
				byName[h.Host] = h
			}
			dwpHost, hmrcHost := byName["dwp-ws-01"], byName["hmrc-ws-01"]
			if len(hosts) != 2 || dwpHost.Department != "DWP" || hmrcHost.Department != "HMRC" || dwpHost.Open == 0 {
				t.Fatalf("hosts after two agents: %+v", hosts)
			}
			var all []store.Finding
			admin.do("GET", "/api/v1/findings", nil, &all)
			var hmrcFinding store.Finding
			for _, fd := range all {
				if fd.Item != "kesl" && !strings.HasPrefix(fd.Item, "kesl") && !strings.Contains(string(fd.Evidence), "kesl") {
					t.Errorf("finding about %q: only kesl is restricted", fd.Item)
				}
				if fd.HostID == hmrcHost.ID {
					hmrcFinding = fd
				}
			}
			if hmrcFinding.ID == "" {
				t.Fatalf("no finding on HMRC's host among %d", len(all))
			}

			t.Logf("%d hosts, %d findings; HMRC finding %s on %s", len(hosts), len(all), hmrcFinding.ID, hmrcFinding.Item)
			// A second run over the same tree uploads nothing new.
			before := auditCount(t, admin)
			if code, out := f.agent(t, "DWP", "dwp-ws-01", dwpState, target); code != 0 {
				t.Fatalf("second agent run: exit %d\n%s", code, out)
			}
			t.Logf("audit entries: %d", before)
			if after := auditCount(t, admin); after != before {
				t.Errorf("an unchanged scan changed the audit log: %d entries, then %d", before, after)
			}

			// The DWP officer: their host only, by API, export and page.
			dwp := login(t, f.srv.url, "dwp", passwords["dwp"])
			var seen []store.Host
			dwp.do("GET", "/api/v1/hosts", nil, &seen)
			if len(seen) != 1 || seen[0].ID != dwpHost.ID {
				t.Errorf("DWP's officer sees hosts %+v", seen)
			}
			for _, path := range []string{
				"/api/v1/hosts/" + hmrcHost.ID, "/api/v1/hosts/" + hmrcHost.ID + "/inventory",
				"/api/v1/findings/" + hmrcFinding.ID, "/hosts/" + hmrcHost.ID, "/findings/" + hmrcFinding.ID,
				"/departments/HMRC", "/reports/HMRC",
			} {
				if code, _ := dwp.get(path); code != http.StatusNotFound {
					t.Errorf("DWP's officer GET %s: %d, want 404", path, code)
				}
			}
			for _, format := range []string{"csv", "json"} {
				code, body := dwp.get("/api/v1/export/findings?format=" + format)
				if code != http.StatusOK || strings.Contains(body, hmrcHost.ID) || strings.Contains(body, "HMRC") || !strings.Contains(body, dwpHost.ID) {
					t.Errorf("DWP's %s export (%d) shows HMRC or lacks DWP:\n%s", format, code, body)
				}
			}
			if code := dwp.do("POST", "/api/v1/waivers", map[string]string{"finding_id": hmrcFinding.ID, "reason": "x", "expiry": "2099-01-01T00:00:00Z"}, nil); code != http.StatusNotFound {
				t.Errorf("DWP's officer requesting a waiver on HMRC's finding: %d, want 404", code)
			}

			// The auditor reads everything and changes nothing.
			aud := login(t, f.srv.url, "audit", passwords["audit"])
			var audHosts []store.Host
			aud.do("GET", "/api/v1/hosts", nil, &audHosts)
			if len(audHosts) != 2 {
				t.Errorf("the auditor sees %d hosts, want 2", len(audHosts))
			}
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"POST", "/api/v1/waivers", map[string]string{"finding_id": hmrcFinding.ID, "reason": "x", "expiry": "2099-01-01T00:00:00Z"}},
				{"PUT", "/api/v1/policies", map[string][]string{"packs": {"us-bod-17-01"}}},
				{"POST", "/api/v1/enrollment-tokens", map[string]any{"department": "DWP", "uses": 1}},
				{"POST", "/api/v1/users", map[string]string{"username": "x", "password": "long-enough-password", "role": "admin"}},
			} {
				if code := aud.do(c.method, c.path, c.body, nil); code != http.StatusForbidden {
					t.Errorf("auditor %s %s: %d, want 403", c.method, c.path, code)
				}
			}

			// The waiver workflow across two people, then the chain.
			var w store.Waiver
			dwpFinding := firstFinding(t, dwp)
			if code := dwp.do("POST", "/api/v1/waivers", map[string]string{"finding_id": dwpFinding.ID, "reason": "replacement ordered", "expiry": "2099-01-01T00:00:00Z"}, &w); code/100 != 2 {
				t.Fatalf("DWP's waiver request: %d", code)
			}
			if code := admin.do("POST", "/api/v1/waivers/"+strconv.FormatInt(w.ID, 10)+"/approve", map[string]string{"note": "ok"}, nil); code/100 != 2 {
				t.Errorf("approve: %d", code)
			}
			f.srv.stop()
			out := embargo(t, "", append([]string{"audit", "verify"}, st.args...)...)
			if !strings.Contains(out, "verified") {
				t.Errorf("audit verify: %s", out)
			}
		})
	}
}

func firstFinding(t *testing.T, u *user) store.Finding {
	t.Helper()
	var fs []store.Finding
	u.do("GET", "/api/v1/findings", nil, &fs)
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	return fs[0]
}

func auditCount(t *testing.T, u *user) int {
	t.Helper()
	var es []store.AuditEntry
	if code := u.do("GET", "/api/v1/audit?limit=10000", nil, &es); code != http.StatusOK {
		t.Fatalf("audit: %d", code)
	}
	return len(es)
}
