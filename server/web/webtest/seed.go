// Package webtest builds the fleet the dashboard's and the department
// report's tests run over: a real SQLite store in a temporary folder,
// seeded only through the store's own methods (enrolment, scans, flows,
// waivers), with two departments, DWP and HMRC.
package webtest

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/sqlstore"
)

// scanJSON is a judged scan report (report/testdata/golden/findings.json):
// Kaspersky software on one host, six findings under three instruments.
//
//go:embed testdata/scan.json
var scanJSON []byte

// Now is the tests' clock.
var Now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// The viewers of the tests.
var (
	Admin       = store.Viewer{UserID: 1, Username: "ada", Role: store.Admin}
	Admin2      = store.Viewer{UserID: 5, Username: "bob", Role: store.Admin}
	DWPOfficer  = store.Viewer{UserID: 2, Username: "dora", Role: store.Officer, Department: "DWP"}
	HMRCOfficer = store.Viewer{UserID: 3, Username: "hugo", Role: store.Officer, Department: "HMRC"}
	Auditor     = store.Viewer{UserID: 4, Username: "audrey", Role: store.Auditor}
)

// Fleet names what Seed made.
type Fleet struct {
	Store *sqlstore.Store
	// DWPHost was scanned three times; DWPNever never; HMRCHost once.
	DWPHost, DWPNever, HMRCHost string
	// DWPFinding is the overdue Kaspersky finding with its whole
	// evidence; HMRCFinding a Huawei finding due in 20 days.
	DWPFinding, HMRCFinding string
	// DWPWaiver is a waiver DWP's officer requested.
	DWPWaiver int64
	// Findings are the DWP host's findings of its last scan.
	Findings []store.Finding
}

// Open opens an empty SQLite store in a temporary folder.
func Open(t testing.TB) *sqlstore.Store {
	t.Helper()
	return OpenIn(t, t.TempDir())
}

// OpenIn opens the SQLite store dir/embargo.db, as `embargo serve
// --data dir` keeps it; it is closed in t.Cleanup.
func OpenIn(t testing.TB, dir string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(dir, "embargo.db"))
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Seed opens a store in a temporary folder and fills it.
func Seed(t testing.TB) Fleet {
	t.Helper()
	return SeedInto(t, Open(t))
}

