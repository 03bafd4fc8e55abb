package mdm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	cfg, err := Load("mdm.yaml", []byte(`connectors:
  - name: intune-prod
    kind: intune
    department: Finance
    tenant: 72f988bf-86f1-41af-91ab-2d7cd011db47
    client_id: 6cabf059-21c9-44d6-bbde-02898f7430dd
    client_secret_env: INTUNE_SECRET
  - name: jamf
    kind: jamf
    department: Operations
    url: https://example.jamfcloud.com/
    client_id: c1
    client_secret_file: /etc/embargo/jamf.secret
    api: classic
    interval: 90m
  - name: ws1
    kind: workspace-one
    department: Field staff
    url: https://as1234.awmdm.com
    token_url: https://emea.uemauth.workspaceone.com/connect/token
    client_id: c2
    client_secret_file: ws1.secret
    tenant_code_env: WS1_TENANT_CODE
  - name: ws1-basic
    kind: workspace-one
    department: Field staff
    url: http://127.0.0.1:8443
    auth: basic
    username: api-reader
    client_secret_env: WS1_PASSWORD
    tenant_code_file: ws1.code
`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{Connectors: []Connector{
		{Name: "intune-prod", Kind: KindIntune, Department: "Finance", Interval: DefaultInterval,
			BaseURL: "https://graph.microsoft.com", TokenURL: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
			Tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47", ClientID: "6cabf059-21c9-44d6-bbde-02898f7430dd", ClientSecret: SecretRef{Env: "INTUNE_SECRET"}},
		{Name: "jamf", Kind: KindJamf, Department: "Operations", Interval: 90 * time.Minute,
			BaseURL: "https://example.jamfcloud.com", TokenURL: "https://example.jamfcloud.com/api/oauth/token",
			ClientID: "c1", API: "classic", ClientSecret: SecretRef{File: "/etc/embargo/jamf.secret"}},
		{Name: "ws1", Kind: KindWorkspaceOne, Department: "Field staff", Interval: DefaultInterval,
			BaseURL: "https://as1234.awmdm.com", TokenURL: "https://emea.uemauth.workspaceone.com/connect/token",
			ClientID: "c2", API: "oauth", ClientSecret: SecretRef{File: "ws1.secret"}, TenantCode: SecretRef{Env: "WS1_TENANT_CODE"}},
		{Name: "ws1-basic", Kind: KindWorkspaceOne, Department: "Field staff", Interval: DefaultInterval,
			BaseURL: "http://127.0.0.1:8443", Username: "api-reader", API: "basic",
			ClientSecret: SecretRef{Env: "WS1_PASSWORD"}, TenantCode: SecretRef{File: "ws1.code"}},
	}}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestIntuneDefaults: with no graph_url or login_url, tokens come from
// Entra for Graph's .default scope.
func TestIntuneDefaults(t *testing.T) {
	cfg, err := Load("mdm.yaml", []byte("connectors:\n- {name: i, kind: intune, department: D, tenant: contoso.onmicrosoft.com, client_id: c, client_secret_env: S}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := newClient(cfg.Connectors[0], Options{LookupEnv: func(string) (string, bool) { return "secret-value", true }}.withDefaults(), &redactor{}, &stats{})
	if err != nil {
		t.Fatal(err)
	}
	oc := c.auth.(*oauthClient)
	if oc.tokenURL != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token" || oc.scope != "https://graph.microsoft.com/.default" {
		t.Errorf("token URL %s scope %s", oc.tokenURL, oc.scope)
	}
}

func TestLoadErrors(t *testing.T) {
	const head = "connectors:\n  - name: j\n    kind: jamf\n    department: D\n    client_id: c\n    url: https://j.example\n"
	for _, c := range []struct{ name, yaml, want string }{
		{"unknown key", head + "    client_secret_env: S\n    client_secret_fil: x\n", `mdm.yaml:8: unknown key "client_secret_fil"`},
		{"unknown top key", "connector: []\n", `unknown key "connector"`},
		{"inline secret", head + "    client_secret: hunter2-is-the-secret\n", "mdm.yaml:7: client_secret may not be written in the configuration"},
		{"inline password", head + "    password: x\n", "password may not be written"},
		{"inline tenant code", head + "    client_secret_env: S\n    aw-tenant-code: x\n", "put it in a file named by tenant_code_file or tenant_code_env"},
		{"no secret", head, "mdm.yaml:2: client_secret_file or client_secret_env is required"},
		{"both", head + "    client_secret_env: S\n    client_secret_file: f\n", "give client_secret_file or client_secret_env, not both"},
		{"bad env", head + "    client_secret_env: 'A B'\n", `client_secret_env "A B" is not an environment variable name`},
		{"no department", "connectors:\n  - {name: j, kind: jamf, client_id: c, url: 'https://j.example', client_secret_env: S}\n", `connector "j" needs a department`},
		{"bad kind", "connectors:\n  - {name: j, kind: airwatch, department: D}\n", `kind "airwatch" is not one of intune, jamf, workspace-one`},
		{"bad name", "connectors:\n  - {name: ../x, kind: jamf, department: D, client_id: c, url: 'https://j.example', client_secret_env: S}\n", `name "../x"`},
		{"plain http", strings.Replace(head, "https://j.example", "http://j.example", 1) + "    client_secret_env: S\n", "want https"},
		{"credentials in url", strings.Replace(head, "https://j.example", "https://admin:pw@j.example", 1) + "    client_secret_env: S\n", "url may not hold a user name or password"},
		{"not a url", strings.Replace(head, "https://j.example", "j.example", 1) + "    client_secret_env: S\n", "not an absolute URL"},
		{"setting of another kind", head + "    client_secret_env: S\n    tenant: t\n", `mdm.yaml:8: connector "j": tenant is not a setting of a jamf connector`},
		{"bad api", head + "    client_secret_env: S\n    api: graphql\n", `api "graphql" is not pro or classic`},
		{"bad interval", head + "    client_secret_env: S\n    interval: 10s\n", "interval 10s is outside 1m0s to 720h0m0s"},
		{"interval words", head + "    client_secret_env: S\n    interval: daily\n", `interval "daily" is not a duration`},
		{"duplicate", head + "    client_secret_env: S\n" + strings.TrimPrefix(head, "connectors:\n") + "    client_secret_env: S\n", `connector "j" is already defined at line 2`},
		{"intune no tenant", "connectors:\n  - {name: i, kind: intune, department: D, client_id: c, client_secret_env: S}\n", "tenant is required"},
		{"intune bad tenant", "connectors:\n  - {name: i, kind: intune, department: D, tenant: 'a/b', client_id: c, client_secret_env: S}\n", `tenant "a/b" is not`},
		{"ws1 no token url", "connectors:\n  - {name: w, kind: workspace-one, department: D, url: 'https://w.example', client_id: c, client_secret_env: S}\n", "token_url (the regional token URL"},
		{"ws1 basic no code", "connectors:\n  - {name: w, kind: workspace-one, department: D, url: 'https://w.example', auth: basic, username: u, client_secret_env: S}\n", "tenant_code_file or tenant_code_env is required with auth: basic"},
		{"ws1 basic with client id", "connectors:\n  - {name: w, kind: workspace-one, department: D, url: 'https://w.example', auth: basic, username: u, client_id: c, client_secret_env: S, tenant_code_env: T}\n", "token_url and client_id are for auth: oauth"},
		{"no connectors", "connectors: []\n", "no connectors"},
		{"empty", "", "no connectors"},
		{"not a mapping", "- a\n", "an MDM configuration is a mapping"},
		{"entry not a mapping", "connectors:\n  - jamf\n", "a connector is a mapping"},
		{"alias", "x: &a {name: j}\nconnectors:\n  - *a\n", "a connector is a mapping"},
		{"alias in value", head + "    client_secret_env: &e S\n    username: *e\n", "aliases are not allowed"},
		{"two documents", head + "    client_secret_env: S\n---\nconnectors: []\n", "one YAML document"},
		{"wrong type", "connectors:\n  - {name: [j], kind: jamf, department: D}\n", "expected a string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load("mdm.yaml", []byte(c.yaml))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v\nwant %q", err, c.want)
			}
			if cfg != nil {
				t.Error("a config came back with the error")
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Error("the inline secret is quoted back")
			}
		})
	}
}

// TestLoadFile: relative secret files are found beside the
// configuration; a missing file is an error.
func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "mdm.yaml")
	data := "connectors:\n  - {name: j, kind: jamf, department: D, client_id: c, url: 'https://j.example', client_secret_file: secrets/jamf}\n"
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Connectors[0].ClientSecret.File, filepath.Join(dir, "secrets", "jamf"); got != want {
		t.Errorf("secret file %s, want %s", got, want)
	}
	if _, ok := cfg.Connector("j"); !ok {
		t.Error("connector j not found")
	}
	if _, err := LoadFile(filepath.Join(dir, "none.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("connectors:\n  - {name: j, kind: jamf, department: D, client_id: c, url: 'https://j.example', client_secret_env: S}\n"))
	f.Add([]byte("connectors:\n  - name: w\n    kind: workspace-one\n    auth: basic\n    url: http://[::1]:80\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Load("f.yaml", data)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("config %v and error %v", cfg, err)
		}
		if err != nil {
			return
		}
		for _, c := range cfg.Connectors {
			if !namePattern.MatchString(c.Name) || c.Department == "" || !c.ClientSecret.given() || c.BaseURL == "" {
				t.Fatalf("accepted %+v", c)
			}
			if _, ok := pullers[pullerKey(c)]; !ok {
				t.Fatalf("accepted a connector no puller takes: %+v", c)
			}
		}
	})
}
