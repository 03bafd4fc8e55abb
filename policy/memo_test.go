package policy

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// memoPack has rules that read the item's name, version, ecosystem and
// dependency path, and one that reads the system's id.
const memoPack = `id: memo-rules
title: rules a memo must tell items and systems apart for
instrument: us-bod-17-01
rules:
  - id: by-name
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: item.name.startsWith("Kaspersky") && supplier.id != ""
  - id: by-version
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: item.version == "11" && supplier.id != ""
  - id: by-ecosystem
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: item.ecosystem == "npm" && supplier.id != ""
  - id: by-path
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: '"app" in item.dependency_path && supplier.id != ""'
`

const systemIDRule = `
  - id: by-system
    clause: a clause long enough to cite
    effect: warn
    severity: low
    when: system.id == "nss-2" && supplier.id != ""
`

// TestMemoAgrees: an evaluator sharing a memo gives what a fresh
// evaluator gives, item by item and system by system, with the system's
// own id in each finding, whether or not a rule reads the system's id.
func TestMemoAgrees(t *testing.T) {
	builtin, err := Packs()
	if err != nil {
		t.Fatal(err)
	}
	kav := attributed(t, "kaspersky-anti-virus")
	items := []struct {
		it *inventory.Item
		at *attribute.Attribution
	}{
		{&inventory.Item{ID: "I-1", Name: "Kaspersky Anti-Virus", Version: "11"}, kav},
		{&inventory.Item{ID: "I-2", Name: "Kaspersky Anti-Virus", Version: "12"}, kav},
		{&inventory.Item{ID: "I-3", Name: "kav", Ecosystem: "npm"}, kav},
		{&inventory.Item{ID: "I-4", Name: "kav", Ecosystem: "pypi"}, kav},
		{&inventory.Item{ID: "I-5", Name: "kav", DependencyPath: []string{"app", "lib"}}, kav},
		{&inventory.Item{ID: "I-6", Name: "kav", DependencyPath: []string{"app\x00lib"}}, kav},
		{&inventory.Item{ID: "I-7", Name: "kav", Type: inventory.Type("application")}, tiered(kav, "embedded")},
		{&inventory.Item{ID: "I-8", Name: "left-pad"}, nil},
	}
	syss := []systems.System{
		{ID: "nss-1", Classification: "SECRET", Tags: []string{"national-security"}},
		{ID: "nss-2", Classification: "SECRET", Tags: []string{"national-security"}},
		{ID: "fed", Classification: "OFFICIAL", Tags: []string{"federal-information-system"}},
		{ID: "fed-2", Classification: "OFFICIAL", Tags: []string{"federal-information-system", "x"}},
		{ID: "dept", Classification: "OFFICIAL", Department: "DWP"},
	}
	for _, withSystemID := range []bool{false, true} {
		src := memoPack
		if withSystemID {
			src += systemIDRule
		}
		p, err := LoadPack("memo.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		e, err := NewEngine(testCatalog(t), systems.UKScale(), append(builtin, p)...)
		if err != nil {
			t.Fatal(err)
		}
		if e.systemIDMatters != withSystemID {
			t.Fatalf("a rule reads the system's id: %v, worked out %v", withSystemID, e.systemIDMatters)
		}
		if same := e.SystemClass(syss[0]) == e.SystemClass(syss[1]); same == withSystemID {
			t.Errorf("systems differing only by id are of one class: %v, with a rule reading the id %v", same, withSystemID)
		}
		if e.SystemClass(syss[2]) == e.SystemClass(syss[3]) || e.SystemClass(syss[0]) == e.SystemClass(syss[2]) {
			t.Error("systems the rules can tell apart are of one class")
		}
		memo := e.NewMemo()
		for round := range 2 { // the second round is answered from the memo
			for _, sys := range syss {
				ev := e.ForSystemWith(sys, memo)
				for _, c := range items {
					want := e.Evaluate(sys, c.it, c.at)
					got := ev.Evaluate(c.it, c.at)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("system id read %v, round %d, %s %s: (-fresh +memo):\n%s", withSystemID, round, sys.ID, c.it.ID, diff)
					}
				}
			}
		}
		if len(memo.outcomes) == 0 {
			t.Error("nothing was remembered")
		}
	}
}

// A memo of another engine is not used.
func TestMemoOfAnotherEngine(t *testing.T) {
	ps, err := Packs()
	if err != nil {
		t.Fatal(err)
	}
	e1, err := NewEngine(testCatalog(t), systems.UKScale(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := NewEngine(testCatalog(t), systems.UKScale(), ps[:1]...)
	if err != nil {
		t.Fatal(err)
	}
	m := e1.NewMemo()
	sys := systems.System{ID: "nss", Classification: "SECRET", Tags: []string{"national-security"}}
	it := &inventory.Item{ID: "I-1", Name: "Kaspersky Anti-Virus"}
	kav := attributed(t, "kaspersky-anti-virus")
	e1.ForSystemWith(sys, m).Evaluate(it, kav)
	got := e2.ForSystemWith(sys, m).Evaluate(it, kav)
	if diff := cmp.Diff(e2.Evaluate(sys, it, kav), got); diff != "" {
		t.Errorf("another engine's memo was used (-want +got):\n%s", diff)
	}
}

// A memo past MemoSize starts again rather than growing.
func TestMemoBounded(t *testing.T) {
	ps, err := Packs()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	m := e.NewMemo()
	ev := e.ForSystemWith(systems.System{ID: "nss", Classification: "SECRET"}, m)
	kav := attributed(t, "kaspersky-anti-virus")
	for i := range MemoSize + 10 {
		ev.Evaluate(&inventory.Item{ID: "I", Name: "kav", Version: fmt.Sprint(i)}, kav)
	}
	if n := len(m.outcomes); n > MemoSize || n == 0 {
		t.Errorf("memo holds %d items, want 1..%d", n, MemoSize)
	}
}