// SeedInto fills st, which must be empty.
func SeedInto(t testing.TB, st *sqlstore.Store) Fleet {
	t.Helper()
	ctx := context.Background()
	f := Fleet{Store: st, DWPHost: "agent-dwp-1", DWPNever: "agent-dwp-2", HMRCHost: "agent-hmrc-1"}
	Enroll(t, st, "DWP", f.DWPHost, "ws-0142")
	Enroll(t, st, "DWP", f.DWPNever, "ws-0143")
	Enroll(t, st, "HMRC", f.HMRCHost, "srv-01")

	var rep struct {
		Findings []finding.Finding `json:"findings"`
		Items    []json.RawMessage
	}
	if err := json.Unmarshal(scanJSON, &rep); err != nil {
		t.Fatalf("reading the seed report: %v", err)
	}
	all := FindingsFromReport(t, rep.Findings, rep.Items)
	f.DWPFinding, f.Findings = all[0].ID, all
	host := store.Host{SystemID: "dwp-desktops", SystemName: "DWP desktops", Owner: "jane.doe@dwp.example",
		Classification: "OFFICIAL", Tags: []string{"desktop"}, Items: 5, Unknowns: 1}
	// Three scans on three days, so the trend has a history: two
	// findings, then all six, then one remediated.
	Scan(t, st, f.DWPHost, "d1", Now.AddDate(0, 0, -10), host, all[:2])
	Scan(t, st, f.DWPHost, "d2", Now.AddDate(0, 0, -5), host, all)
	Scan(t, st, f.DWPHost, "d3", Now.Add(-2*time.Hour), host, all[:5])

	hf := store.Finding{ID: "F-hmrc00000001", Pack: "us-ndaa-889", Rule: "covered-telecom", Instrument: "us-ndaa19-s889",
		Title: "NDAA §889", Effect: "remove-by", Item: "I-hmrc-1", Version: "5.1", Product: "huawei-esight",
		Supplier: "huawei", Country: "CN", Deadline: Now.AddDate(0, 0, 20).Truncate(24 * time.Hour),
		Evidence: json.RawMessage(`{"finding":{"id":"F-hmrc00000001","system":"hmrc-servers","item":"I-hmrc-1","pack":"us-ndaa-889","rule":"covered-telecom","instrument":"us-ndaa19-s889","clause":"covered telecommunications equipment","effect":"remove-by","severity":"high","classification":"OFFICIAL","state":"open","item_name":"eSight"}}`)}
	Scan(t, st, f.HMRCHost, "h1", Now.Add(-3*time.Hour), store.Host{SystemID: "hmrc-servers", SystemName: "HMRC servers",
		Owner: "sam.ray@hmrc.example", Classification: "OFFICIAL", Items: 40}, []store.Finding{hf})
	f.HMRCFinding = hf.ID

	Flows(t, st, f.DWPHost, "fl1", store.FlowFinding{ID: "FL-dwp-ksn", Pack: "ksn", Rule: "ksn-telemetry", Instrument: "uk-ncsc-2017-russia-av",
		Effect: "warn", Destination: "entity:kaspersky-ao", Name: "AO Kaspersky Lab", Country: "RU", ASN: 200107, BytesOut: 5 << 20, BytesIn: 1 << 20, Flows: 42})
	Flows(t, st, f.DWPHost, "fl2", store.FlowFinding{ID: "FL-dwp-sg", Pack: "geo", Rule: "country", Instrument: "agency-geo",
		Effect: "warn", Destination: "country:SG", Name: "addresses registered in Singapore", Country: "SG", BytesOut: 3000, Flows: 2})
	Flows(t, st, f.HMRCHost, "fl3", store.FlowFinding{ID: "FL-hmrc-cn", Pack: "geo", Rule: "country", Instrument: "agency-geo",
		Effect: "warn", Destination: "country:CN", Name: "addresses registered in China", Country: "CN", BytesOut: 2 << 20, Flows: 7})

	w, err := st.RequestWaiver(ctx, DWPOfficer, store.Waiver{FindingID: all[1].ID, Reason: "Kiosk replaced in April",
		Expiry: Now.AddDate(0, 2, 0), Requested: Now.Add(-time.Hour)})
	if err != nil {
		t.Fatalf("requesting a waiver: %v", err)
	}
	f.DWPWaiver = w.ID
	return f
}

// Enroll enrols agent id of department dept for host.
func Enroll(t testing.TB, st store.Store, dept, id, host string) {
	t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256([]byte("token-" + id))
	err := st.CreateEnrollmentToken(ctx, store.System, store.EnrollmentToken{Hash: sum[:], Department: dept,
		Created: Now.AddDate(0, 0, -30), Expires: Now.AddDate(1, 0, 0), Uses: 1})
	if err != nil {
		t.Fatalf("creating a token: %v", err)
	}
	secret := sha256.Sum256([]byte("secret-" + id))
	if _, err := st.Enroll(ctx, sum[:], store.Agent{ID: id, Host: host, SecretHash: secret[:]}, Now.AddDate(0, 0, -20)); err != nil {
		t.Fatalf("enrolling %q: %v", id, err)
	}
}

// Scan applies one scan of agent id with the given findings.
func Scan(t testing.TB, st store.Store, id, digest string, at time.Time, h store.Host, fs []store.Finding) {
	t.Helper()
	h.LastScan = at
	if _, err := st.ApplyScan(context.Background(), store.ScanUpload{AgentID: id, Digest: digest, Received: at,
		Host: h, Report: scanJSON, Findings: fs}); err != nil {
		t.Fatalf("applying scan %q of %q: %v", digest, id, err)
	}
}

