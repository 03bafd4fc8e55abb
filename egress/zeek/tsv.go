package zeek

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"

	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// header is what the # lines of a TSV log say; it holds until the next
// #separator line starts a new header, as when logs are concatenated.
type header struct {
	sep    []byte // field separator
	setSep byte
	unset  []byte
	empty  []byte
	path   string
	fields []string // #fields, in order
	seen   bool     // a #fields line has been read

	// Worked out from the above once, at the first data line.
	ready   bool
	kind    logKind
	cols    [nSlots]int // column of each slot, -1 when absent
	use     []slot      // the slots the kind reads that have a column
	missing string      // why lines of this header cannot be used, if so
	fast    []int8      // the slot of each column up to the last one read, -1 for none; empty when the fast path cannot read this header
	std     bool        // the columns are Zeek's own conn.log columns (zeekConn), in its order
}

func defaultHeader() header {
	return header{sep: []byte{'\t'}, setSep: ',', unset: []byte("-"), empty: []byte("(empty)")}
}

// directive applies one # line; it returns a reason when the line is bad.
func (h *header) directive(line []byte) string {
	if rest, ok := bytes.CutPrefix(line, []byte("#separator")); ok {
		sep := unescapeTSV(nil, bytes.TrimLeft(rest, " "))
		if len(sep) == 0 {
			return "#separator names no separator"
		}
		*h = defaultHeader()
		h.sep = sep
		return ""
	}
	name, val, _ := bytes.Cut(line[1:], h.sep)
	switch string(name) {
	case "set_separator":
		v := unescapeTSV(nil, val)
		if len(v) != 1 {
			return fmt.Sprintf("#set_separator %s: only one-byte set separators are read", textlog.Quote(val))
		}
		h.setSep = v[0]
	case "unset_field":
		h.unset = append([]byte(nil), val...)
	case "empty_field":
		h.empty = append([]byte(nil), val...)
	case "path":
		h.path = string(val)
	case "fields":
		h.fields = strings.Split(string(val), string(h.sep))
		h.seen = true
	default:
		return "" // #types, #open, #close and comments say nothing we need
	}
	h.ready = false
	return ""
}

// prepare maps slots to columns and checks the log's needs: once per
// header, not per line.
func (h *header) prepare() {
	h.ready = true
	h.fast = h.fast[:0]
	var m jsonMarks
	for s := range h.cols {
		h.cols[s] = -1
	}
	for i, f := range h.fields {
		m.see([]byte(f))
		if s, ok := slotOf([]byte(f)); ok {
			h.cols[s] = i
		}
	}
	if h.path != "" {
		h.kind = logPaths[h.path]
	} else {
		h.kind = m.kind()
	}
	h.missing = ""
	h.use = h.use[:0]
	if h.kind == logOther {
		return
	}
	for _, s := range reads[h.kind] {
		if h.cols[s] >= 0 {
			h.use = append(h.use, s)
		}
	}
	var lack []string
	for _, s := range needs[h.kind] {
		if h.cols[s] < 0 {
			lack = append(lack, slotNames[s])
		}
	}
	if lack != nil {
		h.missing = fmt.Sprintf("the #fields header of this %s log has no %s column",
			kindNames[h.kind], strings.Join(lack, ", "))
	}
	h.prepareFast()
}

var kindNames = [...]string{logOther: "other", logConn: "conn", logDNS: "dns", logSSL: "ssl", logQUIC: "quic", logHTTP: "http"}

// split finds where each field of a data line ends, into ends, without
// allocating once ends has grown to the header's width. Keeping offsets
// rather than slices halves the cost of the split, the largest part of a
// conn.log line's (BenchmarkConnTSV).
func (h *header) split(line []byte, ends []int32) []int32 {
	ends = ends[:0]
	if len(h.sep) == 1 {
		return splitByte(line, h.sep[0], ends)
	}
	for off := 0; ; {
		i := bytes.Index(line[off:], h.sep)
		if i < 0 {
			return append(ends, int32(len(line)))
		}
		ends = append(ends, int32(off+i))
		off += i + len(h.sep)
	}
}

// field returns field k of line, given the ends split found.
func (h *header) field(line []byte, ends []int32, k int) []byte {
	start := 0
	if k > 0 {
		start = int(ends[k-1]) + len(h.sep)
	}
	return line[start:ends[k]]
}

// fill sets r's slots from a line's fields: only those the log's kind
// reads, the others being left unset since prepare.
func (h *header) fill(r *record, line []byte, ends []int32) {
	r.setSep = h.setSep
	for _, s := range h.use {
		b := h.field(line, ends, h.cols[s])
		switch {
		case len(b) == len(h.unset) && string(b) == string(h.unset):
			r.v[s] = value{}
		case len(b) == len(h.empty) && string(b) == string(h.empty):
			r.v[s] = value{k: kEmpty}
		default:
			r.v[s] = value{b: b, k: kTSV}
		}
	}
}

// splitByte finds every sep in line, eight bytes at a time: Zeek's
// fields are short, and calling bytes.IndexByte once a field cost twice
// as much.
func splitByte(line []byte, sep byte, ends []int32) []int32 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	rep := 0x0101010101010101 * uint64(sep)
	i := 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:]) ^ rep
		// The high bit of each byte of m is set exactly where w's byte is
		// zero, that is where line has sep.
		m := ^((w&low7 + low7) | w | low7)
		for m != 0 {
			ends = append(ends, int32(i+bits.TrailingZeros64(m)/8))
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == sep {
			ends = append(ends, int32(i))
		}
	}
	return append(ends, int32(len(line)))
}
