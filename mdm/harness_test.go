package mdm

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests run each connector against a loopback server that replays
// the vendors' documented responses (testdata/, see SOURCES.md), issues
// numbered tokens, and can refuse, throttle or fail requests on cue. No
// test waits on the wall clock: waits go to a fake clock.

const testSecret = "s3cr3t-Client-Value-9f8e7d"

// fakeClock is Options.Now and Options.Sleep: Sleep records the wait and
// moves the clock on.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fault is one answer the server gives instead of the real one.
type fault struct {
	status int
	header map[string]string
	body   string
}

// fakeServer is a vendor's API on loopback.
type fakeServer struct {
	*httptest.Server
	t         *testing.T
	tokenPath string
	routes    map[string]http.HandlerFunc // by URL path

	mu        sync.Mutex
	tokens    int                // tokens issued
	uses      map[string]int     // API requests served, by token
	tokenLife int                // >0: a token is refused after this many requests
	expiresIn int                // expires_in of issued tokens
	forms     []url.Values       // token requests
	requests  []string           // API requests: path?query
	refused   int                // 401s answered
	faults    map[string][]fault // by path?query or path, answered in turn
	always    map[string]fault   // by path?query or path, answered every time
	headers   []http.Header      // API request headers
	onAPI     func()
	basicUser string // set: check basic authentication instead of tokens
}

func newServer(t *testing.T, tokenPath string) *fakeServer {
	s := &fakeServer{t: t, tokenPath: tokenPath, routes: map[string]http.HandlerFunc{},
		uses: map[string]int{}, faults: map[string][]fault{}, always: map[string]fault{}, expiresIn: 3600}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == s.tokenPath && s.tokenPath != "" {
		s.token(w, r)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	s.headers = append(s.headers, r.Header.Clone())
	if !s.authorized(r) {
		s.refused++
		s.mu.Unlock()
		http.Error(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`, http.StatusUnauthorized)
		return
	}
	// Faults are keyed by path and query, or by path alone.
	key := r.URL.RequestURI()
	if _, ok := s.always[key]; !ok && len(s.faults[key]) == 0 {
		key = r.URL.Path
	}
	f, faulty := s.always[key]
	if q := s.faults[key]; !faulty && len(q) > 0 {
		f, faulty, s.faults[key] = q[0], true, q[1:]
	}
	hook := s.onAPI
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	if faulty {
		for k, v := range f.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(f.status)
		fmt.Fprint(w, f.body)
		return
	}
	h, ok := s.routes[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

// authorized checks the request's credentials; s.mu is held.
func (s *fakeServer) authorized(r *http.Request) bool {
	if s.basicUser != "" {
		u, p, ok := r.BasicAuth()
		return ok && u == s.basicUser && p == testSecret
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if _, issued := s.uses[tok]; !ok || !issued {
		return false
	}
	if s.tokenLife > 0 && s.uses[tok] >= s.tokenLife {
		return false
	}
	s.uses[tok]++
	return true
}

func (s *fakeServer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad token request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forms = append(s.forms, r.PostForm)
	if r.PostForm.Get("client_secret") != testSecret || r.PostForm.Get("grant_type") != "client_credentials" {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	s.tokens++
	tok := "tok-" + strconv.Itoa(s.tokens) + "-eyJhbGciOiJIUzI1NiJ9"
	s.uses[tok] = 0
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"token_type":"Bearer","expires_in":%d,"access_token":%q}`, s.expiresIn, tok)
}

// file serves a fixture with {{base}} replaced by the server's URL.
func (s *fakeServer) file(w http.ResponseWriter, ctype, name string) {
	w.Header().Set("Content-Type", ctype)
	w.Write(fixture(s.t, name, s.URL))
}

func fixture(t *testing.T, name, base string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte("{{base}}"), []byte(base))
}

func (s *fakeServer) snapshot() (requests []string, tokens, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...), s.tokens, s.refused
}

// harness is what a test pulls with: the clock, the log, the secret.
type harness struct {
	clk  *fakeClock
	logs *bytes.Buffer
	out  string
	dir  string // where secret files go
}

func newHarness(t *testing.T) *harness {
	h := &harness{clk: newClock(), logs: &bytes.Buffer{}, out: t.TempDir(), dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(h.dir, "secret"), []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) options() Options {
	return Options{
		Out: h.out, Now: h.clk.Now, Sleep: h.clk.Sleep,
		LookupEnv: func(k string) (string, bool) {
			if k == "TEST_TENANT_CODE" {
				return "aw-Tenant-Code-0123456789", true
			}
			return "", false
		},
		Logger:   slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Retry:    RetryPolicy{MaxRetries: 3, BackoffBase: time.Second, BackoffMax: 4 * time.Second, MaxRetryAfter: time.Minute},
		PageSize: 2,
	}
}

// connector loads a one-connector configuration; "SECRET" in it names
// the secret file.
func (h *harness) connector(t *testing.T, yamlText string) Connector {
	t.Helper()
	yamlText = strings.ReplaceAll(yamlText, "SECRET", filepath.Join(h.dir, "secret"))
	cfg, err := Load("test.yaml", []byte(yamlText))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Connectors[0]
}

func (h *harness) pull(t *testing.T, c Connector) (*Result, error) {
	t.Helper()
	return Pull(context.Background(), c, h.options())
}

// tree maps every file under dir to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkSaved checks that each run file holds exactly what the server
// sent: want maps file names to fixtures.
func checkSaved(t *testing.T, dir, base string, want map[string]string) {
	t.Helper()
	got := tree(t, dir)
	for name, fx := range want {
		if got[name] != string(fixture(t, fx, base)) {
			t.Errorf("%s does not hold %s as served", name, fx)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok && name != ManifestName {
			t.Errorf("unexpected file %s", name)
		}
	}
}

// noSecrets checks that neither the client secret, the tenant code nor
// any token issued appears in text, whole or their first ten characters.
func noSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range []string{testSecret[:10], "aw-Tenant-Code-0123456789"[:10], "-eyJhbGciOiJIUzI1NiJ9"} {
		if strings.Contains(text, s) {
			t.Errorf("%s holds a secret (%.6s...)", where, s)
		}
	}
}
