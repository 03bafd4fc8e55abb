package ipdata

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
)

// u128 is an address as a number: IPv4 in lo's low 32 bits, IPv6 as
// hi:lo. Building and splitting ranges needs arithmetic netip lacks.
type u128 struct{ hi, lo uint64 }

var maxU128 = u128{^uint64(0), ^uint64(0)}

// maxV4 is 255.255.255.255 as a u128.
var maxV4 = u128{0, 1<<32 - 1}

func fromAddr(a netip.Addr) u128 {
	if a.Is4() {
		b := a.As4()
		return u128{0, uint64(binary.BigEndian.Uint32(b[:]))}
	}
	b := a.As16()
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (x u128) addr(v6 bool) netip.Addr {
	if !v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(x.lo))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], x.hi)
	binary.BigEndian.PutUint64(b[8:], x.lo)
	return netip.AddrFrom16(b)
}

func (x u128) cmp(y u128) int {
	switch {
	case x.hi < y.hi:
		return -1
	case x.hi > y.hi:
		return 1
	case x.lo < y.lo:
		return -1
	case x.lo > y.lo:
		return 1
	}
	return 0
}

func (x u128) less(y u128) bool { return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo) }

// add returns x+y and whether it overflowed 128 bits.
func (x u128) add(y u128) (u128, bool) {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	hi, c := bits.Add64(x.hi, y.hi, c)
	return u128{hi, lo}, c != 0
}

// sub returns x-y; callers ensure y <= x.
func (x u128) sub(y u128) u128 {
	lo, b := bits.Sub64(x.lo, y.lo, 0)
	hi, _ := bits.Sub64(x.hi, y.hi, b)
	return u128{hi, lo}
}

// next returns x+1 and whether it overflowed.
func (x u128) next() (u128, bool) { return x.add(u128{0, 1}) }

func (x u128) prev() u128 { return x.sub(u128{0, 1}) }

func (x u128) trailingZeros() int {
	if x.lo != 0 {
		return bits.TrailingZeros64(x.lo)
	}
	if x.hi != 0 {
		return 64 + bits.TrailingZeros64(x.hi)
	}
	return 128
}

// bitLen is the number of bits needed to write x.
func (x u128) bitLen() int {
	if x.hi != 0 {
		return 64 + bits.Len64(x.hi)
	}
	return bits.Len64(x.lo)
}

// lowMask returns a value with the low n bits set (n <= 128).
func lowMask(n int) u128 {
	switch {
	case n >= 128:
		return maxU128
	case n >= 64:
		return u128{1<<(n-64) - 1, ^uint64(0)}
	}
	return u128{0, 1<<n - 1}
}

// rangePrefixes calls yield with the fewest prefixes that cover exactly
// [start, end] of one family (width 32 or 128), in address order.
func rangePrefixes(start, end u128, v6 bool, yield func(netip.Prefix) bool) bool {
	width := 32
	if v6 {
		width = 128
	}
	for !end.less(start) {
		// The largest block aligned at start that does not pass end.
		k := min(start.trailingZeros(), width)
		if span := end.sub(start); span != maxU128 {
			n, _ := span.next()
			k = min(k, n.bitLen()-1)
		}
		p := netip.PrefixFrom(start.addr(v6), width-k)
		if !yield(p) {
			return false
		}
		last, _ := start.add(lowMask(k))
		if last == end {
			return true
		}
		start, _ = last.next()
	}
	return true
}
