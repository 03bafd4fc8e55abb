package dhcp

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// sniffDnsmasq reports whether line is the first line of a dnsmasq lease
// file: a lease (an expiry time, a hardware address, an IP address, a
// host name or '*', a client id or '*'), or the "duid" line of a file
// with only DHCPv6 leases.
func sniffDnsmasq(line string) bool {
	f := strings.Fields(line)
	if len(f) == 2 && f[0] == "duid" {
		return hexBytes(f[1]) != nil
	}
	if len(f) != 5 {
		return false
	}
	if _, err := strconv.ParseUint(f[0], 10, 64); err != nil {
		return false
	}
	_, err := netip.ParseAddr(f[2])
	return err == nil
}

// readDnsmasq reads a dnsmasq lease file into j. The file is rewritten
// whole on every change, so each line is a lease held now.
func readDnsmasq(ctx context.Context, j *journal, data []byte) error {
	n := 0
	for len(data) > 0 {
		n++
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		raw, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		f := strings.Fields(string(raw))
		switch {
		case len(f) == 0:
			continue
		case f[0] == "duid" && len(f) == 2: // the server's own DUID
			continue
		case len(f) != 5:
			j.unknown(n, fmt.Sprintf("%d fields where a lease line has 5", len(f)))
			continue
		}
		if !dnsmasqLine(j, f, n) {
			return nil
		}
	}
	return nil
}

// dnsmasqLine reads one lease line; false when reading must stop.
func dnsmasqLine(j *journal, f []string, n int) bool {
	ref := "lease " + short(clean(f[2]))
	addr, err := netip.ParseAddr(f[2])
	if err != nil {
		j.unknown(n, fmt.Sprintf("%s is not an IP address", clip(f[2])))
		return true
	}
	if _, err := strconv.ParseUint(f[0], 10, 64); err != nil {
		j.unknown(n, fmt.Sprintf("%s: expiry time %s is not a number", ref, clip(f[0])))
		return true
	}
	l := lease{key: "lease " + addr.String(), ref: ref, line: n, addr: addr.String(), held: true}
	if f[3] != "*" {
		l.hostname = clean(f[3])
	}
	if addr.Is4() {
		// The hardware address: "XX-" and the octets, where XX is the ARP
		// hardware type, left out for Ethernet (type 1) unless the address
		// is empty.
		hw := f[1]
		if typ, rest, ok := strings.Cut(hw, "-"); ok {
			if typ != "01" && typ != "1" {
				return j.add(l)
			}
			hw = rest
		}
		if hw != "" {
			mac, err := normalMAC(hw)
			if err != nil {
				j.unknown(n, ref+": "+err.Error())
			}
			l.mac = mac
		}
	} else if f[4] != "*" {
		// A DHCPv6 lease: the second field is the IAID, the fifth the
		// client's DUID.
		l.mac = duidMAC(hexBytes(f[4]))
	}
	return j.add(l)
}
