package netflow

import (
	"encoding/binary"
	"net/netip"

	"github.com/embargo-dev/embargo/egress"
)

// Builders of export datagrams for tests, fuzz seeds and benchmarks.

var be = binary.BigEndian

// spec is one field specifier of a template.
type spec struct {
	typ uint16
	n   uint16
	pen uint32 // IPFIX enterprise number; 0 for none
}

// softflowdV4 is the IPv4 template softflowd exports (v9 and IPFIX).
var softflowdV4 = []spec{{8, 4, 0}, {12, 4, 0}, {22, 4, 0}, {21, 4, 0}, {1, 4, 0}, {2, 4, 0}, {10, 4, 0}, {14, 4, 0},
	{61, 1, 0}, {136, 1, 0}, {7, 2, 0}, {11, 2, 0}, {4, 1, 0}, {6, 1, 0}, {60, 1, 0}, {5, 1, 0}}

// tmpl encodes one template record.
func tmpl(id uint16, fields ...spec) []byte {
	b := be.AppendUint16(nil, id)
	b = be.AppendUint16(b, uint16(len(fields)))
	for _, f := range fields {
		if f.pen != 0 {
			b = be.AppendUint16(b, f.typ|0x8000)
			b = be.AppendUint16(b, f.n)
			b = be.AppendUint32(b, f.pen)
			continue
		}
		b = be.AppendUint16(b, f.typ)
		b = be.AppendUint16(b, f.n)
	}
	return b
}

// set encodes a set of the given ID around body parts.
func set(id uint16, parts ...[]byte) []byte {
	n := 4
	for _, p := range parts {
		n += len(p)
	}
	b := be.AppendUint16(nil, id)
	b = be.AppendUint16(b, uint16(n))
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func v9(uptime, secs, source uint32, sets ...[]byte) []byte {
	b := be.AppendUint16(nil, 9)
	b = be.AppendUint16(b, uint16(len(sets)))
	b = be.AppendUint32(b, uptime)
	b = be.AppendUint32(b, secs)
	b = be.AppendUint32(b, 1) // sequence
	b = be.AppendUint32(b, source)
	for _, s := range sets {
		b = append(b, s...)
	}
	return b
}

func ipfix(export, domain uint32, sets ...[]byte) []byte {
	b := be.AppendUint16(nil, 10)
	b = be.AppendUint16(b, 0)
	b = be.AppendUint32(b, export)
	b = be.AppendUint32(b, 1)
	b = be.AppendUint32(b, domain)
	for _, s := range sets {
		b = append(b, s...)
	}
	be.PutUint16(b[2:], uint16(len(b)))
	return b
}

// v4rec encodes a record of the softflowdV4 template.
func v4rec(src, dst string, sport, dport uint16, proto uint8, first, last, octets, packets uint32) []byte {
	b := netip.MustParseAddr(src).AsSlice()
	b = append(b, netip.MustParseAddr(dst).AsSlice()...)
	b = be.AppendUint32(b, first)
	b = be.AppendUint32(b, last)
	b = be.AppendUint32(b, octets)
	b = be.AppendUint32(b, packets)
	b = append(b, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1)
	b = be.AppendUint16(b, sport)
	b = be.AppendUint16(b, dport)
	return append(b, proto, 0x1b, 4, 0)
}

func v5(uptime, secs, nsecs uint32, records ...[]byte) []byte {
	b := be.AppendUint16(nil, 5)
	b = be.AppendUint16(b, uint16(len(records)))
	b = be.AppendUint32(b, uptime)
	b = be.AppendUint32(b, secs)
	b = be.AppendUint32(b, nsecs)
	b = append(b, make([]byte, 8)...)
	for _, r := range records {
		b = append(b, r...)
	}
	return b
}

func v5rec(src, dst string, sport, dport uint16, proto uint8, first, last, octets, packets uint32) []byte {
	b := netip.MustParseAddr(src).AsSlice()
	b = append(b, netip.MustParseAddr(dst).AsSlice()...)
	b = append(b, 0, 0, 0, 0, 0, 1, 0, 2)
	b = be.AppendUint32(b, packets)
	b = be.AppendUint32(b, octets)
	b = be.AppendUint32(b, first)
	b = be.AppendUint32(b, last)
	b = be.AppendUint16(b, sport)
	b = be.AppendUint16(b, dport)
	b = append(b, 0, 0x1b, proto, 0)
	return append(b, make([]byte, 8)...)
}

// collect is a Sink that keeps copies of all it is given.
type collect struct {
	flows []egress.Flow
	bad   []egress.Bad
}

func (c *collect) Flow(f *egress.Flow)   { c.flows = append(c.flows, *f) }
func (c *collect) Conn(x *egress.Conn)   { var f egress.Flow; egress.AsFlow(c, x, &f) }
func (c *collect) DNS(*egress.DNSAnswer) {}
func (c *collect) Bad(b egress.Bad)      { c.bad = append(c.bad, b) }

// split cuts a fuzz input into datagrams: each prefixed by a 2-byte
// big-endian length; what is left after the last whole one is one more.
func split(data []byte) [][]byte {
	var out [][]byte
	for len(data) >= 2 {
		n := int(be.Uint16(data))
		if n > len(data)-2 {
			break
		}
		out = append(out, data[2:2+n])
		data = data[2+n:]
	}
	if len(data) > 0 {
		out = append(out, data)
	}
	return out
}

// join is the inverse of split.
func join(datagrams ...[]byte) []byte {
	var b []byte
	for _, d := range datagrams {
		b = be.AppendUint16(b, uint16(len(d)))
		b = append(b, d...)
	}
	return b
}
