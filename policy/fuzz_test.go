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

// FuzzDeviceCategory: any device type text, as an asset register or a
// scanner gives it, names one of the categories or none, never panics,
// and the case of ASCII text does not change the answer.
func FuzzDeviceCategory(f *testing.F) {
	for _, s := range []string{"webcam", "CCTV camera", "Two-way radio", "UAV", "media device", "", "Bürogerät", "NVR;NAS|router"} {
		f.Add(s)
	}
	valid := map[string]bool{"": true}
	for c := range categoryRank {
		valid[c] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := DeviceCategory(s)
		if !valid[got] {
			t.Fatalf("DeviceCategory(%q) = %q, not a category", s, got)
		}
		ascii := strings.IndexFunc(s, func(r rune) bool { return r > 0x7f }) < 0
		if up := DeviceCategory(strings.ToUpper(s)); ascii && up != got {
			t.Fatalf("DeviceCategory(%q) = %q but %q in upper case", s, got, up)
		}
	})
}
