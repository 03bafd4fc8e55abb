package agent

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultInterval      = 6 * time.Hour
	DefaultJitter        = 0.1
	DefaultSpoolMaxCount = 64
	DefaultSpoolMaxBytes = 512 << 20
	DefaultBackoffBase   = 5 * time.Second
	DefaultBackoffMax    = 15 * time.Minute
)

// Config is what an agent needs. Server, Token (for the first run) and
// StateDir are required; the rest have defaults.
type Config struct {
	// Server is the base URL of `embargo serve`; plain http is refused
	// unless the host is a loopback address, since the agent's secret
	// travels in every request.
	Server *url.URL
	// Token is the one-time enrolment token. It is used only when
	// StateDir holds no credential yet; afterwards it may be empty.
	Token string
	// Host names this machine to the server; empty: os.Hostname.
	Host string
	// StateDir keeps the credential, the last acknowledged digests and
	// the spool; it must survive reboots.
	StateDir string
	// Interval between scans, each moved by up to ±Jitter of it so that
	// a fleet started together does not scan and upload together. Zero
	// Interval: the server's (GET /api/v1/agent/config), else
	// DefaultInterval.
	Interval time.Duration
	Jitter   float64
	// Targets are what the default scan walks; empty: "/".
	Targets []string
	// Flows are Zeek or Suricata EVE logs to judge and upload as flows
	// after each scan; empty: no flows are uploaded.
	Flows []string
	// Once does one scan and upload (and drains the spool), then
	// returns; the error says whether the upload got through.
	Once bool
	// HTTPClient, when set, is used as is (CAFile and Fingerprint are
	// then ignored).
	HTTPClient *http.Client
	// CAFile is a PEM file of certificates to trust for the server;
	// Fingerprint pins the server's certificate by the SHA-256 of its DER
	// (hex, colons and a "sha256:" prefix allowed), for the self-signed
	// certificate `embargo serve` generates.
	CAFile      string
	Fingerprint string
	// Scan produces the inventory upload (the JSON of `embargo scan -o
	// json`); nil: the real scan of Targets. ScanFlows produces the flows
	// upload from Flows; nil: the real egress judge.
	// RotateEvery is how old the credential's secret may grow before the
	// agent replaces it (rotate.go); 0: never.
	RotateEvery time.Duration
	Scan        func(ctx context.Context) ([]byte, error)
	ScanFlows   func(ctx context.Context, logs []string) ([]byte, error)
	// FeedRoot, when set, makes the agent take the server's data feed
	// before each scan and verify it with this TUF root metadata before
	// judging by it; FeedDir is where it is installed (empty:
	// StateDir/feed). The scan judges by the feed installed there, else
	// by the binary's data.
	FeedRoot []byte
	FeedDir  string
	// Version is written into reports and the User-Agent.
	Version string
	Logger  *slog.Logger
	Now     func() time.Time
	// SpoolMaxCount and SpoolMaxBytes bound the spool; zero: defaults.
	SpoolMaxCount int
	SpoolMaxBytes int64
	// BackoffBase and BackoffMax shape the retry delays; zero: defaults.
	BackoffBase, BackoffMax time.Duration
}

// withDefaults checks c and fills in what was left out.
func (c Config) withDefaults() (Config, error) {
	if c.Server == nil || c.Server.Host == "" {
		return c, errors.New("agent: no server URL")
	}
	switch c.Server.Scheme {
	case "https":
	case "http":
		if !isLoopback(c.Server.Hostname()) {
			return c, fmt.Errorf("agent: server %q: plain http is allowed only on loopback; use https", c.Server.String())
		}
	default:
		return c, fmt.Errorf("agent: server %q: want an http or https URL", c.Server.String())
	}
	if c.StateDir == "" {
		return c, errors.New("agent: no state directory")
	}
	if c.Jitter < 0 || c.Jitter >= 1 {
		return c, fmt.Errorf("agent: jitter %v: want 0 <= jitter < 1", c.Jitter)
	}
	if c.Jitter == 0 {
		c.Jitter = DefaultJitter
	}
	if c.Interval < 0 {
		return c, fmt.Errorf("agent: interval %v is negative", c.Interval)
	}
	if len(c.Targets) == 0 {
		c.Targets = []string{"/"}
	}
	if c.Host == "" {
		h, err := os.Hostname()
		if err != nil {
			return c, fmt.Errorf("agent: naming this host: %w", err)
		}
		c.Host = h
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SpoolMaxCount <= 0 {
		c.SpoolMaxCount = DefaultSpoolMaxCount
	}
	if c.SpoolMaxBytes <= 0 {
		c.SpoolMaxBytes = DefaultSpoolMaxBytes
	}
	if c.BackoffBase <= 0 {
		c.BackoffBase = DefaultBackoffBase
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	if c.Scan == nil {
		c.Scan = realScan(c.Targets, c.Version, c.feedDir())
	}
	if c.ScanFlows == nil {
		c.ScanFlows = realFlows(c.Version, c.feedDir())
	}
	if c.HTTPClient == nil {
		cl, err := httpClient(c.CAFile, c.Fingerprint)
		if err != nil {
			return c, err
		}
		c.HTTPClient = cl
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// httpClient trusts the system roots, plus caFile, or only the
// certificate whose SHA-256 is fingerprint.
func httpClient(caFile, fingerprint string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("agent: reading CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("agent: CA file %q holds no PEM certificate", caFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	if fingerprint != "" {
		want, err := ParseFingerprint(fingerprint)
		if err != nil {
			return nil, err
		}
		// The pinned certificate is self-signed, so chain and name checks
		// cannot pass; the pin replaces them and is checked on every
		// handshake.
		tr.TLSClientConfig.InsecureSkipVerify = true
		tr.TLSClientConfig.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("server sent no certificate")
			}
			got := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if got != want {
				return fmt.Errorf("server certificate sha256:%x does not match the pinned fingerprint sha256:%x", got, want)
			}
			return nil
		}
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Minute}, nil
}

// ParseFingerprint reads a SHA-256 certificate fingerprint written as
// hex, with or without colons and a "sha256:" prefix.
func ParseFingerprint(s string) ([32]byte, error) {
	var fp [32]byte
	h := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "sha256:")
	h = strings.ReplaceAll(h, ":", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != len(fp) {
		return fp, fmt.Errorf("agent: fingerprint %q: want the 64 hex digits of a SHA-256", s)
	}
	copy(fp[:], b)
	return fp, nil
}
