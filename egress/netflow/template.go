package netflow

import (
	"encoding/binary"
	"fmt"
)

// template is a v9 or IPFIX template reduced to what decoding needs: the
// fields in order, each either mapped to a part of the Flow or skipped.
// Runs of skipped fixed-length fields are merged, so enterprise-heavy
// templates stay small.
type template struct {
	fields  []field
	minLen  int  // shortest record: fixed lengths plus 1 per variable-length field
	options bool // an options template: its records describe the exporter, not flows
}

type field struct {
	kind   kind
	varlen bool   // IPFIX variable length (RFC 7011 §7): length prefixed in the record
	n      uint16 // length when fixed
}

// varLength is the field length that marks an IPFIX variable-length field.
const varLength = 0xffff

// templateSet decodes the template records of a (options) template set
// whose body starts at byte base of the datagram, and keeps them. Zero
// bytes after the last record are padding.
func (p *packet) templateSet(s int, base int, body []byte, options, truncated bool) {
	ipfix := p.key.version == 10
	end := len(body)
	for end > 0 && body[end-1] == 0 {
		end--
	}
	off := 0
	for off < end && !p.stopped() {
		at := base + off
		if len(body)-off < 4 {
			break
		}
		id := binary.BigEndian.Uint16(body[off:])
		count := int(binary.BigEndian.Uint16(body[off+2:]))
		off += 4
		if ipfix && count == 0 {
			p.withdraw(id, options) // RFC 7011 §8.1
			continue
		}
		scope := 0
		if options { // v9: scope and option lengths in bytes; IPFIX: field and scope counts
			if len(body)-off < 2 {
				break
			}
			scope = int(binary.BigEndian.Uint16(body[off:]))
			off += 2
			if !ipfix {
				count, scope = (count+scope)/4, count/4
			}
		}
		t := &template{options: options}
		n := p.templateFields(t, body[off:], count, scope, ipfix)
		if n < 0 {
			if !truncated {
				p.bad(s, 0, at, fmt.Sprintf("template %d at offset %d declares %d fields; its set ends first", id, at, count))
			}
			return // the rest of the set cannot be found
		}
		off += n
		switch {
		case id < firstDataSet:
			p.bad(s, 0, at, fmt.Sprintf("template id %d at offset %d is reserved (below 256)", id, at))
		case count > MaxTemplateFields:
			p.bad(s, 0, at, fmt.Sprintf("template %d declares %d fields, more than the limit of %d", id, count, MaxTemplateFields))
		case t.minLen == 0:
			p.bad(s, 0, at, fmt.Sprintf("template %d describes empty records", id))
		default:
			p.keep(s, at, id, t)
		}
	}
	if off < end && !truncated && !p.stopped() {
		p.bad(s, 0, base+off, fmt.Sprintf("%d stray bytes at the end of the template set at offset %d", len(body)-off, base+off))
	}
}

// templateFields reads count field specifiers from b into t, the first
// scope of them options scope fields, and returns the bytes read, or -1
// (after reporting) when b ends early.
func (p *packet) templateFields(t *template, b []byte, count, scope int, ipfix bool) int {
	off := 0
	for i := range count {
		if len(b)-off < 4 {
			return -1 // sets reports the truncation when the set ran past the datagram
		}
		typ := binary.BigEndian.Uint16(b[off:])
		n := binary.BigEndian.Uint16(b[off+2:])
		off += 4
		var pen uint32
		if ipfix && typ&0x8000 != 0 {
			if len(b)-off < 4 {
				return -1
			}
			pen = binary.BigEndian.Uint32(b[off:])
			typ &^= 0x8000
			off += 4
		}
		if count > MaxTemplateFields {
			continue // refused by the caller; read on to find the next template
		}
		k := kindOf(pen, typ, t.options && i >= scope, ipfix)
		if k != skip && !k.fits(n) {
			k = skip // a known field with a length we cannot read: keep the record, lose the field
		}
		t.add(field{kind: k, varlen: ipfix && n == varLength, n: n})
	}
	return off
}

func (t *template) add(f field) {
	if f.varlen {
		t.minLen++
	} else {
		t.minLen += int(f.n)
	}
	if last := len(t.fields) - 1; f.kind == skip && !f.varlen && last >= 0 {
		if l := &t.fields[last]; l.kind == skip && !l.varlen && int(l.n)+int(f.n) < varLength {
			l.n += f.n
			return
		}
	}
	t.fields = append(t.fields, f)
}

// keep stores t unless the exporter is at its template limit.
func (p *packet) keep(s, at int, id uint16, t *template) {
	k := templateKey{p.key, id}
	if _, ok := p.d.templates[k]; !ok && len(p.d.templates) >= p.d.limits.MaxTemplates {
		p.bad(s, 0, at, fmt.Sprintf("template %d refused: the exporter already has the limit of %d templates", id, p.d.limits.MaxTemplates))
		return
	}
	p.d.templates[k] = t
}

// withdraw forgets template id of the packet's domain; the ID of the
// set itself withdraws all (options) templates of the domain.
func (p *packet) withdraw(id uint16, options bool) {
	if id != ipfixTemplateSet && id != ipfixOptionsTemplateSet {
		delete(p.d.templates, templateKey{p.key, id})
		return
	}
	for k, t := range p.d.templates {
		if k.domainKey == p.key && t.options == options {
			delete(p.d.templates, k)
		}
	}
}
