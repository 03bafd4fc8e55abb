package ipdata

import (
	"bytes"
	"crypto/sha256"
	"net/netip"
	"os"
	"testing"
)

var fuzzAddrs = []netip.Addr{
	netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("1.0.0.1"), netip.MustParseAddr("10.0.1.5"),
	netip.MustParseAddr("255.255.255.255"), netip.MustParseAddr("::"), netip.MustParseAddr("2a02:6b8::1"),
	netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
}

// checkSnapshot: a snapshot that was accepted answers lookups, writes a
// file the strict reader accepts, and that file answers the same.
func checkSnapshot(t *testing.T, s *Snapshot) {
	raw, err := encode(s)
	if err != nil {
		t.Fatalf("encode of an accepted snapshot: %v", err)
	}
	again, err := decode(raw, "re-encoded")
	if err != nil {
		t.Fatalf("decode of a re-encoded snapshot: %v", err)
	}
	for _, a := range fuzzAddrs {
		if x, y := s.Lookup(a), again.Lookup(a); x != y {
			t.Fatalf("Lookup(%s) = %+v, after re-encoding %+v", a, x, y)
		}
	}
	n := 0
	s.PrefixesOf([]uint32{13238, 64500}, func(netip.Prefix, Info) bool { n++; return n < 1000 })
}

func FuzzDecode(f *testing.F) {
	body, _ := validSpec().bytes()
	f.Add(wrap(body))
	f.Add(wrap(body[:len(body)-3]))
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := decode(data, "fuzz")
		if err != nil {
			return
		}
		checkSnapshot(t, s)
	})
}

// FuzzDecodeBody skips the gzip layer, which would otherwise reject
// nearly every mutation before the section parser sees it.
func FuzzDecodeBody(f *testing.F) {
	body, _ := validSpec().bytes()
	f.Add(body)
	spec := validSpec()
	spec.seg6 = nil
	b2, _ := spec.bytes()
	f.Add(b2)
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decodeBody(body)
		if err != nil {
			return
		}
		checkSnapshot(t, s)
	})
}

var fuzzFormats = []string{"", FormatRIR, FormatIP2ASN, FormatIPLDBCountry, FormatIPLDBASN, FormatMMDB}

// FuzzBuild feeds every upstream parser; whatever Build accepts must
// encode to a snapshot the strict reader accepts.
func FuzzBuild(f *testing.F) {
	for i, path := range []string{rirSample, ip2asnSample, "testdata/excerpt-asn-country.csv", "testdata/excerpt-asn.csv"} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i+1), b)
		f.Add(uint8(0), b)
	}
	f.Add(uint8(3), []byte("ip_range_start,ip_range_end,country_code\n16777216,16777471,AU\n"))
	f.Add(uint8(4), []byte("0.0.0.0,255.255.255.255,1,\"a \"\"b\"\"\"\n::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,2,x\n"))
	mmdb, err := os.ReadFile(writeTestMMDB(f, "GeoLite2-ASN", 6, asnNets))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(5), mmdb)
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		in := Input{Name: "fuzz", Format: fuzzFormats[int(format)%len(fuzzFormats)], R: bytes.NewReader(data)}
		s, err := Build([]Input{in}, Meta{Name: "fuzz"})
		if err != nil {
			return
		}
		if _, err := decode(s.raw, "built"); err != nil {
			t.Fatalf("Build wrote a snapshot its reader refuses: %v", err)
		}
		checkSnapshot(t, s)
	})
}

// FuzzCache feeds the table cache reader. With fix the checksum is
// recomputed after the mutation, which otherwise stops nearly every one;
// the digest is taken from the header, so only the structure decides.
// Whatever is accepted must answer lookups and PrefixesOf without
// panicking.
func FuzzCache(f *testing.F) {
	body, _ := validSpec().bytes()
	for _, raw := range [][]byte{smallSnapshot(f).raw, wrap(body)} {
		s, err := decode(raw, "seed")
		if err != nil {
			f.Fatal(err)
		}
		b, err := marshalCache(s, sha256.Sum256(raw))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		b := alignedBytes(len(data))
		copy(b, data)
		var want [32]byte
		if len(b) >= 48 {
			copy(want[:], b[16:48])
		}
		if fix && len(b) >= cacheHeaderLen {
			fixCRC(b)
		}
		s, err := parseCache(b, want)
		if err != nil {
			return
		}
		_ = s.Meta()
		for _, a := range fuzzAddrs {
			s.Lookup(a)
		}
		var asns []uint32
		n := 0
		s.eachSegment(func(start, end u128, v6 bool, info uint32) bool {
			s.Lookup(start.addr(v6))
			s.Lookup(end.addr(v6))
			asns = append(asns, s.info(info).ASN)
			n++
			return n < 2000
		})
		n = 0
		s.PrefixesOf(asns, func(netip.Prefix, Info) bool { n++; return n < 2000 })
	})
}
