package systems

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// parseRange reads an address range: a CIDR prefix, IPv4 or IPv6, or a
// single address (a /32 or /128). A prefix with host bits set is an error
// rather than silently widened, since "10.1.2.3/16" more often means a
// typo than the whole /16.
func parseRange(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Prefix{}, errors.New("empty")
	}
	if strings.Contains(s, "%") {
		return netip.Prefix{}, errors.New("an IPv6 zone has no place in a range")
	}
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, errors.New("not a CIDR prefix such as 10.1.0.0/16 or 2001:db8::/32")
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, errors.New("not an address or a CIDR prefix such as 10.1.0.0/16 or 2001:db8::/32")
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, errors.New("an IPv4-mapped IPv6 range; write it as IPv4")
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("host bits are set; did you mean %s?", m)
	}
	return p, nil
}
