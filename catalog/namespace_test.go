package catalog

import (
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFolds(t *testing.T) {
	tests := []struct {
		name string
		fold func(string) string
		in   string
		want string
	}{
		{"pypi case and separators", PyPIName, "Tencentcloud_SDK.Python--Common", "tencentcloud-sdk-python-common"},
		{"pypi leading separator dropped", PyPIName, "_x", "x"},
		{"ollama library tag", OllamaName, "registry.ollama.ai/library/deepseek-r1:7b", "deepseek-r1"},
		{"ollama bare", OllamaName, "DeepSeek-R1", "deepseek-r1"},
		{"ollama user namespace kept", OllamaName, "someone/deepseek-r1:latest", "someone/deepseek-r1"},
		{"oci hub short", OCIName, "kasperskylab/kesl:12", "docker.io/kasperskylab/kesl"},
		{"oci official image", OCIName, "debian:12", "docker.io/library/debian"},
		{"oci index host", OCIName, "index.docker.io/KasperskyLab/kesl@sha256:ab", "docker.io/kasperskylab/kesl"},
		{"oci other registry with port", OCIName, "cr.yandex:443/yc/app:1", "cr.yandex:443/yc/app"},
		{"oci other registry", OCIName, "swr.cn-north-4.myhuaweicloud.com/org/img:v1", "swr.cn-north-4.myhuaweicloud.com/org/img"},
		{"cert colons", CertDigest, "AB:CD:ef", "abcdef"},
		{"email in maintainer", EmailDomainOf, "Kaspersky Lab <Support@Kaspersky.COM>", "kaspersky.com"},
		{"email bare", EmailDomainOf, "dev@mail.tencent.com", "mail.tencent.com"},
		{"no email", EmailDomainOf, "ByteDance Ltd.", ""},
		{"at without domain", EmailDomainOf, "user@localhost", ""},
	}
	for _, tc := range tests {
		if got := tc.fold(tc.in); got != tc.want {
			t.Errorf("%s: %q -> %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestParsePURL(t *testing.T) {
	tests := []struct {
		in   string
		want PURL
		ok   bool
	}{
		{"pkg:npm/%40tencentcloud/cos-js-sdk-v5@1.2.3", PURL{Type: "npm", Namespace: "@tencentcloud", Name: "cos-js-sdk-v5", Version: "1.2.3"}, true},
		{"pkg:npm/@douyinfe/semi-ui@2.0.0", PURL{Type: "npm", Namespace: "@douyinfe", Name: "semi-ui", Version: "2.0.0"}, true},
		{"pkg:golang/github.com/bytedance/sonic@v1.11.6?type=module", PURL{Type: "golang", Namespace: "github.com/bytedance", Name: "sonic", Version: "v1.11.6"}, true},
		{"pkg:maven/com.tencent/mmkv@1.3.0?type=aar", PURL{Type: "maven", Namespace: "com.tencent", Name: "mmkv", Version: "1.3.0"}, true},
		{"pkg:PyPI/lark-oapi@1.0", PURL{Type: "pypi", Name: "lark-oapi", Version: "1.0"}, true},
		{"pkg:huggingface/deepseek-ai/DeepSeek-R1@main", PURL{Type: "huggingface", Namespace: "deepseek-ai", Name: "DeepSeek-R1", Version: "main"}, true},
		{"pkg:oci/kesl@sha256%3Aabc?repository_url=docker.io/kasperskylab/kesl", PURL{Type: "oci", Name: "kesl", Version: "sha256:abc", RepositoryURL: "docker.io/kasperskylab/kesl"}, true},
		{"pkg:npm", PURL{}, false},
		{"npm/x", PURL{}, false},
		{"pkg:/", PURL{}, false},
	}
	for _, tc := range tests {
		got, ok := ParsePURL(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("ParsePURL(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// nsCatalog is a small catalogue with one identifier of each namespace
// kind, owned by two entities over time.
const nsCatalog = `sources:
  - {id: s, url: "https://example.org"}
entities:
  - id: old
    names: [{value: Old Parent Ltd, kind: legal, source: s, confidence: high}]
    country: {code: CN, source: s, confidence: high}
  - id: new
    names: [{value: New Parent LLC, kind: legal, source: s, confidence: high}]
    country: {code: US, source: s, confidence: high}
  - id: a
    names: [{value: "Acme Cloud Co., Ltd.", kind: legal, source: s, confidence: high}]
    country: {code: SG, source: s, confidence: high}
    parents:
      - {id: old, until: 2026-01-22, source: s, confidence: high}
      - {id: new, from: 2026-01-22, source: s, confidence: medium}
    identifiers:
      - {kind: asn, value: AS64500, tier: hosting, source: s, confidence: high, match: [AS64500], nomatch: [AS64501]}
      - {kind: domain, value: "*.acme.example", source: s, confidence: high, match: [acme.example, www.acme.example, "ACME.example."], nomatch: [notacme.example, acme.example.evil.test, example]}
      - {kind: email_domain, value: acme.example, source: s, confidence: medium, match: ["Dev <dev@acme.example>", "x@mail.acme.example"], nomatch: ["x@notacme.example", "acme.example"]}
products:
  - id: sdk
    name: Acme SDKs
    supplier: a
    category: sdk
    tier: embedded
    source: s
    confidence: high
    identifiers:
      - {kind: npm_scope, value: "@acme", source: s, confidence: high, match: ["@acme/cos", "@ACME/x"], nomatch: ["@acmex/cos", "acme", "@acme-fake/x"]}
      - {kind: npm_package, values: [acme-sdk-nodejs, acme-sdk-nodejs-cvm], source: s, confidence: high, match: [acme-sdk-nodejs-cvm], nomatch: [acme-sdk-nodejs-fake, acme-sdk]}
      - {kind: pypi_project, values: [acme-sdk-python, acme-sdk-python-common], source: s, confidence: medium, match: [Acme_SDK_Python_Common, acme.sdk.python], nomatch: [acme-sdk-python-extra, acme-sdk]}
      - {kind: go_module, value: github.com/acme-cloud, source: s, confidence: high, match: [github.com/acme-cloud/sdk-go/v3, github.com/Acme-Cloud/x], nomatch: [github.com/acme-cloudx/sdk, gitlab.com/acme-cloud/sdk]}
      - {kind: maven_group, value: com.acme, source: s, confidence: high, match: [com.acme, "com.acme.bugly:crash", com.acme.x.y], nomatch: [com.acmex, com.example.acme]}
      - {kind: nuget_prefix, value: AcmeCloud, source: s, confidence: high, match: [AcmeCloud, AcmeCloud.SDK.Core], nomatch: [AcmeCloudX, Acme.Cloud]}
      - {kind: oci_namespace, value: docker.io/acmelab, source: s, confidence: high, match: ["acmelab/agent:1", "docker.io/acmelab/x@sha256:aa"], nomatch: ["acmelabx/agent", "ghcr.io/acmelab/agent"]}
      - {kind: hf_org, value: acme-ai, source: s, confidence: high, match: [acme-ai/Model-R1, ACME-AI], nomatch: [acme-ai-fan/Model-R1, someone/acme-ai]}
      - {kind: ollama_model, value: acme-r1, source: s, confidence: medium, match: ["acme-r1:7b", "registry.ollama.ai/library/acme-r1:latest"], nomatch: ["someone/acme-r1", "acme-r1-distill"]}
      - {kind: github_org, value: acme, source: s, confidence: medium, match: [acme/repo, github.com/acme/x], nomatch: [acme-x/repo]}
      - {kind: apple_team_id, value: ABCDE12345, source: s, confidence: high, match: [ABCDE12345, abcde12345], nomatch: [ABCDE123456]}
      - {kind: apk_cert_sha256, value: "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99", source: s, confidence: high, match: [aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899], nomatch: [aabbccddeeff00112233445566778899aabbccddeeff00112233445566778890]}
`

func TestNamespaceKinds(t *testing.T) {
	c, err := build([]namedFile{{"ns.yaml", []byte(nsCatalog)}})
	if err != nil {
		t.Fatal(err)
	}
	ix := c.Index()
	for _, p := range c.Products {
		for i := range p.Identifiers {
			id := &p.Identifiers[i]
			for _, ex := range id.Match {
				if !hasIdentifier(ix.Lookup(id.Kind, ex), id) {
					t.Errorf("%s %q: %q not matched", id.Kind, id.Value, ex)
				}
			}
			for _, ex := range id.NoMatch {
				if got := ix.Lookup(id.Kind, ex); len(got) > 0 {
					t.Errorf("%s %q: %q matched %s %q", id.Kind, id.Value, ex, got[0].Kind, got[0].Value)
				}
			}
		}
	}
	for _, e := range c.Entities {
		for i := range e.Identifiers {
			id := &e.Identifiers[i]
			for _, ex := range id.Match {
				if !hasIdentifier(ix.Lookup(id.Kind, ex), id) {
					t.Errorf("%s %q: %q not matched", id.Kind, id.Value, ex)
				}
			}
			for _, ex := range id.NoMatch {
				if got := ix.Lookup(id.Kind, ex); len(got) > 0 {
					t.Errorf("%s %q: %q matched", id.Kind, id.Value, ex)
				}
			}
		}
	}
}

func TestPackageURLDispatch(t *testing.T) {
	c, err := build([]namedFile{{"ns.yaml", []byte(nsCatalog)}})
	if err != nil {
		t.Fatal(err)
	}
	kindsOf := func(purl string) []string {
		var out []string
		for _, id := range c.Index().PackageURL(purl) {
			out = append(out, string(id.Kind)+" "+id.Value)
		}
		sort.Strings(out)
		return out
	}
	tests := map[string][]string{
		"pkg:npm/%40acme/cos@1":                                           {"npm_scope @acme"},
		"pkg:npm/acme-sdk-nodejs@1":                                       {"npm_package acme-sdk-nodejs"},
		"pkg:pypi/Acme_SDK_Python@2":                                      {"pypi_project acme-sdk-python"},
		"pkg:golang/github.com/acme-cloud/sdk-go/v3@v3.0.1":               {"go_module github.com/acme-cloud"},
		"pkg:golang/github.com/acme/tool@v1":                              {"github_org acme"},
		"pkg:maven/com.acme.bugly/crashreport@4":                          {"maven_group com.acme"},
		"pkg:nuget/AcmeCloud.SDK.Cvm@3":                                   {"nuget_prefix AcmeCloud"},
		"pkg:docker/acmelab/agent@1":                                      {"oci_namespace docker.io/acmelab"},
		"pkg:oci/agent@sha256%3Aa?repository_url=docker.io/acmelab/agent": {"oci_namespace docker.io/acmelab"},
		"pkg:huggingface/acme-ai/Model-R1@main":                           {"hf_org acme-ai"},
		"pkg:github/acme/repo@v1":                                         {"github_org acme"},
		"pkg:generic/ollama/acme-r1@7b":                                   {"ollama_model acme-r1"},
		"pkg:pypi/acme-sdk-python-extra@1":                                nil,
		"pkg:npm/%40acmex/cos@1":                                          nil,
		"pkg:maven/com.acmex/x@1":                                         nil,
	}
	for purl, want := range tests {
		if diff := cmp.Diff(want, kindsOf(purl)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", purl, diff)
		}
	}
}

func TestChainAt(t *testing.T) {
	c, err := build([]namedFile{{"ns.yaml", []byte(nsCatalog)}})
	if err != nil {
		t.Fatal(err)
	}
	a := c.Entity("a")
	day := func(s string) time.Time { d, _ := time.Parse(dateLayout, s); return d }
	for _, tc := range []struct{ day, top, country string }{
		{"2025-12-31", "old", "CN"},
		{"2026-01-21", "old", "CN"},
		{"2026-01-22", "new", "US"},
		{"2026-12-07", "new", "US"},
	} {
		ch := c.ChainAt(a, day(tc.day))
		top := ch.Links[len(ch.Links)-1].Entity.ID
		if top != tc.top || ch.Country != tc.country || ch.AsOf != tc.day {
			t.Errorf("%s: top %s country %s as of %s; want %s %s", tc.day, top, ch.Country, ch.AsOf, tc.top, tc.country)
		}
	}
}

func TestNamespaceLoadErrors(t *testing.T) {
	head := "sources:\n  - {id: s, url: \"https://example.org\"}\nentities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n"
	ident := func(y string) string {
		return head + "products:\n  - {id: p, name: P, supplier: a, category: sdk, source: s, confidence: high, identifiers: [" + y + "]}\n"
	}
	tests := []refusal{
		{"pypi prefix", ident(`{kind: pypi_project, value: "bytedance-*", source: s, confidence: high, match: [x], nomatch: [y]}`), "never matched by pattern"},
		{"value and values", ident(`{kind: pypi_project, value: a, values: [b], source: s, confidence: high, match: [a], nomatch: [c]}`), "give value or values, not both"},
		{"value twice", ident(`{kind: pypi_project, values: [a_b, a-b], source: s, confidence: high, match: [a-b], nomatch: [c]}`), `"a-b" is listed twice`},
		{"consumer mailbox", ident(`{kind: email_domain, value: yandex.ru, source: s, confidence: high, match: [x@yandex.ru], nomatch: [y]}`), "consumer mailbox"},
		{"bad scope", ident(`{kind: npm_scope, value: tencentcloud, source: s, confidence: high, match: [x], nomatch: [y]}`), "an npm scope is @name"},
		{"maven with artifact", ident(`{kind: maven_group, value: "com.tencent:mmkv", source: s, confidence: high, match: [x], nomatch: [y]}`), "reverse-domain"},
		{"team id", ident(`{kind: apple_team_id, value: abc, source: s, confidence: high, match: [x], nomatch: [y]}`), "ten upper-case"},
		{"bad tier", ident(`{kind: pypi_project, value: a, tier: vendor, source: s, confidence: high, match: [a], nomatch: [b]}`), `tier "vendor"`},
		{"bad product tier", head + "products:\n  - {id: p, name: P, supplier: a, category: sdk, tier: sdk, source: s, confidence: high}\n", `product "p": tier "sdk"`},
		{"overlapping parents", head + "  - id: b\n    names: [{value: B, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parents:\n      - {id: a, until: 2026-02-01, source: s, confidence: high}\n      - {id: a, from: 2026-01-01, source: s, confidence: high}\n", "overlaps"},
		{"parent and parents", head + "  - id: b\n    names: [{value: B, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parent: {id: a, source: s, confidence: high}\n    parents: [{id: a, from: 2026-01-01, source: s, confidence: high}]\n", "both parent and parents"},
		{"bad date", head + "  - id: b\n    names: [{value: B, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parents: [{id: a, from: 2026-13-01, source: s, confidence: high}]\n", "not YYYY-MM-DD"},
		{"cycle through a former parent", head + "  - id: b\n    names: [{value: B, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parents: [{id: c, until: 2020-01-01, source: s, confidence: high}]\n  - id: c\n    names: [{value: C, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parents: [{id: b, from: 2021-01-01, source: s, confidence: high}]\n", "cycle"},
	}
	checkRefused(t, tests)
}

func TestGroup(t *testing.T) {
	c, err := build([]namedFile{{"ns.yaml", []byte(nsCatalog)}})
	if err != nil {
		t.Fatal(err)
	}
	// Today a's parent is "new": the group is a, new; "old" is alone.
	if diff := cmp.Diff([]string{"a", "new"}, c.Group(c.Entity("a"))); diff != "" {
		t.Errorf("group of a (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"old"}, c.Group(c.Entity("old"))); diff != "" {
		t.Errorf("group of old (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"x"}, c.Group(&Entity{ID: "x"})); diff != "" {
		t.Errorf("an entity outside the catalogue (-want +got):\n%s", diff)
	}
}
