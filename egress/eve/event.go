package eve

import (
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// event is the part of an EVE record the reader uses: the common fields
// decoded, the event type's own object kept raw for emit.
type event struct {
	kind               eventKind
	ts                 time.Time
	hasTS              bool
	src, dst           netip.Addr
	sport, dport       uint16
	proto              uint8
	hasProto           bool
	icmpType, icmpCode uint8
	body               value // the object named by the event type
}

// decode reads a record of the given type (peekType's) and its common
// fields; it returns why the record is bad, or "".
func (e *event) decode(line []byte, kind eventKind) string {
	*e = event{kind: kind}
	m := openMembers(line)
	for key, v, ok := m.next(); ok; key, v, ok = m.next() {
		good := true
		switch k := string(key); k {
		case "timestamp":
			e.ts, good = timeOf(v)
			e.hasTS = good
		case "src_ip":
			e.src, good = addrOf(v)
		case "dest_ip":
			e.dst, good = addrOf(v)
		case "src_port":
			e.sport, good = portOf(v)
		case "dest_port":
			e.dport, good = portOf(v)
		case "proto":
			e.proto, good = protoOf(v)
			e.hasProto = good
		case "icmp_type":
			e.icmpType, good = byteOf(v)
		case "icmp_code":
			e.icmpCode, good = byteOf(v)
		default:
			if k == kindNames[e.kind] {
				e.body = v
			}
		}
		if !good {
			return badValue(string(key), v, fieldWants[string(key)])
		}
	}
	switch {
	case m.err != nil || !m.ended:
		return "malformed JSON"
	case len(skipSpace(m.rest)) > 0:
		return "data after the record's closing '}'"
	}
	return ""
}

// fieldWants says what each common field must be, for reasons.
var fieldWants = map[string]string{
	"timestamp": "an RFC 3339 time", "src_ip": "an IP address", "dest_ip": "an IP address",
	"src_port": "a port", "dest_port": "a port", "proto": "a protocol Suricata names",
	"icmp_type": "an ICMP type", "icmp_code": "an ICMP code",
}

// badValue says why a field's value is bad.
func badValue(name string, v value, what string) string {
	return name + " " + textlog.Quote(v.b) + ": not " + what
}

func timeOf(v value) (time.Time, bool) {
	if v.k != kStr {
		return time.Time{}, false
	}
	return textlog.ParseISOTime(v.b)
}

func addrOf(v value) (netip.Addr, bool) {
	if v.k != kStr {
		return netip.Addr{}, false
	}
	return textlog.ParseAddr(v.b)
}

func numOf(v value) (uint64, bool) {
	if v.k != kLit {
		return 0, false
	}
	return parseUint(v.b)
}

func portOf(v value) (uint16, bool) {
	n, ok := numOf(v)
	return uint16(n), ok && n <= 65535
}

func byteOf(v value) (uint8, bool) {
	n, ok := numOf(v)
	return uint8(n), ok && n <= 255
}

// eventKind is an event_type the reader decodes; kindOther is any other.
type eventKind uint8

const (
	kindOther eventKind = iota
	kindFlow
	kindNetflow
	kindDNS
	kindTLS
	kindQUIC
	kindHTTP
)

func kindOf(b []byte) eventKind {
	switch string(b) {
	case "flow":
		return kindFlow
	case "netflow":
		return kindNetflow
	case "dns":
		return kindDNS
	case "tls":
		return kindTLS
	case "quic":
		return kindQUIC
	case "http":
		return kindHTTP
	}
	return kindOther
}

// kindNames are the event types' names, which also name their objects.
var kindNames = [...]string{kindFlow: "flow", kindNetflow: "netflow", kindDNS: "dns", kindTLS: "tls", kindQUIC: "quic", kindHTTP: "http"}

// protoNumbers name protocols as Suricata writes proto: the name the
// system's protocols database gives, or the number when it has none.
var protoNumbers = map[string]uint8{
	"ICMP": 1, "IGMP": 2, "TCP": 6, "UDP": 17, "IPV6": 41, "GRE": 47, "ESP": 50, "AH": 51,
	"IPV6-ICMP": 58, "ICMPV6": 58, "SCTP": 132, "UDPLITE": 136,
}

func protoOf(v value) (uint8, bool) {
	if v.k != kStr {
		return 0, false
	}
	if n, ok := parseUint(v.b); ok && n <= 255 {
		return uint8(n), true
	}
	var up [16]byte
	if len(v.b) > len(up) {
		return 0, false
	}
	for i, c := range v.b {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	n, ok := protoNumbers[string(up[:len(v.b)])]
	return n, ok
}

// parseUint reads a decimal number of up to 18 digits.
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}
