// Package agenttest is a fleet server for agent tests: a real HTTP
// server on loopback that implements the agent endpoints of the fleet
// contract (enrolment with one-time tokens, gzip uploads checked against
// their Embargo-Digest, duplicates recognised per agent and digest,
// GET /api/v1/agent/config), with hooks to inject the failures an agent
// must survive. It keeps everything in memory; `embargo serve` is the
// real thing.
package agenttest

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/report"
)

// The contract's upload limits.
const (
	maxCompressed   = 32 << 20
	maxDecompressed = 256 << 20
	maxJSON         = 64 << 10
)

// Upload is one upload the server accepted (not its duplicates).
type Upload struct {
	Kind, Agent, Digest string
	Body                []byte // uncompressed
}

// Server is the fake fleet server. Set the hooks before the agent runs.
type Server struct {
	// Before, when set, sees every request first; returning true means
	// it answered and the server does nothing (to inject 429, 503, 413).
	Before func(w http.ResponseWriter, r *http.Request) bool
	// LoseAnswer, when set and true for an upload, makes the server store
	// it and then drop the connection without answering, as a server
	// killed between its commit and its answer.
	LoseAnswer func(r *http.Request) bool
	// IntervalSeconds is what GET /api/v1/agent/config answers.
	IntervalSeconds int
	// FeedBundle is what GET /api/v1/feed/bundle serves (nil: 404, no
	// feed in the fleet); a test may set any bytes, as a compromised
	// server would. Set it before the agent runs, or under SetFeed.
	FeedBundle []byte

	tb   testing.TB
	addr string
	tls  *tls.Config // nil: plain HTTP
	srv  *http.Server

	mu       sync.Mutex
	tokens   map[string]*token
	agents   map[string]agent // id → agent
	seen     map[string]bool  // agent + " " + digest
	uploads  []Upload
	requests int // upload requests, duplicates and failures included
}

type token struct {
	dept string
	uses int
}

type agent struct{ secret, dept, host string }

// Start starts a server on a free loopback port, stopped at the end of
// the test.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{tb: tb, tokens: map[string]*token{}, agents: map[string]agent{}, seen: map[string]bool{}, IntervalSeconds: 3600}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	tb.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(ln net.Listener) {
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(s.listener(ln))
}

// URL is the server's base URL; it stays the same across Stop and
// Restart.
func (s *Server) URL() *url.URL { return &url.URL{Scheme: s.scheme(), Host: s.addr} }

