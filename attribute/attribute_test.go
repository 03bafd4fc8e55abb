package attribute

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

func testAttributor(t *testing.T) *Attributor {
	t.Helper()
	cat, err := catalog.Load(os.DirFS("testdata/catalog"))
	if err != nil {
		t.Fatal(err)
	}
	return New(cat)
}

func item(typ inventory.Type, eco, name string, attrs ...string) *inventory.Item {
	it := &inventory.Item{Type: typ, Ecosystem: eco, Name: name}
	for i := 0; i+1 < len(attrs); i += 2 {
		it.Add(inventory.Field(attrs[i]), attrs[i+1])
	}
	return it
}

// outcome is what a test checks of an attribution.
type outcome struct {
	Product    string
	Entity     string
	Country    string
	Chain      []string
	Confidence string
	Fields     []inventory.Field
	Ties       int
}

func summarise(a *Attribution) *outcome {
	if a == nil {
		return nil
	}
	o := &outcome{Entity: a.Entity.ID, Country: a.Chain.Country, Confidence: a.Confidence.String(), Ties: len(a.Ties)}
	if a.Product != nil {
		o.Product = a.Product.ID
	}
	for _, l := range a.Chain.Links {
		o.Chain = append(o.Chain, l.Entity.ID)
	}
	for _, e := range a.Evidence {
		o.Fields = append(o.Fields, e.Field)
	}
	return o
}

