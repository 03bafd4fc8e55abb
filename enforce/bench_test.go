package enforce

import (
	"fmt"
	"io"
	"net/netip"
	"testing"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/policy"
)

func BenchmarkDerive(b *testing.B) {
	cat, err := catalog.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("everything", func(b *testing.B) {
		for b.Loop() {
			if _, err := Derive(cat, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Judged by every built-in pack: each identifier judged as an item,
	// and each network and name as traffic too. The engine is built once
	// (as a scan builds it); each Derive starts with a new Judgement.
	b.Run("all packs", func(b *testing.B) {
		ps, err := policy.Packs()
		if err != nil {
			b.Fatal(err)
		}
		var ids []string
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		j := builtinJudgement(b, cat, "", nil, ids...)
		for b.Loop() {
			if _, err := Derive(cat, NewJudgement(j.engine, j.sys)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// largeTargets is the size of a big deployment: 10,000 names and 100,000
// prefixes (a few large suppliers' whole address space).
func largeTargets() *Targets {
	t := sampleTargets()
	t.Domains, t.Prefixes = nil, nil
	for i := range 10_000 {
		t.Domains = append(t.Domains, Domain{Name: fmt.Sprintf("host%d.supplier%d.example", i, i%97), Subtree: i%3 == 0,
			Entity: fmt.Sprintf("entity-%d", i%13), Source: "bench"})
	}
	for i := range 100_000 {
		a := netip.AddrFrom4([4]byte{byte(10 + i>>16), byte(i >> 8), byte(i), 0})
		t.Prefixes = append(t.Prefixes, Prefix{Prefix: netip.PrefixFrom(a, 24), ASN: uint32(64496 + i%16), Entity: fmt.Sprintf("entity-%d", i%13)})
	}
	return t
}

func BenchmarkEmit(b *testing.B) {
	t := largeTargets()
	for _, e := range Emitters() {
		b.Run(e.Name(), func(b *testing.B) {
			for b.Loop() {
				if err := e.Emit(io.Discard, t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
