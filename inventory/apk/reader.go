// Package apk reads the installed-package database of Alpine's apk-tools,
// lib/apk/db/installed (usr/lib/apk/db/installed on merged-/usr systems
// such as Wolfi and Chimera): one stanza per package, lines of a field
// letter, a colon and a value (P: name, V: version, A: arch, T:
// description, U: URL, m: maintainer, o: origin, L: licence, then the
// package's files as F:, R:, M:, a:, Z: lines), a blank line between
// packages. APKINDEX files use the same stanzas.
package apk

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// maxLine bounds one line. apk-tools writes a line per file path (at most
// PATH_MAX) and the longest real lines, provides and dependencies, stay
// far below this.
const maxLine = 1 << 20

// Read reads an installed database named name, with apk-tools' own rules
// (apk_db_fdb_read): a line shorter than two bytes ends a stanza, any
// other line must have a colon second. A last stanza without the closing
// blank line, which apk-tools would drop, is kept: a truncated database
// still shows what was installed. (Read is not an inventory.Reader of
// documents given on the command line: the database is found on targets.)
func Read(ctx context.Context, name string, r io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	inv := &inventory.Inventory{Source: name, Format: "apk installed database"}
	sc := bufio.NewScanner(inventory.LimitReader(r, lim.MaxBytes))
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var st stanza
	line := 0
	for sc.Scan() {
		line++
		if line%8192 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		text := sc.Bytes()
		if len(text) < 2 {
			if err := st.emit(inv, lim); err != nil {
				return nil, err
			}
			st = stanza{}
			continue
		}
		if text[1] != ':' {
			return nil, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: fmt.Errorf("line is not \"X:value\" (a field letter, a colon, a value)")}
		}
		if st.start == 0 {
			st.start = line
		}
		var field *string
		switch text[0] {
		case 'P':
			field = &st.name
		case 'V':
			field = &st.version
		case 'm':
			field = &st.maintainer
		case 'U':
			field = &st.url
		default:
			continue // files, dependencies, checksums: not what an item carries
		}
		if len(text)-2 > lim.MaxString {
			st.long = fmt.Sprintf("%c: line %d longer than %d bytes", text[0], line, lim.MaxString)
			continue
		}
		*field = string(text[2:])
	}
	if err := sc.Err(); err != nil {
		return nil, &inventory.InputError{Source: name, Line: line + 1, Offset: -1, Err: err}
	}
	if err := st.emit(inv, lim); err != nil {
		return nil, err
	}
	return inv, nil
}

// stanza holds the fields of one package that items carry.
type stanza struct {
	start                          int // line of the first field, 0 before any
	name, version, maintainer, url string
	long                           string // why a field could not be kept
}

func (st *stanza) emit(inv *inventory.Inventory, lim inventory.Limits) error {
	if st.start == 0 {
		return nil
	}
	loc := inventory.Location{Source: inv.Source, Line: st.start, Reader: "apk"}
	if len(inv.Items)+len(inv.Unknowns) >= lim.MaxItems {
		return &inventory.InputError{Source: inv.Source, Line: st.start, Offset: -1, Err: fmt.Errorf("more than %d packages (the item limit)", lim.MaxItems)}
	}
	switch {
	case st.name == "":
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Reason: "stanza without a P: (package name) line"})
		return nil
	case st.long != "":
		inv.Unknowns = append(inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(st.name), Reason: st.long})
		return nil
	}
	loc.Ref = "P:" + st.name
	it := inventory.Item{Type: inventory.Package, Ecosystem: "apk", Name: st.name, Version: st.version, Location: loc, Index: len(inv.Items)}
	it.Add(inventory.Maintainer, st.maintainer)
	it.Add(inventory.URL, st.url)
	it.SetID()
	inv.Items = append(inv.Items, it)
	return nil
}
