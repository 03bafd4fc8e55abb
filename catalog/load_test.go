package catalog

import (
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	const src = "sources:\n  - {id: s, url: \"https://example.org\"}\n"
	tests := []refusal{
		{"unknown key", src + "entities:\n  - id: a\n    nmes: []\n", "f.yaml: line 5: unknown key \"nmes\""},
		{"bad country", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: UK, source: s, confidence: high}\n",
			`f.yaml:4: entity "a": country "UK" is not an ISO 3166-1 alpha-2 code`},
		{"no source", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n",
			`f.yaml:5: name "A" has no source`},
		{"unknown source", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, source: nope, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n",
			`cites source "nope", which no file defines`},
		{"bad confidence", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: sure}]\n",
			`confidence "sure" is not one of low, medium, high`},
		{"parent cycle", src + "entities:\n" +
			"  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parent: {id: b, source: s, confidence: low}\n" +
			"  - id: b\n    names: [{value: B, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parent: {id: a, source: s, confidence: low}\n",
			"parent chain forms a cycle"},
		{"missing parent", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n    parent: {id: zz, source: s, confidence: low}\n",
			`parent "zz" is not a catalogued entity`},
		{"identifier without examples", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n" +
			"products:\n  - {id: p, name: P, supplier: a, category: x, source: s, confidence: high, identifiers: [{kind: deb_package, value: p, source: s, confidence: high}]}\n",
			"needs at least one match and one nomatch example"},
		{"unknown kind", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n" +
			"products:\n  - {id: p, name: P, supplier: a, category: x, source: s, confidence: high, identifiers: [{kind: shoe_size, value: p, source: s, confidence: high, match: [p], nomatch: [q]}]}\n",
			`identifier kind "shoe_size" is unknown`},
		{"duplicate id", src + "entities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: GB, source: s, confidence: high}\n  - id: a\n",
			`entity "a" already defined at f.yaml:4`},
		{"YAML alias", src + "entities:\n  - &x {id: a}\n  - *x\n", "aliases are not allowed"},
	}
	checkRefused(t, tests)
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, norm, key string }{
		{"AO Kaspersky Lab", "ao kaspersky lab", "kaspersky lab"},
		{"Kaspersky Lab ZAO", "kaspersky lab zao", "kaspersky lab"},
		{"АО «Лаборатория Касперского»", "ао лаборатория касперского", "лаборатория касперского"},
		{"腾讯科技（深圳）有限公司", "腾讯科技 深圳 有限公司", "腾讯科技 深圳"},
		{"Huawei Technologies Co., Ltd.", "huawei technologies co ltd", "huawei technologies"},
		{"  Inc.  ", "inc", "inc"},
		{"Nebius Group N.V.", "nebius group n v", "nebius group"},
		{"Example S.A.R.L.", "example s a r l", "example"},
		{"A B Holdings", "a b holdings", "a b holdings"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.norm {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.norm)
		}
		if got := OrgKey(tc.in); got != tc.key {
			t.Errorf("OrgKey(%q) = %q, want %q", tc.in, got, tc.key)
		}
	}
}

func TestRegistryKey(t *testing.T) {
	ix := newIndex()
	id := &Identifier{Kind: RegistryKey, Value: `HKLM\SOFTWARE\KasperskyLab`}
	ix.add(id)
	for _, k := range []string{`HKEY_LOCAL_MACHINE\SOFTWARE\KasperskyLab\protected`, `hklm\software\wow6432node\kasperskylab`, `HKLM/SOFTWARE/KasperskyLab`} {
		if got := ix.RegistryKey(k); len(got) != 1 {
			t.Errorf("RegistryKey(%q) = %v", k, got)
		}
	}
	if got := ix.RegistryKey(`HKLM\SOFTWARE\KasperskyLabs`); len(got) != 0 {
		t.Errorf("a sibling key matched: %v", got)
	}
}

func TestMatchPath(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{`C:\Program Files*\Kaspersky Lab\*\avp.exe`, `c:/program files (x86)/kaspersky lab/kes 12/avp.exe`, true},
		{`C:\Program Files*\Kaspersky Lab\*\avp.exe`, `/Program Files/Kaspersky Lab/avp.exe`, false},
		{"/opt/kaspersky/klnagent64/*", "/opt/kaspersky/klnagent64/bin/klnagent", true},
		{"/opt/kaspersky/klnagent64/*", "/opt/kaspersky/klnagent64", true},
		{"/opt/kaspersky/klnagent64/*", "/opt/kaspersky", false},
		{"/opt/kaspersky/klnagent64/*", "/opt/kaspersky/klnagent64x", false},
		{"/opt/**/kesl", "/opt/a/b/kesl", true},
		{"/opt/**/kesl", "/opt/kesl", true},
	}
	for _, tc := range tests {
		if got := matchPath(NormalizePath(tc.pattern), NormalizePath(tc.path)); got != tc.want {
			t.Errorf("matchPath(%q, %q) = %v", tc.pattern, tc.path, got)
		}
		ix := newIndex()
		ix.add(&Identifier{Kind: PathGlob, Value: tc.pattern})
		if got := len(ix.Path(tc.path)) == 1; got != tc.want {
			t.Errorf("Index.Path with %q on %q = %v", tc.pattern, tc.path, got)
		}
	}
}

// refusal is a catalogue file that must not load, and part of the error
// that says why.
type refusal struct{ name, doc, want string }

func checkRefused(t *testing.T, tests []refusal) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build([]namedFile{{"f.yaml", []byte(tc.doc)}})
			if err == nil {
				t.Fatal("loaded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tc.want)
			}
		})
	}
}
