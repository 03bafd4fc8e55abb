package mdm

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/embargo-dev/embargo/internal/strictyaml"
)

// The configuration is decoded strictly (internal/strictyaml): an unknown
// key is an error with its line, so that a misspelt "client_secret_fil"
// is reported rather than ignored.

type rawConfig struct {
	Connectors []rawConnector `yaml:"connectors"`
}

type rawConnector struct {
	Line             int   `yaml:"-" strictyaml:"line"`
	Name             lined `yaml:"name"`
	Kind             lined `yaml:"kind"`
	Department       lined `yaml:"department"`
	Interval         lined `yaml:"interval"`
	URL              lined `yaml:"url"`
	GraphURL         lined `yaml:"graph_url"`
	LoginURL         lined `yaml:"login_url"`
	TokenURL         lined `yaml:"token_url"`
	Tenant           lined `yaml:"tenant"`
	ClientID         lined `yaml:"client_id"`
	Username         lined `yaml:"username"`
	API              lined `yaml:"api"`
	Auth             lined `yaml:"auth"`
	ClientSecretFile lined `yaml:"client_secret_file"`
	ClientSecretEnv  lined `yaml:"client_secret_env"`
	TenantCodeFile   lined `yaml:"tenant_code_file"`
	TenantCodeEnv    lined `yaml:"tenant_code_env"`
}

type lined = strictyaml.Lined

func at(l lined, fallback int) int { return strictyaml.At(l, fallback) }

func positioned(name string, err error) error { return strictyaml.Positioned(name, err) }

// inlineSecrets are keys that would put a credential in the file itself;
// each is refused with a message saying where the secret goes instead.
var inlineSecrets = map[string]string{
	"client_secret":  "client_secret_file or client_secret_env",
	"secret":         "client_secret_file or client_secret_env",
	"password":       "client_secret_file or client_secret_env (with username, for basic authentication)",
	"access_token":   "client_secret_file or client_secret_env (tokens are fetched with the client credentials)",
	"token":          "client_secret_file or client_secret_env (tokens are fetched with the client credentials)",
	"tenant_code":    "tenant_code_file or tenant_code_env",
	"aw-tenant-code": "tenant_code_file or tenant_code_env",
	"api_key":        "tenant_code_file or tenant_code_env",
}

func parse(data []byte) (*rawConfig, error) {
	doc, err := strictyaml.Document(data, "an MDM configuration")
	if err != nil || doc == nil {
		return &rawConfig{}, err
	}
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: an MDM configuration is a mapping with a list of connectors", doc.Line)
	}
	if err := strictyaml.CheckList(doc, strictyaml.List{Key: "connectors", Max: MaxConnectors, Entry: "a connector is a mapping with name, kind, department and its settings"}); err != nil {
		return nil, err
	}
	if err := checkInlineSecrets(doc); err != nil {
		return nil, err
	}
	if err := strictyaml.CheckKeys(doc, reflect.TypeOf(rawConfig{}), "an MDM configuration"); err != nil {
		return nil, err
	}
	var raw rawConfig
	if err := strictyaml.Decode(doc, &raw); err != nil {
		return nil, err
	}
	return &raw, nil
}

// checkInlineSecrets refuses a secret written into a connector, before
// the unknown-key check would call it merely unknown. The value is never
// quoted back.
func checkInlineSecrets(doc *yaml.Node) error {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "connectors" {
			continue
		}
		for _, c := range doc.Content[i+1].Content {
			for j := 0; j+1 < len(c.Content); j += 2 {
				k := c.Content[j]
				if where, ok := inlineSecrets[strings.ToLower(k.Value)]; ok {
					return fmt.Errorf("line %d: %s may not be written in the configuration (it would sit in a file many can read, and in backups); put it in a file named by %s", k.Line, k.Value, where)
				}
			}
		}
	}
	return nil
}

// kindKeys are the settings each kind takes besides name, kind,
// department, interval and the client secret.
var kindKeys = map[string][]string{
	KindIntune:       {"tenant", "client_id", "graph_url", "login_url"},
	KindJamf:         {"url", "client_id", "api"},
	KindWorkspaceOne: {"url", "auth", "token_url", "client_id", "username", "tenant_code_file", "tenant_code_env"},
}

