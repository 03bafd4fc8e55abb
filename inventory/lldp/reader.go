// Package lldp reads the neighbour tables of LLDP and CDP: what the
// switches and devices next to a host or a switch say of themselves.
//
//   - lldpd's `lldpctl -f keyvalue` (and `lldpcli show neighbors details
//     -f keyvalue`): one "lldp.<interface>.<path>=<value>" line a value,
//     a neighbour's lines starting with its "lldp.<interface>.via" line,
//     as src/client/kv_writer.c writes them. lldpd 0.7 and older printed
//     a multi-line value (a chassis description) as it is; its further
//     lines are read as part of the value.
//   - lldpd's `lldpctl -f json` and `-f json0`: json0 keeps every value in
//     an array of objects; json is json0 cleaned by json_element_cleanup()
//     in src/client/json_writer.c (a one-member array becomes its member,
//     an object holding only "value" becomes that value, and an object
//     with a "name" member is keyed by that name), so one neighbour's
//     interface is an object and several are an array. Both are read.
//   - Cisco's `show cdp neighbors detail` (and `show cdp entry *`), as IOS
//     and NX-OS print it: entries of "Device ID:", "Entry address(es):"
//     or "Interface address(es):", "Platform: ..., Capabilities: ...",
//     "Interface: ..., Port ID (outgoing port): ...", "Version :" and the
//     software's banner, "Management address(es):"; a closing "Total cdp
//     entries displayed : N" is checked against the entries read.
//
// Each neighbour becomes a device: named by its model (LLDP-MED inventory
// model, or the CDP platform), else its system name, else its address;
// its management addresses; its chassis MAC (else its port's MAC); the
// LLDP-MED inventory's manufacturer, model, serial number and firmware
// (else software) revision; and its system description (for CDP, the
// Version text) as SystemDescription, which often names the maker
// ("Huawei Versatile Routing Platform Software", "ZTE ZXR10 ...",
// "Cisco IOS Software"). lldpd shows a CDP neighbour's platform and
// software as one description, "<platform> running on\n<software>"
// (src/daemon/protocols/cdp.c); the platform is taken as the model. An
// NX-OS Device ID "<system name>(<serial>)" gives the serial number.
package lldp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// SystemDescription is a neighbour's LLDP system description (chassis
// description), or a CDP neighbour's software version text.
const SystemDescription = inventory.LLDPDescription

// Reader reads LLDP and CDP neighbour tables.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "lldp-neighbours" }

const (
	formatKeyValue = "lldpctl keyvalue"
	formatJSON     = "lldpctl JSON"
	formatCDP      = "Cisco show cdp neighbors detail"
)

// Sniff implements inventory.Reader.
func (Reader) Sniff(_ string, head []byte) bool { return detect(head) != "" }

func detect(head []byte) string {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	first, _, _ := bytes.Cut(h, []byte("\n"))
	switch {
	case bytes.HasPrefix(h, []byte("{")):
		rest := bytes.TrimLeft(h[1:], " \t\r\n")
		if bytes.HasPrefix(rest, []byte(`"lldp"`)) {
			return formatJSON
		}
	case bytes.HasPrefix(first, []byte("lldp.")) && bytes.IndexByte(first, '=') > len("lldp."):
		return formatKeyValue
	case sniffCDP(h):
		return formatCDP
	}
	return ""
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	data, err := inventory.ReadAll(in, lim.MaxBytes)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: int64(len(data)), Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	f := detect(data)
	var ns []neighbour
	var unknowns []inventory.Unknown
	switch f {
	case formatKeyValue:
		ns, unknowns, err = readKeyValue(ctx, name, data)
	case formatJSON:
		ns, unknowns, err = readJSON(ctx, name, data, lim)
	case formatCDP:
		ns, unknowns, err = readCDP(ctx, name, data)
	default:
		why := "not lldpctl keyvalue or JSON output, nor Cisco's show cdp neighbors detail"
		if len(bytes.TrimSpace(data)) == 0 {
			why = "the input is empty (lldpctl -f keyvalue prints nothing when there is no neighbour)"
		}
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: -1, Err: errors.New(why)}
	}
	if err != nil {
		return nil, err
	}
	if len(ns) > lim.MaxItems {
		return nil, &inventory.InputError{Source: name, Line: ns[lim.MaxItems].line, Offset: -1,
			Err: fmt.Errorf("more than %d neighbours (the item limit)", lim.MaxItems)}
	}
	if len(unknowns) > lim.MaxItems {
		return nil, &inventory.InputError{Source: name, Line: unknowns[lim.MaxItems].Location.Line, Offset: -1,
			Err: fmt.Errorf("more than %d unreadable lines (the item limit)", lim.MaxItems)}
	}
	inv := &inventory.Inventory{Source: name, Format: f, Unknowns: unknowns, Items: make([]inventory.Item, 0, len(ns))}
	for i := range ns {
		it, us := ns[i].item(name, len(inv.Items), lim)
		inv.Unknowns = append(inv.Unknowns, us...)
		if it.Name == "" || it.Location.Host == "" {
			inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: it.Location,
				Reason: "a neighbour without a model, name, address or chassis id: nothing to identify it by"})
			continue
		}
		inv.Items = append(inv.Items, it)
	}
	return inv, nil
}

// unknownAt is an unknown at a line of the input.
func unknownAt(name string, line int, reason string) inventory.Unknown {
	return inventory.Unknown{Location: inventory.Location{Source: name, Line: line}, Reason: reason}
}

// clip shortens s for a message or a reference.
func clip(s string) string {
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "..."
	}
	return s
}
