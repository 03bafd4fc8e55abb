package zeek

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// The fast path reads a conn.log line in one pass: it walks the columns
// up to the last one a conn.log record needs, parsing each needed field
// where it stands (digits, dotted quads, seconds as integers) and only
// skipping the others, instead of splitting every field, filling the
// record and parsing from there. It takes only the lines it understands
// entirely: anything else (an unset field where a value is needed, an
// escape, a 20-digit count, too many or too few fields, ...) makes it give
// up before it has emitted anything, and the line is read again by the
// general path, which says what is wrong with it. So both paths come to
// the same Flows and the same bad lines (TestFastPathAgrees).

// fastPath lets tests read with the general path alone, to compare.
var fastPath = true

// prepareFast sets up the fast path for this header, if it can serve it:
// a conn.log whose separator is one byte that no value it parses can
// contain, and whose unset and empty fields are Zeek's "-" and "(empty)"
// (which none of its parsers accepts, so that a value it parses is one
// the general path would have seen as a value too).
func (h *header) prepareFast() {
	h.fast = h.fast[:0]
	if !fastPath || h.kind != logConn || h.missing != "" || len(h.sep) != 1 || string(h.unset) != "-" || string(h.empty) != "(empty)" {
		return
	}
	switch c := h.sep[0]; {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '.', c == ':', c == '-', c == '_', c == '\\', c == '%':
		return
	}
	last := -1
	for _, s := range h.use {
		last = max(last, h.cols[s])
	}
	h.std = len(h.fields) >= len(zeekConn) && h.cols[sIPProto] < 0
	for i := 0; h.std && i < len(zeekConn); i++ {
		h.std = h.fields[i] == zeekConn[i]
	}
	h.fast = make([]int8, last+1)
	for i := range h.fast {
		h.fast[i] = -1
	}
	for _, s := range h.use {
		h.fast[h.cols[s]] = int8(s)
	}
}

// zeekConn are the first columns of conn.log as Zeek has written them
// since 2.x, in order; later versions and plugins add columns after them.
var zeekConn = [...]string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
	"orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes", "history", "orig_pkts",
	"orig_ip_bytes", "resp_pkts", "resp_ip_bytes"}

// fastConn reads a conn.log line and emits its Flow, or reports that it
// cannot (and has emitted nothing).
func (d *decoder) fastConn(line []byte, where egress.Location) bool {
	h := &d.hdr
	if h.std {
		return d.stdConn(line, where)
	}
	sep := h.sep[0]
	n := len(line)
	var (
		sec, nsec, dsec, dnsec int64
		src, dst               netip.Addr
		sport, dport           uint16
		proto                  uint8
		cnt                    [nSlots]uint64
		set                    uint32 // the slots with a value
	)
	i := 0
	for col, s := range h.fast {
		var ok bool
		switch slot(s) {
		case sTS:
			sec, nsec, i, ok = fastSeconds(line, i)
		case sDuration:
			if isUnset(line, i, sep) {
				i++
				ok = true
				break
			}
			dsec, dnsec, i, ok = fastSeconds(line, i)
			set |= 1 << sDuration
		case sOrigH:
			src, i, ok = fastAddr(line, i, sep)
		case sRespH:
			dst, i, ok = fastAddr(line, i, sep)
		case sOrigP, sRespP:
			var v uint64
			start := i
			v, i = fastDigits(line, i)
			ok = i > start && i-start <= 5 && v <= 65535
			if slot(s) == sOrigP {
				sport = uint16(v)
			} else {
				dport = uint16(v)
			}
		case sProto:
			proto, i, ok = fastProto(line, i, sep)
		case sIPProto, sOrigBytes, sRespBytes, sOrigIPBytes, sRespIPBytes, sOrigPkts, sRespPkts:
			if isUnset(line, i, sep) {
				i++
				ok = true
				break
			}
			start := i
			cnt[s], i = fastDigits(line, i)
			ok = i > start && i-start <= 19
			set |= 1 << s
		default:
			i, ok = nextSep(line, i, sep), true
		}
		// The field must end at a separator, or at the end of the line if
		// it is the header's last column.
		switch {
		case !ok:
			return false
		case i < n && line[i] == sep && col < len(h.fields)-1:
			i++
		case i == n && col == len(h.fields)-1:
		default:
			return false
		}
	}
	if rest := len(h.fields) - len(h.fast); rest > 0 && countSep(line[i:], sep) != rest-1 {
		return false
	}
	if set&(1<<sIPProto) != 0 {
		if cnt[sIPProto] > 255 {
			return false
		}
		proto = uint8(cnt[sIPProto])
	} else if proto == egress.ICMP && src.Is6() {
		proto = egress.ICMPv6 // Zeek says "icmp" for both
	}
	c := &d.fastConnBuf
	c.Src, c.Dst, c.DstPort, c.Proto = src, dst, dport, proto
	// As in conn: payload bytes, or IP bytes when neither is set.
	c.BytesOut, c.BytesIn = cnt[sOrigBytes], cnt[sRespBytes]
	if set&(1<<sOrigBytes|1<<sRespBytes) == 0 {
		c.BytesOut, c.BytesIn = cnt[sOrigIPBytes], cnt[sRespIPBytes]
	}
	c.PktsOut, c.PktsIn = cnt[sOrigPkts], cnt[sRespPkts]
	timed := set&(1<<sDuration) != 0
	d.fastEmit(sec, nsec, time.Duration(dsec)*time.Second+time.Duration(dnsec), timed, sport, where)
	return true
}

