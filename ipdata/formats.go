package ipdata

// The upstream text formats Build reads, one parser per line.

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// rirState remembers a delegated file's version line.
type rirState struct {
	seenVersion      bool
	registry, serial string
}

// parse reads one line of RIR delegated(-extended) statistics:
// registry|cc|type|start|value|date|status[|opaque-id[|extensions]].
// For ipv4 value is a count of addresses, for ipv6 a prefix length.
// Only allocated and assigned blocks say a country; available and
// reserved ones, ASN records and summaries carry no address data.
func (st *rirState) parse(s string) (r row, v6, ok bool, err error) {
	if s == "" || s[0] == '#' {
		return r, false, false, nil
	}
	f := strings.Split(s, "|")
	if !st.seenVersion {
		st.seenVersion = true
		if _, err := strconv.ParseFloat(f[0], 64); err == nil && len(f) >= 3 {
			st.registry, st.serial = f[1], f[2]
			return r, false, false, nil
		}
	}
	if len(f) >= 6 && f[len(f)-1] == "summary" {
		return r, false, false, nil
	}
	if len(f) < 7 {
		return r, false, false, fmt.Errorf("%d fields, want at least 7", len(f))
	}
	switch f[6] {
	case "allocated", "assigned":
	case "available", "reserved":
		return r, false, false, nil
	default:
		return r, false, false, fmt.Errorf("unknown status %q", f[6])
	}
	cc := strings.ToUpper(f[1])
	if f[2] == "asn" || cc == "" || cc == "ZZ" {
		return r, false, false, nil
	}
	if !validCountry(cc) {
		return r, false, false, fmt.Errorf("country %q is not two letters", f[1])
	}
	r.country = cc
	a, err := netip.ParseAddr(f[3])
	if err != nil {
		return r, false, false, fmt.Errorf("start: %v", err)
	}
	switch {
	case f[2] == "ipv4" && a.Is4():
		n, err := strconv.ParseUint(f[4], 10, 64)
		if err != nil || n == 0 || n > 1<<32 {
			return r, false, false, fmt.Errorf("ipv4 count %q not in 1..2^32", f[4])
		}
		r.start = fromAddr(a)
		r.end, _ = r.start.add(u128{0, n - 1})
		if maxV4.less(r.end) {
			return r, false, false, fmt.Errorf("ipv4 block %s+%d passes 255.255.255.255", f[3], n)
		}
		return r, false, true, nil
	case f[2] == "ipv6" && a.Is6() && !a.Is4In6():
		n, err := strconv.Atoi(f[4])
		if err != nil || n < 0 || n > 128 {
			return r, false, false, fmt.Errorf("ipv6 prefix length %q not in 0..128", f[4])
		}
		if p := netip.PrefixFrom(a, n); p.Masked().Addr() != a {
			return r, false, false, fmt.Errorf("ipv6 block %s/%d has host bits set", f[3], n)
		}
		r.start = fromAddr(a)
		r.end = u128{r.start.hi | lowMask(128-n).hi, r.start.lo | lowMask(128-n).lo}
		return r, true, true, nil
	}
	return r, false, false, fmt.Errorf("type %q with start %q", f[2], f[3])
}

// parseIP2ASN reads one line of iptoasn's ip2asn TSV: range_start,
// range_end, AS_number, country_code, AS_description (tab separated;
// addresses as text, or as numbers in ip2asn-v4-u32). AS 0 ("Not
// routed") says nothing; the country is the AS holder's.
func parseIP2ASN(s string) (r row, v6, ok bool, err error) {
	if s == "" || s[0] == '#' {
		return r, false, false, nil
	}
	f := strings.SplitN(s, "\t", 5)
	if len(f) < 5 {
		return r, false, false, fmt.Errorf("%d tab-separated fields, want 5", len(f))
	}
	if r.start, r.end, v6, err = parseRange(f[0], f[1]); err != nil {
		return r, false, false, err
	}
	asn, err := strconv.ParseUint(f[2], 10, 32)
	if err != nil {
		return r, false, false, fmt.Errorf("AS number %q: not a 32-bit number", f[2])
	}
	if asn == 0 {
		return r, false, false, nil
	}
	r.asn = uint32(asn)
	if r.org, err = orgName(f[4]); err != nil {
		return r, false, false, err
	}
	if cc := strings.ToUpper(f[3]); cc != "NONE" && cc != "" && cc != "ZZ" {
		if !validCountry(cc) {
			return r, false, false, fmt.Errorf("country %q is not two letters", f[3])
		}
		r.country = cc
	}
	return r, v6, true, nil
}