// Flows applies one flows upload of agent id: each flow finding given is
// its destination's traffic and the traffic finding a rule made of it.
func Flows(t testing.TB, st store.Store, id, digest string, fs ...store.FlowFinding) {
	t.Helper()
	up := store.FlowUpload{AgentID: id, Digest: digest, Received: Now.Add(-time.Hour), HostID: id}
	for _, x := range fs {
		first, last := Now.AddDate(0, 0, -3), Now.Add(-time.Hour)
		name := x.Name
		if name == "" {
			name = x.Destination
		}
		registered := x.Country
		if x.Destination == "entity:kaspersky-ao" {
			registered = "CH" // Kaspersky's network in Switzerland, controlled from Russia
		}
		up.Summaries = append(up.Summaries, store.FlowSummary{Destination: x.Destination, Name: name, Country: x.Country, Registered: registered, ASN: x.ASN,
			BytesOut: x.BytesOut, BytesIn: x.BytesIn, Flows: x.Flows, First: first, Last: last})
		up.Findings = append(up.Findings, store.Finding{ID: x.ID, Kind: store.Traffic, ItemKey: x.Destination, Pack: x.Pack, Rule: x.Rule,
			Instrument: x.Instrument, Title: x.Title, URL: x.URL, Effect: x.Effect, Item: "traffic to " + name, Product: name,
			Country: x.Country, Deadline: x.Deadline, Evidence: x.Evidence})
	}
	if _, err := st.ApplyFlows(context.Background(), up); err != nil {
		t.Fatalf("applying flows %q of %q: %v", digest, id, err)
	}
}

// FindingsFromReport turns a judged report's findings into the store's,
// with the evidence ingest keeps: the finding and its item's entry.
func FindingsFromReport(t testing.TB, fs []finding.Finding, items []json.RawMessage) []store.Finding {
	t.Helper()
	byID := map[string]json.RawMessage{}
	for _, raw := range items {
		var it struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &it); err != nil {
			t.Fatalf("reading an item: %v", err)
		}
		byID[it.ID] = raw
	}
	var out []store.Finding
	for _, f := range fs {
		ev, err := json.Marshal(map[string]any{"finding": f, "entry": byID[f.Item]})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, store.Finding{ID: f.ID, Pack: f.Pack, Rule: f.Rule, Instrument: f.Instrument, Title: f.Title,
			URL: f.URL, Effect: string(f.Effect), Item: f.ItemName, Version: f.ItemVersion, Product: f.Product,
			Supplier: f.Supplier, Country: f.Country, Deadline: f.Deadline, Evidence: ev})
	}
	if len(out) < 6 {
		t.Fatalf("the seed report has %d findings, want 6", len(out))
	}
	return out
}

// SeedHosts enrols n hosts in department dept and applies one scan to
// each with perHost findings (half of them overdue), for benchmarks.
func SeedHosts(t testing.TB, st store.Store, dept string, n, perHost int) {
	t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256([]byte("bulk-token-" + dept))
	err := st.CreateEnrollmentToken(ctx, store.System, store.EnrollmentToken{Hash: sum[:], Department: dept,
		Created: Now.AddDate(0, 0, -30), Expires: Now.AddDate(1, 0, 0), Uses: n})
	if err != nil {
		t.Fatalf("creating a token: %v", err)
	}
	for i := range n {
		id := fmt.Sprintf("agent-%s-%05d", dept, i)
		secret := sha256.Sum256([]byte(id))
		if _, err := st.Enroll(ctx, sum[:], store.Agent{ID: id, Host: fmt.Sprintf("%s-ws-%05d", dept, i), SecretHash: secret[:]}, Now.AddDate(0, 0, -20)); err != nil {
			t.Fatalf("enrolling %q: %v", id, err)
		}
		fs := make([]store.Finding, perHost)
		for j := range fs {
			deadline := Now.AddDate(0, 0, 10)
			if j%2 == 0 {
				deadline = Now.AddDate(0, 0, -10)
			}
			fs[j] = store.Finding{ID: fmt.Sprintf("F-%s-%d", id, j), Pack: "bench", Rule: "r", Instrument: fmt.Sprintf("instrument-%d", j%4),
				Effect: "remove-by", Item: fmt.Sprintf("item-%d", j), Supplier: "kaspersky-ao", Country: "RU", Deadline: deadline}
		}
		Scan(t, st, id, "bulk", Now.Add(-time.Duration(i%72)*time.Hour), store.Host{SystemID: "bulk", Owner: "owner@" + dept, Items: 100}, fs)
	}
}
