package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/sqlstore"
	"github.com/embargo-dev/embargo/store/storetest"
)

// testPassword is every test user's password.
const testPassword = "a long enough password"

// testRegister makes ws-* hosts SECRET federal systems, so the
// Kaspersky package of the fixture breaks several packs' rules.
const testRegister = `default:
  classification: OFFICIAL
systems:
  - id: secure-desks
    name: Secure desktops
    owner: desktops@example.gov
    classification: SECRET
    tags: [national-security, government-device, federal-information-system]
    match:
      hosts: ["ws-*"]
`

// engine opens a fresh store of one kind for a test.
type engine struct {
	name string
	open func(t *testing.T) store.Store
}

// sqliteEngine is a SQLite file in the test's temporary folder.
var sqliteEngine = engine{"sqlite", openSQLite}

// apiTests run against each engine: SQLite in their own Test functions,
// PostgreSQL in TestPostgres, on one private cluster.
var apiTests = []struct {
	name string
	fn   func(*testing.T, engine)
}{
	{"EnrollOnce", testEnrollOnce},
	{"EquipmentAPI", testEquipmentAPI},
	{"UploadInventory", testUploadInventory},
	{"UploadRefused", testUploadRefused},
	{"AgentRateLimit", testAgentRateLimit},
	{"LoginAndCSRF", testLoginAndCSRF},
	{"Lockout", testLockout},
	{"AuditorChangesNothing", testAuditorChangesNothing},
	{"OfficerSeesOwnDepartment", testOfficerSeesOwnDepartment},
	{"WaiverFlowAndAudit", testWaiverFlowAndAudit},
	{"UploadFlows", testUploadFlows},
	{"ForgedSummary", testForgedSummary},
	{"RegisterByDepartment", testRegisterByDepartment},
	{"StalledUploads", testStalledUploads},
	{"HostNameClash", testHostNameClash},
	{"Revocation", testRevocation},
	{"UploadLimits", testUploadLimits},
	{"ItemStoredOnce", testItemStoredOnce},
	{"Rejudge", testRejudge},
	{"Feed", testFeed},
	{"APITokens", testAPITokens},
	{"IngestDevices", testIngestDevices},
	{"DevicePulls", testDevicePulls},
	{"DeviceRejudge", testDeviceRejudge},
}

