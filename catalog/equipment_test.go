package catalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// equipmentDoc is a catalogue with one entity holding an identifier of
// each equipment kind, and a rebrand of its equipment.
const equipmentDoc = `sources:
  - {id: s, url: "https://example.org"}
entities:
  - id: maker
    names: [{value: Maker Co., kind: legal, source: s, confidence: high}]
    country: {code: CN, source: s, confidence: high}
    identifiers:
      - {kind: oui, values: [4419B6, B0B3536, 70B3D5F2F], source: s, confidence: high, match: ["44:19:b6:00:00:01"], nomatch: ["46:19:b6:00:00:01"]}
      - {kind: snmp_enterprise, value: "2011", source: s, confidence: high, match: [1.3.6.1.4.1.2011.1], nomatch: [1.3.6.1.4.1.20110.1]}
      - {kind: http_server, value: App-webs, source: s, confidence: medium, match: [App-webs/], nomatch: [app-webs]}
      - {kind: tls_subject, value: MAKER, source: s, confidence: low, match: ["O=Maker, CN=10.0.0.1"], nomatch: ["O=Makers"]}
rebrands:
  - {id: acme-maker, brand: Acme, names: [Acme Security], manufacturer: maker, share: all, models: ["AC-*"],
     from: 2018-02-06, until: 2022-11-23, source: s, confidence: medium, match: [Acme, "ACME Security Inc."], nomatch: [Acmex]}
`

func equipmentCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := build([]namedFile{{"f.yaml", []byte(equipmentDoc)}})
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := c.exampleErrors(func(bool) bool { return true }); len(errs) > 0 {
		t.Fatal(errs)
	}
	return c
}

