package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// TestConfigInRules: an item's settings reach the rules as item.config,
// an unread setting is an absent key, and items that differ only in a
// setting are judged apart, from the memo too.
func TestConfigInRules(t *testing.T) {
	p, err := LoadPack("p.yaml", []byte(head+`    when: '"ksn" in item.config && item.config.ksn in ["global", "unknown"]'`+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	cat := testCatalog(t)
	e, err := NewEngine(cat, systems.UKScale(), p)
	if err != nil {
		t.Fatal(err)
	}
	engine := func(ksn string) *inventory.Item {
		it := &inventory.Item{Type: inventory.Application, Name: "Kaspersky Scan Engine (kavicapd)"}
		it.Add("config.ksn", ksn)
		it.Add("config.ksn.evidence", "kavicapd.xml KSNSettings/UseKSN")
		it.SetID()
		return it
	}
	ev := e.ForSystemWith(systems.System{ID: "s", Classification: "OFFICIAL"}, e.NewMemo())
	at := byEntity(t, cat, "kaspersky-ao")
	for _, round := range []string{"first", "remembered"} {
		got := map[string]int{}
		for _, ksn := range []string{"global", "private", "off", "unknown", ""} {
			got[ksn] = len(ev.Evaluate(engine(ksn), at))
		}
		want := map[string]int{"global": 1, "private": 0, "off": 0, "unknown": 1, "": 0}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: findings by config.ksn (-want +got):\n%s", round, d)
		}
	}
	it := engine("global")
	it.Add("config.ksn", "off") // a second reading: the first decides
	if d := cmp.Diff(map[string]string{"ksn": "global"}, ConfigOf(it)); d != "" {
		t.Errorf("ConfigOf (-want +got):\n%s", d)
	}
}
