// Package dpkg reads Debian's package database, /var/lib/dpkg/status (and
// the status.d fragments of distroless images): one stanza per package,
// "Field: value" lines, continuation lines starting with a space.
package dpkg

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads dpkg status files.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "dpkg" }

// Sniff implements inventory.Reader: a stanza that starts with Package:.
func (Reader) Sniff(_ string, head []byte) bool {
	h := bytes.TrimLeft(head, "\n")
	return bytes.HasPrefix(h, []byte("Package: ")) && (bytes.Contains(h, []byte("\nStatus: ")) || bytes.Contains(h, []byte("\nVersion: ")))
}

// maxLine bounds one line; dpkg descriptions are far shorter.
const maxLine = 1 << 20

// Read implements inventory.Reader. Packages not in the "installed" state
// (removed with config files left, half-installed) are not installed
// software and are not reported as items.
func (Reader) Read(ctx context.Context, name string, r io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	inv := &inventory.Inventory{Source: name, Format: "dpkg status"}
	sc := bufio.NewScanner(inventory.LimitReader(r, lim.MaxBytes))
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var st stanza
	line := 0
	flush := func() error {
		if st.start == 0 {
			return nil
		}
		if err := st.emit(inv, lim); err != nil {
			return err
		}
		st = stanza{}
		return nil
	}
	for sc.Scan() {
		line++
		if line%8192 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		text := sc.Text()
		switch {
		case strings.TrimSpace(text) == "":
			if err := flush(); err != nil {
				return nil, err
			}
		case text[0] == ' ' || text[0] == '\t':
			if st.start == 0 {
				return nil, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: fmt.Errorf("continuation line outside a stanza")}
			}
		default:
			k, v, ok := strings.Cut(text, ":")
			if !ok {
				return nil, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: fmt.Errorf("line is not \"Field: value\"")}
			}
			if st.start == 0 {
				st = stanza{start: line, fields: map[string]string{}}
			}
			st.fields[k] = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &inventory.InputError{Source: name, Line: line + 1, Offset: -1, Err: err}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return inv, nil
}

type stanza struct {
	start  int
	fields map[string]string
}

func (st *stanza) emit(inv *inventory.Inventory, lim inventory.Limits) error {
	if len(inv.Items)+len(inv.Unknowns) >= lim.MaxItems {
		return &inventory.InputError{Source: inv.Source, Line: st.start, Offset: -1, Err: fmt.Errorf("more than %d packages (the item limit)", lim.MaxItems)}
	}
	f := st.fields
	loc := inventory.Location{Source: inv.Source, Line: st.start, Reader: "dpkg"}
	if status := f["Status"]; status != "" && !strings.HasSuffix(status, " installed") {
		return nil
	}
	name := f["Package"]
	if name == "" {
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Reason: "stanza without a Package field"})
		return nil
	}
	for k, v := range f {
		if len(v) > lim.MaxString {
			inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Name: name, Reason: fmt.Sprintf("field %s longer than %d bytes", k, lim.MaxString)})
			return nil
		}
	}
	it := inventory.Item{Type: inventory.Package, Ecosystem: "deb", Name: name, Version: f["Version"], Location: loc, Index: len(inv.Items)}
	it.Location.Ref = "Package: " + name
	it.Add(inventory.Maintainer, f["Maintainer"])
	it.Add(inventory.URL, f["Homepage"])
	it.SetID()
	inv.Items = append(inv.Items, it)
	return nil
}
