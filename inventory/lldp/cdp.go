package lldp

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// sniffCDP reports whether head looks like `show cdp neighbors detail`: a
// "Device ID:" line, and a platform or address line of the same entry.
func sniffCDP(head []byte) bool {
	id, other := false, false
	for line := range bytes.Lines(head) {
		l := cdpLine(string(line))
		switch {
		case strings.HasPrefix(l, "Device ID:"):
			id = true
		case id && (strings.HasPrefix(l, "Platform:") || strings.HasPrefix(l, "Entry address(es):") ||
			strings.HasPrefix(l, "Interface address(es):")):
			other = true
		}
	}
	return id && other
}

// cdpLine is a line without its surrounding space and the "--More--"
// prompt that a pasted terminal session may hold.
func cdpLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.TrimSpace(strings.TrimPrefix(s, "--More--"))
}

// cdpState is what the lines being read belong to.
type cdpState uint8

const (
	cdpFields    cdpState = iota
	cdpAddresses          // after "Entry address(es):" or "Management address(es):"
	cdpVersion            // after "Version :", up to a blank line
)

// readCDP reads `show cdp neighbors detail` or `show cdp entry *`.
func readCDP(ctx context.Context, name string, data []byte) ([]neighbour, []inventory.Unknown, error) {
	var ns []neighbour
	var unknowns []inventory.Unknown
	var n *neighbour
	var ver []string
	state := cdpFields
	done := func() {
		if n != nil && len(ver) > 0 {
			n.descr = strings.Join(ver, "\n")
		}
		ver = nil
	}
	i := 0
	for raw := range bytes.Lines(data) {
		i++
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		l := cdpLine(string(raw))
		if state == cdpVersion {
			if l != "" && !strings.HasPrefix(strings.ToLower(l), "advertisement version") {
				ver = append(ver, l)
				continue
			}
			done()
			state = cdpFields
		}
		if state == cdpAddresses {
			if _, addr, ok := cutAddress(l); ok {
				if n != nil && addr != "" {
					n.mgmt = append(n.mgmt, addr)
				}
				continue
			}
			state = cdpFields
		}
		key, value, _ := strings.Cut(l, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case strings.HasPrefix(l, "----"):
			done()
		case key == "Device ID":
			done()
			ns = append(ns, neighbour{line: i, via: "CDP", name: value, ref: "Device ID: " + clip(value)})
			n = &ns[len(ns)-1]
		case strings.HasPrefix(l, "Total cdp entries displayed") || strings.HasPrefix(l, "Total entries displayed"):
			if want, err := strconv.Atoi(value); err == nil && want != len(ns) {
				unknowns = append(unknowns, unknownAt(name, i,
					fmt.Sprintf("the output says %d entries and holds %d: a part of it is missing", want, len(ns))))
			}
		case n == nil:
		case key == "System Name":
			if sn, ok := strings.CutPrefix(n.name, value+"("); ok && strings.HasSuffix(sn, ")") {
				n.serial = strings.TrimSuffix(sn, ")") // NX-OS: "<name>(<serial>)"
			}
			n.name = value
		case key == "Entry address(es)" || key == "Interface address(es)" ||
			key == "Management address(es)" || key == "Mgmt address(es)":
			state = cdpAddresses
		case key == "Platform":
			p, _, _ := strings.Cut(value, "Capabilities:")
			n.platform = strings.TrimRight(strings.TrimSpace(p), ",")
		case key == "Interface":
			local, _, _ := strings.Cut(value, ",")
			n.iface = strings.TrimSpace(local)
		case key == "Version":
			state = cdpVersion
			if value != "" {
				ver = append(ver, value)
			}
		}
	}
	done()
	return ns, unknowns, nil
}

// cutAddress reads an address line of an address list: "IP address:
// 192.0.2.1", "IPv6 address: 2001:db8::1  (global unicast)", NX-OS's
// "IPv4 Address: 192.0.2.1"; other protocols' addresses (CLNS, DECnet)
// are not IP addresses and are passed over.
func cutAddress(l string) (kind, addr string, ok bool) {
	kind, addr, ok = strings.Cut(l, ":")
	if !ok || !strings.HasSuffix(strings.ToLower(kind), " address") {
		return "", "", false
	}
	switch strings.ToLower(strings.TrimSuffix(strings.ToLower(kind), " address")) {
	case "ip", "ipv4", "ipv6":
		f := strings.Fields(addr)
		if len(f) == 0 {
			return kind, "", true
		}
		return kind, f[0], true
	}
	return kind, "", true
}
