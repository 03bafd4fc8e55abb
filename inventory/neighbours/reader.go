package neighbours

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads ARP and neighbour tables.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "neighbours" }

// Sniff implements inventory.Reader: the first line that is not blank is
// a table's header or entry, or the input is ip's JSON (an array whose
// first object has "dst" first, as ip writes it).
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(h) > 0 && h[0] == '[' {
		rest := bytes.TrimLeft(h[1:], " \t\r\n")
		return bytes.HasPrefix(rest, []byte("]")) || bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(rest, []byte("{")), " \t\r\n"), []byte(`"dst":`))
	}
	first, _, complete := bytes.Cut(h, []byte("\n"))
	if !complete && len(first) > maxLine {
		return false
	}
	_, k, _, _ := line(string(bytes.TrimRight(first, "\r")), false)
	return k != blank && k != other
}

// maxLine is the longest line read: a table's lines are well under it.
const maxLine = 16 << 10

// table is the state of one read.
type table struct {
	name   string
	lim    inventory.Limits
	inv    *inventory.Inventory
	seen   map[[2]string]bool // bindings read
	format string
	mixed  bool
}

// Read implements inventory.Reader.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	br := bufio.NewReader(inventory.LimitReader(in, lim.MaxBytes))
	t := &table{name: name, lim: lim, inv: &inventory.Inventory{Source: name}, seen: map[[2]string]bool{}}
	head, _ := br.Peek(512)
	if h := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"); len(h) > 0 && h[0] == '[' {
		return t.readJSON(ctx, br)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	n, lines := 0, 0
	afterInterface := false
	for sc.Scan() {
		n++
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		text := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			text = strings.TrimPrefix(text, "\xef\xbb\xbf")
		}
		e, k, format, why := line(text, afterInterface)
		afterInterface = k == header && strings.HasPrefix(strings.TrimSpace(text), "Interface:")
		if k == blank {
			continue
		}
		lines++
		t.setFormat(format)
		switch k {
		case other:
			t.inv.Unknowns = append(t.inv.Unknowns, inventory.Unknown{Location: inventory.Location{Source: name, Line: n}, Reason: why})
		case device:
			if err := t.add(e, n); err != nil {
				return nil, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("a line longer than %d bytes", maxLine)
		}
		return nil, &inventory.InputError{Source: name, Line: n + 1, Offset: -1, Err: err}
	}
	if lines > 0 && lines == len(t.inv.Unknowns) {
		first := t.inv.Unknowns[0]
		return nil, &inventory.InputError{Source: name, Line: first.Location.Line, Offset: -1,
			Err: fmt.Errorf("no line is a neighbour table's (first: %s)", first.Reason)}
	}
	t.finish()
	return t.inv, nil
}

// setFormat notes the format of a line.
func (t *table) setFormat(f string) {
	switch {
	case f == "" || f == t.format:
	case t.format == "":
		t.format = f
	default:
		t.mixed = true
	}
}

// finish names the format read.
func (t *table) finish() {
	switch {
	case t.mixed:
		t.inv.Format = "neighbour tables (" + t.format + " and others)"
	case t.format != "":
		t.inv.Format = t.format + " neighbour table"
	default:
		t.inv.Format = "neighbour table (empty)"
	}
}

// add makes a device of an entry, once for each binding.
func (t *table) add(e entry, line int) error {
	key := [2]string{e.ip, e.mac}
	if t.seen[key] {
		return nil
	}
	t.seen[key] = true
	ref := e.ip
	if e.dev != "" {
		ref += " dev " + e.dev
	}
	loc := inventory.Location{Source: t.name, Ref: ref, Line: line, Host: e.ip}
	name := e.name
	if name == "" {
		name = e.ip
	}
	it := inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: name, Location: loc, Index: len(t.inv.Items)}
	it.Add(inventory.IP, e.ip)
	it.Add(inventory.MAC, e.mac)
	it.Add(Hostname, e.name)
	if why := inventory.CheckItem(&it, t.lim); why != "" || len(e.dev) > t.lim.MaxString {
		if why == "" {
			why = fmt.Sprintf("interface name longer than %d bytes", t.lim.MaxString)
		}
		loc.Ref = inventory.Clip(loc.Ref)
		t.inv.Unknowns = append(t.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: why})
		return nil
	}
	if len(t.inv.Items) >= t.lim.MaxItems {
		return &inventory.InputError{Source: t.name, Line: line, Offset: -1, Err: fmt.Errorf("more than %d neighbours (the item limit)", t.lim.MaxItems)}
	}
	it.SetID()
	t.inv.Items = append(t.inv.Items, it)
	return nil
}
