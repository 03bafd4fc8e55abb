package lldp

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// readKeyValue reads `lldpctl -f keyvalue` output.
func readKeyValue(ctx context.Context, name string, data []byte) ([]neighbour, []inventory.Unknown, error) {
	var ns []neighbour
	var unknowns []inventory.Unknown
	var n *neighbour
	prefix := ""     // "lldp.<interface>." of the current neighbour
	var last *string // the value the previous line set, for continuation lines
	for i := 1; len(data) > 0; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		raw, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		line := strings.TrimRight(string(raw), "\r")
		key, value, ok := strings.Cut(line, "=")
		if !strings.HasPrefix(line, "lldp.") || !ok {
			switch {
			case strings.TrimSpace(line) == "":
			case last != nil:
				*last += "\n" + line // lldpd 0.7 wrote a value's new lines as they were
			default:
				unknowns = append(unknowns, unknownAt(name, i, fmt.Sprintf("not a key=value line of lldpctl: %q", clip(line))))
			}
			continue
		}
		last = nil
		if iface, ok := strings.CutSuffix(key, ".via"); ok {
			ns = append(ns, neighbour{line: i, via: value, iface: strings.TrimPrefix(iface, "lldp.")})
			n = &ns[len(ns)-1]
			prefix = iface + "."
			continue
		}
		path, ok := strings.CutPrefix(key, prefix)
		if n == nil || !ok {
			unknowns = append(unknowns, unknownAt(name, i, fmt.Sprintf("%q belongs to no neighbour: no %q line before it", clip(key), clip(prefix+"via"))))
			continue
		}
		last = n.set(path, value)
	}
	return ns, unknowns, nil
}

// set records one value of a neighbour, by its keyvalue path, and
// returns where it went (nil for values not kept).
func (n *neighbour) set(path, value string) *string {
	var at *string
	switch path {
	case "chassis.mac", "chassis.ip", "chassis.local", "chassis.ifname", "chassis.ifalias":
		if n.idType != "" {
			return nil
		}
		n.idType = strings.TrimPrefix(path, "chassis.")
		at = &n.id
	case "rid":
		at = &n.rid
	case "chassis.name":
		at = &n.name
	case "chassis.descr":
		at = &n.descr
	case "chassis.mgmt-ip":
		n.mgmt = append(n.mgmt, value)
		return &n.mgmt[len(n.mgmt)-1]
	case "port.mac":
		at = &n.portMAC
	case "lldp-med.inventory.manufacturer":
		at = &n.manufacturer
	case "lldp-med.inventory.model":
		at = &n.model
	case "lldp-med.inventory.serial":
		at = &n.medSerial
	case "lldp-med.inventory.firmware":
		at = &n.firmware
	case "lldp-med.inventory.software":
		at = &n.software
	default:
		return nil
	}
	*at = value
	return at
}
