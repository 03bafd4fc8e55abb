package pcap

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// pcapng block types (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html).
const (
	blockSHB        = 0x0a0d0d0a // section header; its value reads the same in both byte orders
	blockIDB        = 1          // interface description
	blockOPB        = 2          // obsolete packet block
	blockSPB        = 3          // simple packet block
	blockEPB        = 6          // enhanced packet block
	bomMagic uint32 = 0x1a2b3c4d
)

func isSHB(b []byte) bool { return len(b) >= 4 && binary.LittleEndian.Uint32(b) == blockSHB }

// sniffPcapng reports whether b starts with a section header block.
func sniffPcapng(b []byte) bool {
	return isSHB(b) && len(b) >= 12 &&
		(binary.LittleEndian.Uint32(b[8:]) == bomMagic || binary.BigEndian.Uint32(b[8:]) == bomMagic)
}

// pcapng reads a pcapng file block by block. Each block is framed by its
// total length, at the start and repeated at the end: a length that is
// not a multiple of 4, below 12, or not repeated is damage, since the
// next block cannot be found without it.
type pcapng struct {
	r        *bufio.Reader
	name     string
	bad      func(egress.Location, string)
	order    binary.ByteOrder
	off      int64 // offset of the next block
	num      int64
	section  int
	skipping bool // in a section of an unknown version
	ifaces   []*iface
	body     []byte
	hdr      [12]byte
}

// openPcapng starts at the first block, which sniffPcapng has seen is a
// section header: it is read like any other, its damage reported the same
// way.
func openPcapng(br *bufio.Reader, name string, bad func(egress.Location, string)) *pcapng {
	return &pcapng{r: br, name: name, bad: bad}
}

func (p *pcapng) at(off int64) egress.Location {
	return egress.Location{Source: p.name, Offset: off}
}

func (p *pcapng) packetAt(off int64) egress.Location {
	return egress.Location{Source: p.name, Offset: off, Record: fmt.Sprintf("packet %d", p.num)}
}

func (p *pcapng) next(f *frame) error {
	for {
		start := p.off
		n, err := io.ReadFull(p.r, p.hdr[:8])
		if err == io.EOF {
			return io.EOF
		}
		if err == io.ErrUnexpectedEOF {
			return &damage{p.at(start), fmt.Sprintf("capture ends inside a block header (%d of 8 bytes)", n)}
		}
		if err != nil {
			return err
		}
		typ := binary.LittleEndian.Uint32(p.hdr[:])
		if typ == blockSHB {
			if n, err := io.ReadFull(p.r, p.hdr[8:12]); err != nil {
				return p.short(err, start, n, 4)
			}
			switch bomMagic {
			case binary.LittleEndian.Uint32(p.hdr[8:]):
				p.order = binary.LittleEndian
			case binary.BigEndian.Uint32(p.hdr[8:]):
				p.order = binary.BigEndian
			default:
				return &damage{p.at(start), fmt.Sprintf("section header with byte-order magic % x", p.hdr[8:12])}
			}
		} else if p.order == nil {
			return &damage{p.at(start), fmt.Sprintf("block type %#x before any section header", typ)}
		} else {
			typ = p.order.Uint32(p.hdr[:])
		}
		length := p.order.Uint32(p.hdr[4:])
		least := uint32(12)
		if typ == blockSHB {
			least = 28
		}
		if length < least || length%4 != 0 {
			return &damage{p.at(start), fmt.Sprintf("block type %#x has length %d: not a multiple of 4 of at least %d", typ, length, least)}
		}
		read := 8 // bytes of the block consumed so far
		if typ == blockSHB {
			read = 12
		}
		bodyLen := int64(length) - int64(read) - 4
		isPacket := typ == blockEPB || typ == blockSPB || typ == blockOPB
		if isPacket {
			p.num++
		}
		keep := typ == blockSHB || typ == blockIDB || (isPacket && !p.skipping)
		if keep && bodyLen > MaxBlock {
			if typ == blockSHB || typ == blockIDB {
				return &damage{p.at(start), fmt.Sprintf("block type %#x of %d bytes exceeds the limit of %d", typ, length, MaxBlock)}
			}
			p.bad(p.packetAt(start), fmt.Sprintf("packet block of %d bytes exceeds the limit of %d; skipped", length, MaxBlock))
			keep = false
		}
		var body []byte
		if keep {
			if cap(p.body) < int(bodyLen) {
				p.body = make([]byte, bodyLen, max(bodyLen, 4096))
			}
			body = p.body[:bodyLen]
			if n, err := io.ReadFull(p.r, body); err != nil {
				return p.short(err, start, n, int(bodyLen))
			}
		} else if n, err := p.r.Discard(int(bodyLen)); err != nil {
			return p.short(err, start, n, int(bodyLen))
		}
		if n, err := io.ReadFull(p.r, p.hdr[:4]); err != nil {
			return p.short(err, start, n, 4)
		}
		if trail := p.order.Uint32(p.hdr[:]); trail != length {
			return &damage{p.at(start), fmt.Sprintf("block type %#x: length %d at its end differs from %d at its start", typ, trail, length)}
		}
		p.off += int64(length)
		if !keep {
			continue
		}
		switch typ {
		case blockSHB:
			p.section++
			p.ifaces = p.ifaces[:0]
			major, minor := p.order.Uint16(body), p.order.Uint16(body[2:])
			p.skipping = major != 1
			if p.skipping {
				p.bad(p.at(start), fmt.Sprintf("section of pcapng version %d.%d skipped", major, minor))
			}
		case blockIDB:
			if !p.skipping {
				p.describe(start, body)
			}
		default:
			if p.packet(f, start, typ, body) {
				return nil
			}
		}
	}
}

