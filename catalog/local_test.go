package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func localFiles(t *testing.T, names ...string) []LocalFile {
	t.Helper()
	var out []LocalFile
	for _, n := range names {
		p := filepath.Join("testdata", "local", n)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, LocalFile{Name: p, Data: data})
	}
	return out
}

// TestWithLocal: a local file adds its entities, products, identifiers
// and sources to the built-in catalogue, may refer to built-in entities,
// marks what it adds as local, leaves the built-in catalogue as it was,
// and changes the digest.
func TestWithLocal(t *testing.T) {
	builtin, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c, err := builtin.WithLocal(localFiles(t, "dwp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type hit struct {
		Product, Entity string
		Local           bool
	}
	lookup := func(c *Catalog, k Kind, v string) []hit {
		var out []hit
		for _, id := range c.Index().Lookup(k, v) {
			h := hit{Entity: id.Entity.ID, Local: id.Local}
			if id.Product != nil {
				h.Product = id.Product.ID
			}
			out = append(out, h)
		}
		return out
	}
	tests := []struct {
		kind  Kind
		value string
		want  []hit
	}{
		{DebPackage, "dwp-kes-agent", []hit{{"dwp-kes-repack", "kaspersky-ao", true}}},
		{DebPackage, "DWP-KES-AGENT", []hit{{"dwp-kes-repack", "kaspersky-ao", true}}},
		// Exact identifiers stay exact: no prefix, no substring.
		{DebPackage, "dwp-kes-agent-tools", nil},
		{DebPackage, "dwp-kes", nil},
		{WingetID, "AcmeResellers.RemoteSupport", []hit{{"acme-remote-support", "acme-resellers", true}}},
		{WingetID, "AcmeResellers.RemoteSupport.Beta", nil},
		{OrgName, "Acme Resellers Ltd", []hit{{"", "acme-resellers", true}}},
		// The built-in facts are still there, and not local.
		{DebPackage, "kesl", []hit{{"kaspersky-endpoint-security-linux", "kaspersky-ao", false}}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, lookup(c, tc.kind, tc.value)); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", tc.kind, tc.value, diff)
		}
	}
	if got := lookup(builtin, DebPackage, "dwp-kes-agent"); got != nil {
		t.Errorf("the built-in catalogue changed: %v", got)
	}
	acme := c.Entity("acme-resellers")
	if acme == nil || !acme.Local || c.Entity("kaspersky-ao").Local || !c.Sources["dwp-risk-2026"].Local {
		t.Errorf("local marks: acme %+v", acme)
	}
	if ch := c.Chain(acme); ch.Country != "RU" || len(ch.Links) < 2 {
		t.Errorf("a local entity's chain through its built-in parent: %+v", ch)
	}
	if !strings.HasPrefix(c.Digest(), builtin.Digest()+"+local:sha256:") {
		t.Errorf("digest %s does not extend the built-in %s", c.Digest(), builtin.Digest())
	}
	want := &LocalInfo{Files: []LocalDigest{{Name: "testdata/local/dwp.yaml", Digest: c.Local().Files[0].Digest}}}
	if diff := cmp.Diff(want, c.Local()); diff != "" || !strings.HasPrefix(want.Files[0].Digest, "sha256:") {
		t.Errorf("Local() (-want +got):\n%s", diff)
	}
	if _, err := c.WithLocal(localFiles(t, "override.yaml")); err == nil {
		t.Error("local files were added twice")
	}
	if same, _ := builtin.WithLocal(nil); same != builtin {
		t.Error("no local files gave another catalogue")
	}
}

