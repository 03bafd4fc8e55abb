package ipdata

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

const (
	magic         = "EMBIPDB\x00"
	formatVersion = 1
	headerLen     = 16
)

// Section tags, in the order they appear in a body.
const (
	tagMeta = "META"
	tagCtry = "CTRY"
	tagOrgs = "ORGS"
	tagASes = "ASES"
	tagInfo = "INFO"
	tagSeg4 = "SEG4"
	tagSeg6 = "SEG6"
	tagEnd  = "END."
)

// wireMeta is META's JSON; the digest is of the file, so not in it.
type wireMeta struct {
	Name    string       `json:"name"`
	Built   time.Time    `json:"built"`
	Sources []wireSource `json:"sources"`
}

type wireSource struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	License     string `json:"license"`
	Attribution string `json:"attribution"`
	URL         string `json:"url"`
}

// asKey is one (ASN, organisation) pair of the ASES section.
type asKey struct {
	asn uint32
	org string
}

// encode writes s in the snapshot format. Tables are written in a
// canonical order so that equal data gives equal bytes and digest.
func encode(s *Snapshot) ([]byte, error) {
	var countries, orgs []string
	var ases []asKey
	for i := range s.infos[1:] {
		in := s.info(uint32(i + 1))
		if in.Country != "" {
			countries = append(countries, in.Country)
		}
		if in.ASN != 0 {
			ases = append(ases, asKey{in.ASN, in.ASOrg})
			if in.ASOrg != "" {
				orgs = append(orgs, in.ASOrg)
			}
		}
	}
	slices.Sort(countries)
	countries = slices.Compact(countries)
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	slices.SortFunc(ases, func(a, b asKey) int { return cmp.Or(cmp.Compare(a.asn, b.asn), cmp.Compare(a.org, b.org)) })
	ases = slices.Compact(ases)

	// Each info becomes a (country, AS) pair of 1-based indexes; the
	// pairs are sorted and each old info index remapped to the new one.
	type pair struct{ c, a uint32 }
	pairs := make([]pair, len(s.infos))
	for i := range s.infos[1:] {
		in := s.info(uint32(i + 1))
		var p pair
		if in.Country != "" {
			n, _ := slices.BinarySearch(countries, in.Country)
			p.c = uint32(n + 1)
		}
		if in.ASN != 0 {
			n, _ := slices.BinarySearchFunc(ases, asKey{in.ASN, in.ASOrg}, func(a, b asKey) int {
				return cmp.Or(cmp.Compare(a.asn, b.asn), cmp.Compare(a.org, b.org))
			})
			p.a = uint32(n + 1)
		}
		pairs[i+1] = p
	}
	var sorted []pair
	for _, p := range pairs[1:] {
		if p != (pair{}) {
			sorted = append(sorted, p)
		}
	}
	slices.SortFunc(sorted, func(x, y pair) int { return cmp.Or(cmp.Compare(x.c, y.c), cmp.Compare(x.a, y.a)) })
	sorted = slices.Compact(sorted)
	remap := make([]uint32, len(pairs))
	for i, p := range pairs[1:] {
		if p == (pair{}) {
			continue // an empty info is the unknown one, index 0
		}
		n, _ := slices.BinarySearchFunc(sorted, p, func(x, y pair) int { return cmp.Or(cmp.Compare(x.c, y.c), cmp.Compare(x.a, y.a)) })
		remap[i+1] = uint32(n + 1)
	}
	for _, c := range countries {
		if !validCountry(c) {
			return nil, fmt.Errorf("ipdata: encode: country code %q is not two letters A-Z", c)
		}
	}
	for _, o := range orgs {
		if len(o) > MaxOrgLen || !utf8.ValidString(o) {
			return nil, fmt.Errorf("ipdata: encode: organisation %.40q is longer than %d bytes or not UTF-8", o, MaxOrgLen)
		}
	}
	if len(countries) > MaxCountries || len(orgs) > MaxOrgs || len(ases) > MaxASes || len(sorted) > MaxInfos {
		return nil, fmt.Errorf("ipdata: encode: %d countries, %d organisations, %d ASes or %d infos exceed the limits", len(countries), len(orgs), len(ases), len(sorted))
	}

	var w bodyWriter
	w.tag(tagMeta)
	m := wireMeta{Name: s.meta.Name, Built: s.meta.Built.UTC(), Sources: []wireSource{}}
	for _, src := range s.meta.Sources {
		m.Sources = append(m.Sources, wireSource(src))
	}
	js, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("ipdata: encode meta: %w", err)
	}
	w.bytes(js)
	w.tag(tagCtry)
	w.uvarint(uint64(len(countries)))
	for _, c := range countries {
		w.buf.WriteString(c)
	}
	w.tag(tagOrgs)
	w.uvarint(uint64(len(orgs)))
	for _, o := range orgs {
		w.bytes([]byte(o))
	}
	w.tag(tagASes)
	w.uvarint(uint64(len(ases)))
	prev := uint32(0)
	for _, a := range ases {
		w.uvarint(uint64(a.asn - prev))
		prev = a.asn
		org := 0
		if a.org != "" {
			n, _ := slices.BinarySearch(orgs, a.org)
			org = n + 1
		}
		w.uvarint(uint64(org))
	}
	w.tag(tagInfo)
	w.uvarint(uint64(len(sorted)))
	for _, p := range sorted {
		w.uvarint(uint64(p.c))
		w.uvarint(uint64(p.a))
	}

	// Segments: remapped, and neighbours that became equal merged.
	w.tag(tagSeg4)
	var st4, in4 []uint32
	var st6 []u128
	var in6 []uint32
	s.eachSegment(func(start, _ u128, v6 bool, n uint32) bool {
		n = remap[n]
		switch {
		case !v6 && (len(in4) == 0 || in4[len(in4)-1] != n):
			st4, in4 = append(st4, uint32(start.lo)), append(in4, n)
		case v6 && (len(in6) == 0 || in6[len(in6)-1] != n):
			st6, in6 = append(st6, start), append(in6, n)
		}
		return true
	})
	if len(st4) > MaxSegments || len(st6) > MaxSegments {
		return nil, fmt.Errorf("ipdata: encode: %d IPv4 or %d IPv6 segments exceed %d", len(st4), len(st6), MaxSegments)
	}
	w.uvarint(uint64(len(st4)))
	prev = 0
	for _, x := range st4 {
		w.uvarint(uint64(x - prev))
		prev = x
	}
	for _, n := range in4 {
		w.uvarint(uint64(n))
	}
	w.tag(tagSeg6)
	w.uvarint(uint64(len(st6)))
	p6 := u128{}
	for _, x := range st6 {
		d := x.sub(p6)
		w.uvarint(d.hi)
		w.uvarint(d.lo)
		p6 = x
	}
	for _, n := range in6 {
		w.uvarint(uint64(n))
	}
	w.tag(tagEnd)

	body := w.buf.Bytes()
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("ipdata: encode: body of %d bytes exceeds %d", len(body), MaxBodySize)
	}
	var out bytes.Buffer
	out.WriteString(magic)
	var h [8]byte
	binary.BigEndian.PutUint16(h[0:], formatVersion)
	binary.BigEndian.PutUint16(h[2:], 0)
	binary.BigEndian.PutUint32(h[4:], uint32(len(body)))
	out.Write(h[:])
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("ipdata: encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("ipdata: encode: %w", err)
	}
	return out.Bytes(), nil
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

type bodyWriter struct{ buf bytes.Buffer }

func (w *bodyWriter) tag(t string) { w.buf.WriteString(t) }

func (w *bodyWriter) uvarint(x uint64) {
	var b [binary.MaxVarintLen64]byte
	w.buf.Write(b[:binary.PutUvarint(b[:], x)])
}

func (w *bodyWriter) bytes(b []byte) {
	w.uvarint(uint64(len(b)))
	w.buf.Write(b)
}

func validCountry(c string) bool {
	return len(c) == 2 && 'A' <= c[0] && c[0] <= 'Z' && 'A' <= c[1] && c[1] <= 'Z'
}
