package ipdata

import (
	"bytes"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"testing"

	"github.com/gaissmai/bart"
	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	"github.com/oschwald/maxminddb-golang/v2"
)

// mix returns n addresses for lookups: half IPv4 drawn uniformly (hits
// and misses as the data has them), a quarter IPv6 inside segments the
// data knows (hits) and a quarter uniform in 2000::/3 (mostly misses).
func mix(s *Snapshot, n int, seed uint64) []netip.Addr {
	rng := rand.New(rand.NewPCG(seed, 1))
	type span struct{ start, end u128 }
	var known []span
	s.eachSegment(func(start, end u128, v6 bool, info uint32) bool {
		if v6 && info != 0 {
			known = append(known, span{start, end})
		}
		return true
	})
	out := make([]netip.Addr, n)
	for i := range out {
		switch i % 4 {
		case 0, 2:
			out[i] = u128{0, uint64(rng.Uint32())}.addr(false)
		case 1:
			k := known[rng.IntN(len(known))]
			out[i] = between(rng, k.start.addr(true), k.end.addr(true))
		case 3:
			out[i] = u128{0x2000<<48 | rng.Uint64()>>3, rng.Uint64()}.addr(true)
		}
	}
	return out
}

// mmdbRecord is a GeoLite2-style record; the benchmark decodes the
// same fields Lookup returns.
type mmdbRecord struct {
	RegisteredCountry struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
	ASN   uint32 `maxminddb:"autonomous_system_number"`
	ASOrg string `maxminddb:"autonomous_system_organization"`
}

// writeMMDB writes s as a GeoLite2-style MMDB with mmdbwriter.
func writeMMDB(tb testing.TB, s *Snapshot) []byte {
	tb.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType: "Embargo-Test-Country-ASN", RecordSize: 32,
		IncludeReservedNetworks: true, DisableIPv4Aliasing: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
	values := make([]mmdbtype.Map, len(s.infos))
	for i := range s.infos {
		in := s.info(uint32(i))
		m := mmdbtype.Map{}
		if in.Country != "" {
			m["registered_country"] = mmdbtype.Map{"iso_code": mmdbtype.String(in.Country)}
		}
		if in.ASN != 0 {
			m["autonomous_system_number"] = mmdbtype.Uint32(in.ASN)
			m["autonomous_system_organization"] = mmdbtype.String(in.ASOrg)
		}
		values[i] = m
	}
	s.eachSegment(func(start, end u128, v6 bool, n uint32) bool {
		if n != 0 {
			err = tree.InsertRange(net.IP(start.addr(v6).AsSlice()), net.IP(end.addr(v6).AsSlice()), values[n])
		}
		return err == nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := tree.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// benchData is built once per process: the embedded snapshot, the same
// data as an MMDB and as a bart table, and the 1M-address mix.
var benchData = sync.OnceValues(func() (*benchSet, error) {
	db, err := Embedded()
	if err != nil {
		return nil, err
	}
	s := db.(*Snapshot)
	return &benchSet{snap: s, addrs: mix(s, 1<<20, 42)}, nil
})

type benchSet struct {
	snap  *Snapshot
	addrs []netip.Addr
	once  sync.Once
	mmdb  *maxminddb.Reader
	bart  *bart.Table[uint32]
}

func (bs *benchSet) build(b *testing.B) {
	bs.once.Do(func() {
		r, err := maxminddb.OpenBytes(writeMMDB(b, bs.snap))
		if err != nil {
			b.Fatal(err)
		}
		bs.mmdb = r
		bs.bart = new(bart.Table[uint32])
		bs.snap.eachSegment(func(start, end u128, v6 bool, n uint32) bool {
			if n != 0 {
				rangePrefixes(start, end, v6, func(p netip.Prefix) bool { bs.bart.Insert(p, n); return true })
			}
			return true
		})
	})
	// The three must agree, or the comparison is of different data.
	for _, a := range bs.addrs[:50000] {
		want := bs.snap.Lookup(a)
		var rec mmdbRecord
		if err := bs.mmdb.Lookup(a).Decode(&rec); err != nil {
			b.Fatal(err)
		}
		n, _ := bs.bart.Lookup(a)
		if got := (Info{rec.RegisteredCountry.ISOCode, rec.ASN, rec.ASOrg}); got != want || bs.snap.info(n) != want {
			b.Fatalf("%s: snapshot %+v, maxminddb %+v, bart %+v", a, want, got, bs.snap.info(n))
		}
	}
}

// BenchmarkLookup compares lookups of country and AS over the same
// 1M-address mix: this package's sorted segments, a bart prefix table
// holding the same data, and maxminddb-golang on an MMDB of it.
func BenchmarkLookup(b *testing.B) {
	bs, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	bs.build(b)
	addrs := bs.addrs
	b.Run("embargo", func(b *testing.B) {
		var sink Info
		for i := 0; b.Loop(); i++ {
			sink = bs.snap.Lookup(addrs[i&(len(addrs)-1)])
		}
		_ = sink
	})
	b.Run("bart", func(b *testing.B) {
		var sink Info
		for i := 0; b.Loop(); i++ {
			n, _ := bs.bart.Lookup(addrs[i&(len(addrs)-1)])
			sink = bs.snap.info(n)
		}
		_ = sink
	})
	b.Run("maxminddb", func(b *testing.B) {
		var sink Info
		for i := 0; b.Loop(); i++ {
			var rec mmdbRecord
			if err := bs.mmdb.Lookup(addrs[i&(len(addrs)-1)]).Decode(&rec); err != nil {
				b.Fatal(err)
			}
			sink = Info{rec.RegisteredCountry.ISOCode, rec.ASN, rec.ASOrg}
		}
		_ = sink
	})
}

// BenchmarkEmbedded measures decoding the embedded snapshot, the cost
// paid once per process.
func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := decode(embedded, "embedded"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmbeddedCached measures a table-cache hit for the embedded
// snapshot: read, check and set up the tables, and hash the snapshot for
// its digest. Compare with BenchmarkEmbedded, the miss.
func BenchmarkEmbeddedCached(b *testing.B) {
	dir := b.TempDir()
	if _, err := OpenCached(embedded, "embedded", dir); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, out, err := openCached(embedded, "embedded", dir)
		if err != nil || !out.hit {
			b.Fatalf("not a cache hit: %v %v", err, out.readErr)
		}
	}
}
