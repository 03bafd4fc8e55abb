package discovery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads discovery documents.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "discovery" }

// Sniff implements inventory.Reader: a JSON object whose format member,
// within the first bytes, is this format's marker.
func (Reader) Sniff(_ string, head []byte) bool {
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(head) > 0 && head[0] == '{' && (bytes.Contains(head, []byte(`"format":"`+Format+`"`)) ||
		bytes.Contains(head, []byte(`"format": "`+Format+`"`)))
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, r io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	dec := json.NewDecoder(inventory.LimitReader(r, lim.MaxBytes))
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		return nil, inputError(name, dec, err)
	}
	if doc.Format != Format {
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: -1, Err: fmt.Errorf("format %q is not %q", inventory.Clip(doc.Format), Format)}
	}
	inv := &inventory.Inventory{Source: name, Format: "embargo discovery"}
	if doc.Interrupted != "" {
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: inventory.Location{Source: name},
			Reason: "the discovery run was interrupted (" + inventory.Clip(doc.Interrupted) + "): addresses after that were not probed"})
	}
	order := map[string]int{}
	for i, p := range doc.Probers {
		order[p] = i
	}
	for i := range doc.Hosts {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(inv.Items) >= lim.MaxItems {
			return nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("more than %d hosts (the item limit)", lim.MaxItems)}
		}
		addHost(inv, name, i, &doc.Hosts[i], order, lim)
	}
	return inv, nil
}

// addHost adds the device of one host, and its unknowns.
func addHost(inv *inventory.Inventory, name string, i int, h *Host, order map[string]int, lim inventory.Limits) {
	loc := inventory.Location{Source: name, Ref: fmt.Sprintf("hosts[%d]", i), Host: h.Addr.String()}
	if !h.Addr.IsValid() {
		loc.Host = ""
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Reason: "a host without a valid address"})
		return
	}
	it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Location: loc, Index: len(inv.Items)}
	it.Add(inventory.IP, h.Addr.String())
	it.Add(inventory.MAC, h.MAC)
	seen := map[inventory.Attr]bool{}
	for _, p := range probers(h, order) {
		for _, a := range h.Observations[p].Attrs {
			if !fields[a.Field] {
				inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc,
					Reason: fmt.Sprintf("%s: the attribute %q is not one discovery writes", inventory.Clip(p), inventory.Clip(string(a.Field)))})
				continue
			}
			if a.Value != "" && !seen[a] {
				seen[a] = true
				it.Attrs = append(it.Attrs, a)
			}
		}
	}
	errs := make([]string, 0, len(h.Errors))
	for p := range h.Errors {
		errs = append(errs, p)
	}
	sort.Strings(errs)
	for _, p := range errs {
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Reason: inventory.Clip(p + ": " + h.Errors[p])})
	}
	it.Name = first(it.Get(inventory.DeviceModel), it.Get(inventory.Hostname), loc.Host)
	if why := inventory.CheckItem(&it, lim); why != "" {
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(it.Name), Reason: why})
		return
	}
	it.SetID()
	inv.Items = append(inv.Items, it)
}

// probers lists a host's observations in the document's prober order,
// unknown probers last by name.
func probers(h *Host, order map[string]int) []string {
	ps := make([]string, 0, len(h.Observations))
	for p := range h.Observations {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool {
		oi, iok := order[ps[i]]
		oj, jok := order[ps[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return ps[i] < ps[j]
	})
	return ps
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// inputError names the position of a decoding error.
func inputError(name string, dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := dec.InputOffset()
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.EOF):
		err = errors.New("empty document")
	}
	return &inventory.InputError{Source: name, Offset: off, Err: err}
}
