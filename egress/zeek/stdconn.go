package zeek

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// stdConn is fastConn for a conn.log in Zeek's own column order
// (zeekConn): the same work as fastConn's column loop, written out
// field by field, as a loop that asks of every column what it holds cost
// as much as the parsing itself.
func (d *decoder) stdConn(line []byte, where egress.Location) bool {
	h := &d.hdr
	sep := h.sep[0]
	n := len(line)
	// next steps over the separator that must end the field at i.
	next := func(i int) (int, bool) { return i + 1, i < n && line[i] == sep }
	sec, nsec, i, ok := fastSeconds(line, 0) // ts
	if !ok {
		return false
	}
	if i, ok = next(i); !ok {
		return false
	}
	if i, ok = next(nextSep(line, i, sep)); !ok { // uid
		return false
	}
	var src, dst netip.Addr
	if src, i, ok = fastAddr(line, i, sep); !ok {
		return false
	}
	if i, ok = next(i); !ok {
		return false
	}
	sport, i, ok := fastPort(line, i)
	if !ok {
		return false
	}
	if i, ok = next(i); !ok {
		return false
	}
	if dst, i, ok = fastAddr(line, i, sep); !ok {
		return false
	}
	if i, ok = next(i); !ok {
		return false
	}
	dport, i, ok := fastPort(line, i)
	if !ok {
		return false
	}
	if i, ok = next(i); !ok {
		return false
	}
	proto, i, ok := fastProto(line, i, sep)
	if !ok {
		return false
	}
	if i, ok = next(i); !ok {
		return false
	}
	if i, ok = next(nextSep(line, i, sep)); !ok { // service
		return false
	}
	var dsec, dnsec int64
	timed := !isUnset(line, i, sep) // duration
	if timed {
		if dsec, dnsec, i, ok = fastSeconds(line, i); !ok {
			return false
		}
	} else {
		i++
	}
	if i, ok = next(i); !ok {
		return false
	}
	var cnt [6]uint64 // orig_bytes, resp_bytes, orig_pkts, orig_ip_bytes, resp_pkts, resp_ip_bytes
	var set [6]bool
	for k := range cnt {
		if k == 2 {
			// conn_state, local_orig, local_resp, missed_bytes, history
			if i, ok = skipFields(line, i, sep, 5); !ok {
				return false
			}
		}
		if cnt[k], set[k], i, ok = fastCount(line, i, sep); !ok {
			return false
		}
		if k < len(cnt)-1 {
			if i, ok = next(i); !ok {
				return false
			}
		}
	}
	// resp_ip_bytes ends the line, or the columns after it follow.
	if more := len(h.fields) - len(zeekConn); more == 0 && i != n || more > 0 && (i == n || line[i] != sep || countSep(line[i+1:], sep) != more-1) {
		return false
	}
	if proto == egress.ICMP && src.Is6() {
		proto = egress.ICMPv6 // Zeek says "icmp" for both
	}
	c := &d.fastConnBuf
	c.Src, c.Dst, c.DstPort, c.Proto = src, dst, dport, proto
	// As in conn: payload bytes, or IP bytes when neither is set.
	c.BytesOut, c.BytesIn = cnt[0], cnt[1]
	if !set[0] && !set[1] {
		c.BytesOut, c.BytesIn = cnt[3], cnt[5]
	}
	c.PktsOut, c.PktsIn = cnt[2], cnt[4]
	d.fastEmit(sec, nsec, time.Duration(dsec)*time.Second+time.Duration(dnsec), timed, sport, where)
	return true
}

// fastEmit hands on the connection the fast path read into
// d.fastConnBuf, with its start (sec, nsec), duration (when timed) and
// source port: as a Conn, which a collector takes as it is, when its
// times fit Unix nanoseconds (years 1678 to 2262), else as a Flow.
func (d *decoder) fastEmit(sec, nsec int64, dur time.Duration, timed bool, sport uint16, where egress.Location) {
	d.fastLines++
	c := &d.fastConnBuf
	if sec > -maxConnSec && sec < maxConnSec && (!timed || dur < maxConnSec*time.Second) {
		// time.Unix(sec, nsec).UnixNano(), and End's (nsec is below a
		// second).
		c.Start = sec*1e9 + nsec
		c.End = c.Start
		if timed {
			c.End += int64(dur)
		}
		c.SrcPort, c.Where = sport, where
		d.sink.Conn(c)
		return
	}
	// Every field is set, one by one: assigning a whole Flow copied it
	// through a buffer, a tenth of the time of a line.
	f := &d.flow
	f.Start = time.Unix(sec, nsec).UTC()
	f.End = f.Start
	if timed {
		f.End = f.Start.Add(dur)
	}
	f.Src, f.Dst, f.SrcPort, f.DstPort, f.Proto = c.Src, c.Dst, sport, c.DstPort, c.Proto
	f.BytesOut, f.BytesIn, f.PktsOut, f.PktsIn = c.BytesOut, c.BytesIn, c.PktsOut, c.PktsIn
	f.Rejected, f.Names, f.Where = false, nil, where
	d.sink.Flow(f)
}

// maxConnSec bounds the seconds of a Conn's times, and its duration, so
// that start and end stay within int64 nanoseconds.
const maxConnSec = 4_000_000_000

// fastPort reads a port as parsePort does.
func fastPort(line []byte, i int) (uint16, int, bool) {
	start := i
	v, i := fastDigits(line, i)
	return uint16(v), i, i > start && i-start <= 5 && v <= 65535
}

// fastCount reads a count as decoder.count does, or "-": its value,
// whether it is set, where it ends, and whether it could be read.
func fastCount(line []byte, i int, sep byte) (uint64, bool, int, bool) {
	if isUnset(line, i, sep) {
		return 0, false, i + 1, true
	}
	start := i
	v, i := fastDigits(line, i)
	return v, true, i, i > start && i-start <= 19
}

// skipFields steps over k fields from i, which starts one: it returns
// where the field after them starts, or false when the line ends first.
// It counts the separators of eight bytes at a time: the five fields
// conn.log has between its counts are short, and of varying length.
func skipFields(line []byte, i int, sep byte, k int) (int, bool) {
	const low7 = 0x7f7f7f7f7f7f7f7f
	rep := 0x0101010101010101 * uint64(sep)
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:]) ^ rep
		m := ^((w&low7 + low7) | w | low7) // 0x80 in each byte that is sep
		if c := bits.OnesCount64(m); c < k {
			k -= c
			continue
		}
		for ; k > 1; k-- {
			m &= m - 1
		}
		return i + bits.TrailingZeros64(m)/8 + 1, true
	}
	for ; i < len(line); i++ {
		if line[i] == sep {
			if k--; k == 0 {
				return i + 1, true
			}
		}
	}
	return i, false
}
