package enforce

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/catalog"
)

func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(os.DirFS("testdata/catalog"))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestDeriveSmall pins Derive on testdata/catalog with the test packs:
// what a pack flags is blocked — an entity named up the control chain
// with everything of its own and of its products; a product alone, not
// its supplier's other identifiers; networks and names only, for a pack
// that judges traffic; nothing, on a system the pack does not cover.
func TestDeriveSmall(t *testing.T) {
	cat := testCatalog(t)
	betaAgentApps := []App{
		{ID: "example.beta.agent", Platform: Android, Product: "beta-agent", ProductName: "Beta Agent", Entity: "beta", Source: "test-source", Confidence: catalog.Medium},
		{ID: "example.beta.agent.lite", Platform: Android, Product: "beta-agent", ProductName: "Beta Agent", Entity: "beta", Source: "other-source", Confidence: catalog.Low},
		// The entity's low-confidence EXAMPLE.Beta.Agent is the same app.
		{ID: "example.beta.agent", Platform: Apple, Product: "beta-agent", ProductName: "Beta Agent", Entity: "beta", Source: "test-source", Confidence: catalog.High},
	}
	cases := []struct {
		name           string
		packs          []string
		classification string
		want           *Targets
	}{
		{"entity and its subsidiaries", []string{"names-alpha"}, "", &Targets{
			Entities: []string{"alpha", "beta", "gamma"},
			Domains: []Domain{
				{Name: "alpha.example", Subtree: true, Entity: "alpha", Source: "test-source"},
				{Name: "www.alpha.example", Entity: "alpha", Source: "other-source"},
				{Name: "update.beta.example", Entity: "beta", Source: "test-source"},
				{Name: "gamma.example", Entity: "gamma", Source: "test-source"},
			},
			ASNs: []uint32{64496, 64497},
			Publishers: []Publisher{
				{Name: "Alpha Holding Ltd", Entity: "alpha", Source: "test-source (legal name)"},
				{Name: "Alpha Old Name Ltd", Entity: "alpha", Source: "test-source (former name)"},
				{Name: "Beta Ltd", Entity: "beta", Source: "test-source (legal name)"},
				{Name: "CN=Alpha Holding Ltd, O=Alpha Holding Ltd, L=Moscow, C=RU", Entity: "alpha", Source: "test-source"},
				{Name: "Gamma GmbH", Entity: "gamma", Source: "other-source"},
			},
			Apps: append([]App{{ID: "example.alpha.app", Platform: Android, Entity: "alpha", Source: "test-source", Confidence: catalog.Medium}},
				betaAgentApps...),
			Note: "what the pack test-names-alpha flags on a system classified OFFICIAL",
		}},
		{"a product, not its supplier", []string{"beta-agent"}, "", &Targets{
			Products: []string{"beta-agent"},
			Domains:  []Domain{{Name: "update.beta.example", Entity: "beta", Source: "test-source"}},
			ASNs:     []uint32{64497},
			Apps:     betaAgentApps,
			Note:     "what the pack test-beta-agent flags on a system classified OFFICIAL",
		}},
		{"traffic only: networks and names", []string{"ru-traffic"}, "", &Targets{
			Entities: []string{"alpha", "beta", "gamma"},
			Domains: []Domain{
				{Name: "alpha.example", Subtree: true, Entity: "alpha", Source: "test-source"},
				{Name: "www.alpha.example", Entity: "alpha", Source: "other-source"},
				{Name: "update.beta.example", Entity: "beta", Source: "test-source"},
				{Name: "gamma.example", Entity: "gamma", Source: "test-source"},
			},
			ASNs: []uint32{64496, 64497},
			Note: "what the pack test-ru-traffic flags on a system classified OFFICIAL",
		}},
		{"not on an OFFICIAL system", []string{"delta-secret"}, "", &Targets{
			Note: "what the pack test-delta-secret flags on a system classified OFFICIAL",
		}},
		{"on a SECRET system, with another pack", []string{"delta-secret", "beta-agent"}, "SECRET", &Targets{
			Entities: []string{"delta"},
			Products: []string{"beta-agent"},
			Domains: []Domain{
				{Name: "update.beta.example", Entity: "beta", Source: "test-source"},
				{Name: "delta.example", Subtree: true, Entity: "delta", Source: "test-source"},
			},
			ASNs:       []uint32{64497, 64511},
			Publishers: []Publisher{{Name: "Delta Inc.", Entity: "delta", Source: "test-source (legal name)"}},
			Apps:       betaAgentApps,
			Note:       "what the packs test-delta-secret, test-beta-agent flag on a system classified SECRET",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Derive(cat, testJudgement(t, cat, c.classification, nil, c.packs...))
			if err != nil {
				t.Fatal(err)
			}
			if got.Catalog != cat.Digest() || got.Generated.IsZero() {
				t.Errorf("catalogue %q, generated %v", got.Catalog, got.Generated)
			}
			if diff := cmp.Diff(c.want, got, cmpopts.IgnoreFields(Targets{}, "Generated", "Catalog"), cmpopts.IgnoreUnexported(Targets{}),
				cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Derive(%v) (-want +got):\n%s", c.packs, diff)
			}
		})
	}
}

func TestDeriveErrors(t *testing.T) {
	if _, err := Derive(nil, nil); err == nil {
		t.Error("no catalogue gave no error")
	}
}

