package catalog

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Keys of the equipment kinds (issue 18): a MAC address's IEEE block, an
// SNMP sysObjectID's enterprise number, an HTTP Server header's product
// token and a certificate subject's O and CN. Each value is folded the
// same way when it is indexed and when it is looked up.

// NormalizeMAC returns a MAC address written in any common form
// (00:11:22:33:44:55, 00-11-22-33-44-55, 0011.2233.4455, 001122334455) as
// 12 lower-case hex digits, or "" when it is not one.
func NormalizeMAC(mac string) string {
	var b [12]byte
	n := 0
	for i := 0; i < len(mac); i++ {
		c := mac[i]
		switch {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			c += 'a' - 'A'
		case c == ':' || c == '-' || c == '.' || c == ' ':
			continue
		default:
			return ""
		}
		if n == len(b) {
			return ""
		}
		b[n] = c
		n++
	}
	if n != len(b) {
		return ""
	}
	return string(b[:])
}

// UniversalMAC reports whether a normalised MAC is a globally unique
// unicast address: neither the locally administered bit nor the group
// (multicast) bit of its first octet is set. Only such an address was
// assigned from an IEEE block.
func UniversalMAC(norm string) bool {
	if len(norm) < 2 {
		return false
	}
	first, err := strconv.ParseUint(norm[:2], 16, 8)
	return err == nil && first&0x03 == 0
}

var ouiPattern = regexp.MustCompile(`^(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{7}|[0-9A-Fa-f]{9})$`)

// checkOUI returns what is wrong with a catalogued IEEE block.
func checkOUI(v string) string {
	if !ouiPattern.MatchString(v) {
		return "an OUI is 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex digits, without separators, as the IEEE registry writes it"
	}
	if !UniversalMAC(strings.ToLower(v)) {
		return "the first octet has the locally administered or multicast bit set: no MAC in such a block is IEEE-assigned"
	}
	return ""
}

// OUI returns the identifiers of the IEEE block a MAC address falls in:
// those of its longest catalogued prefix (MA-S, then MA-M, then MA-L).
// Locally administered and multicast addresses match nothing.
func (ix *Index) OUI(mac string) []*Identifier {
	m := NormalizeMAC(mac)
	if m == "" || !UniversalMAC(m) || len(ix.oui) == 0 {
		return nil
	}
	for _, n := range [...]int{9, 7, 6} {
		if ids := ix.oui[m[:n]]; len(ids) > 0 {
			return ids
		}
	}
	return nil
}

// OUIText writes a catalogued block as people read it, with its registry:
// "44:19:B6 (IEEE MA-L)", "B0:B3:53:6 (IEEE MA-M)".
func OUIText(v string) string {
	v = strings.ToUpper(v)
	var parts []string
	for i := 0; i < len(v); i += 2 {
		parts = append(parts, v[i:min(i+2, len(v))])
	}
	reg := map[int]string{6: "MA-L", 7: "MA-M", 9: "MA-S"}[len(v)]
	if reg == "" {
		return strings.Join(parts, ":")
	}
	return strings.Join(parts, ":") + " (IEEE " + reg + ")"
}

// enterprisesArc is the OID arc below which IANA's Private Enterprise
// Numbers lie.
const enterprisesArc = "1.3.6.1.4.1."

// EnterpriseNumber returns the Private Enterprise Number of a
// sysObjectID ("1.3.6.1.4.1.39165.1.1" → "39165"), written with or
// without a leading dot, as "iso.3.6.1.4.1.N" or as
// "SNMPv2-SMI::enterprises.N"; "" for an OID outside the enterprises arc.
func EnterpriseNumber(oid string) string {
	s := strings.TrimPrefix(strings.TrimSpace(oid), ".")
	switch {
	case strings.HasPrefix(s, "iso."):
		s = "1." + s[len("iso."):]
	case strings.HasPrefix(s, "SNMPv2-SMI::enterprises."):
		s = enterprisesArc + s[len("SNMPv2-SMI::enterprises."):]
	case strings.HasPrefix(s, "enterprises."):
		s = enterprisesArc + s[len("enterprises."):]
	}
	rest, ok := strings.CutPrefix(s, enterprisesArc)
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, ".")
	if checkPEN(n) != "" {
		return ""
	}
	return n
}

// checkPEN returns what is wrong with a Private Enterprise Number.
func checkPEN(v string) string {
	if v == "" || v[0] == '0' {
		return "a Private Enterprise Number is a decimal number without leading zeros"
	}
	if _, err := strconv.ParseUint(v, 10, 32); err != nil {
		return "a Private Enterprise Number is a decimal number below 2^32"
	}
	return ""
}

// SNMPEnterprise returns the identifiers of a sysObjectID's enterprise
// number: the whole number, so that 2011 never matches 20110.
func (ix *Index) SNMPEnterprise(oid string) []*Identifier {
	n := EnterpriseNumber(oid)
	if n == "" {
		return nil
	}
	return ix.Exact(SNMPEnterprise, n)
}

// ServerProduct returns the product token of an HTTP Server header: the
// text before the first '/' ("App-webs/" → "App-webs", "ZTE Web
// Server/1.0.0" → "ZTE Web Server"), trimmed.
func ServerProduct(header string) string {
	p, _, _ := strings.Cut(header, "/")
	return strings.TrimSpace(p)
}

// checkServerToken returns what is wrong with a catalogued product token.
func checkServerToken(v string) string {
	if strings.ContainsAny(v, "/\t\r\n") {
		return "an HTTP server product token, without '/' and version"
	}
	return ""
}

// HTTPServer returns the identifiers whose product token equals the
// header's, case-sensitive as servers send it.
func (ix *Index) HTTPServer(header string) []*Identifier {
	p := ServerProduct(header)
	if p == "" {
		return nil
	}
	return ix.server[p]
}

// SubjectNames returns the O and CN values of a distinguished name
// ("CN=192.168.1.108, O=DAHUA, C=CN" or "/C=CN/O=HIKVISION/CN=x"), or the
// whole value when it is a plain name. Commas, slashes and semicolons
// split it unless escaped or quoted.
func SubjectNames(dn string) []string {
	if !strings.Contains(dn, "=") {
		if s := strings.TrimSpace(dn); s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	for _, part := range splitDN(dn) {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		switch strings.ToUpper(strings.TrimSpace(k)) {
		case "O", "CN":
			if v = strings.Trim(strings.TrimSpace(v), `"`); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// splitDN splits a DN on commas, slashes or semicolons that are not
// escaped or quoted.
func splitDN(s string) []string {
	var parts []string
	var cur strings.Builder
	quoted, esc := false, false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case r == '\\':
			esc = true
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case (r == ',' || r == '/' || r == ';') && !quoted:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(parts, cur.String())
}

// TLSSubject returns the identifiers that the subject's O or CN equals,
// case folded.
func (ix *Index) TLSSubject(dn string) []*Identifier {
	return ix.subjects.get(dn, ix.tlsSubject)
}

func (ix *Index) tlsSubject(dn string) []*Identifier {
	var out []*Identifier
	for _, name := range SubjectNames(dn) {
		for _, id := range ix.Exact(TLSSubject, name) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return slices.Clip(out) // shared by the memo: an append copies
}