func TestEquipmentLookup(t *testing.T) {
	ix := equipmentCatalog(t).Index()
	tests := []struct {
		name string
		kind Kind
		in   string
		want []string // identifier values matched
	}{
		{"MAC with colons", OUI, "44:19:B6:12:34:56", []string{"4419B6"}},
		{"MAC with dashes, lower case", OUI, "44-19-b6-12-34-56", []string{"4419B6"}},
		{"MAC in Cisco form", OUI, "4419.b612.3456", []string{"4419B6"}},
		{"MAC without separators", OUI, "4419B6123456", []string{"4419B6"}},
		{"MA-M block, longest prefix", OUI, "b0:b3:53:6f:00:01", []string{"B0B3536"}},
		{"beside the MA-M block", OUI, "b0:b3:53:7f:00:01", nil},
		{"MA-S block", OUI, "70:b3:d5:f2:ff:01", []string{"70B3D5F2F"}},
		{"locally administered MAC", OUI, "46:19:b6:12:34:56", nil},
		{"multicast MAC", OUI, "45:19:b6:12:34:56", nil},
		{"not a MAC", OUI, "44:19:b6:12:34", nil},
		{"sysObjectID under the number", SNMPEnterprise, "1.3.6.1.4.1.2011.2.23", []string{"2011"}},
		{"the number itself, leading dot", SNMPEnterprise, ".1.3.6.1.4.1.2011", []string{"2011"}},
		{"iso. form", SNMPEnterprise, "iso.3.6.1.4.1.2011.1", []string{"2011"}},
		{"MIB form", SNMPEnterprise, "SNMPv2-SMI::enterprises.2011.5", []string{"2011"}},
		{"2011 is not 20110", SNMPEnterprise, "1.3.6.1.4.1.20110.1", nil},
		{"2011 is not 201", SNMPEnterprise, "1.3.6.1.4.1.201.1", nil},
		{"outside the enterprises arc", SNMPEnterprise, "1.3.6.1.2.1.2011", nil},
		{"server token before the version", HTTPServer, "App-webs/", []string{"App-webs"}},
		{"server token is case-sensitive", HTTPServer, "app-webs/", nil},
		{"another server", HTTPServer, "Webs", nil},
		{"subject O, case folded", TLSSubject, "CN=10.0.0.1, O=Maker", []string{"MAKER"}},
		{"subject in slash form", TLSSubject, "/C=CN/O=MAKER/CN=x", []string{"MAKER"}},
		{"subject OU is not read", TLSSubject, "OU=MAKER, O=Other", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, id := range ix.Lookup(tc.kind, tc.in) {
				got = append(got, id.Value)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRebrandCovers(t *testing.T) {
	c := equipmentCatalog(t)
	r := c.RebrandByID("acme-maker")
	if got := c.Index().Rebrands("ACME Security, Inc."); len(got) != 1 || got[0] != r {
		t.Fatalf("Rebrands = %v", got)
	}
	if got := c.Index().RebrandsInName("Acme AC-100 recorder"); len(got) != 1 || got[0] != r {
		t.Fatalf("RebrandsInName = %v", got)
	}
	if got := c.Index().RebrandsInName("Acmex camera"); len(got) != 0 {
		t.Fatalf("RebrandsInName(Acmex) = %v", got)
	}
	tests := []struct {
		model, date string
		want        bool
	}{
		{"AC-100", "2020-05-01", true},
		{"ac-100", "2020-05", true},
		{"AC-100", "2019", true},
		{"AC-100", "2022-11-23", false}, // until is the first day it no longer holds
		{"AC-100", "2022-11", false},    // the month runs past the period
		{"AC-100", "2018-02-05", false},
		{"AC-100", "", false},
		{"ZX-1", "2020-05-01", false},
		{"", "2020-05-01", false},
		{"AC-100", "last spring", false},
	}
	for _, tc := range tests {
		if got, why := r.Covers(tc.model, tc.date); got != tc.want {
			t.Errorf("Covers(%q, %q) = %v (%s), want %v", tc.model, tc.date, got, why, tc.want)
		}
	}
}

func TestEquipmentRefused(t *testing.T) {
	const head = "sources:\n  - {id: s, url: \"https://example.org\"}\nentities:\n  - id: a\n    names: [{value: A, kind: legal, source: s, confidence: high}]\n    country: {code: CN, source: s, confidence: high}\n"
	ident := func(kind, value string) string {
		return head + "    identifiers:\n      - {kind: " + kind + ", value: \"" + value + "\", source: s, confidence: high, match: [x], nomatch: [y]}\n"
	}
	rebrand := func(fields string) string {
		return head + "rebrands:\n  - {id: r, brand: B, manufacturer: a, share: all, source: s, confidence: low, match: [B], nomatch: [C]" + fields + "}\n"
	}
	tests := []refusal{
		{"OUI with separators", ident("oui", "44:19:B6"), "an OUI is 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex digits"},
		{"OUI of 8 digits", ident("oui", "4419B612"), "an OUI is 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex digits"},
		{"OUI not hex", ident("oui", "4419BG"), "an OUI is 6 (MA-L)"},
		{"locally administered OUI", ident("oui", "0219B6"), "locally administered or multicast bit"},
		{"PEN with leading zero", ident("snmp_enterprise", "02011"), "without leading zeros"},
		{"PEN as an OID", ident("snmp_enterprise", "1.3.6.1.4.1.2011"), "a Private Enterprise Number is a decimal number"},
		{"PEN too large", ident("snmp_enterprise", "4294967296"), "below 2^32"},
		{"server token with version", ident("http_server", "App-webs/1.0"), "without '/' and version"},
		{"TLS subject as a DN", ident("tls_subject", "O=Maker"), "not a distinguished name"},
		{"rebrand as an identifier", ident("rebrand", "B"), "written under rebrands:"},
		{"rebrand of an unknown maker", head + "rebrands:\n  - {id: r, brand: B, manufacturer: zz, share: all, source: s, confidence: low, match: [B], nomatch: [C]}\n",
			`rebrand "r": manufacturer "zz" is not a catalogued entity`},
		{"rebrand of an unknown seller", rebrand(", seller: zz"), `seller "zz" is not a catalogued entity`},
		{"rebrand without share", head + "rebrands:\n  - {id: r, brand: B, manufacturer: a, source: s, confidence: low, match: [B], nomatch: [C]}\n",
			`share "" is not all or some`},
		{"rebrand with a bad date", rebrand(", from: 2018-02"), `from "2018-02" is not YYYY-MM-DD`},
		{"rebrand ending before it starts", rebrand(", from: 2020-01-01, until: 2019-01-01"), "until 2019-01-01 is not after from 2020-01-01"},
		{"rebrand model glob from a star", rebrand(", models: ['*100']"), "must start with literal text"},
		{"rebrand names its brand twice", rebrand(", names: [B Inc.]"), `brand name "B Inc." is listed twice`},
		{"rebrand without examples", head + "rebrands:\n  - {id: r, brand: B, manufacturer: a, share: all, source: s, confidence: low}\n",
			"needs at least one match and one nomatch example"},
		{"rebrand without source", head + "rebrands:\n  - {id: r, brand: B, manufacturer: a, share: all, confidence: low, match: [B], nomatch: [C]}\n",
			`rebrand "r" has no source`},
		{"duplicate rebrand", rebrand("") + "  - {id: r, brand: C, manufacturer: a, share: all, source: s, confidence: low, match: [C], nomatch: [D]}\n",
			`rebrand "r" already defined`},
	}
	checkRefused(t, tests)
}

func TestOUIText(t *testing.T) {
	for in, want := range map[string]string{"4419B6": "44:19:B6 (IEEE MA-L)", "b0b3536": "B0:B3:53:6 (IEEE MA-M)", "70B3D5F2F": "70:B3:D5:F2:F (IEEE MA-S)"} {
		if got := OUIText(in); got != want {
			t.Errorf("OUIText(%q) = %q, want %q", in, got, want)
		}
	}
}
