// Package storetest is the conformance suite every store.Store must
// pass, run by each implementation's tests against a real database
// (SQLite in a temporary file, and a private PostgreSQL cluster that
// Postgres starts), so that both engines are held to the same
// behaviour: access decided per viewer, findings' lives, waivers,
// idempotent uploads and a tamper-evident audit log.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// Opener opens a fresh, empty store for one test. It also returns a
// connection of its own to the store's database, through which the
// suite changes rows behind the store's back, as someone with access to
// the database could, to check that the audit log notices.
type Opener func(t *testing.T) (store.Store, *sql.DB)

// Run runs the suite; each part is a subtest with a store of its own.
func Run(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, f *fixture)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"LoginFailures", testLoginFailures},
		{"EnrollmentToken", testEnrollmentToken},
		{"EnrollmentRace", testEnrollmentRace},
		{"IdempotentUploads", testIdempotentUploads},
		{"FindingLifecycle", testFindingLifecycle},
		{"Flows", testFlows},
		{"StateReasons", testStateReasons},
		{"Rejudge", testRejudge},
		{"RejudgeHosts", testRejudgeHosts},
		{"Departments", testDepartments},
		{"Restate", testRestate},
		{"CatalogueVersion", testCatalogueVersion},
		{"Feed", testFeed},
		{"Changes", testChanges},
		{"ProductRows", testProductRows},
		{"Search", testSearch},
		{"APITokens", testAPITokens},
		{"CounterOverflow", testCounterOverflow},
		{"WaiverLifecycle", testWaiverLifecycle},
		{"WaiverRules", testWaiverRules},
		{"AuditorChangesNothing", testAuditorChangesNothing},
		{"AdminOnly", testAdminOnly},
		{"OfficerIsolation", testOfficerIsolation},
		{"Overview", testOverview},
		{"DeadlineCounts", testDeadlineCounts},
		{"FindingPages", testFindingPages},
		{"Trend", testTrend},
		{"DepartmentFacts", testDepartmentFacts},
		{"DepartmentFactsLater", testDepartmentFactsLater},
		{"FindingFilters", testFindingFilters},
		{"RegisterAndPolicies", testRegisterAndPolicies},
		{"Reports", testReports},
		{"AuditChain", testAuditChain},
		{"AuditTamper", testAuditTamper},
		{"AuditConcurrentAppends", testAuditConcurrent},
		{"ConcurrentIngest", testConcurrentIngest},
		{"DeviceHosts", testDeviceHosts},
		{"DeviceMissed", testDeviceMissed},
		{"DeviceFindings", testDeviceFindings},
		{"DeviceRejudge", testDeviceRejudge},
		{"EquipmentList", testEquipmentList},
		{"EquipmentLifetime", testEquipmentLifetime},
		{"EquipmentRefused", testEquipmentRefused},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, db := open(t)
			f := newFixture(t, st, db)
			c.fn(t, f)
			f.countsAgree(t)
		})
	}
}

// t0 is the suite's "now": fixed, so that deadlines and expiries are
// exact.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// fixture is a store with two admins, an auditor and an officer each of
// DWP and HMRC.
type fixture struct {
	st  store.Store
	db  *sql.DB
	ctx context.Context

	admin, admin2, auditor, dwp, hmrc store.Viewer
}

func newFixture(t *testing.T, st store.Store, db *sql.DB) *fixture {
	t.Helper()
	f := &fixture{st: st, db: db, ctx: context.Background()}
	f.admin = f.user(t, "alice", store.Admin, "")
	f.admin2 = f.user(t, "bob", store.Admin, "")
	f.auditor = f.user(t, "audrey", store.Auditor, "")
	f.dwp = f.user(t, "olive", store.Officer, "DWP")
	f.hmrc = f.user(t, "oscar", store.Officer, "HMRC")
	return f
}

func (f *fixture) user(t *testing.T, name string, role store.Role, dept string) store.Viewer {
	t.Helper()
	u, err := f.st.CreateUser(f.ctx, store.System, store.User{Username: name, Role: role, Department: dept, PasswordHash: "$argon2id$x", Created: t0})
	if err != nil {
		t.Fatalf("create user %q: %v", name, err)
	}
	return store.Viewer{UserID: u.ID, Username: u.Username, Role: u.Role, Department: u.Department}
}

func randomHash(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return h[:]
}

// token creates an enrolment token of a department with uses uses.
func (f *fixture) token(t *testing.T, dept string, uses int) []byte {
	t.Helper()
	h := randomHash(t)
	err := f.st.CreateEnrollmentToken(f.ctx, f.admin, store.EnrollmentToken{Hash: h, Department: dept, Created: t0, Expires: t0.Add(day), Uses: uses})
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	return h
}

// enrol enrols an agent "agent-HOST" of a department.
func (f *fixture) enrol(t *testing.T, dept, host string) string {
	t.Helper()
	a, err := f.st.Enroll(f.ctx, f.token(t, dept, 1), store.Agent{ID: "agent-" + host, Host: host, SecretHash: randomHash(t)}, t0)
	if err != nil {
		t.Fatalf("enrol %q: %v", host, err)
	}
	return a.ID
}

