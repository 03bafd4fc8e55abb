package mdm

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// RetryPolicy bounds the retries of one request.
type RetryPolicy struct {
	MaxRetries    int           // retries after the first attempt
	BackoffBase   time.Duration // the first backoff, doubled each retry
	BackoffMax    time.Duration
	MaxRetryAfter time.Duration // a longer Retry-After fails the request
}

// DefaultRetry is the policy when Options.Retry is zero.
var DefaultRetry = RetryPolicy{MaxRetries: 5, BackoffBase: 2 * time.Second, BackoffMax: time.Minute, MaxRetryAfter: 10 * time.Minute}

// Defaults of Options.
const (
	DefaultMaxResponseBytes = 256 << 20
	DefaultMaxPages         = 100_000
	DefaultKeepPartial      = 5
)

// Options are what a pull needs besides the connector. Out is required;
// the rest have defaults.
type Options struct {
	Out        string // the directory holding each connector's directory
	HTTPClient *http.Client
	Logger     *slog.Logger // nil: discarded
	Now        func() time.Time
	// Sleep waits between retries; tests replace it to record the waits
	// without spending them.
	Sleep     func(context.Context, time.Duration) error
	LookupEnv func(string) (string, bool)
	Retry     RetryPolicy
	// MaxResponseBytes bounds one response body; MaxPages one listing.
	MaxResponseBytes int64
	MaxPages         int
	// PageSize overrides the page size asked of Jamf Pro (100) and
	// Workspace ONE (500).
	PageSize    int
	KeepPartial int // partial runs kept; 0: DefaultKeepPartial
}

func (o Options) withDefaults() Options {
	if o.HTTPClient == nil {
		o.HTTPClient = newHTTPClient()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.LookupEnv == nil {
		o.LookupEnv = os.LookupEnv
	}
	if o.Retry == (RetryPolicy{}) {
		o.Retry = DefaultRetry
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultMaxPages
	}
	if o.KeepPartial <= 0 {
		o.KeepPartial = DefaultKeepPartial
	}
	return o
}

// newHTTPClient is the default client: TLS 1.2 or later, no redirect to
// another host (a redirect would carry the aw-tenant-code header there).
func newHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 5 * time.Minute, CheckRedirect: sameHostRedirect}
}

func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("more than 5 redirects")
	}
	if req.URL.Scheme != via[0].URL.Scheme || req.URL.Host != via[0].URL.Host {
		return fmt.Errorf("refusing a redirect from %s to another host, %s", via[0].URL.Host, req.URL.Host)
	}
	return nil
}

// Result is what one pull did.
type Result struct {
	Manifest
	// Dir is where this run's files are: the current directory when it
	// completed, its place under partial/ when not; empty when the pull
	// failed before it began writing.
	Dir string
	// Current is the connector's current directory and CurrentRun the run
	// in it; both empty when no pull has completed yet.
	Current    string
	CurrentRun string
	Err        error
}

// stats are a run's counts, kept by the client and the connectors.
// Requests counts every request sent, token requests included.
type stats struct {
	Requests, Retries, TokenFetches, Pages, Devices int
	Files, Gone, NoContent                          []string
}

// session is one run of one connector: its client and where its files
// go.
type session struct {
	conn    Connector
	opts    Options
	c       *client
	dir     string
	st      *stats
	red     *redactor
	started time.Time
}

// save writes one response, as it came, into the run.
func (s *session) save(name string, body []byte) error {
	if err := atomicfile.Write(filepath.Join(s.dir, name), body, 0o640); err != nil {
		return err
	}
	s.st.Pages++
	s.st.Files = append(s.st.Files, name)
	return nil
}

// PullAll pulls each connector of cfg in turn, or only those named; each
// Result says whether its pull failed. The error is for a name not in
// cfg.
func PullAll(ctx context.Context, cfg *Config, names []string, o Options) ([]*Result, error) {
	var sel []Connector
	for _, n := range names {
		c, ok := cfg.Connector(n)
		if !ok {
			return nil, fmt.Errorf("no connector named %q in the configuration", n)
		}
		sel = append(sel, c)
	}
	if len(names) == 0 {
		sel = cfg.Connectors
	}
	var out []*Result
	for _, c := range sel {
		r, _ := Pull(ctx, c, o)
		out = append(out, r)
	}
	return out, nil
}
