package systems

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad: any file is loaded or rejected with a positioned error, never
// a panic; what loads answers ForHost and ForAddr consistently with its
// own rules.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/*.yaml", "testdata/invalid/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, s := range files {
			if data, err := os.ReadFile(s); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Load("fuzz.yaml", data)
		if err != nil {
			if r != nil {
				t.Fatal("a register returned with an error")
			}
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if _, err := r.Scale.Canonical(r.Default.Classification); err != nil {
			t.Fatalf("default classification: %v", err)
		}
		for _, s := range r.Systems {
			if _, err := r.Scale.Canonical(s.Classification); err != nil {
				t.Fatalf("system %q: %v", s.ID, err)
			}
			for _, h := range s.Rules.Hosts {
				m := r.ForHost(h, nil)
				if m.Unregistered {
					t.Fatalf("host %q of system %q is unregistered", h, s.ID)
				}
				if !strings.Contains(h, "*") && (m.By != ByHost || m.System.ID != s.ID) {
					t.Fatalf("host %q: matched %q by %s, want %q by host", h, m.System.ID, m.By, s.ID)
				}
			}
			for _, p := range s.Rules.Addresses {
				got, ok := r.ForAddr(p.Addr())
				if !ok {
					t.Fatalf("range %s of system %q: first address unmatched", p, s.ID)
				}
				if got.ID != s.ID && !moreSpecific(got.Rules.Addresses, p) {
					t.Fatalf("range %s: matched %q, want %q or a narrower range", p, got.ID, s.ID)
				}
			}
		}
	})
}

func moreSpecific(ps []netip.Prefix, p netip.Prefix) bool {
	for _, q := range ps {
		if q.Bits() > p.Bits() && p.Contains(q.Addr()) {
			return true
		}
	}
	return false
}