// scan applies a scan of agent with the findings given; the digest is
// made from the name, so the same name is the same upload.
func (f *fixture) scan(t *testing.T, agent, name string, at time.Time, fs ...store.Finding) bool {
	t.Helper()
	dup, err := f.st.ApplyScan(f.ctx, store.ScanUpload{
		AgentID: agent, Digest: digest(name), Received: at,
		Host:   store.Host{SystemID: "sys-1", SystemName: "Benefits", Owner: "ops", Classification: "OFFICIAL", Tags: []string{"prod"}, Items: 100, Unknowns: 2},
		Report: []byte(`{"report":"` + name + `"}`), Findings: fs,
	})
	if err != nil {
		t.Fatalf("scan %q of %q: %v", name, agent, err)
	}
	return dup
}

func digest(name string) string {
	h := sha256.Sum256([]byte(name))
	return fmt.Sprintf("%x", h)
}

// finding is a finding of a rule of instrument inst; a zero deadline is
// none.
func finding(id, inst string, deadline time.Time) store.Finding {
	return store.Finding{ID: id, Pack: "uk", Rule: "r-" + id, Instrument: inst, Title: "Remove " + id, URL: "https://example.gov/" + inst,
		Effect: "remove-by", Item: "pkg-" + id, Version: "1.0", Product: "Product " + id, Supplier: "Supplier", Country: "CN",
		Deadline: deadline, Evidence: []byte(`{"item":"` + id + `"}`)}
}

// state is a finding's state as the store has it now.
func (f *fixture) state(t *testing.T, id string) store.FindingState {
	t.Helper()
	fd, err := f.st.Finding(f.ctx, store.System, id)
	if err != nil {
		t.Fatalf("finding %q: %v", id, err)
	}
	return fd.State
}

func (f *fixture) host(t *testing.T, id string) store.Host {
	t.Helper()
	h, err := f.st.Host(f.ctx, store.System, id)
	if err != nil {
		t.Fatalf("host %q: %v", id, err)
	}
	return h
}

// auditLen is the number of entries in the log.
func (f *fixture) auditLen(t *testing.T) int64 {
	t.Helper()
	n, err := f.st.VerifyAudit(f.ctx)
	if err != nil {
		t.Fatalf("verify audit: %v", err)
	}
	return n
}

// traffic is an upload's traffic of n bytes out and in and n flows to
// destination dest between first and last, and the traffic finding id of
// instrument inst that a rule made of it.
func traffic(id, dest, inst string, n uint64, first, last time.Time) (store.FlowSummary, store.Finding) {
	sum := store.FlowSummary{Destination: dest, Name: "Kaspersky", Country: "RU", ASN: 200107, BytesOut: n, BytesIn: n, Flows: n,
		First: first, Last: last, Aggregate: []byte(`{"destination":"` + dest + `"}`)}
	fd := store.Finding{ID: id, Pack: "uk", Rule: "egress", Instrument: inst, Title: "Traffic to " + dest, Effect: "warn",
		Item: "traffic to Kaspersky", Product: "Kaspersky", Country: "RU", ItemKey: dest, Evidence: []byte(`{"n":1}`)}
	return sum, fd
}

// flows applies a flows upload of one destination's traffic and its
// finding; it reports whether the upload was a duplicate.
func (f *fixture) flows(t *testing.T, agent, name string, at time.Time, sum store.FlowSummary, fd store.Finding) bool {
	t.Helper()
	dup, err := f.st.ApplyFlows(f.ctx, store.FlowUpload{AgentID: agent, Digest: digest(name), Received: at, HostID: agent,
		Summaries: []store.FlowSummary{sum}, Findings: []store.Finding{fd}})
	if err != nil {
		t.Fatalf("flows %q of %q: %v", name, agent, err)
	}
	return dup
}

// countsAgree checks the counts the store keeps against its findings:
// finding_counts by department, instrument and state, and deadline_counts
// of the standing findings with a deadline by department, instrument and
// deadline. Pages and reports read these instead of the findings.
func (f *fixture) countsAgree(t *testing.T) {
	t.Helper()
	q := func(query string) map[string]int64 {
		rows, err := f.db.QueryContext(f.ctx, query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var a, b, c string
			var n int64
			if err := rows.Scan(&a, &b, &c, &n); err != nil {
				t.Fatal(err)
			}
			out[a+"|"+b+"|"+c] = n
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	kept := q(`SELECT department, instrument, state, n FROM finding_counts WHERE n <> 0`)
	real := q(`SELECT department, instrument, state, COUNT(*) FROM findings GROUP BY department, instrument, state`)
	if diff := cmp.Diff(real, kept); diff != "" {
		t.Errorf("finding_counts disagree with the findings (-findings +kept):\n%s", diff)
	}
	kept = q(`SELECT department, instrument, CAST(deadline AS TEXT), n FROM deadline_counts WHERE n <> 0`)
	real = q(`SELECT department, instrument, CAST(deadline AS TEXT), COUNT(*) FROM findings
		WHERE state IN ('open', 'reopened') AND deadline <> 9223372036854775807 GROUP BY department, instrument, deadline`)
	if diff := cmp.Diff(real, kept); diff != "" {
		t.Errorf("deadline_counts disagree with the findings (-findings +kept):\n%s", diff)
	}
}