func TestDeriveEmbeddedBOD1701(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Derive(cat, builtinJudgement(t, cat, "", nil, "us-bod-17-01"))
	if err != nil {
		t.Fatal(err)
	}
	// The pack covers Kaspersky-branded products: every entity of
	// Kaspersky's group, and nobody else.
	want := []string{"kaspersky-ao", "kaspersky-government-security-solutions", "kaspersky-group-ooo", "kaspersky-lab-inc",
		"kaspersky-lab-north-america", "kaspersky-lab-switzerland", "kaspersky-labs-gmbh", "kaspersky-labs-limited"}
	if diff := cmp.Diff(want, tg.Entities); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	for _, d := range tg.Domains {
		if !strings.HasPrefix(d.Entity, "kaspersky-") || strings.Contains(d.Name, "huawei") {
			t.Errorf("domain %+v is not Kaspersky's", d)
		}
	}
	for _, want := range []Domain{
		{Name: "kaspersky.com", Subtree: true, Entity: "kaspersky-ao", Source: "v2fly-kaspersky-domains"},
		{Name: "activation-v2.kaspersky.com", Entity: "kaspersky-ao", Source: "keswin-11-6-network"},
	} {
		if !slices.Contains(tg.Domains, want) {
			t.Errorf("%+v is missing", want)
		}
	}
	if !slices.ContainsFunc(tg.Publishers, func(p Publisher) bool { return p.Name == "AO Kaspersky Lab" }) {
		t.Error("AO Kaspersky Lab is not among the publishers")
	}
	checkNormalized(t, tg)
}

func TestDeriveEmbeddedAll(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Derive(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Products) != 0 {
		t.Errorf("products blocked without their supplier: %v", tg.Products)
	}
	var all []string
	for _, e := range cat.Entities {
		all = append(all, e.ID)
	}
	slices.Sort(all)
	if diff := cmp.Diff(all, tg.Entities); diff != "" {
		t.Errorf("Derive(nil) does not block every entity (-want +got):\n%s", diff)
	}
	for _, id := range []string{"huawei-technologies", "kaspersky-ao", "bytedance-ltd"} {
		if !slices.Contains(tg.Entities, id) {
			t.Errorf("%s is not blocked", id)
		}
	}
	// Every "*." identifier became a subtree, and every domain identifier
	// of the catalogue is there.
	for _, id := range domainIdentifiers(cat) {
		name, sub := strings.CutPrefix(strings.ToLower(strings.TrimSuffix(id.Value, ".")), "*.")
		if !slices.ContainsFunc(tg.Domains, func(d Domain) bool { return d.Name == name && d.Subtree == sub }) {
			t.Errorf("%s: %q is missing (subtree %v)", id.Pos, id.Value, sub)
		}
	}
	checkNormalized(t, tg)
}

// checkNormalized checks the invariants artefacts rely on: sorted lists,
// no repeats, names without "*." or a final dot.
func checkNormalized(t *testing.T, tg *Targets) {
	t.Helper()
	if !slices.IsSorted(tg.Entities) || !slices.IsSorted(tg.ASNs) {
		t.Error("entities or ASNs are not sorted")
	}
	if len(slices.Compact(slices.Clone(tg.ASNs))) != len(tg.ASNs) {
		t.Error("repeated ASN")
	}
	seen := map[Domain]bool{}
	for i, d := range tg.Domains {
		key := Domain{Name: d.Name, Subtree: d.Subtree}
		if seen[key] {
			t.Errorf("%+v repeats", d)
		}
		seen[key] = true
		if strings.HasPrefix(d.Name, "*") || strings.HasSuffix(d.Name, ".") || d.Name != strings.ToLower(d.Name) {
			t.Errorf("%q is not a plain lower-case name", d.Name)
		}
		if i > 0 && compareDNS(tg.Domains[i-1].Name, d.Name) > 0 {
			t.Errorf("%q sorts before %q", tg.Domains[i-1].Name, d.Name)
		}
	}
	names := map[string]bool{}
	for _, p := range tg.Publishers {
		if names[strings.ToUpper(p.Name)] {
			t.Errorf("publisher %q repeats", p.Name)
		}
		names[strings.ToUpper(p.Name)] = true
	}
}

func TestCompareDNS(t *testing.T) {
	names := []string{"b.example", "a.b.example", "example", "a.example", "z.a.example", "com", "example.com"}
	slices.SortFunc(names, compareDNS)
	want := []string{"com", "example.com", "example", "a.example", "z.a.example", "b.example", "a.b.example"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A cloud platform's networks host other parties' services: they are set
// aside, not blocked, unless the caller asks (--include-hosting).
func TestDeriveHostingAside(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Derive(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	const yandexCloud = 200350 // AS200350, Yandex.Cloud LLC: hosting
	const kasperskyCH = 41983  // AS41983, Kaspersky's own network
	if !slices.Contains(tg.HostingASNs, yandexCloud) || slices.Contains(tg.ASNs, yandexCloud) {
		t.Errorf("AS%d: hosting %v, blocked %v", yandexCloud, slices.Contains(tg.HostingASNs, yandexCloud), slices.Contains(tg.ASNs, yandexCloud))
	}
	if !slices.Contains(tg.ASNs, kasperskyCH) {
		t.Errorf("AS%d is not blocked", kasperskyCH)
	}
	tg.IncludeHosting()
	if !slices.Contains(tg.ASNs, yandexCloud) || len(tg.HostingASNs) != 0 {
		t.Errorf("after IncludeHosting: %v", tg.ASNs)
	}
}
