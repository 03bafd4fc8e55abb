package assets

import (
	"bytes"
	"strings"
	"unicode"
)

// role is what a column holds.
type role int

const (
	none role = iota
	manufacturer
	model
	serial
	ip
	mac
	hostname
	location
	firmware
	assetTag
	category
	tags
)

// roleNames are the normalised headers of each role.
var roleNames = map[string]role{}

func init() {
	for r, list := range map[role][]string{
		manufacturer: {"manufacturer", "make", "vendor", "brand", "maker", "mfr"},
		model:        {"model", "modelname", "modelnumber", "modelno"},
		serial:       {"serial", "serialnumber", "serialno", "sn"},
		ip:           {"ip", "ipaddress", "address", "ipv4", "ipv6", "ipv4address", "ipv6address"},
		mac:          {"mac", "macaddress", "hardwareaddress", "physicaladdress", "ethernetmac", "lanmac", "wifimac", "wlanmac"},
		hostname:     {"hostname", "host", "name", "devicename", "dnsname", "fqdn"},
		location:     {"location", "site", "building", "room", "floor"},
		firmware:     {"firmware", "firmwareversion", "fw", "fwversion"},
		assetTag:     {"assettag", "tag", "assetnumber", "assetno", "assetid", "inventorynumber"},
		category:     {"category", "type", "devicetype", "assettype", "equipmenttype", "class"},
		tags:         {"tags", "labels", "embargotags"},
	} {
		for _, n := range list {
			roleNames[n] = r
		}
	}
}

// normal is a header without case, spaces or punctuation.
func normal(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// roleOf returns the role of a header: by its normal form, else with a
// trailing number dropped ("MAC 2", "IP address 1").
func roleOf(h string) role {
	n := normal(h)
	if r, ok := roleNames[n]; ok {
		return r
	}
	return roleNames[strings.TrimRightFunc(n, unicode.IsDigit)]
}

// header is the roles of a register's columns.
type header struct {
	roles []role
	names []string // as written, for messages
}

func parseHeader(rec []string) header {
	h := header{roles: make([]role, len(rec)), names: append([]string(nil), rec...)}
	for i, c := range rec {
		h.roles[i] = roleOf(c)
	}
	return h
}

// has reports whether a column has role r.
func (h header) has(r role) bool {
	for _, x := range h.roles {
		if x == r {
			return true
		}
	}
	return false
}

// register reports whether the header is an asset register's: a
// manufacturer and something that tells devices apart.
func (h header) register() bool {
	return h.has(manufacturer) && (h.has(model) || h.has(serial) || h.has(ip) || h.has(mac))
}

// delimiter is the separator of a header row: the one of comma,
// semicolon and tab it has most of outside quotes, a comma on a tie.
func delimiter(line []byte) rune {
	var n [3]int
	quoted := false
	for _, c := range line {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if i := bytes.IndexByte([]byte(",;\t"), c); i >= 0 && !quoted {
			n[i]++
		}
	}
	best := 0
	for i := 1; i < 3; i++ {
		if n[i] > n[best] {
			best = i
		}
	}
	return rune(",;\t"[best])
}
