package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

func date(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// attributed is an attribution to a catalogued product, as attribute
// would make it.
func attributed(t *testing.T, product string) *attribute.Attribution { return attributedB(t, product) }

func attributedB(t testing.TB, product string) *attribute.Attribution {
	t.Helper()
	cat := testCatalog(t)
	p := cat.Product(product)
	if p == nil {
		t.Fatalf("no product %q", product)
	}
	e := cat.Entity(p.Supplier)
	return &attribute.Attribution{Candidate: attribute.Candidate{Product: p, Entity: e}, Chain: cat.Chain(e)}
}

// packsEngine is an engine of the named built-in packs only.
func packsEngine(t testing.TB, ids ...string) *Engine {
	t.Helper()
	var ps []*Pack
	for _, id := range ids {
		p, err := BuiltinPack(id)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEvaluate(t *testing.T) {
	e := packsEngine(t, "uk-ncsc-2017-russia-av", "us-bod-17-01")
	item := &inventory.Item{ID: "I-1", Type: inventory.Application, Name: "Kaspersky Anti-Virus"}
	type short struct {
		Pack, Rule string
		Effect     Effect
		Deadline   time.Time
	}
	tests := []struct {
		name    string
		sys     systems.System
		product string
		want    []short
	}{
		{
			name: "SECRET federal system", sys: systems.System{ID: "s1", Classification: "SECRET"}, product: "kaspersky-anti-virus",
			want: []short{
				{"uk-ncsc-2017-russia-av", "ncsc-2017-secret", Prohibit, time.Time{}},
				{"us-bod-17-01", "bod-17-01-identify", Warn, date("2017-10-13")},
				{"us-bod-17-01", "bod-17-01-plan", Warn, date("2017-11-12")},
				{"us-bod-17-01", "bod-17-01-remove", RemoveBy, date("2017-12-12")},
			},
		},
		{
			// The letter extends "never" to some OFFICIAL systems of the
			// departments that deal extensively with national security.
			name: "national-security OFFICIAL system", product: "kaspersky-anti-virus",
			sys:  systems.System{ID: "s2", Classification: "OFFICIAL", Tags: []string{"national-security"}},
			want: []short{{"uk-ncsc-2017-russia-av", "ncsc-2017-national-security", Prohibit, time.Time{}}},
		},
		{
			name: "embedded engine on OFFICIAL", product: "kaspersky-oem-scan-engine",
			sys:  systems.System{ID: "s3", Classification: "OFFICIAL"},
			want: []short{{"uk-ncsc-2017-russia-av", "ncsc-2017-official", Warn, time.Time{}}},
		},
		{
			name: "open-source tool on TOP SECRET", product: "kaspresso",
			sys: systems.System{ID: "s4", Classification: "TOP SECRET"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []short
			for _, f := range e.Evaluate(tt.sys, item, attributed(t, tt.product)) {
				if f.Error != "" {
					t.Errorf("rule %q: %s", f.Rule, f.Error)
				}
				if f.ID != FindingID(tt.sys.ID, f.Pack, f.Rule, item.ID) {
					t.Errorf("rule %q: id %s is not the finding id", f.Rule, f.ID)
				}
				got = append(got, short{f.Pack, f.Rule, f.Effect, f.Deadline})
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateUnattributed(t *testing.T) {
	e, _ := builtinEngine(t)
	got := e.Evaluate(systems.System{ID: "s", Classification: "TOP SECRET"}, &inventory.Item{ID: "I-2", Name: "notepad"}, nil)
	if len(got) != 0 {
		t.Errorf("findings for an unattributed item: %+v", got)
	}
}

func TestFindingIDStable(t *testing.T) {
	a := FindingID("sys", "pack", "rule", "I-1")
	if a != FindingID("sys", "pack", "rule", "I-1") || !strings.HasPrefix(a, "F-") || len(a) != 14 {
		t.Errorf("FindingID = %q", a)
	}
	// The separator keeps ("ab","c") apart from ("a","bc").
	if FindingID("ab", "c", "r", "i") == FindingID("a", "bc", "r", "i") {
		t.Error("ids collide across field boundaries")
	}
}

// A rule that cannot be decided is reported, not dropped.
func TestEvaluateError(t *testing.T) {
	p, err := LoadPack("err.yaml", []byte(`id: err
title: a rule that fails at run time
instrument: us-bod-17-01
rules:
  - id: bad-rank
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: system.classification_rank >= rank(system.department)
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), p)
	if err != nil {
		t.Fatal(err)
	}
	got := e.Evaluate(systems.System{ID: "s", Classification: "SECRET", Department: "Home Office"}, &inventory.Item{ID: "I-3"}, nil)
	if len(got) != 1 || !strings.Contains(got[0].Error, "Home Office") {
		t.Fatalf("findings = %+v, want one with an error naming the bad level", got)
	}
}

func TestDeadlineAfter(t *testing.T) {
	f := Finding{DeadlineRule: &Deadline{DaysAfter: 30, From: FromFirstSeen}}
	if got, want := f.DeadlineAfter(time.Date(2025, 1, 10, 15, 4, 0, 0, time.UTC)), date("2025-02-09"); !got.Equal(want) {
		t.Errorf("DeadlineAfter = %v, want %v", got, want)
	}
	fixed := Finding{Deadline: date("2017-12-12"), DeadlineRule: &Deadline{DaysAfter: 90, From: FromEffective}}
	if got := fixed.DeadlineAfter(date("2020-01-01")); !got.Equal(date("2017-12-12")) {
		t.Errorf("fixed DeadlineAfter = %v", got)
	}
}

// A rule whose work grows past CostLimit stops with an error instead of
// running on: a finding left undecided, never a hung scan.
func TestEvaluateCostLimit(t *testing.T) {
	p, err := LoadPack("cost.yaml", []byte(`id: cost
title: a rule that runs away
instrument: us-bod-17-01
rules:
  - id: quadratic
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: |
      [0,1,2,3,4,5,6,7,8,9].all(a, [0,1,2,3,4,5,6,7,8,9].all(b, [0,1,2,3,4,5,6,7,8,9].all(c,
        [0,1,2,3,4,5,6,7,8,9].all(d, [0,1,2,3,4,5,6,7,8,9].all(e, item.name != "x")))))
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), p)
	if err != nil {
		t.Fatal(err)
	}
	got := e.Evaluate(systems.System{ID: "s", Classification: "SECRET"}, &inventory.Item{ID: "I-4", Name: "y"}, nil)
	if len(got) != 1 || !strings.Contains(got[0].Error, "cost") {
		t.Fatalf("findings = %+v, want one undecided by the cost limit", got)
	}
}

// Rules that read flow judge traffic only, and the others items only.
func TestFlowRulesApart(t *testing.T) {
	both := packsEngine(t, "us-bod-17-01", "uk-ncsc-2017-russia-egress")
	sys := systems.System{ID: "s", Classification: "SECRET"}
	at := attributed(t, "kaspersky-anti-virus")
	for _, f := range both.Evaluate(sys, &inventory.Item{ID: "I-5", Name: "kav"}, at) {
		if f.Pack != "us-bod-17-01" {
			t.Errorf("an item was judged by flow rule %s/%s", f.Pack, f.Rule)
		}
	}
	fv := &FlowVars{Destination: "kaspersky-ao", ControllingCountry: "RU", RegisteredCountry: "CH", BytesOut: 10}
	got := both.EvaluateFlow(sys, fv, at, "entity:kaspersky-ao")
	if len(got) != 1 || got[0].Rule != "ncsc-2017-egress-secret" || got[0].ID != FindingID("s", "uk-ncsc-2017-russia-egress", "ncsc-2017-egress-secret", "entity:kaspersky-ao") {
		t.Errorf("flow findings = %+v, want the SECRET egress rule only", got)
	}
	if !both.FlowRules() || packsEngine(t, "us-bod-17-01").FlowRules() {
		t.Error("FlowRules does not tell packs with flow rules apart")
	}
}