// parseIPLDB reads one line of an ip-location-db CSV: start,end,country
// or start,end,asn,organisation; addresses as text or numbers (the
// -num files). A header on line 1 is allowed.
func parseIPLDB(s string, line int, asn bool) (r row, v6, ok bool, err error) {
	if s == "" || s[0] == '#' {
		return r, false, false, nil
	}
	f, err := splitCSV(s)
	if err != nil {
		return r, false, false, err
	}
	if line == 1 && len(f) > 0 && strings.Contains(f[0], "start") {
		return r, false, false, nil
	}
	want := 3
	if asn {
		want = 4
	}
	if len(f) != want {
		return r, false, false, fmt.Errorf("%d fields, want %d", len(f), want)
	}
	if r.start, r.end, v6, err = parseRange(f[0], f[1]); err != nil {
		return r, false, false, err
	}
	if !asn {
		cc := strings.ToUpper(f[2])
		if !validCountry(cc) {
			return r, false, false, fmt.Errorf("country %q is not two letters", f[2])
		}
		r.country = cc
		return r, v6, true, nil
	}
	n, err := strconv.ParseUint(f[2], 10, 32)
	if err != nil {
		return r, false, false, fmt.Errorf("AS number %q: not a 32-bit number", f[2])
	}
	if n == 0 {
		return r, false, false, nil
	}
	r.asn = uint32(n)
	r.org, err = orgName(f[3])
	return r, v6, err == nil, err
}

// orgName checks an organisation name as published.
func orgName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxOrgLen {
		return "", fmt.Errorf("organisation name longer than %d bytes", MaxOrgLen)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("organisation name %q is not UTF-8", s)
	}
	return s, nil
}

// parseRange reads an inclusive range given as two addresses of one
// family, or as two decimal numbers (IPv6 when the end is past 2^32-1).
func parseRange(a, b string) (start, end u128, v6 bool, err error) {
	if x, err1 := netip.ParseAddr(a); err1 == nil {
		y, err := netip.ParseAddr(b)
		if err != nil {
			return start, end, false, fmt.Errorf("range end: %v", err)
		}
		x, y = x.Unmap(), y.Unmap()
		if x.Is4() != y.Is4() || x.Zone() != "" || y.Zone() != "" {
			return start, end, false, fmt.Errorf("range %s-%s mixes families or has a zone", a, b)
		}
		start, end, v6 = fromAddr(x), fromAddr(y), x.Is6()
	} else {
		var ok1, ok2 bool
		start, ok1 = parseDecimal128(a)
		end, ok2 = parseDecimal128(b)
		if !ok1 || !ok2 {
			return start, end, false, fmt.Errorf("range %q-%q: neither addresses nor numbers", a, b)
		}
		v6 = maxV4.less(end)
	}
	if end.less(start) {
		return start, end, false, fmt.Errorf("range %s-%s ends before it starts", a, b)
	}
	return start, end, v6, nil
}

// parseDecimal128 reads a decimal number of at most 128 bits.
func parseDecimal128(s string) (u128, bool) {
	var x u128
	if s == "" || len(s) > 39 {
		return x, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return x, false
		}
		h1, h := bits.Mul64(x.hi, 10)
		l1, l := bits.Mul64(x.lo, 10)
		hi, carry := bits.Add64(h, l1, 0)
		if h1 != 0 || carry != 0 {
			return x, false
		}
		x = u128{hi, l}
		var over bool
		if x, over = x.add(u128{0, uint64(c - '0')}); over {
			return x, false
		}
	}
	return x, true
}

// splitCSV splits one CSV line (RFC 4180 quoting within the line).
func splitCSV(s string) ([]string, error) {
	var out []string
	for {
		if strings.HasPrefix(s, `"`) {
			var sb strings.Builder
			i := 1
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return nil, errors.New("unterminated quoted field")
				}
				sb.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					sb.WriteByte('"')
					i++
					continue
				}
				break
			}
			out = append(out, sb.String())
			s = s[i:]
			if s == "" {
				return out, nil
			}
			if s[0] != ',' {
				return nil, errors.New("text after a closing quote")
			}
			s = s[1:]
			continue
		}
		i := strings.IndexByte(s, ',')
		if i < 0 {
			return append(out, s), nil
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
}