// isUnset reports whether the field at i is "-".
func isUnset(line []byte, i int, sep byte) bool {
	return i < len(line) && line[i] == '-' && (i+1 == len(line) || line[i+1] == sep)
}

// fastDigits reads the decimal digits at i (at most 19 of them fit in a
// uint64; the caller refuses more) and returns where they end.
func fastDigits(line []byte, i int) (uint64, int) {
	var v uint64
	for ; i < len(line) && line[i]-'0' <= 9; i++ {
		v = v*10 + uint64(line[i]-'0')
	}
	return v, i
}

// fastSeconds reads seconds as parseSeconds does, without its slow path
// (an exponent, more than 12 digits before the point).
func fastSeconds(line []byte, i int) (sec, nsec int64, end int, ok bool) {
	start := i
	s, i := fastDigits(line, i)
	if i == start || i-start > 12 {
		return 0, 0, i, false
	}
	if i == len(line) || line[i] != '.' {
		return int64(s), 0, i, true
	}
	i++
	start = i
	f, i := fastDigits(line, i)
	if k := i - start; k <= 9 {
		return int64(s), int64(f) * pow10[9-k], i, true
	}
	// More than nine decimals: the first nine are the nanoseconds.
	nsec = 0
	for _, c := range line[start : start+9] {
		nsec = nsec*10 + int64(c-'0')
	}
	return int64(s), nsec, i, true
}

// fastAddr reads a dotted quad as textlog.ParseIPv4 does, and anything
// else with textlog.ParseAddr.
func fastAddr(line []byte, i int, sep byte) (netip.Addr, int, bool) {
	var ip [4]byte
	j := i
	for k := range ip {
		if k > 0 {
			if j >= len(line) || line[j] != '.' {
				return slowAddr(line, i, sep)
			}
			j++
		}
		if j >= len(line) || line[j]-'0' > 9 {
			return slowAddr(line, i, sep)
		}
		v := uint(line[j] - '0')
		j++
		if j < len(line) && line[j]-'0' <= 9 {
			if v == 0 {
				return slowAddr(line, i, sep)
			}
			v = v*10 + uint(line[j]-'0')
			j++
			if j < len(line) && line[j]-'0' <= 9 {
				v = v*10 + uint(line[j]-'0')
				j++
			}
		}
		if v > 255 {
			return slowAddr(line, i, sep)
		}
		ip[k] = byte(v)
	}
	if j < len(line) && line[j] != sep {
		return slowAddr(line, i, sep)
	}
	return netip.AddrFrom4(ip), j, true
}

func slowAddr(line []byte, i int, sep byte) (netip.Addr, int, bool) {
	end := nextSep(line, i, sep)
	a, ok := textlog.ParseAddr(line[i:end])
	return a, end, ok
}

// fastProto reads the transport as conn does.
func fastProto(line []byte, i int, sep byte) (uint8, int, bool) {
	end := nextSep(line, i, sep)
	switch string(line[i:end]) {
	case "tcp":
		return egress.TCP, end, true
	case "udp":
		return egress.UDP, end, true
	case "icmp":
		return egress.ICMP, end, true
	case "unknown_transport":
		return 0, end, true
	}
	return 0, end, false
}

// nextSep returns the index of the first sep at or after i, or len(line),
// looking at eight bytes at a time as splitByte does.
func nextSep(line []byte, i int, sep byte) int {
	const low7 = 0x7f7f7f7f7f7f7f7f
	rep := 0x0101010101010101 * uint64(sep)
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:]) ^ rep
		if m := ^((w&low7 + low7) | w | low7); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(line); i++ {
		if line[i] == sep {
			return i
		}
	}
	return len(line)
}

func countSep(b []byte, sep byte) int {
	n := 0
	for _, c := range b {
		if c == sep {
			n++
		}
	}
	return n
}
