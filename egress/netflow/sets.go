package netflow

import (
	"encoding/binary"
	"fmt"
)

// Set IDs (RFC 3954 §5, RFC 7011 §3.3.2); IDs from 256 up name the
// template of a data set.
const (
	v9TemplateSet           = 0
	v9OptionsTemplateSet    = 1
	ipfixTemplateSet        = 2
	ipfixOptionsTemplateSet = 3
	firstDataSet            = 256
)

// sets decodes the sets in p.buf[start:end]. It reports a set that runs
// past end once, as a truncated datagram, and returns whether it did.
func (p *packet) sets(start, end int) (truncationReported bool) {
	off := start
	for s := 1; end-off >= 4 && !p.stopped(); s++ {
		id := binary.BigEndian.Uint16(p.buf[off:])
		length := int(binary.BigEndian.Uint16(p.buf[off+2:]))
		if length < 4 {
			p.bad(s, 0, off, fmt.Sprintf("set length %d at offset %d is shorter than its 4-byte header", length, off))
			return false
		}
		setEnd, truncated := off+length, false
		if setEnd > end {
			setEnd, truncated = end, true
		}
		body := p.buf[off+4 : setEnd]
		v9 := p.key.version == 9
		switch {
		case id >= firstDataSet:
			p.dataSet(s, id, off+4, body, truncated)
		case v9 && id == v9TemplateSet, !v9 && id == ipfixTemplateSet:
			p.templateSet(s, off+4, body, false, truncated)
		case v9 && id == v9OptionsTemplateSet, !v9 && id == ipfixOptionsTemplateSet:
			p.templateSet(s, off+4, body, true, truncated)
		default:
			p.bad(s, 0, off, fmt.Sprintf("set id %d at offset %d is reserved", id, off))
		}
		if truncated {
			p.bad(s, 0, off, fmt.Sprintf("truncated record: set %d at offset %d claims %d bytes, the datagram has %d", id, off, length, end-off))
			return true
		}
		off = setEnd
	}
	if off < end && !zero(p.buf[off:end]) {
		p.bad(0, 0, off, fmt.Sprintf("%d stray bytes after the last set at offset %d", end-off, off))
	}
	return false
}

// dataSet decodes the records of a data set whose body starts at byte
// base of the datagram. Bytes left over that cannot hold a record are
// padding (RFC 7011 §3.3.1), unless the set was truncated, which sets
// reports.
func (p *packet) dataSet(s int, id uint16, base int, body []byte, truncated bool) {
	t := p.d.templates[templateKey{p.key, id}]
	if t == nil {
		p.d.counters.NoTemplate++
		p.bad(s, 0, base-4, fmt.Sprintf("data set for template %d before its template (observation domain %d)", id, p.key.domain))
		return
	}
	off := 0
	for r := 1; len(body)-off >= t.minLen && !p.stopped(); r++ {
		n := p.record(t, body[off:], s, r, base+off)
		if n < 0 {
			if !truncated {
				p.bad(s, r, base+off, fmt.Sprintf("record at offset %d overruns its set: a variable-length field of template %d is longer than the %d bytes left", base+off, id, len(body)-off))
			}
			return
		}
		off += n
	}
}

func zero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
