// Package server is `embargo serve`: the fleet's HTTP API for agents
// (enrolment, inventory and flows uploads) and for people (login, the
// estate's hosts, findings, waivers, the systems register and policies,
// exports, the audit log), the dashboard mounted at "/", and the health,
// readiness and metrics endpoints. Uploads are judged here, with the
// register and the policy packs in force, and stored whole or not at all.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/store"
)

// Defaults of Config.
const (
	DefaultAgentRate = 60 // uploads per minute per agent
	// DefaultLoginRate is login attempts per minute per client address.
	DefaultLoginRate = 30
	// DefaultEnrollRate is enrolments per minute per client address:
	// tokens are 256-bit random, so this limit is against floods, not
	// guessing, and a site whose hosts enrol through one NAT address
	// needs room.
	DefaultEnrollRate = 600
	// DefaultAgentInterval is the scan interval agents are told.
	DefaultAgentInterval = 6 * time.Hour
	shutdownGrace        = 10 * time.Second
)

// Config is what a Server is built from.
type Config struct {
	Store store.Store
	// Listen is host:port; plain HTTP is allowed only on loopback.
	Listen string
	// DataDir keeps a generated TLS certificate.
	DataDir string
	// TLSCert and TLSKey are PEM files; both or neither.
	TLSCert, TLSKey string
	// Catalog is the catalogue uploads are judged with; nil: the embedded one.
	Catalog *catalog.Catalog
	// Packs are the built-in packs the packs in force are named from (an
	// installed data feed's); nil: the binary's.
	Packs []*policy.Pack
	// Local are the department's own catalogue files, added to the
	// catalogue the server judges by and to every feed it installs
	// (replicas on one store should be given the same).
	Local []catalog.LocalFile
	// DataDigest names the catalogue and packs together (feed.Data's
	// Digest); a server starting with another than the store noted last
	// judges the fleet again. Empty: the catalogue's digest.
	DataDigest string
	// Feed, when its Dir is set, lets the server take the signed data
	// feed (from admins, and from the store for the other replicas) and
	// serve it to agents.
	Feed FeedConfig
	// Logger receives one JSON line per request; nil logs nothing.
	Logger *slog.Logger
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// AgentRate is uploads per minute per agent (and the burst); 0: 60.
	AgentRate int
	// LoginRate is login attempts per minute per client address; 0: 30.
	LoginRate int
	// EnrollRate is enrolments per minute per client address; 0: 600.
	EnrollRate int
	// Upload limits; zero: MaxCompressedUpload and MaxUncompressedUpload.
	MaxUpload UploadLimits
	// UploadBody bounds how an upload's body must arrive; zero:
	// DefaultBodyLimits.
	UploadBody BodyLimits
	// AgentInterval is the scan interval agents are told; 0: 6 h.
	AgentInterval time.Duration
	// MetricsToken, when set, lets /metrics on the main listener answer a
	// request bearing it; without it the main listener has no /metrics
	// (MetricsHandler serves them on a listener of the operator's choice,
	// `embargo serve --metrics-listen`, loopback by default).
	MetricsToken string
	// Checkpoints, when their Signer is set, anchor the audit log outside
	// the database.
	Checkpoints Checkpoints
	// PolicyPoll is how often the policy version is read (a change
	// through another replica is seen within it); 0: 2 s. RejudgeLease
	// is how long a claim of re-judging holds unrenewed; 0: 1 min.
	PolicyPoll   time.Duration
	RejudgeLease time.Duration
	// RejudgeBatch is how many hosts a server claims at a time, and
	// RejudgeWorkers how many batches it works on at once; 0: the
	// defaults.
	RejudgeBatch   int
	RejudgeWorkers int
}

// Server serves the API and the dashboard.
type Server struct {
	cfg      Config
	st       store.Store
	log      *slog.Logger
	now      func() time.Time
	handler  http.Handler
	metrics  *metrics
	agentLim *limiter
	loginLim *limiter
	backoff  *loginBackoff
	// enrollLim is per client address, apart from logins.
	enrollLim *limiter
	uploads   chan struct{} // semaphore of uploads in flight
	// busy holds the agents with an upload in progress (one each).
	busyMu sync.Mutex
	busy   map[string]bool

	mu     sync.Mutex
	policy *policyState // nil until first needed, and after a change

	// data is what the server judges by (catalogue, packs), replaced
	// when a feed is installed; feedMu serialises installs.
	data   atomic.Pointer[dataSet]
	feedMu sync.Mutex
	// readers are people's requests in flight, which re-judging gives
	// way to (pacer).
	readers atomic.Int64
}

