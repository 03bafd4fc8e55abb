package neighbours

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// entry is one neighbour: its address, its link-layer address, the
// interface it was seen on and the name arp printed for it.
type entry struct {
	ip, mac, dev, name string
}

// kind is what a line is.
type kind int

const (
	blank  kind = iota
	header      // a column header or Windows' interface line
	device      // an entry with a link-layer address
	skip        // an entry that is not a device: incomplete, failed, multicast
	other       // not a line of a neighbour table
)

// Formats, as Inventory.Format names them.
const (
	ipNeigh = "ip neigh"
	arpA    = "arp -a"
	arpN    = "arp -n"
	winArp  = "Windows arp -a"
	procArp = "/proc/net/arp"
)

// line reads one line of a table; afterInterface is set on the line after
// Windows' "Interface:" line, its column header in the system's language.
// It returns the entry, the format it is in and, for other lines, why.
func line(text string, afterInterface bool) (e entry, k kind, format, why string) {
	f := strings.Fields(text)
	switch {
	case len(f) == 0:
		return e, blank, "", ""
	case f[0] == "Interface:" && len(f) >= 2:
		return e, header, winArp, ""
	case afterInterface:
		return e, header, winArp, ""
	case len(f) >= 4 && f[0] == "IP" && f[1] == "address" && strings.Contains(text, "HW type"):
		return e, header, procArp, ""
	case len(f) >= 3 && f[0] == "Address" && strings.Contains(text, "HWtype"):
		return e, header, arpN, ""
	case len(f) >= 4 && strings.HasPrefix(f[1], "(") && strings.HasSuffix(f[1], ")") && f[2] == "at":
		e, k, why = arpLine(f)
		return e, k, arpA, why
	}
	ip, err := netip.ParseAddr(f[0])
	if err != nil {
		return e, other, "", "not a line of a neighbour table"
	}
	e.ip = ip.String()
	switch {
	case len(f) >= 2 && (f[1] == "dev" || f[1] == "lladdr" || isState(f[1])):
		k, why = ipLine(f, &e)
		return e, k, ipNeigh, why
	case len(f) == 6 && strings.HasPrefix(f[1], "0x") && strings.HasPrefix(f[2], "0x"):
		flags, err := strconv.ParseUint(f[2][2:], 16, 32)
		if err != nil {
			return e, other, procArp, fmt.Sprintf("flags %q are not hexadecimal", f[2])
		}
		if flags&atfCom == 0 {
			return e, skip, procArp, ""
		}
		e.dev = f[5]
		k, why = e.setMAC(f[3])
		return e, k, procArp, why
	case len(f) >= 2 && f[1] == "(incomplete)":
		return e, skip, arpN, ""
	case len(f) == 3 && strings.Count(f[1], "-") == 5:
		k, why = e.setMAC(f[1])
		return e, k, winArp, why
	case len(f) >= 4:
		e.dev = f[len(f)-1]
		k, why = e.setMAC(f[2])
		return e, k, arpN, why
	}
	return e, other, "", "not a line of a neighbour table"
}

// atfCom is the flag of a complete entry (ATF_COM in linux/if_arp.h).
const atfCom = 0x2

// ipLine reads `ip neigh` tokens after the address.
func ipLine(f []string, e *entry) (kind, string) {
	mac := ""
	for i := 1; i < len(f); i++ {
		switch f[i] {
		case "dev", "lladdr", "ref", "used", "probes", "protocol", "vrf", "nud":
			if i+1 >= len(f) {
				return other, fmt.Sprintf("%q without a value", f[i])
			}
			switch f[i] {
			case "dev":
				e.dev = f[i+1]
			case "lladdr":
				mac = f[i+1]
			}
			i++
		}
	}
	if mac == "" {
		return skip, ""
	}
	return e.setMAC(mac)
}

// isState reports whether s is a neighbour state as ip prints it.
func isState(s string) bool {
	switch s {
	case "PERMANENT", "NOARP", "REACHABLE", "STALE", "NONE", "INCOMPLETE", "DELAY", "PROBE", "FAILED":
		return true
	}
	return false
}

// arpLine reads "NAME (IP) at MAC [ether] [PERM] on IFACE ...".
func arpLine(f []string) (e entry, k kind, why string) {
	ip, err := netip.ParseAddr(strings.Trim(f[1], "()"))
	if err != nil {
		return e, other, fmt.Sprintf("%q is not an IP address", f[1])
	}
	e.ip = ip.String()
	if f[0] != "?" {
		e.name = f[0]
	}
	for i := 4; i+1 < len(f); i++ {
		if f[i] == "on" {
			e.dev = f[i+1]
			break
		}
	}
	if f[3] == "<incomplete>" || f[3] == "(incomplete)" {
		return e, skip, ""
	}
	k, why = e.setMAC(f[3])
	return e, k, why
}

// setMAC sets the entry's MAC and says whether the entry is a device.
func (e *entry) setMAC(s string) (kind, string) {
	mac, ok := NormalMAC(s)
	if !ok {
		return other, fmt.Sprintf("link-layer address %q is not a 6-octet MAC address", clip(s))
	}
	e.mac = mac
	ip := netip.MustParseAddr(e.ip)
	if ip.IsMulticast() || ip.IsUnspecified() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) || mac == "ff:ff:ff:ff:ff:ff" {
		return skip, ""
	}
	return device, ""
}

// NormalMAC returns a MAC address of 6 octets in lower case with colons,
// from the forms tools print it in: colons or hyphens between octets of
// one or two hex digits (macOS drops leading zeros: 0:1b:63:84:45:e6),
// or Cisco's dotted 0011.2233.4455.
func NormalMAC(s string) (string, bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '-' })
	if len(parts) == 6 && strings.Count(s, ":")+strings.Count(s, "-") == 5 {
		var hw net.HardwareAddr
		for _, p := range parts {
			b, err := strconv.ParseUint(p, 16, 8)
			if err != nil || len(p) > 2 || p[0] == '+' {
				return "", false
			}
			hw = append(hw, byte(b))
		}
		return hw.String(), true
	}
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return "", false
	}
	return hw.String(), true
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