func TestAttribute(t *testing.T) {
	a := testAttributor(t)
	labChain := []string{"lab-ao", "holding"}
	tests := []struct {
		name string
		item *inventory.Item
		want *outcome
	}{
		{"deb package by name", item(inventory.Package, "deb", "exav"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "high", []inventory.Field{"package"}, 0}},
		{"deb package by purl", item(inventory.Library, "", "exav", "purl", "pkg:deb/debian/exav@1.0?arch=amd64"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "high", []inventory.Field{"purl"}, 0}},
		{"similar package name is not matched", item(inventory.Package, "deb", "exav-tools"), nil},
		{"rpm ecosystem does not take a deb identifier", item(inventory.Package, "rpm", "exav"), nil},
		{"US subsidiary resolves to RU through its parents", item(inventory.Application, "windows", "Thing", "publisher", "Example Lab, Inc."),
			&outcome{"", "lab-inc", "RU", []string{"lab-inc", "lab-ao", "holding"}, "medium", []inventory.Field{"publisher"}, 0}},
		{"Cyrillic publisher with other quotes", item(inventory.Application, "windows", "Thing", "publisher", `АО "Лаборатория Примера"`),
			&outcome{"", "lab-ao", "RU", labChain, "medium", []inventory.Field{"publisher"}, 0}},
		{"publisher corroborates a product pattern", item(inventory.Application, "windows", "Example Anti-Virus 21.3", "publisher", "AO Example Lab"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "medium", []inventory.Field{"publisher", "name"}, 0}},
		{"signer subject DN", item(inventory.File, "", "exav.exe", "signer", "CN=AO Example Lab, O=AO Example Lab, L=Moscow, C=RU"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "high", []inventory.Field{"signer", "signer"}, 0}},
		{"alias counts in a publisher field", item(inventory.Application, "", "x", "publisher", "Example Lab"),
			&outcome{"", "lab-ao", "RU", labChain, "medium", []inventory.Field{"publisher"}, 0}},
		{"alias counts in an author field without an address", item(inventory.Library, "npm", "x", "author", "Example Lab"),
			&outcome{"", "lab-ao", "RU", labChain, "medium", []inventory.Field{"author"}, 0}},
		{"alias with someone else's address is a person", item(inventory.Library, "npm", "x", "author", "Example Lab <me@example.org>"), nil},
		{"alias with the supplier's address", item(inventory.Package, "deb", "x", "maintainer", "Example Lab <pkg@examplelab.example>"),
			&outcome{"", "lab-ao", "RU", labChain, "medium", []inventory.Field{"maintainer", "maintainer"}, 0}},
		{"the supplier's address alone", item(inventory.Package, "deb", "x", "maintainer", "Jane Roe <jane@dev.examplelab.example>"),
			&outcome{"", "lab-ao", "RU", labChain, "medium", []inventory.Field{"maintainer"}, 0}},
		{"legal form differs in a packager field", item(inventory.Package, "rpm", "x", "packager", "Exlab Ltd"),
			&outcome{"", "lab-ao", "RU", labChain, "low", []inventory.Field{"packager"}, 0}},
		{"legal name counts in an author field", item(inventory.Library, "npm", "x", "author", "AO Example Lab <info@example.org>"),
			&outcome{"", "lab-ao", "RU", labChain, "medium", []inventory.Field{"author"}, 0}},
		{"a maintainer named Dahua is a person", item(inventory.Package, "deb", "libfoo", "maintainer", "Dahua Lin <dahua@example.org>"), nil},
		{"a maintainer field Dahua alone is still not the company", item(inventory.Package, "deb", "libfoo", "maintainer", "Dahua"), nil},
		{"Dahua as supplier is the company", item(inventory.Device, "", "IPC-HFW", "supplier", "Dahua"),
			&outcome{"", "dahua", "CN", []string{"dahua"}, "low", []inventory.Field{"supplier"}, 0}},
		{"gazette is not ZTE", item(inventory.Application, "", "gazette", "publisher", "Gazette Publishing"), nil},
		{"ZTE as a word inside a name is not ZTE", item(inventory.Application, "", "x", "publisher", "Aztec ZTEK Ltd"), nil},
		{"a library named after TikTok is not TikTok", item(inventory.Library, "npm", "tiktok", "purl", "pkg:npm/tiktok@1.0"), nil},
		{"a scraper named after TikTok is not TikTok", item(inventory.Application, "", "tiktok-scraper"), nil},
		{"the TikTok app", item(inventory.Application, "android", "TikTok"),
			&outcome{"tiktok", "bytedance", "CN", []string{"bytedance"}, "low", []inventory.Field{"name"}, 0}},
		{"maven purl prefix on a segment boundary", item(inventory.Library, "maven", "kit", "purl", "pkg:maven/com.example.lab-components/kit@1.2"),
			&outcome{"lab-testkit", "lab-ao", "RU", labChain, "high", []inventory.Field{"purl"}, 0}},
		{"maven purl prefix of another group", item(inventory.Library, "maven", "kit", "purl", "pkg:maven/com.example.lab-componentsx/kit@1.2"), nil},
		{"CPE 2.3 vendor", item(inventory.Application, "", "av", "cpe", "cpe:2.3:a:examplelab:av:21:*:*:*:*:*:*:*"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "medium", []inventory.Field{"cpe"}, 0}},
		{"CPE 2.2 vendor", item(inventory.Application, "", "av", "cpe", "cpe:/a:examplelab:av:21"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "medium", []inventory.Field{"cpe"}, 0}},
		{"bundle id below the prefix", item(inventory.Application, "macos", "AV", "bundle_id", "com.example.av.agent"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "medium", []inventory.Field{"bundle_id"}, 0}},
		{"bundle id sharing letters only", item(inventory.Application, "macos", "AV", "bundle_id", "com.example.avx"), nil},
		{"renamed copy found by its folder", item(inventory.File, "", "renamed.exe", "path", `C:\Program Files\Example Lab\AV 21\exav.exe`),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "low", []inventory.Field{"path", "path"}, 0}}, // folder glob and file name
		{"URL host under a domain rule", item(inventory.Other, "service", "feed", "url", "https://api.tiktok.com/v1"),
			&outcome{"tiktok", "bytedance", "CN", []string{"bytedance"}, "low", []inventory.Field{"url"}, 0}},
		{"full-width brackets in a Chinese publisher", item(inventory.Application, "windows", "微信", "publisher", "腾讯科技（深圳）有限公司"),
			&outcome{"wechat", "tencent", "CN", []string{"tencent"}, "medium", []inventory.Field{"publisher", "publisher"}, 0}},
		{"an interception root CA by its CN", item(inventory.Certificate, "trust-store", "Example Personal Root Certificate", "ca_subject", "CN=Example Personal Root Certificate,C=RU"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "medium", []inventory.Field{"ca_subject"}, 0}},
		{"a CA certificate is not the product its name resembles", item(inventory.Certificate, "trust-store", "Example Anti-Virus 21 Root", "ca_subject", "CN=Example Anti-Virus 21 Root"), nil},
		{"a renamed executable by its original file name", item(inventory.Application, "windows", "setup.exe", "path", `C:\Users\bob\Downloads\setup.exe`, "original_filename", "exav.exe"),
			&outcome{"lab-av", "lab-ao", "RU", labChain, "low", []inventory.Field{"original_filename"}, 0}},
		{"nothing to go on", item(inventory.Library, "npm", "left-pad", "purl", "pkg:npm/left-pad@1.3.0"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := summarise(a.Attribute(tc.item))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("attribution (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTiesAreShown(t *testing.T) {
	a := testAttributor(t)
	// Both entities' legal names, equally strong: neither may be dropped.
	it := item(inventory.Application, "", "x", "publisher", "AO Example Lab", "supplier", "ZTE Corporation")
	got := a.Attribute(it)
	if got == nil || len(got.Ties) != 1 {
		t.Fatalf("want one tie, got %+v", got)
	}
	ids := []string{got.Entity.ID, got.Ties[0].Entity.ID}
	if !(ids[0] == "lab-ao" && ids[1] == "zte" || ids[0] == "zte" && ids[1] == "lab-ao") {
		t.Errorf("tie between %v, want lab-ao and zte", ids)
	}
}