// Stop closes the listener and every connection: the agent sees
// "connection refused", as when the server is down.
func (s *Server) Stop() {
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// Restart listens again on the same address, keeping what was received.
func (s *Server) Restart() {
	s.tb.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port can take a moment to be free again
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.tb.Fatalf("restarting the fleet server on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// AddToken makes an enrolment token for dept, good for uses agents.
func (s *Server) AddToken(tok, dept string, uses int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = &token{dept: dept, uses: uses}
}

// Uploads returns the uploads accepted, in the order they arrived.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// Requests counts upload requests that reached the upload handler.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Agents counts enrolled agents.
func (s *Server) Agents() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.agents)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/enroll", s.enroll)
	mux.HandleFunc("POST /api/v1/uploads/{kind}", s.upload)
	mux.HandleFunc("GET /api/v1/agent/config", s.config)
	mux.HandleFunc("GET /api/v1/feed/bundle", s.feed)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Before != nil && s.Before(w, r) {
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// Fail answers with the contract's error body.
func Fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	var req struct{ Token, Host string }
	if err := json.NewDecoder(io.LimitReader(r.Body, maxJSON)).Decode(&req); err != nil {
		Fail(w, http.StatusBadRequest, "bad JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[req.Token]
	if t == nil || t.uses <= 0 {
		Fail(w, http.StatusUnauthorized, "unknown, used or expired token")
		return
	}
	t.uses--
	id, secret := "a-"+randHex(8), randHex(24)
	s.agents[id] = agent{secret: secret, dept: t.dept, host: req.Host}
	reply(w, http.StatusCreated, map[string]string{"agent_id": id, "secret": secret, "department": t.dept})
}

// agentOf checks the Bearer credential.
func (s *Server) agentOf(r *http.Request) (string, bool) {
	cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	id, secret, ok2 := strings.Cut(cred, ".")
	if !ok || !ok2 {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, found := s.agents[id]
	return id, found && a.secret == secret
}

func (s *Server) config(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.agentOf(r); !ok {
		Fail(w, http.StatusUnauthorized, "bad agent credential")
		return
	}
	reply(w, http.StatusOK, map[string]any{"interval_seconds": s.IntervalSeconds, "policies": []string{}})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	id, ok := s.agentOf(r)
	if !ok {
		Fail(w, http.StatusUnauthorized, "bad agent credential")
		return
	}
	kind := r.PathValue("kind")
	if kind != "inventory" && kind != "flows" {
		Fail(w, http.StatusNotFound, "no such upload kind")
		return
	}
	body, code, err := readBody(r)
	if err != nil {
		Fail(w, code, err.Error())
		return
	}
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	if want, _ := strings.CutPrefix(r.Header.Get("Embargo-Digest"), "sha256="); want != digest {
		Fail(w, http.StatusBadRequest, fmt.Sprintf("Embargo-Digest %q does not match the body (sha256=%s)", want, digest))
		return
	}
	findings, err := decodeReport(kind, body)
	if err != nil {
		Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	dup := s.seen[id+" "+digest]
	if !dup {
		s.seen[id+" "+digest] = true
		s.uploads = append(s.uploads, Upload{Kind: kind, Agent: id, Digest: digest, Body: body})
	}
	s.mu.Unlock()
	if s.LoseAnswer != nil && s.LoseAnswer(r) {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
	}
	code = http.StatusCreated
	if dup {
		code = http.StatusOK
	}
	reply(w, code, map[string]any{"digest": digest, "duplicate": dup, "findings": findings})
}

// readBody reads a gzip (or plain) body within the contract's limits.
func readBody(r *http.Request) ([]byte, int, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxCompressed+1))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("reading the body: %w", err)
	}
	if len(raw) > maxCompressed {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d bytes", maxCompressed)
	}
	switch r.Header.Get("Content-Encoding") {
	case "", "identity":
		return raw, 0, nil
	case "gzip":
	default:
		return nil, http.StatusBadRequest, errors.New("unsupported Content-Encoding")
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("bad gzip: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(zr, maxDecompressed+1))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("bad gzip: %w", err)
	}
	if len(body) > maxDecompressed {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body decompresses to more than %d bytes", maxDecompressed)
	}
	return body, 0, nil
}

// decodeReport checks the body is the report its kind promises and
// counts its findings.
func decodeReport(kind string, body []byte) (int, error) {
	var rep report.Report
	if err := json.Unmarshal(body, &rep); err != nil {
		return 0, fmt.Errorf("not a %s report: %w", kind, err)
	}
	if rep.Tool.Name == "" {
		return 0, fmt.Errorf("not a %s report: no tool", kind)
	}
	if (kind == "flows") != (rep.Traffic != nil) {
		return 0, fmt.Errorf("a %s upload with a traffic section: %v", kind, rep.Traffic != nil)
	}
	return len(rep.Findings), nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// SetFeed replaces the bundle served.
func (s *Server) SetFeed(b []byte) {
	s.mu.Lock()
	s.FeedBundle = b
	s.mu.Unlock()
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.agentOf(r); !ok {
		Fail(w, http.StatusUnauthorized, "unknown agent")
		return
	}
	s.mu.Lock()
	b := s.FeedBundle
	s.mu.Unlock()
	if b == nil {
		Fail(w, http.StatusNotFound, "no feed")
		return
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.Write(b)
}
