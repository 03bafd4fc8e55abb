package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// TestSystemEvaluatorAgrees: remembering the decisions of rules that do
// not read the item changes nothing, and a rule that reads the item is
// decided per item.
func TestSystemEvaluatorAgrees(t *testing.T) {
	p, err := LoadPack("item.yaml", []byte(`id: item-rule
title: a rule that reads the item
instrument: us-bod-17-01
rules:
  - id: by-name
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: item.name.startsWith("Kaspersky") && supplier.id != ""
  - id: by-type
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: item.type == "application" && supplier.id != ""
  - id: by-tier
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: item.tier == "embedded"
`))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Packs()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), append(ps, p)...)
	if err != nil {
		t.Fatal(err)
	}
	if !e.rules[len(e.rules)-3].usesItem || e.rules[len(e.rules)-1].usesItem || e.rules[0].usesItem {
		t.Fatal("usesItem is not worked out from the expressions")
	}
	kav := attributed(t, "kaspersky-anti-virus")
	cases := []struct {
		it *inventory.Item
		at *attribute.Attribution
	}{
		{&inventory.Item{ID: "I-1", Name: "Kaspersky Anti-Virus"}, kav},
		{&inventory.Item{ID: "I-2", Name: "left-pad"}, nil},
		{&inventory.Item{ID: "I-3", Name: "renamed.exe"}, kav}, // same attribution, other name
		{&inventory.Item{ID: "I-4", Name: "Kaspersky Anti-Virus"}, kav},
		{&inventory.Item{ID: "I-5", Name: "zlib"}, nil},
		// Same attribution, other types and tiers: rules reading item.type
		// or item.tier must not take one's decision for another.
		{&inventory.Item{ID: "I-6", Name: "Kaspersky Anti-Virus", Type: inventory.Type("application")}, kav},
		{&inventory.Item{ID: "I-7", Name: "Kaspersky Anti-Virus", Type: inventory.Type("package")}, kav},
		{&inventory.Item{ID: "I-8", Name: "kav-sdk", Type: inventory.Type("application")}, tiered(kav, "embedded")},
		{&inventory.Item{ID: "I-9", Name: "left-pad", Type: inventory.Type("library")}, nil},
	}
	for _, sys := range []systems.System{
		{ID: "fed", Classification: "OFFICIAL", Tags: []string{"federal-information-system"}},
		{ID: "nss", Classification: "SECRET", Tags: []string{"national-security"}},
	} {
		ev := e.ForSystem(sys)
		for _, c := range cases {
			want := e.Evaluate(sys, c.it, c.at) // a fresh evaluator each time: nothing remembered
			got := ev.Evaluate(c.it, c.at)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %s: remembered decisions differ (-fresh +remembered):\n%s", sys.ID, c.it.ID, diff)
			}
			byName := false
			for _, f := range got {
				byName = byName || f.Rule == "by-name"
			}
			if wantByName := c.at != nil && c.it.Name == "Kaspersky Anti-Virus"; byName != wantByName {
				t.Errorf("%s %s: item rule matched %v, want %v", sys.ID, c.it.ID, byName, wantByName)
			}
		}
	}
}

// tiered is at with another tier.
func tiered(at *attribute.Attribution, tier catalog.Tier) *attribute.Attribution {
	c := *at
	c.Tier = tier
	return &c
}

// Rules that read only the item's tier and type are decided once per
// attribution and type; any other use of the item is per item.
func TestReadsItemBeyond(t *testing.T) {
	for _, c := range []struct {
		expr string
		want bool
	}{
		{`item.tier == "product"`, false},
		{`has(item.type) && item.type == "package"`, false},
		{`supplier.id == "x"`, false},
		{`item.tier == "product" && item.name == "x"`, true},
		{`item.ecosystem == "npm"`, true},
		{`"x" in item.dependency_path`, true},
		{`item == item`, true},
	} {
		p, err := LoadPack("t.yaml", []byte(`id: t
title: t
instrument: us-bod-17-01
rules:
  - id: r
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: '`+c.expr+`'
`))
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		e, err := NewEngine(testCatalog(t), systems.UKScale(), p)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got := e.rules[0].usesItem; got != c.want {
			t.Errorf("%s: reads the item beyond its tier and type: %v, want %v", c.expr, got, c.want)
		}
	}
}
