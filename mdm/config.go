package mdm

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The kinds of connector.
const (
	KindIntune       = "intune"
	KindJamf         = "jamf"
	KindWorkspaceOne = "workspace-one"
)

// Defaults and bounds of a connector's settings.
const (
	DefaultGraphURL = "https://graph.microsoft.com"
	DefaultLoginURL = "https://login.microsoftonline.com"
	DefaultInterval = 6 * time.Hour
	MinInterval     = time.Minute
	MaxInterval     = 30 * 24 * time.Hour
	MaxConfigSize   = 1 << 20
	MaxConnectors   = 256
)

// Config is a configuration file: the connectors to pull from.
type Config struct {
	Connectors []Connector
}

// Connector is one device manager to pull from, validated.
type Connector struct {
	Name       string // unique; names the connector's directory under --out
	Kind       string // KindIntune, KindJamf or KindWorkspaceOne
	Department string // the department its devices land in
	Interval   time.Duration

	// BaseURL is the API's root: Microsoft Graph for Intune, the Jamf Pro
	// server, the Workspace ONE UEM API server.
	BaseURL string
	// TokenURL is where client credentials are exchanged for a token:
	// LOGIN/{tenant}/oauth2/v2.0/token for Intune, BASE/api/oauth/token
	// for Jamf Pro, the regional token URL for Workspace ONE; empty for
	// Workspace ONE with basic authentication.
	TokenURL string
	Tenant   string // Intune: the Entra tenant id or domain
	ClientID string
	Username string // Workspace ONE basic authentication
	// API is, for Jamf, "pro" (the Jamf Pro API's paged inventory) or
	// "classic" (one Classic API document a device); for Workspace ONE,
	// the authentication, "oauth" or "basic".
	API string
	// ClientSecret is the client secret (the password, for Workspace ONE
	// basic authentication); TenantCode is Workspace ONE's API key, sent
	// as the aw-tenant-code header.
	ClientSecret SecretRef
	TenantCode   SecretRef
}

// Connector returns the connector named name.
func (c *Config) Connector(name string) (Connector, bool) {
	for _, k := range c.Connectors {
		if k.Name == name {
			return k, true
		}
	}
	return Connector{}, false
}

// LoadFile reads and validates a configuration file. Relative secret
// file paths are taken from the configuration file's directory.
func LoadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cfg, err := Load(path, data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	for i := range cfg.Connectors {
		for _, ref := range []*SecretRef{&cfg.Connectors[i].ClientSecret, &cfg.Connectors[i].TenantCode} {
			if ref.File != "" && !filepath.IsAbs(ref.File) {
				ref.File = filepath.Join(dir, ref.File)
			}
		}
	}
	return cfg, nil
}

// Load parses and validates a configuration; name is the file name used
// in errors. Every problem is reported as "name:line: ...", joined into
// one error.
func Load(name string, data []byte) (*Config, error) {
	if len(data) > MaxConfigSize {
		return nil, fmt.Errorf("%s: over the %d-byte limit for an MDM configuration", name, MaxConfigSize)
	}
	raw, err := parse(data)
	if err != nil {
		return nil, positioned(name, err)
	}
	b := builder{file: name}
	cfg := b.build(raw)
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return cfg, nil
}

type builder struct {
	file string
	errs []error
}

func (b *builder) errorf(line int, format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("%s:%d: %s", b.file, line, fmt.Sprintf(format, args...)))
}

var (
	namePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	envPattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$`)
)

func (b *builder) build(raw *rawConfig) *Config {
	cfg := &Config{}
	if len(raw.Connectors) == 0 {
		b.errorf(1, "no connectors: the file lists them under \"connectors:\", each with name, kind and department")
	}
	seen := map[string]int{}
	for _, r := range raw.Connectors {
		c, ok := b.connector(r)
		if !ok {
			continue
		}
		if prev, dup := seen[c.Name]; dup {
			b.errorf(at(r.Name, r.Line), "connector %q is already defined at line %d", c.Name, prev)
			continue
		}
		seen[c.Name] = at(r.Name, r.Line)
		cfg.Connectors = append(cfg.Connectors, c)
	}
	return cfg
}

// url validates a base URL: https, or http to a loopback address (a test
// server); no user name or password in it, no query or fragment.
func (b *builder) url(l lined, fallback int, key string, required bool, def string) string {
	v := strings.TrimSpace(l.Value)
	if v == "" {
		if required {
			b.errorf(fallback, "%s is required", key)
		}
		return def
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Host == "":
		b.errorf(at(l, fallback), "%s %q is not an absolute URL", key, v)
	case u.User != nil:
		b.errorf(at(l, fallback), "%s may not hold a user name or password; give credentials as client_id and client_secret_file or client_secret_env", key)
	case u.RawQuery != "" || u.Fragment != "":
		b.errorf(at(l, fallback), "%s %q may not have a query or fragment", key, v)
	case u.Scheme == "https":
		return strings.TrimRight(u.String(), "/")
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return strings.TrimRight(u.String(), "/")
	default:
		b.errorf(at(l, fallback), "%s %q: want https (plain http only to a loopback address), since credentials travel with every request", key, v)
	}
	return ""
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// secretRef validates a _file/_env pair; exactly one must be given when
// required, at most one otherwise.
func (b *builder) secretRef(file, env lined, fallback int, key string, required bool) SecretRef {
	ref := SecretRef{File: strings.TrimSpace(file.Value), Env: strings.TrimSpace(env.Value)}
	switch {
	case ref.File != "" && ref.Env != "":
		b.errorf(at(env, fallback), "give %s_file or %s_env, not both", key, key)
	case !ref.given() && required:
		b.errorf(fallback, "%s_file or %s_env is required (the secret is read from that file or environment variable, never written in this file)", key, key)
	case ref.Env != "" && !envPattern.MatchString(ref.Env):
		b.errorf(at(env, fallback), "%s_env %q is not an environment variable name", key, ref.Env)
	}
	return ref
}

func (b *builder) interval(l lined, fallback int) time.Duration {
	if l.Value == "" {
		return DefaultInterval
	}
	d, err := time.ParseDuration(l.Value)
	switch {
	case err != nil:
		b.errorf(at(l, fallback), "interval %q is not a duration such as 6h or 90m", l.Value)
	case d < MinInterval || d > MaxInterval:
		b.errorf(at(l, fallback), "interval %s is outside %s to %s", d, MinInterval, MaxInterval)
	default:
		return d
	}
	return DefaultInterval
}