// TestPostgres runs the API tests on PostgreSQL: a private cluster, a
// fresh database per test. It fails, naming the Debian package, when
// PostgreSQL is not installed.
func TestPostgres(t *testing.T) {
	c := storetest.StartPostgres(t)
	pg := engine{"postgres", func(t *testing.T) store.Store {
		t.Helper()
		st, err := sqlstore.Open(context.Background(), c.NewDatabase(t))
		if err != nil {
			t.Fatalf("opening PostgreSQL store: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}}
	for _, tc := range apiTests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, pg) })
	}
}

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "embargo.db"))
	if err != nil {
		t.Fatalf("opening SQLite store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fixture is a running server over a store holding the test register,
// users of each role and a logger that keeps what it logs.
type fixture struct {
	t    *testing.T
	st   store.Store
	srv  *Server
	ts   *httptest.Server
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newFixture(t *testing.T, e engine, tweak func(*Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, st: e.open(t), logs: &syncBuffer{}}
	ctx := context.Background()
	if err := f.st.PutRegister(ctx, store.System, []byte(testRegister)); err != nil {
		t.Fatalf("storing the register: %v", err)
	}
	for _, u := range []struct {
		name string
		role store.Role
		dept string
	}{
		{"admin", store.Admin, ""}, {"admin2", store.Admin, ""}, {"auditor", store.Auditor, ""},
		{"dwp-officer", store.Officer, "DWP"}, {"hmrc-officer", store.Officer, "HMRC"},
	} {
		nu, err := NewUser(u.name, testPassword, u.role, u.dept)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.CreateUser(ctx, store.System, nu); err != nil {
			t.Fatalf("creating user %q: %v", u.name, err)
		}
	}
	cfg := Config{Store: f.st, Logger: slog.New(slog.NewJSONHandler(f.logs, nil))}
	if tweak != nil {
		tweak(&cfg)
	}
	var err error
	if f.srv, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// browser is a logged-in user's HTTP client.
type browser struct {
	f    *fixture
	c    *http.Client
	csrf string
}

// login logs a user in through the API.
func (f *fixture) login(name string) *browser {
	f.t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	code, body := b.do("POST", "/api/v1/login", map[string]string{"username": name, "password": testPassword}, nil)
	if code != http.StatusOK {
		f.t.Fatalf("login %q: %d %s", name, code, body)
	}
	var r struct{ CSRF string }
	json.Unmarshal(body, &r)
	b.csrf = r.CSRF
	return b
}

// do sends a request with the browser's cookies and, for unsafe methods,
// its CSRF token (unless hdr sets one); body is JSON unless []byte.
func (b *browser) do(method, path string, body any, hdr map[string]string) (int, []byte) {
	b.f.t.Helper()
	var rd io.Reader
	switch x := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(x)
	default:
		data, _ := json.Marshal(x)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, b.f.ts.URL+path, rd)
	if err != nil {
		b.f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.csrf != "" && method != "GET" {
		req.Header.Set(CSRFHeader, b.csrf)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := b.c
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// anon is a client with no session.
func (f *fixture) anon() *browser { return &browser{f: f, c: &http.Client{}} }

// anonFrom is a client with no session connecting from the loopback
// address ip (127.0.0.2, …): another client address for the server.
func (f *fixture) anonFrom(ip string) *browser {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &browser{f: f, c: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
}

// getJSON GETs path and decodes it, failing unless the status is want.
func (b *browser) getJSON(path string, want int, v any) {
	b.f.t.Helper()
	code, body := b.do("GET", path, nil, nil)
	if code != want {
		b.f.t.Fatalf("GET %s: %d %s; want %d", path, code, body, want)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			b.f.t.Fatalf("GET %s: %v", path, err)
		}
	}
}

// agentClient is an enrolled agent.
type agentClient struct {
	f                *fixture
	id, secret, dept string
}

// enroll makes a one-use token for dept and enrols host with it.
func (f *fixture) enroll(host, dept string) *agentClient {
	f.t.Helper()
	token, rec, err := NewEnrollmentToken(dept, 1, time.Hour, "test", time.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.st.CreateEnrollmentToken(context.Background(), store.System, rec); err != nil {
		f.t.Fatalf("creating an enrolment token: %v", err)
	}
	code, body := f.anon().do("POST", "/api/v1/enroll", map[string]string{"token": token, "host": host}, nil)
	if code != http.StatusCreated {
		f.t.Fatalf("enrol %q: %d %s", host, code, body)
	}
	var r enrollResponse
	json.Unmarshal(body, &r)
	if r.Department != dept || r.AgentID == "" || r.Secret == "" {
		f.t.Fatalf("enrol %q: %+v", host, r)
	}
	return &agentClient{f: f, id: r.AgentID, secret: r.Secret, dept: dept}
}

// upload posts body (gzipped, with its digest unless hdr overrides) to
// the upload route of kind; it returns the status, body and headers.
func (a *agentClient) upload(kind string, body []byte, hdr map[string]string) (int, []byte, http.Header) {
	a.f.t.Helper()
	req, _ := http.NewRequest("POST", a.f.ts.URL+"/api/v1/uploads/"+kind, bytes.NewReader(gz(a.f.t, body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set(DigestHeader, digestOf(body))
	req.Header.Set("Authorization", "Bearer "+a.id+"."+a.secret)
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp.Header
}

var (
	scanOnce sync.Once
	scanJSON []byte
	scanErr  error
)

// scanReport is the JSON of a real scan of testdata/host, whose dpkg
// status lists Kaspersky Endpoint Security: what `embargo scan -o json`
// writes, made by the real scanner.
func scanReport(t testing.TB) []byte {
	t.Helper()
	scanOnce.Do(func() {
		var cat *catalog.Catalog
		if cat, scanErr = catalog.Embedded(); scanErr != nil {
			return
		}
		rep, err := scan.Run(context.Background(), attribute.New(cat), []string{"testdata/host"}, scan.Options{Version: "test"})
		if err != nil {
			scanErr = err
			return
		}
		var buf bytes.Buffer
		scanErr = report.JSON{}.Encode(&buf, rep)
		scanJSON = buf.Bytes()
	})
	if scanErr != nil {
		t.Fatalf("scanning testdata/host: %v", scanErr)
	}
	if !strings.Contains(string(scanJSON), `"kesl"`) {
		t.Fatal("the fixture scan found no kesl package")
	}
	return scanJSON
}