// New checks cfg and builds the server; it does not listen.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	s := &Server{cfg: cfg, st: cfg.Store, log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	cat := cfg.Catalog
	if cat == nil {
		var err error
		if cat, err = catalog.Embedded(); err != nil {
			return nil, fmt.Errorf("embedded catalogue: %w", err)
		}
	}
	d, err := newDataSet(cat, cfg.Packs, cfg.DataDigest, "", cfg.Local)
	if err != nil {
		return nil, err
	}
	if l := d.cat.Local(); l != nil {
		for _, o := range l.Overrides {
			s.log.Warn("local catalogue", "override", o.String())
		}
	}
	s.setData(d)
	if s.cfg.AgentRate <= 0 {
		s.cfg.AgentRate = DefaultAgentRate
	}
	if s.cfg.LoginRate <= 0 {
		s.cfg.LoginRate = DefaultLoginRate
	}
	if s.cfg.EnrollRate <= 0 {
		s.cfg.EnrollRate = DefaultEnrollRate
	}
	if s.cfg.MaxUpload.Compressed <= 0 {
		s.cfg.MaxUpload.Compressed = MaxCompressedUpload
	}
	if s.cfg.MaxUpload.Uncompressed <= 0 {
		s.cfg.MaxUpload.Uncompressed = MaxUncompressedUpload
	}
	if s.cfg.AgentInterval <= 0 {
		s.cfg.AgentInterval = DefaultAgentInterval
	}
	s.agentLim = newLimiter(s.cfg.AgentRate, s.cfg.AgentRate)
	s.loginLim = newLimiter(s.cfg.LoginRate, s.cfg.LoginRate)
	s.backoff = newLoginBackoff()
	s.enrollLim = newLimiter(s.cfg.EnrollRate, s.cfg.EnrollRate)
	s.uploads = make(chan struct{}, maxUploadsInFlight)
	s.busy = map[string]bool{}
	s.metrics = newMetrics()
	s.handler = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen opens cfg.Listen under the TLS rules: plain HTTP on loopback
// without a certificate, otherwise TLS with the given certificate or one
// generated into DataDir. The Endpoint says the URL and fingerprint.
func (s *Server) Listen() (net.Listener, Endpoint, error) {
	tc, ep, err := tlsConfig(s.cfg.Listen, s.cfg.TLSCert, s.cfg.TLSKey, s.cfg.DataDir, s.now())
	if err != nil {
		return nil, ep, err
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return nil, ep, fmt.Errorf("listening on %q: %w", s.cfg.Listen, err)
	}
	scheme := "http"
	if tc != nil {
		scheme = "https"
		ln = tls.NewListener(ln, tc)
	}
	ep.URL = scheme + "://" + ln.Addr().String()
	return ln, ep, nil
}

// Serve serves on ln until ctx ends, then shuts down gracefully: requests
// in flight (an upload being committed) get shutdownGrace to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // a 32 MiB upload over a slow link
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// The catalogue this server judges by is noted: another than the
	// last makes a new version, which the re-judger then judges.
	if err := s.syncFeed(ctx); err != nil {
		s.log.Warn("installing the fleet's data feed", "error", err.Error())
	}
	digest := s.dataNow().digest
	if bumped, err := s.st.NoteCatalogue(ctx, digest, s.now()); err != nil {
		s.log.Warn("noting the catalogue", "error", err.Error())
	} else if bumped {
		s.log.Info("new data: the fleet will be judged again", "data", digest)
	}
	if s.cfg.Feed.From != "" && s.cfg.Feed.Dir != "" {
		mCtx, stopMirror := context.WithCancel(context.Background())
		mDone := make(chan struct{})
		defer func() { stopMirror(); <-mDone }()
		go func() {
			defer close(mDone)
			s.mirror(mCtx)
		}()
	}
	rjCtx, stopRejudging := context.WithCancel(context.Background())
	rjDone := make(chan struct{})
	defer func() { stopRejudging(); <-rjDone }()
	go func() {
		defer close(rjDone)
		newRejudger(s).run(rjCtx)
	}()
	cpDone := make(chan struct{})
	// Checkpoints stop, with a last one, once the server has shut down.
	cpCtx, stopCheckpoints := context.WithCancel(context.Background())
	defer func() { stopCheckpoints(); <-cpDone }()
	go func() {
		defer close(cpDone)
		if s.cfg.Checkpoints.Signer != nil {
			(&checkpointer{s: s, cfg: s.cfg.Checkpoints}).run(cpCtx)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ListenAndServe is Listen then Serve; it logs the endpoint (with the
// certificate's fingerprint) once listening.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, ep, err := s.Listen()
	if err != nil {
		return err
	}
	s.log.Info("listening", "url", ep.URL, "fingerprint", ep.Fingerprint, "generated_certificate", ep.Generated)
	return s.Serve(ctx, ln)
}
