package enforce

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

// testJudgement is the Judgement of the packs testdata/packs/NAME.yaml
// on a one-off system of classification (the lowest when empty) and tags.
func testJudgement(t testing.TB, cat *catalog.Catalog, classification string, tags []string, names ...string) *Judgement {
	t.Helper()
	var packs []*policy.Pack
	for _, n := range names {
		file := filepath.Join("testdata", "packs", n+".yaml")
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy.LoadPack(file, data)
		if err != nil {
			t.Fatal(err)
		}
		packs = append(packs, p)
	}
	return judgementOf(t, cat, classification, tags, packs)
}

// builtinJudgement is the Judgement of built-in packs.
func builtinJudgement(t testing.TB, cat *catalog.Catalog, classification string, tags []string, ids ...string) *Judgement {
	t.Helper()
	var packs []*policy.Pack
	for _, id := range ids {
		p, err := policy.BuiltinPack(id)
		if err != nil {
			t.Fatal(err)
		}
		packs = append(packs, p)
	}
	return judgementOf(t, cat, classification, tags, packs)
}

func judgementOf(t testing.TB, cat *catalog.Catalog, classification string, tags []string, packs []*policy.Pack) *Judgement {
	t.Helper()
	e, err := policy.NewEngine(cat, systems.UKScale(), packs...)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := systems.OneOff(systems.UKScale(), classification, tags)
	if err != nil {
		t.Fatal(err)
	}
	return NewJudgement(e, sys)
}

// TestJudgementSubjects judges single subjects of the embedded catalogue
// as a scan and a flows run would: the NCSC letter covers Russia-based
// security products (Dr.Web, not named in the letter, included) but not
// Kaspersky's test framework, embedded in others' apps; its egress pack
// covers traffic to any Russia-controlled network, hosting included,
// and no item.
func TestJudgementSubjects(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	av := builtinJudgement(t, cat, "", nil, "uk-ncsc-2017-russia-av")
	egress := builtinJudgement(t, cat, "", nil, "uk-ncsc-2017-russia-egress")
	entity := func(id string) *catalog.Entity {
		e := cat.Entity(id)
		if e == nil {
			t.Fatalf("entity %q is not catalogued", id)
		}
		return e
	}
	product := func(id string) (*catalog.Entity, *catalog.Product) {
		p := cat.Product(id)
		if p == nil {
			t.Fatalf("product %q is not catalogued", id)
		}
		return entity(p.Supplier), p
	}
	drwebE, drweb := product("drweb-for-linux")
	kaspE, kaspresso := product("kaspresso")
	yandexE, browser := product("yandex-browser")
	for _, c := range []struct {
		name string
		j    *Judgement
		s    Subject
		want bool
	}{
		{"Dr.Web for Linux", av, Subject{Entity: drwebE, Product: drweb, Kind: catalog.Domain, Value: "repo.drweb.com"}, true},
		{"Doctor Web, no product", av, Subject{Entity: drwebE}, false},
		{"Kaspersky, no product", av, Subject{Entity: entity("kaspersky-ao")}, true},
		{"Kaspresso, embedded", av, Subject{Entity: kaspE, Product: kaspresso, Tier: catalog.TierEmbedded}, false},
		{"Yandex Browser", av, Subject{Entity: yandexE, Product: browser}, false},
		{"a Kaspersky network, av", av, Subject{Entity: entity("kaspersky-lab-switzerland"), Kind: catalog.ASN, Value: "AS41983"}, true},
		{"a Doctor Web network, av", av, Subject{Entity: drwebE, Kind: catalog.ASN, Value: "AS49238"}, false},
		{"a Doctor Web network, egress", egress, Subject{Entity: drwebE, Kind: catalog.ASN, Value: "AS49238"}, true},
		{"Yandex Cloud, hosting, egress", egress, Subject{Entity: entity("yandex-cloud"), Tier: catalog.TierHosting, Kind: catalog.ASN, Value: "AS200350"}, true},
		{"a Doctor Web name, egress", egress, Subject{Entity: drwebE, Kind: catalog.Domain, Value: "*.drweb.com"}, true},
		{"a Doctor Web publisher, egress", egress, Subject{Entity: drwebE, Value: "Doctor Web, Ltd."}, false},
		{"a Chinese network, egress", egress, Subject{Entity: entity("zte"), Kind: catalog.ASN, Value: "AS135426"}, false},
	} {
		if got := c.j.Blocks(c.s); got != c.want {
			t.Errorf("%s: Blocks = %v, want %v", c.name, got, c.want)
		}
	}
	// An item as a scan found it is judged as it is: the Kaspersky engine
	// inside a firewall is a security product, the test framework is not.
	engineE, engine := product("kaspersky-oem-scan-engine")
	for _, c := range []struct {
		it   *inventory.Item
		at   *attribute.Attribution
		want bool
	}{
		{&inventory.Item{Type: inventory.Library, Name: "kavehost"},
			&attribute.Attribution{Candidate: attribute.Candidate{Product: engine, Entity: engineE}, Tier: catalog.TierEmbedded, Chain: cat.Chain(engineE)}, true},
		{&inventory.Item{Type: inventory.Library, Name: "kaspresso"},
			&attribute.Attribution{Candidate: attribute.Candidate{Product: kaspresso, Entity: kaspE}, Tier: catalog.TierEmbedded, Chain: cat.Chain(kaspE)}, false},
	} {
		if got := av.BlocksItem(c.it, c.at); got != c.want {
			t.Errorf("BlocksItem(%s) = %v, want %v", c.it.Name, got, c.want)
		}
	}
}