// TestWithLocalOverride: an override listed in the file replaces the
// built-in definition of its id, and is reported.
func TestWithLocalOverride(t *testing.T) {
	builtin, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c, err := builtin.WithLocal(localFiles(t, "override.yaml", "dwp.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Product("kaspersky-endpoint-security-linux")
	if p == nil || !p.Local || p.Name != "Kaspersky Endpoint Security for Linux (DWP build)" {
		t.Fatalf("the override did not replace the product: %+v", p)
	}
	if ids := c.Index().Lookup(DebPackage, "kesl"); len(ids) != 0 {
		t.Errorf("the replaced definition's identifiers still match: %v", ids[0].Product.ID)
	}
	if ids := c.Index().Lookup(DebPackage, "kesl-dwp"); len(ids) != 1 || ids[0].Product != p {
		t.Errorf("kesl-dwp: %v", ids)
	}
	was := builtin.Product("kaspersky-endpoint-security-linux").Pos
	want := []Overridden{{What: "product", ID: "kaspersky-endpoint-security-linux", Was: was,
		By: Position{File: "testdata/local/override.yaml", Line: 4}, Reason: "our build ships as kesl-dwp only (change CHG-1234)"}}
	if diff := cmp.Diff(want, c.Local().Overrides); diff != "" {
		t.Errorf("overrides (-want +got):\n%s", diff)
	}
	if len(builtin.Index().Lookup(DebPackage, "kesl")) != 1 {
		t.Error("the built-in catalogue changed")
	}
}

// TestWithLocalRefused: a local file is validated as the built-in files
// are, and cannot replace a built-in fact without saying so; every error
// names the local file and line.
func TestWithLocalRefused(t *testing.T) {
	const src = "sources:\n  - {id: dwp-risk, url: \"https://intranet.example/risk\"}\n"
	const product = "products:\n  - id: dwp-agent\n    name: DWP Agent\n    supplier: kaspersky-ao\n    category: antivirus\n    source: dwp-risk\n    confidence: high\n    identifiers:\n"
	ident := func(fields string) string {
		return product + "      - {kind: deb_package, value: dwp-agent, " + fields + "}\n"
	}
	builtin, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	docs := builtin.Sources["kesl-11-2-docs"].Pos
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"missing source", src + ident("confidence: high, match: [dwp-agent], nomatch: [dwp-agent-x]"),
			`dwp.yaml:11: identifier deb_package "dwp-agent" has no source`},
		{"unknown source", src + ident("source: nope, confidence: high, match: [dwp-agent], nomatch: [dwp-agent-x]"),
			`dwp.yaml:11: identifier deb_package "dwp-agent" cites source "nope", which no file defines`},
		{"no nomatch examples", src + ident("source: dwp-risk, confidence: high, match: [dwp-agent]"),
			`dwp.yaml:11: identifier deb_package "dwp-agent" needs at least one match and one nomatch example`},
		{"bad confidence", src + ident("source: dwp-risk, confidence: certain, match: [dwp-agent], nomatch: [dwp-agent-x]"),
			`dwp.yaml: line 11: confidence "certain" is not one of low, medium, high`},
		{"a nomatch example that matches", src + ident("source: dwp-risk, confidence: high, match: [dwp-agent], nomatch: [DWP-Agent]"),
			`dwp.yaml:11: product dwp-agent deb_package "dwp-agent": nomatch example "DWP-Agent" is matched`},
		{"a match example that does not", src + ident("source: dwp-risk, confidence: high, match: [dwp-agent-x], nomatch: [x]"),
			`dwp.yaml:11: product dwp-agent deb_package "dwp-agent": match example "dwp-agent-x" is not matched`},
		{"unknown supplier", strings.Replace(src+ident("source: dwp-risk, confidence: high, match: [dwp-agent], nomatch: [x]"), "kaspersky-ao", "kaspersky", 1),
			`dwp.yaml:4: product "dwp-agent": supplier "kaspersky" is not a catalogued entity`},
		{"unknown key", src + "entities:\n  - id: a\n    nmes: []\n", `dwp.yaml: line 5: unknown key "nmes"`},
		{"entity id clash", src + "entities:\n  - id: kaspersky-ao\n    names: [{value: K, kind: legal, source: dwp-risk, confidence: high}]\n    country: {code: RU, source: dwp-risk, confidence: high}\n",
			"dwp.yaml:4: entity \"kaspersky-ao\" is already in the built-in catalogue (kaspersky.yaml:"},
		{"source id clash", "sources:\n  - {id: kesl-11-2-docs, url: \"https://intranet.example/kesl\"}\n",
			"dwp.yaml:2: source \"kesl-11-2-docs\" is already in the built-in catalogue (" + docs.String() + "); to replace it, list it under `overrides:`"},
		{"override without a reason", "overrides:\n  - {id: kesl-11-2-docs}\nsources:\n  - {id: kesl-11-2-docs, url: \"https://intranet.example/kesl\"}\n",
			`dwp.yaml:2: overrides: "kesl-11-2-docs" needs a reason`},
		{"override of nothing built in", "overrides:\n  - {id: dwp-risk, reason: ours}\n" + src,
			`dwp.yaml:2: overrides "dwp-risk", which is not in the built-in catalogue`},
		{"override of nothing defined", "overrides:\n  - {id: kesl-11-2-docs, reason: ours}\n" + src,
			`dwp.yaml:2: overrides "kesl-11-2-docs" but defines nothing with that id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := builtin.WithLocal([]LocalFile{{Name: "dwp.yaml", Data: []byte(tc.doc)}})
			if err == nil {
				t.Fatal("loaded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tc.want)
			}
		})
	}
}

// TestWithLocalAcrossFiles: two local files may not define one id, and
// only a local file may list overrides.
func TestWithLocalAcrossFiles(t *testing.T) {
	builtin, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files := localFiles(t, "dwp.yaml")
	files = append(files, LocalFile{Name: "copy.yaml", Data: files[0].Data})
	_, err = builtin.WithLocal(files)
	if err == nil || !strings.Contains(err.Error(), `copy.yaml:4: source "dwp-risk-2026" already defined at testdata/local/dwp.yaml:4`) {
		t.Errorf("the same facts in two local files: %v", err)
	}
	for _, doc := range []string{"overrides:\n  - {id: a, reason: b}\n", "overrides: [null]\n"} {
		_, err = build([]namedFile{{"x.yaml", []byte(doc)}})
		if err == nil || !strings.Contains(err.Error(), "x.yaml: overrides: only a local catalogue file replaces facts") {
			t.Errorf("overrides in a catalogue file: %v", err)
		}
	}
	_, err = builtin.WithLocal([]LocalFile{{Name: "y.yaml", Data: []byte("overrides: [null]\n")}})
	if err == nil || !strings.Contains(err.Error(), "y.yaml: an empty entry in overrides") {
		t.Errorf("an empty override: %v", err)
	}
}
