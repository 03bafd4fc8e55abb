package lldp

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// neighbour is one entry of a neighbour table, whatever printed it.
type neighbour struct {
	ref   string // Location.Ref, when not made of iface, via and rid
	line  int    // 0 for JSON
	iface string // the local interface it was seen on
	via   string // LLDP, CDPv1, CDPv2, ...
	rid   string // lldpd's id of the neighbour

	idType, id string // chassis id and its subtype (mac, ip, local, ifname, ifalias)
	portMAC    string // the port id when its subtype is mac
	name       string // system name
	descr      string // system description; for CDP, the Version text
	mgmt       []string
	platform   string // CDP platform
	serial     string // NX-OS: from the Device ID

	// LLDP-MED inventory
	manufacturer, model, medSerial, firmware, software string
}

// version matches the version in a software banner: "..., Version
// 15.0(2)SE7, RELEASE SOFTWARE", "NX-OS ... Software, Version 7.0(3)I5(1)",
// "Software, Version V4.00.10".
var version = regexp.MustCompile(`\bVersion ([^\s,]*[0-9][^\s,]*)`)

// item is the neighbour as a device, with unknowns for values it had to
// leave out.
func (n *neighbour) item(source string, index int, lim inventory.Limits) (inventory.Item, []inventory.Unknown) {
	if n.ref == "" {
		n.ref = "interface " + clip(n.iface)
		if n.rid != "" {
			n.ref += " rid " + clip(n.rid)
		}
		if n.via != "" {
			n.ref += " (" + clip(n.via) + ")"
		}
	}
	var unknowns []inventory.Unknown
	fits := func(what, v string) bool {
		if len(v) > lim.MaxString {
			unknowns = append(unknowns, unknownAt(source, n.line,
				fmt.Sprintf("%s: the %s is longer than %d bytes, left out", n.ref, what, lim.MaxString)))
			return false
		}
		return true
	}
	model := n.model
	platform := n.platform
	if platform == "" && strings.HasPrefix(n.via, "CDP") {
		// lldpd: "<platform> running on\n<software>"
		if p, _, ok := strings.Cut(n.descr, " running on"); ok {
			platform = p
		}
	}
	if model == "" {
		model = platform
	}
	var addrs []string
	for _, a := range n.mgmt {
		if ip, err := netip.ParseAddr(a); err == nil {
			addrs = append(addrs, ip.String())
		} else {
			unknowns = append(unknowns, unknownAt(source, n.line, fmt.Sprintf("%s: management address %q is not an IP address", n.ref, clip(a))))
		}
	}
	if n.idType == "ip" {
		if ip, err := netip.ParseAddr(n.id); err == nil {
			addrs = append(addrs, ip.String())
		}
	}
	var macs []string
	if n.idType == "mac" {
		macs = append(macs, n.id)
	}
	if n.portMAC != "" {
		macs = append(macs, n.portMAC)
	}
	mac := ""
	for _, m := range macs {
		if norm, ok := normalMAC(m); ok {
			mac = norm
			break
		}
		unknowns = append(unknowns, unknownAt(source, n.line, fmt.Sprintf("%s: %q is not a 6-octet MAC", n.ref, clip(m))))
	}
	fw := n.firmware
	if fw == "" {
		fw = n.software
	}
	if fw == "" && strings.HasPrefix(n.via, "CDP") {
		if m := version.FindStringSubmatch(n.descr); m != nil {
			fw = m[1]
		} else if d := strings.TrimSpace(n.descr); d != "" && !strings.ContainsAny(d, " \n") && d[0] >= '0' && d[0] <= '9' {
			fw = d // a bare version, as some switches send
		}
	}
	host := mac
	if len(addrs) > 0 {
		host = addrs[0]
	} else if host == "" {
		host = clip(n.name)
		if host == "" {
			host = clip(n.id)
		}
	}
	it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Index: index,
		Location: inventory.Location{Source: source, Ref: n.ref, Line: n.line, Host: host}}
	for _, c := range []string{model, n.name, host} {
		if c != "" && len(c) <= lim.MaxString {
			it.Name = c
			break
		}
	}
	if fits("firmware", fw) {
		it.Version = fw
		it.Add(inventory.Firmware, fw)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		if !seen[a] {
			seen[a] = true
			it.Add(inventory.IP, a)
		}
	}
	it.Add(inventory.MAC, mac)
	for _, a := range []struct {
		f    inventory.Field
		what string
		v    string
	}{
		{inventory.Manufacturer, "manufacturer", n.manufacturer},
		{inventory.DeviceModel, "model", model},
		{inventory.Serial, "serial number", firstOf(n.medSerial, n.serial)},
		{SystemDescription, "system description", n.descr},
	} {
		if fits(a.what, a.v) {
			it.Add(a.f, a.v)
		}
	}
	it.SetID()
	return it, unknowns
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// normalMAC reads a 6-octet MAC with colons (lldpd's form) or in Cisco's
// dotted form, and returns it in lower-case colon form.
func normalMAC(s string) (string, bool) {
	var digits string
	switch parts := strings.Split(s, ":"); {
	case len(parts) == 6:
		for _, p := range parts {
			if len(p) == 1 {
				p = "0" + p
			}
			digits += p
		}
	case len(s) == 14 && s[4] == '.' && s[9] == '.':
		digits = s[:4] + s[5:9] + s[10:]
	}
	b, err := hex.DecodeString(digits)
	if err != nil || len(b) != 6 {
		return "", false
	}
	out := make([]string, 6)
	for i, x := range b {
		out[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(out, ":"), true
}
