package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/policy/systems"
)

// head is a valid pack up to the first rule's when; rule lines start at 5.
const head = `id: p
title: t
instrument: us-bod-17-01
rules:
  - id: r
    clause: c
    effect: warn
    severity: low
`

func TestCompileErrorPositions(t *testing.T) {
	tests := []struct {
		name, when string
		want       string
	}{
		{"plain", `    when: system.clasification == "SECRET"`, "p.yaml:9:17: when: undefined field 'clasification'"},
		{"double quoted", `    when: "supplier.id == 'x' && product.nme == ''"`, "p.yaml:9:41: when: undefined field 'nme'"},
		{"single quoted", `    when: 'product.nme == ""'`, "p.yaml:9:19: when: undefined field 'nme'"},
		{"literal block, second line", "    when: |\n      supplier.id == \"x\" &&\n        product.nme == \"\"", "p.yaml:11:16: when: undefined field 'nme'"},
		{"not bool", `    when: system.tags`, "p.yaml:9:11: when: the expression is list(string), not bool"},
		{"syntax", `    when: supplier.id ==`, "p.yaml:9:25: when: Syntax error: mismatched input '<EOF>'"},
		{"unknown variable", `    when: vendor.id == "x"`, "p.yaml:9:11: when: undeclared reference to 'vendor'"},
		{"folded, start of value", "    when: >\n      supplier.id == \"x\" &&\n      product.nme == \"\"", "p.yaml:9:11: when: undefined field 'nme'"},
		{"empty", `    when: ""`, "p.yaml:9: when: a rule needs a CEL expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadPack("p.yaml", []byte(head+tt.when+"\n"))
			if err == nil {
				t.Fatal("loaded")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error:\n got %s\nwant %s...", err, tt.want)
			}
		})
	}
}

func TestLoadPackErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // one line of the error each
	}{
		{"empty", ``, []string{"p.yaml:1: a policy pack is empty"}},
		{"not a mapping", `- a`, []string{"p.yaml:1: a policy pack is a mapping with id, title, instrument, rules and examples"}},
		{"unknown key", head + "    wen: true\n", []string{`p.yaml:9: unknown key "wen"`}},
		{"alias", "id: &a p\ntitle: *a\n", []string{"p.yaml:2: YAML aliases are not allowed in a policy pack"}},
		{"two documents", head + "    when: true\n---\nid: q\n", []string{"p.yaml:11: a policy pack is one YAML document; a second begins here"}},
		{"bad values", `id: P Q
title: t
instrument: us-bod-17-01
effective: 13/09/2017
rules:
  - id: r
    clause: c
    effect: ban
    severity: urgent
    when: "true"
  - id: r
    clause: ""
    effect: remove-by
    severity: high
    when: "true"
examples:
  - name: x
    expect: maybe
`, []string{
			`p.yaml:1: pack id "P Q" is not lower-case words joined by hyphens`,
			`p.yaml:4: effective "13/09/2017" is not a date written YYYY-MM-DD`,
			`p.yaml:8: effect "ban" is not prohibit, remove-by or warn`,
			`p.yaml:9: severity "urgent" is not critical, high, medium or low`,
			`p.yaml:12: clause is required`,
			`p.yaml:11: a remove-by rule needs a deadline`,
			`p.yaml:11: rule id "r" is used already on line 6`,
			`p.yaml:18: example "x": expect "maybe" is not caught or pass`,
		}},
		{"deadlines", `id: p
title: t
instrument: us-bod-17-01
rules:
  - id: a
    clause: c
    effect: remove-by
    severity: high
    deadline: {days_after: 30, from: effective}
    when: "true"
  - id: b
    clause: c
    effect: remove-by
    severity: high
    deadline: {days_after: -1, from: birthday}
    when: "true"
  - id: c
    clause: c
    effect: remove-by
    severity: high
    deadline: {date: 2017-02-30}
    when: "true"
  - id: d
    clause: c
    effect: remove-by
    severity: high
    deadline: {date: 2017-02-03, days_after: 3}
    when: "true"
`, []string{
			`p.yaml:9: a deadline counted from the effective date needs the pack's effective date`,
			`p.yaml:15: days_after "-1" is not a whole number of days from 0 to 10000`,
			`p.yaml:15: from "birthday" is not effective or first-seen`,
			`p.yaml:21: deadline date "2017-02-30" is not a date written YYYY-MM-DD`,
			`p.yaml:27: a deadline is a date, or days_after with from, not both`,
		}},
		{"no rules", "id: p\ntitle: t\ninstrument: x\n", []string{"p.yaml:1: a pack needs at least one rule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := LoadPack("p.yaml", []byte(tt.data))
			if err == nil || p != nil {
				t.Fatalf("LoadPack = %v, %v; want an error and no pack", p, err)
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadPack(t *testing.T) {
	p, err := LoadPack("p.yaml", []byte(`id: p
title: t
instrument: us-bod-17-01
effective: 2017-09-13
rules:
  - id: r
    clause: c
    effect: remove-by
    severity: high
    deadline: {days_after: 90, from: first-seen}
    when: item.name.startsWith("Kaspersky")
examples:
  - name: x
    system: {classification: SECRET, tags: [national-security]}
    supplier: {id: kaspersky-ao, controlling_country: RU}
    product: {id: kaspersky-anti-virus, category: antivirus}
    item: {name: Kaspersky Anti-Virus}
    expect: caught
    effect: remove-by
`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Pack{
		ID: "p", Title: "t", Instrument: "us-bod-17-01", Effective: date("2017-09-13"),
		Rules: []*Rule{{
			ID: "r", Clause: "c", Effect: RemoveBy, Severity: High, When: `item.name.startsWith("Kaspersky")`,
			Deadline: &Deadline{DaysAfter: 90, From: FromFirstSeen},
			Pos:      Position{File: "p.yaml", Line: 6}, WhenPos: Position{File: "p.yaml", Line: 11, Column: 11},
		}},
		Examples: []Example{{
			Name: "x", Expect: Caught, Effect: RemoveBy, Classification: "SECRET", Tags: []string{"national-security"},
			SupplierID: "kaspersky-ao", Country: "RU", ProductID: "kaspersky-anti-virus", Category: "antivirus",
			ItemName: "Kaspersky Anti-Virus", Pos: Position{File: "p.yaml", Line: 13},
		}},
		Pos: Position{File: "p.yaml", Line: 1},
	}
	if diff := cmp.Diff(want, p, cmp.AllowUnexported(), cmpIgnoreCompiled); diff != "" {
		t.Errorf("pack (-want +got):\n%s", diff)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range e.RunExamples(p) {
		if r.Failed() {
			t.Error(r.Problem)
		}
	}
}

var cmpIgnoreCompiled = cmp.FilterPath(func(p cmp.Path) bool {
	s := p.String()
	return strings.HasSuffix(s, ".ast") || strings.HasSuffix(s, ".expr")
}, cmp.Ignore())

func TestNewEngineErrors(t *testing.T) {
	p, err := LoadPack("p.yaml", []byte(`id: p
title: t
instrument: no-such-instrument
rules:
  - id: r
    clause: c
    effect: warn
    severity: low
    when: system.classification_rank >= rank("RESTRICTED")
`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewEngine(testCatalog(t), systems.UKScale(), p, p)
	want := []string{
		`p.yaml:1: pack "p": instrument "no-such-instrument" is not in the catalogue`,
		`p.yaml:9:46: rule "r": classification "RESTRICTED" is not on the scale OFFICIAL < SECRET < TOP SECRET`,
		`p.yaml:1: pack "p" is loaded already from p.yaml:1`,
	}
	if err == nil {
		t.Fatal("NewEngine accepted the pack")
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// The built-in packs must also run on the US scale where their levels
// exist; the NCSC pack names SECRET, which the US scale has.
func TestBuiltinPacksOnUSScale(t *testing.T) {
	ps, err := Packs()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewEngine(testCatalog(t), systems.USScale(), ps...); err != nil {
		t.Error(err)
	}
}
