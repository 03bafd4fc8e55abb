package lldp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/embargo-dev/embargo/inventory"
)

// readJSON reads `lldpctl -f json` or `-f json0` output: one or more
// objects with an "lldp" member.
func readJSON(ctx context.Context, name string, data []byte, lim inventory.Limits) ([]neighbour, []inventory.Unknown, error) {
	if off := tooDeep(data, lim.MaxDepth); off >= 0 {
		line, col := inventory.LineCol(data, off)
		return nil, nil, &inventory.InputError{Source: name, Line: line, Column: col, Offset: off,
			Err: fmt.Errorf("JSON nested deeper than %d levels", lim.MaxDepth)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var ns []neighbour
	var unknowns []inventory.Unknown
	for k := 1; ; k++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return ns, unknowns, nil
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			if errors.As(err, &se) {
				off = se.Offset
			}
			line, col := inventory.LineCol(data, off)
			return nil, nil, &inventory.InputError{Source: name, Line: line, Column: col, Offset: off, Err: err}
		}
		top, _ := v.(map[string]any)
		l, ok := top["lldp"]
		if !ok {
			unknowns = append(unknowns, inventory.Unknown{Location: inventory.Location{Source: name, Ref: fmt.Sprintf("JSON value %d", k)},
				Reason: `a JSON value without an "lldp" member: not lldpctl's neighbours`})
			continue
		}
		for _, o := range objects(l) {
			for _, in := range interfaces(o["interface"]) {
				ns = append(ns, fromJSON(in.name, in.body))
			}
		}
	}
}

// tooDeep returns the offset where data's JSON nesting passes max, or -1.
func tooDeep(data []byte, max int) int64 {
	depth := 0
	in, esc := false, false
	for i, c := range data {
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case in:
		case c == '{' || c == '[':
			if depth++; depth > max {
				return int64(i)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return -1
}

type iface struct {
	name string
	body map[string]any
}

// interfaces lists the neighbours under "interface": json0's array of
// objects with a "name" member, json's object keyed by interface name,
// or json's array of such objects.
func interfaces(v any) []iface {
	var out []iface
	for _, o := range objects(v) {
		if n, ok := o["name"].(string); ok {
			out = append(out, iface{n, o})
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(o)) {
			if body, ok := o[k].(map[string]any); ok {
				out = append(out, iface{k, body})
			}
		}
	}
	return out
}

// fromJSON reads one neighbour.
func fromJSON(ifname string, b map[string]any) neighbour {
	n := neighbour{iface: ifname, via: str(b["via"]), rid: str(b["rid"])}
	c := first(b["chassis"])
	if _, plain := c["id"]; !plain && len(c) == 1 {
		// json keys a named chassis by its name
		for k, v := range c {
			if body, ok := v.(map[string]any); ok {
				n.name, c = k, body
			}
		}
	}
	if n.name == "" {
		n.name = str(c["name"])
	}
	id := first(c["id"])
	n.idType, n.id = str(id["type"]), str(id["value"])
	n.descr = str(c["descr"])
	n.mgmt = strs(c["mgmt-ip"])
	if pid := first(first(b["port"])["id"]); str(pid["type"]) == "mac" {
		n.portMAC = str(pid["value"])
	}
	inv := first(first(b["lldp-med"])["inventory"])
	n.manufacturer, n.model = str(inv["manufacturer"]), str(inv["model"])
	n.medSerial, n.firmware, n.software = str(inv["serial"]), str(inv["firmware"]), str(inv["software"])
	return n
}

// objects is v as a list of objects: an object, or the objects of an
// array.
func objects(v any) []map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}
	case []any:
		var out []map[string]any
		for _, e := range t {
			if o, ok := e.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// first is v's first object, or an empty one.
func first(v any) map[string]any {
	if os := objects(v); len(os) > 0 {
		return os[0]
	}
	return map[string]any{}
}

// str is a value as json0 ([{"value": s}]) or json (s) writes it.
func str(v any) string {
	if s := strs(v); len(s) > 0 {
		return s[0]
	}
	return ""
}

// strs lists the values of a member that may repeat (mgmt-ip).
func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case map[string]any:
		return strs(t["value"])
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}
