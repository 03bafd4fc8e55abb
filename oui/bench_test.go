package oui

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// slash16 is the MAC addresses of a /16 network's 65,536 hosts: each
// from a real assignment picked at random among vendors of them (all
// when 0: the worst case for the processor's caches; a real network has
// a few hundred), with random low bits, and one in eight locally
// administered, as randomised Wi-Fi addresses are.
func slash16(b *testing.B, r *Registry, vendors int) []string {
	all := slices.Collect(r.All())
	rng := rand.New(rand.NewPCG(18, 18))
	if vendors > 0 {
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		all = all[:vendors]
	}
	macs := make([]string, 1<<16)
	for i := range macs {
		var m MAC
		a := all[rng.IntN(len(all))]
		p, _ := parseHex(a.Prefix)
		v := p<<(48-a.Bits) | rng.Uint64N(1<<(48-a.Bits))
		for k := range m {
			m[k] = byte(v >> (40 - 8*k))
		}
		if i%8 == 0 {
			m[0] |= 2
		}
		macs[i] = m.String()
	}
	return macs
}

// BenchmarkLookup16 looks up a /16 network's MAC addresses, all 65,536
// per op, in the colon form inventories print: from 300 assignments, as
// a network's might be, and from all of them.
func BenchmarkLookup16(b *testing.B) {
	b.Run("300", func(b *testing.B) { benchLookup16(b, 300) })
	b.Run("all", func(b *testing.B) { benchLookup16(b, 0) })
}

func benchLookup16(b *testing.B, vendors int) {
	r := embeddedRegistry(b)
	macs := slash16(b, r, vendors)
	found := 0
	for b.Loop() {
		found = 0
		for _, m := range macs {
			if _, ok := r.Lookup(m); ok {
				found++
			}
		}
	}
	b.ReportMetric(float64(found), "found/op")
}

// BenchmarkLookupMAC is the same, parsed beforehand.
func BenchmarkLookupMAC(b *testing.B) {
	r := embeddedRegistry(b)
	var macs []MAC
	for _, s := range slash16(b, r, 0) {
		m, _ := ParseMAC(s)
		macs = append(macs, m)
	}
	for b.Loop() {
		for _, m := range macs {
			r.LookupMAC(m)
		}
	}
}

// BenchmarkLoadEmbedded decodes the embedded registry, which Embedded
// does once per process.
func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := load(embedded, "embedded"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(embedded)), "file-bytes")
}
