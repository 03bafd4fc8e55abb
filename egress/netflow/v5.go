package netflow

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// NetFlow v5 layout: a 24-byte header and fixed 48-byte records.
const (
	v5Header = 24
	v5Record = 48
)

// decodeV5 decodes a NetFlow v5 datagram. The header's count says how
// many records follow; records the datagram does not hold are reported
// as truncated.
func (p *packet) decodeV5() {
	b := p.buf
	if len(b) < v5Header {
		p.bad(0, 0, 0, fmt.Sprintf("truncated header: v5 datagram of %d bytes, header needs %d", len(b), v5Header))
		return
	}
	count := int(binary.BigEndian.Uint16(b[2:]))
	p.uptime = binary.BigEndian.Uint32(b[4:])
	p.haveUptime = true
	p.exportNs = int64(binary.BigEndian.Uint32(b[8:]))*1e9 + int64(binary.BigEndian.Uint32(b[12:])%1e9)
	for r := 1; r <= count; r++ {
		at := v5Header + (r-1)*v5Record
		if len(b)-at < v5Record {
			p.bad(0, r, at, fmt.Sprintf("truncated record: v5 header counts %d records, the datagram of %d bytes ends inside record %d", count, len(b), r))
			return
		}
		p.v5Record(b[at:at+v5Record], r, at)
	}
}

// v5Record decodes one record: addresses, next hop, interfaces, packets,
// octets, first, last, ports, pad, TCP flags, protocol, ToS, AS numbers,
// masks, pad.
func (p *packet) v5Record(b []byte, r, at int) {
	be := binary.BigEndian
	f := &p.d.flow
	*f = egress.Flow{
		Src:      netip.AddrFrom4([4]byte(b[0:4])),
		Dst:      netip.AddrFrom4([4]byte(b[4:8])),
		PktsOut:  uint64(be.Uint32(b[16:])),
		BytesOut: uint64(be.Uint32(b[20:])),
		SrcPort:  be.Uint16(b[32:]),
		DstPort:  be.Uint16(b[34:]),
		Proto:    b[38],
	}
	f.Start = time.Unix(0, p.atUptime(be.Uint32(b[24:]))).UTC()
	f.End = time.Unix(0, p.atUptime(be.Uint32(b[28:]))).UTC()
	f.Where = p.loc(0, r, at)
	p.d.counters.Flows++
	p.sink.Flow(f)
}
