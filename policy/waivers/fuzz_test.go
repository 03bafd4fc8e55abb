package waivers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad: any file is loaded or rejected with a positioned error, never
// a panic; what loads has every required field, and each waiver covers a
// finding built from its own scope until its expiry day ends.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/*.yaml", "testdata/invalid/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, s := range files {
			if data, err := os.ReadFile(s); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(lookupFile))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Load("fuzz.yaml", data)
		if err != nil {
			if s != nil {
				t.Fatal("a set returned with an error")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for i := range s.Waivers {
			w := &s.Waivers[i]
			if w.ID == "" || w.Reason == "" || w.Approver == "" || w.Expiry.IsZero() {
				t.Fatalf("waiver %d loaded without a required field: %+v", i, w)
			}
			if got, ok := s.Waiver(w.ID); !ok || got != w {
				t.Fatalf("Waiver(%q) does not return the waiver", w.ID)
			}
			f := Finding{ID: w.Finding, System: w.System, Product: w.Product, Rule: w.Rule, Instrument: w.Instrument}
			last := w.Expiry.AddDate(0, 0, 1).Add(-1)
			d := s.Lookup(f, last)
			if !d.Waived || d.Waiver == nil || d.Waiver.specificity() < w.specificity() {
				t.Fatalf("waiver %q does not cover its own scope on its last day: %+v", w.ID, d)
			}
			if u := s.Unused([]Finding{f}, last); len(u) != len(s.Waivers)-1 {
				t.Fatalf("one finding left %d of %d waivers unused", len(u), len(s.Waivers))
			}
		}
	})
}