func (b *builder) connector(r rawConnector) (Connector, bool) {
	before := len(b.errs)
	c := Connector{
		Name:       strings.TrimSpace(r.Name.Value),
		Kind:       strings.TrimSpace(r.Kind.Value),
		Department: strings.TrimSpace(r.Department.Value),
		ClientID:   strings.TrimSpace(r.ClientID.Value),
	}
	switch {
	case c.Name == "":
		b.errorf(r.Line, "a connector needs a name")
	case !namePattern.MatchString(c.Name):
		b.errorf(at(r.Name, r.Line), "name %q: use letters, digits, '.', '_' and '-' (it names a directory)", c.Name)
	}
	if c.Department == "" {
		b.errorf(r.Line, "connector %q needs a department (its devices land in it)", c.Name)
	}
	keys, ok := kindKeys[c.Kind]
	if !ok {
		b.errorf(at(r.Kind, r.Line), "connector %q: kind %q is not one of %s, %s, %s", c.Name, c.Kind, KindIntune, KindJamf, KindWorkspaceOne)
		return c, false
	}
	for _, s := range r.kindSettings() {
		if s.l.Line > 0 && !slices.Contains(keys, s.key) {
			b.errorf(s.l.Line, "connector %q: %s is not a setting of a %s connector (those are %s)", c.Name, s.key, c.Kind, strings.Join(keys, ", "))
		}
	}
	c.Interval = b.interval(r.Interval, r.Line)
	c.ClientSecret = b.secretRef(r.ClientSecretFile, r.ClientSecretEnv, r.Line, "client_secret", true)
	switch c.Kind {
	case KindIntune:
		b.intune(&c, r)
	case KindJamf:
		b.jamf(&c, r)
	case KindWorkspaceOne:
		b.workspaceOne(&c, r)
	}
	return c, len(b.errs) == before
}

type setting struct {
	key string
	l   lined
}

// kindSettings are the kind-specific settings, in the order of the
// struct, so that errors come out in a stable order.
func (r rawConnector) kindSettings() []setting {
	return []setting{
		{"url", r.URL}, {"graph_url", r.GraphURL}, {"login_url", r.LoginURL}, {"token_url", r.TokenURL},
		{"tenant", r.Tenant}, {"client_id", r.ClientID}, {"username", r.Username}, {"api", r.API}, {"auth", r.Auth},
		{"tenant_code_file", r.TenantCodeFile}, {"tenant_code_env", r.TenantCodeEnv},
	}
}

func (b *builder) intune(c *Connector, r rawConnector) {
	c.Tenant = strings.TrimSpace(r.Tenant.Value)
	switch {
	case c.Tenant == "":
		b.errorf(r.Line, "connector %q: tenant is required (the Entra tenant id or domain)", c.Name)
	case !tenantPattern.MatchString(c.Tenant):
		b.errorf(at(r.Tenant, r.Line), "connector %q: tenant %q is not a tenant id or domain", c.Name, c.Tenant)
	}
	b.requireClientID(c, r)
	c.BaseURL = b.url(r.GraphURL, r.Line, "graph_url", false, DefaultGraphURL)
	login := b.url(r.LoginURL, r.Line, "login_url", false, DefaultLoginURL)
	if login != "" && c.Tenant != "" {
		c.TokenURL = login + "/" + url.PathEscape(c.Tenant) + "/oauth2/v2.0/token"
	}
}

func (b *builder) jamf(c *Connector, r rawConnector) {
	b.requireClientID(c, r)
	c.BaseURL = b.url(r.URL, r.Line, "url", true, "")
	if c.BaseURL != "" {
		c.TokenURL = c.BaseURL + "/api/oauth/token"
	}
	switch c.API = strings.TrimSpace(r.API.Value); c.API {
	case "":
		c.API = "pro"
	case "pro", "classic":
	default:
		b.errorf(at(r.API, r.Line), "connector %q: api %q is not pro or classic", c.Name, c.API)
	}
}

func (b *builder) workspaceOne(c *Connector, r rawConnector) {
	c.BaseURL = b.url(r.URL, r.Line, "url", true, "")
	c.TenantCode = b.secretRef(r.TenantCodeFile, r.TenantCodeEnv, r.Line, "tenant_code", false)
	switch c.API = strings.TrimSpace(r.Auth.Value); c.API {
	case "", "oauth":
		c.API = "oauth"
		b.requireClientID(c, r)
		c.TokenURL = b.url(r.TokenURL, r.Line, "token_url (the regional token URL, such as https://na.uemauth.workspaceone.com/connect/token)", true, "")
		if r.Username.Line > 0 {
			b.errorf(r.Username.Line, "connector %q: username is for auth: basic", c.Name)
		}
	case "basic":
		if c.Username = strings.TrimSpace(r.Username.Value); c.Username == "" {
			b.errorf(r.Line, "connector %q: username is required with auth: basic (the password is read from client_secret_file or client_secret_env)", c.Name)
		}
		if !c.TenantCode.given() {
			b.errorf(r.Line, "connector %q: tenant_code_file or tenant_code_env is required with auth: basic (the aw-tenant-code API key)", c.Name)
		}
		for _, l := range []lined{r.TokenURL, r.ClientID} {
			if l.Line > 0 {
				b.errorf(l.Line, "connector %q: token_url and client_id are for auth: oauth", c.Name)
			}
		}
	default:
		b.errorf(at(r.Auth, r.Line), "connector %q: auth %q is not oauth or basic", c.Name, c.API)
	}
}

func (b *builder) requireClientID(c *Connector, r rawConnector) {
	if c.ClientID == "" {
		b.errorf(r.Line, "connector %q: client_id is required", c.Name)
	}
}
