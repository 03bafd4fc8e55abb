package neighbours

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/embargo-dev/embargo/inventory"
)

// jsonEntry is an entry of `ip -j neigh show`, as iproute2's
// print_neigh writes it with its JSON printer.
type jsonEntry struct {
	Dst    string   `json:"dst"`
	Dev    string   `json:"dev"`
	Lladdr string   `json:"lladdr"`
	State  []string `json:"state"`
}

// readJSON reads ip's JSON: an array of entries.
func (t *table) readJSON(ctx context.Context, in io.Reader) (*inventory.Inventory, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, &inventory.InputError{Source: t.name, Offset: -1, Err: err}
	}
	if err := inventory.CheckUTF8(t.name, data); err != nil {
		return nil, err
	}
	t.format = "ip -j neigh"
	lines := lineCounter{data: data, line: 1}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		if err == nil {
			err = errors.New("ip -j neigh writes a JSON array")
		}
		return nil, inventory.JSONError(t.name, data, err)
	}
	for n := 0; dec.More(); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		start := dec.InputOffset()
		var je jsonEntry
		err := dec.Decode(&je)
		var te *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &te) {
			return nil, inventory.JSONError(t.name, data, err)
		}
		lead := len(data[start:]) - len(bytes.TrimLeft(data[start:], " \t\r\n,")) // the object starts after these
		line := lines.at(start + int64(lead))
		loc := inventory.Location{Source: t.name, Ref: fmt.Sprintf("[%d]", n), Line: line}
		if err != nil {
			t.inv.Unknowns = append(t.inv.Unknowns, inventory.Unknown{Location: loc, Reason: fmt.Sprintf("field %q: JSON %s where %s was expected", te.Field, te.Value, te.Type)})
			continue
		}
		ip, perr := netip.ParseAddr(je.Dst)
		if perr != nil {
			t.inv.Unknowns = append(t.inv.Unknowns, inventory.Unknown{Location: loc, Reason: fmt.Sprintf("dst %q is not an IP address", inventory.Clip(je.Dst))})
			continue
		}
		if je.Lladdr == "" {
			continue // INCOMPLETE, FAILED: no link-layer address
		}
		e := entry{ip: ip.String(), dev: je.Dev}
		switch k, why := e.setMAC(je.Lladdr); k {
		case device:
			if err := t.add(e, line); err != nil {
				return nil, err
			}
		case other:
			t.inv.Unknowns = append(t.inv.Unknowns, inventory.Unknown{Location: loc, Reason: why})
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, inventory.JSONError(t.name, data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("more after the array")
		}
		return nil, inventory.JSONError(t.name, data, err)
	}
	t.finish()
	return t.inv, nil
}

// lineCounter gives the lines of ascending offsets of data.
type lineCounter struct {
	data []byte
	off  int64
	line int
}

func (c *lineCounter) at(off int64) int {
	off = min(off, int64(len(c.data)))
	if off > c.off {
		c.line += bytes.Count(c.data[c.off:off], []byte("\n"))
		c.off = off
	}
	return c.line
}
