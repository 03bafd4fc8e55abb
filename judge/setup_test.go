package judge

import (
	"errors"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/catalog"
)

// Setup is the one way the command line and the fleet server set their
// policy up: a register's scale, the packs resolved (files only when the
// caller reads them), the waivers, each error naming what was wrong.
func TestSetup(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	register := []byte("classifications: [PUBLIC, PROTECTED, SECRET]\ndefault:\n  classification: PUBLIC\nsystems:\n  - id: lab\n    classification: SECRET\n    match:\n      hosts: [lab-*]\n")
	waiversFile := []byte("waivers:\n  - id: lab-exception\n    scope: {system: lab}\n    reason: r\n    approver: a@example.org\n    expiry: 2099-01-01\n")
	readPack := func(name string) ([]byte, error) { return nil, errors.New("read " + name) }
	for _, tc := range []struct {
		name    string
		src     Source
		packs   int    // packs in the engine; -1: no engine
		lowest  string // the scale's lowest level
		waivers bool
		err     string
	}{
		{"nothing", Source{}, -1, "OFFICIAL", false, ""},
		{"a register's scale", Source{RegisterName: "r.yaml", RegisterData: register, Packs: []string{"us-bod-17-01"}}, 1, "PUBLIC", false, ""},
		{"all packs, waivers", Source{Packs: []string{"all"}, WaiversName: "w.yaml", WaiversData: waiversFile}, 16, "OFFICIAL", true, ""},
		{"a bad register", Source{RegisterName: "r.yaml", RegisterData: []byte("systems: [")}, 0, "", false, "r.yaml"},
		{"no such pack", Source{Packs: []string{"us-bod-17-02"}}, 0, "", false, "us-bod-17-02"},
		{"a pack file read by the caller", Source{Packs: []string{"./mine.yaml"}, ReadPack: readPack}, 0, "", false, "read ./mine.yaml"},
		{"no files without a reader", Source{Packs: []string{"./mine.yaml"}}, 0, "", false, "mine.yaml"},
		{"bad waivers", Source{Packs: []string{"all"}, WaiversName: "w.yaml", WaiversData: []byte("waivers: [{id: 1}]")}, 0, "", false, "w.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Setup(cat, tc.src)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one naming %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			packs := -1
			if p.Engine != nil {
				packs = len(p.Engine.Packs())
			}
			if packs != tc.packs || p.Scale.Lowest() != tc.lowest || (p.Waivers != nil) != tc.waivers || (p.Register != nil) != (tc.src.RegisterName != "") {
				t.Errorf("packs %d, lowest %q, waivers %v, register %v", packs, p.Scale.Lowest(), p.Waivers != nil, p.Register != nil)
			}
		})
	}
}
