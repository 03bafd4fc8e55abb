package policy

import (
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// BenchmarkEvaluate: all built-in packs over one system and one
// attributed item. The budget is 1,000 systems × 2,000 items in
// 2 s on one core, i.e. 1 µs per pair.
//
//	go test -run '^$' -bench Evaluate ./policy
func BenchmarkEvaluate(b *testing.B) {
	ps, err := Packs()
	if err != nil {
		b.Fatal(err)
	}
	cat := testCatalog(b)
	e, err := NewEngine(cat, systems.UKScale(), ps...)
	if err != nil {
		b.Fatal(err)
	}
	sys := systems.System{ID: "s", Classification: "OFFICIAL", Tags: []string{"federal-information-system"}}
	item := &inventory.Item{ID: "I-1", Name: "Kaspersky Anti-Virus"}
	b.Run("attributed", func(b *testing.B) {
		at := attributedB(b, "kaspersky-anti-virus")
		for b.Loop() {
			e.Evaluate(sys, item, at)
		}
	})
	b.Run("unattributed", func(b *testing.B) {
		for b.Loop() {
			e.Evaluate(sys, item, nil)
		}
	})
}
