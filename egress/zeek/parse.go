package zeek

import (
	"strconv"

	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// The parsers below are hand-written loops over bytes because conn.log is
// the hot path: strconv and netip want strings, and making one copies.

// parsePort reads a port (or an ICMP type or code), 0 to 65535.
func parsePort(b []byte) (uint16, bool) {
	if len(b) > 5 {
		return 0, false
	}
	n, ok := textlog.ParseUint(b)
	if !ok || n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// parseSeconds reads a non-negative decimal number of seconds, as Zeek
// writes times and intervals ("1591367999.305988", "0.066852"), to the
// nanosecond; digits past the ninth decimal are dropped. JSON writers may
// use an exponent, which takes the slow path.
func parseSeconds(b []byte) (sec int64, nsec int64, ok bool) {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == 0 || i > 12 {
		return slowSeconds(b)
	}
	for _, c := range b[:i] {
		sec = sec*10 + int64(c-'0')
	}
	if i == len(b) {
		return sec, 0, true
	}
	if b[i] != '.' {
		return slowSeconds(b)
	}
	// The fraction's first nine digits as an integer, scaled once: a
	// division per digit cost more than the rest of the parse.
	frac := b[i+1:]
	n := 0
	for _, c := range frac {
		if c < '0' || c > '9' {
			return slowSeconds(b)
		}
		if n < 9 {
			nsec = nsec*10 + int64(c-'0')
			n++
		}
	}
	return sec, nsec * pow10[9-n], true
}

var pow10 = [10]int64{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000}

func slowSeconds(b []byte) (int64, int64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || !(f >= 0 && f <= 1e12) { // NaN fails both
		return 0, 0, false
	}
	sec := int64(f)
	return sec, int64((f - float64(sec)) * 1e9), true
}
