package policy

import (
	"sync"
	"testing"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/policy/systems"
)

var embedded = sync.OnceValues(catalog.Embedded)

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := embedded()
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	return cat
}

func builtinEngine(t testing.TB) (*Engine, []*Pack) {
	t.Helper()
	ps, err := Packs()
	if err != nil {
		t.Fatalf("Packs: %v", err)
	}
	e, err := NewEngine(testCatalog(t), systems.UKScale(), ps...)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e, ps
}

// TestBuiltinExamples runs every example of every built-in pack, with
// all packs loaded together as a scan would.
func TestBuiltinExamples(t *testing.T) {
	e, ps := builtinEngine(t)
	for _, p := range ps {
		t.Run(p.ID, func(t *testing.T) {
			var caught, pass int
			for _, r := range e.RunExamples(p) {
				if r.Failed() {
					t.Error(r.Problem)
				}
				if r.Example.Expect == Caught {
					caught++
				} else {
					pass++
				}
			}
			if caught == 0 || pass == 0 {
				t.Errorf("pack %q has %d examples that must be caught and %d that must pass; it needs one of each at least", p.ID, caught, pass)
			}
		})
	}
}

// TestBuiltinPacksCiteClauses: every rule of a built-in pack cites a
// clause and its pack names a catalogued instrument.
func TestBuiltinPacksCiteClauses(t *testing.T) {
	_, ps := builtinEngine(t)
	want := map[string]bool{}
	for _, id := range []string{
		"uk-ncsc-2017-russia-av", "us-bod-17-01", "us-ndaa18-s1634", "us-ndaa19-s889", "us-fcc-covered-list",
		"us-bis-kaspersky-fd-2024", "de-bsi-2022-kaspersky", "au-pspf-002-2025-kaspersky", "au-pspf-001-2025-deepseek",
		"uk-tiktok-govdevices-2023", "us-no-tiktok-act-2022", "eu-ec-tiktok-2023", "ca-tiktok-2023", "ca-wechat-kaspersky-2023",
		"uk-ncsc-2017-russia-egress", "us-asda-2023",
	} {
		want[id] = true
	}
	for _, p := range ps {
		delete(want, p.ID)
		if testCatalog(t).Instrument(p.Instrument) == nil {
			t.Errorf("%s: instrument %q not in the catalogue", p.Pos, p.Instrument)
		}
		for _, r := range p.Rules {
			if len(r.Clause) < 20 {
				t.Errorf("%s: rule %q: clause %q is too short to cite anything", r.Pos, r.ID, r.Clause)
			}
		}
	}
	for id := range want {
		t.Errorf("built-in pack %q is missing", id)
	}
}
