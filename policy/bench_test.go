package policy

import (
	"fmt"
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

// BenchmarkEvaluateSystem: all built-in packs over 2,000 items on one
// system, 1% of them attributed, as a scan of one host judges them; the
// figure per op divided by 2,000 is the cost of one system × item pair.
//
//	go test -run '^$' -bench EvaluateSystem ./policy
func BenchmarkEvaluateSystem(b *testing.B) {
	ps, err := Packs()
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEngine(testCatalog(b), systems.UKScale(), ps...)
	if err != nil {
		b.Fatal(err)
	}
	sys := systems.System{ID: "s", Classification: "SECRET", Tags: []string{"federal-information-system"}}
	kav, kes := attributedB(b, "kaspersky-anti-virus"), attributedB(b, "kaspersky-endpoint-security-windows")
	items := make([]*inventory.Item, 2000)
	for i := range items {
		items[i] = &inventory.Item{ID: fmt.Sprintf("I-%d", i), Name: fmt.Sprintf("pkg-%d", i)}
	}
	for b.Loop() {
		ev := e.ForSystem(sys)
		for i, it := range items {
			switch {
			case i%200 == 0:
				ev.Evaluate(it, kav)
			case i%200 == 1:
				ev.Evaluate(it, kes)
			default:
				ev.Evaluate(it, nil)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(items)), "ns/pair")
}
