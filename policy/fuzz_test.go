package policy

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// FuzzLoadPack: any file is loaded or rejected with a positioned error,
// never a panic; a pack that loads is planned and evaluated without one.
func FuzzLoadPack(f *testing.F) {
	files, _ := fs.Glob(builtin, "packs/*.yaml")
	for _, name := range files {
		if data, err := builtin.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(head + "    when: |\n      supplier.id == \"x\" &&\n        product.nme == \"\"\n"))
	f.Add([]byte(head + "    deadline: {days_after: 30, from: first-seen}\n    when: 'rank(\"SECRET\") > 0'\n"))
	f.Add([]byte("id: &a p\ntitle: *a\n"))
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := LoadPack("fuzz.yaml", data)
		if err != nil {
			if p != nil {
				t.Fatal("a pack returned with an error")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.yaml") {
					t.Fatalf("error line without the file name: %q", line)
				}
			}
			return
		}
		for _, r := range p.Rules {
			if r.ast == nil {
				t.Fatalf("rule %q loaded without a checked expression", r.ID)
			}
		}
		e, err := NewEngine(cat, systems.UKScale(), p)
		if err != nil {
			return
		}
		e.Evaluate(systems.System{ID: "s", Classification: "SECRET", Tags: []string{"national-security"}},
			&inventory.Item{ID: "I-1", Name: "x"}, nil)
		e.RunExamples(p)
	})
}