// The system the artefact protects decides as it does for a scan: the
// NCSC egress pack flags an OFFICIAL system's traffic only above a volume
// (taken as reached) and a SECRET system's always; BOD 17-01 does not
// cover national-security systems.
func TestJudgementSystem(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ksn := Subject{Entity: cat.Entity("kaspersky-ao"), Kind: catalog.Domain, Value: "*.kaspersky-labs.com"}
	for _, c := range []struct {
		classification string
		tags           []string
		pack           string
		want           bool
	}{
		{"OFFICIAL", nil, "uk-ncsc-2017-russia-egress", true},
		{"SECRET", nil, "uk-ncsc-2017-russia-egress", true},
		{"", nil, "us-bod-17-01", true},
		{"", []string{"national-security"}, "us-bod-17-01", false},
	} {
		j := builtinJudgement(t, cat, c.classification, c.tags, c.pack)
		if got := j.Blocks(ksn); got != c.want {
			t.Errorf("%s on %q %v: %v, want %v", c.pack, c.classification, c.tags, got, c.want)
		}
	}
	j := builtinJudgement(t, cat, "SECRET", []string{"national-security", "desktop"}, "us-bod-17-01", "uk-ncsc-2017-russia-av")
	if want := "what the packs us-bod-17-01, uk-ncsc-2017-russia-av flag on a system classified SECRET and tagged desktop, national-security"; j.Note() != want {
		t.Errorf("note %q, want %q", j.Note(), want)
	}
}

// Hosting networks that a pack flags are still set aside until the caller
// includes them: the NCSC egress pack flags traffic to Yandex's cloud.
func TestDeriveJudgedHosting(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Derive(cat, builtinJudgement(t, cat, "", nil, "uk-ncsc-2017-russia-egress"))
	if err != nil {
		t.Fatal(err)
	}
	const yandexCloud, kasperskyCH, zte = 200350, 41983, 135426
	if !slices.Contains(tg.HostingASNs, yandexCloud) || slices.Contains(tg.ASNs, yandexCloud) || !slices.Contains(tg.ASNs, kasperskyCH) ||
		slices.Contains(tg.ASNs, zte) {
		t.Errorf("ASNs %v, hosting %v", tg.ASNs, tg.HostingASNs)
	}
	// The pack judges traffic: no publisher or app is chosen.
	if len(tg.Publishers) != 0 || len(tg.Apps) != 0 {
		t.Errorf("publishers %v, apps %v", tg.Publishers, tg.Apps)
	}
	tg.IncludeHosting()
	if !slices.Contains(tg.ASNs, yandexCloud) {
		t.Errorf("after IncludeHosting: %v", tg.ASNs)
	}
}

// Scan reports' items are judged as they were found when the targets
// were derived by a Judgement: with the NCSC letter, a signed Dr.Web
// executable adds its subject, a signed Yandex Browser does not.
func TestAddObservedJudged(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Derive(cat, builtinJudgement(t, cat, "", nil, "uk-ncsc-2017-russia-av"))
	if err != nil {
		t.Fatal(err)
	}
	report := `{"items": [
	  {"id": "I-1", "name": "drweb-ctl", "type": "application", "location": {"source": "/opt/drweb/bin/drweb-ctl.exe"},
	   "attributes": [{"field": "signer", "value": "O=Doctor Web Ltd., L=Moscow, C=RU"}, {"field": "signature_status", "value": "valid digest"}],
	   "attribution": {"product": {"id": "drweb-for-linux"}, "supplier": {"id": "doctor-web"}, "tier": "product"}},
	  {"id": "I-2", "name": "browser", "type": "application", "location": {"source": "/opt/yandex/browser.exe"},
	   "attributes": [{"field": "signer", "value": "O=YANDEX LLC, L=Moscow, C=RU"}, {"field": "signature_status", "value": "valid digest"}],
	   "attribution": {"product": {"id": "yandex-browser"}, "supplier": {"id": "yandex-mkao"}, "tier": "product"}}]}`
	n, err := tg.AddObserved("scan.json", []byte(report))
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, p := range tg.Publishers {
		if p.Entity == "doctor-web" || p.Entity == "yandex-mkao" {
			subjects = append(subjects, p.Name)
		}
	}
	if diff := cmp.Diff([]string{"O=Doctor Web Ltd., L=Moscow, C=RU"}, subjects); n != 1 || diff != "" {
		t.Errorf("added %d (-want +got):\n%s", n, diff)
	}
}
