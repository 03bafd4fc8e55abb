package assets

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// device is what a row says of a device, by role, values in column
// order.
type device struct {
	vals [tags + 1][]string
}

func (d *device) first(r role) string {
	if len(d.vals[r]) > 0 {
		return d.vals[r][0]
	}
	return ""
}

// row makes a device of a register's row n, at line.
func (rd *rows) row(n, line int, rec []string) error {
	rd.last = line
	extra := false
	for i := len(rd.h.roles); i < len(rec); i++ {
		extra = extra || strings.TrimSpace(rec[i]) != ""
	}
	if extra {
		rd.unknown(n, line, "", fmt.Sprintf("%d fields where the header has %d", len(rec), len(rd.h.roles)))
		return nil
	}
	var d device
	var bad []string
	empty := true
	for i, r := range rd.h.roles {
		if i >= len(rec) {
			break
		}
		v := strings.TrimSpace(utf8Value(rec[i]))
		if v == "" {
			continue
		}
		empty = false
		switch r {
		case none:
		case ip, mac:
			for _, s := range strings.FieldsFunc(v, func(c rune) bool {
				return c == ',' || c == ';' || c == '|' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
			}) {
				norm, ok := address(r, s)
				if !ok {
					bad = append(bad, fmt.Sprintf("column %q: %q is not %s", inventory.Clip(rd.h.names[i]), inventory.Clip(s), map[role]string{ip: "an IP address", mac: "a MAC address"}[r]))
					continue
				}
				d.vals[r] = appendNew(d.vals[r], norm)
			}
		default:
			d.vals[r] = appendNew(d.vals[r], v)
		}
	}
	if empty {
		return nil
	}
	host := firstOf(d.first(ip), d.first(mac), d.first(hostname))
	for _, why := range bad {
		rd.unknown(n, line, host, why)
	}
	if host == "" && d.first(manufacturer) == "" && d.first(model) == "" && d.first(serial) == "" && d.first(assetTag) == "" {
		if len(bad) == 0 {
			rd.unknown(n, line, "", "a row without a manufacturer, model, serial, address, MAC, host name or asset tag")
		}
		return nil
	}
	return rd.item(n, line, host, &d)
}

// item adds the device of a row.
func (rd *rows) item(n, line int, host string, d *device) error {
	loc := inventory.Location{Source: rd.name, Ref: "row " + strconv.Itoa(n), Line: line, Host: host}
	name := firstOf(d.first(model), d.first(hostname), host, d.first(serial), d.first(assetTag), d.first(manufacturer))
	it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: name, Version: d.first(firmware), Location: loc, Index: len(rd.inv.Items)}
	for _, f := range []struct {
		r     role
		field inventory.Field
	}{
		{ip, inventory.IP}, {mac, inventory.MAC}, {manufacturer, inventory.Manufacturer}, {model, inventory.DeviceModel},
		{serial, inventory.Serial}, {firmware, inventory.Firmware}, {hostname, Hostname}, {assetTag, AssetTag}, {category, DeviceType},
	} {
		for _, v := range d.vals[f.r] {
			it.Add(f.field, v)
		}
	}
	it.Add(inventory.Site, strings.Join(d.vals[location], " / "))
	for _, v := range d.vals[tags] {
		for _, t := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' }) {
			it.Add(inventory.Tag, strings.TrimSpace(t))
		}
	}
	if why := inventory.CheckItem(&it, rd.lim); why != "" {
		loc.Host = inventory.Clip(loc.Host)
		rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: why})
		return nil
	}
	if len(rd.inv.Items) >= rd.lim.MaxItems {
		return &inventory.InputError{Source: rd.name, Line: line, Offset: -1, Err: fmt.Errorf("more than %d devices (the item limit)", rd.lim.MaxItems)}
	}
	it.SetID()
	rd.inv.Items = append(rd.inv.Items, it)
	return nil
}

// address reads an IP address (a prefix's address too: 10.0.0.7/24) or a
// MAC address (lower case, colons; as colons, hyphens or dots separate
// it, or twelve hex digits alone).
func address(r role, s string) (string, bool) {
	if r == ip {
		if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
			return a.String(), true
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			return p.Addr().String(), true
		}
		return "", false
	}
	if len(s) == 12 {
		s = s[0:4] + "." + s[4:8] + "." + s[8:12]
	}
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return "", false
	}
	return hw.String(), true
}

func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