// short turns a read that ended early into damage.
func (p *pcapng) short(err error, start int64, got, want int) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &damage{p.at(start), fmt.Sprintf("capture ends inside a block (%d of %d bytes)", got, want)}
	}
	return err
}

// describe reads an interface description block.
func (p *pcapng) describe(start int64, b []byte) {
	ifc := &iface{units: 1e6}
	ifc.desc = fmt.Sprintf("interface %d", len(p.ifaces))
	if p.section > 1 {
		ifc.desc = fmt.Sprintf("section %d %s", p.section, ifc.desc)
	}
	p.ifaces = append(p.ifaces, ifc)
	if len(b) < 8 {
		p.bad(p.at(start), ifc.desc+": interface block of "+fmt.Sprint(len(b))+" bytes, below 8")
		ifc.link = math.MaxUint32
		return
	}
	ifc.link = uint32(p.order.Uint16(b))
	ifc.snaplen = p.order.Uint32(b[4:])
	eachOption(p.order, b[8:], func(code uint16, v []byte) {
		switch {
		case code == 9 && len(v) >= 1: // if_tsresol
			exp := v[0] & 0x7f
			if v[0]&0x80 != 0 && exp <= 63 {
				ifc.units = 1 << exp
			} else if v[0]&0x80 == 0 && exp <= 19 {
				ifc.units = 1
				for range exp {
					ifc.units *= 10
				}
			} else {
				p.bad(p.at(start), fmt.Sprintf("%s: timestamp resolution %#x cannot be represented; microseconds assumed", ifc.desc, v[0]))
			}
		case code == 14 && len(v) >= 8: // if_tsoffset, in seconds
			ifc.offset = int64(p.order.Uint64(v))
		}
	})
}

// eachOption walks a block's options, stopping at opt_endofopt or at an
// option that overruns the block.
func eachOption(o binary.ByteOrder, b []byte, fn func(uint16, []byte)) {
	for len(b) >= 4 {
		code, n := o.Uint16(b), int(o.Uint16(b[2:]))
		if code == 0 || 4+n > len(b) {
			return
		}
		fn(code, b[4:4+n])
		b = b[min(len(b), 4+(n+3)&^3):]
	}
}

// packet fills f from a packet block, or reports why it cannot.
func (p *pcapng) packet(f *frame, start int64, typ uint32, b []byte) bool {
	var id int
	var ts uint64
	var caplen int
	var hasTime bool
	switch typ {
	case blockEPB, blockOPB:
		if len(b) < 20 {
			p.bad(p.packetAt(start), fmt.Sprintf("packet block of %d bytes, too short for its header", len(b)+12))
			return false
		}
		if typ == blockEPB {
			id = int(p.order.Uint32(b))
		} else {
			id = int(p.order.Uint16(b))
		}
		ts = uint64(p.order.Uint32(b[4:]))<<32 | uint64(p.order.Uint32(b[8:]))
		hasTime = true
		caplen = int(p.order.Uint32(b[12:]))
		b = b[20:]
		if caplen > len(b) {
			p.bad(p.packetAt(start), fmt.Sprintf("captured length %d exceeds the %d bytes its block holds", caplen, len(b)))
			return false
		}
	case blockSPB:
		if len(b) < 4 {
			p.bad(p.packetAt(start), "simple packet block without its length")
			return false
		}
		// The captured length is not stored: it is the original length
		// cut to the snap length and to what the block holds.
		orig := int(p.order.Uint32(b))
		b = b[4:]
		caplen = min(orig, len(b))
		if len(p.ifaces) > 0 && p.ifaces[0].snaplen != 0 {
			caplen = min(caplen, int(p.ifaces[0].snaplen))
		}
	}
	if id >= len(p.ifaces) {
		p.bad(p.packetAt(start), fmt.Sprintf("packet on interface %d, but the section describes %d", id, len(p.ifaces)))
		return false
	}
	ifc := p.ifaces[id]
	*f = frame{num: p.num, off: start, ifc: ifc, data: b[:caplen]}
	if hasTime {
		f.ts = ifc.time(ts)
	}
	return true
}

// time converts a timestamp in the interface's units to a time. The
// fraction is scaled with 128-bit arithmetic: units may be up to 2^63.
func (ifc *iface) time(ts uint64) time.Time {
	sec, frac := ts/ifc.units, ts%ifc.units
	hi, lo := bits.Mul64(frac, 1e9)
	ns, _ := bits.Div64(hi, lo, ifc.units)
	s := int64(min(sec, math.MaxInt64/2)) + ifc.offset
	return time.Unix(s, int64(ns)).UTC()
}
