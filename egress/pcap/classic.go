package pcap

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// Classic pcap magic numbers, as read little-endian.
const (
	magicMicro    = 0xa1b2c3d4
	magicNano     = 0xa1b23c4d
	magicModified = 0xa1b2cd34 // Kuznetzov's patched libpcap: 8 more bytes per record
)

// sniffPcap reports whether b starts with a classic pcap magic number in
// either byte order.
func sniffPcap(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	_, _, _, ok := pcapMagic(b)
	return ok
}

func pcapMagic(b []byte) (order binary.ByteOrder, nano bool, extra int, ok bool) {
	for _, o := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		switch o.Uint32(b) {
		case magicMicro:
			return o, false, 0, true
		case magicNano:
			return o, true, 0, true
		case magicModified:
			return o, false, 8, true
		}
	}
	return nil, false, 0, false
}

// classic reads a classic pcap file: a 24-byte header, then records of
// a 16-byte header (24 in the modified format) and the packet bytes.
type classic struct {
	r     *bufio.Reader
	name  string
	order binary.ByteOrder
	nano  bool
	extra int
	off   int64 // offset of the next record
	num   int64
	ifc   iface
	hdr   [24]byte
	buf   []byte
}

func openPcap(br *bufio.Reader, name string) (*classic, error) {
	var h [24]byte
	if n, err := io.ReadFull(br, h[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%s: pcap file header cut short at %d of 24 bytes", name, n)
		}
		return nil, fmt.Errorf("%s: reading the pcap file header: %w", name, err)
	}
	order, nano, extra, _ := pcapMagic(h[:])
	c := &classic{r: br, name: name, order: order, nano: nano, extra: extra, off: 24}
	// Only major version 2 exists; minor versions 1 to 4 differ in no
	// field read here, so they are not checked.
	if v := order.Uint16(h[4:]); v != 2 {
		return nil, fmt.Errorf("%s: pcap version %d.%d is not 2.x", name, v, order.Uint16(h[6:]))
	}
	c.ifc = iface{
		desc:    "the capture's link",
		snaplen: order.Uint32(h[16:]),
		// The upper bits carry FCS information (LT_FCS_* in libpcap).
		link: order.Uint32(h[20:]) & 0x03ffffff,
	}
	return c, nil
}

func (c *classic) where() egress.Location {
	return egress.Location{Source: c.name, Offset: c.off, Record: fmt.Sprintf("packet %d", c.num)}
}

func (c *classic) next(f *frame) error {
	hl := 16 + c.extra
	n, err := io.ReadFull(c.r, c.hdr[:hl])
	if err == io.EOF {
		return io.EOF
	}
	c.num++
	if err == io.ErrUnexpectedEOF {
		return &damage{c.where(), fmt.Sprintf("capture ends inside the record header (%d of %d bytes)", n, hl)}
	}
	if err != nil {
		return err
	}
	o := c.order
	caplen := o.Uint32(c.hdr[8:])
	if caplen > MaxPacket {
		return &damage{c.where(), fmt.Sprintf("captured length %d exceeds the limit of %d bytes; the records after it cannot be found", caplen, MaxPacket)}
	}
	if cap(c.buf) < int(caplen) {
		c.buf = make([]byte, caplen, max(int(caplen), 2048))
	}
	data := c.buf[:caplen]
	if n, err := io.ReadFull(c.r, data); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return &damage{c.where(), fmt.Sprintf("capture ends inside the packet (%d of %d bytes)", n, caplen)}
		}
		return err
	}
	frac := int64(o.Uint32(c.hdr[4:]))
	if !c.nano {
		frac *= 1000
	}
	*f = frame{
		num:  c.num,
		off:  c.off,
		ts:   time.Unix(int64(o.Uint32(c.hdr[0:])), frac).UTC(),
		ifc:  &c.ifc,
		data: data,
	}
	c.off += int64(hl) + int64(caplen)
	return nil
}
