package assets

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Reader reads CSV asset registers.
type Reader struct{}

// Name implements inventory.Reader.
func (Reader) Name() string { return "asset-register" }

// Sniff implements inventory.Reader: the first line is a header row with
// a manufacturer column and a model, serial, IP or MAC column.
func (Reader) Sniff(_ string, head []byte) bool {
	first, _, _ := bytes.Cut(bytes.TrimLeft(headText(head), "\r\n"), []byte("\n"))
	r := csv.NewReader(bytes.NewReader(first))
	r.Comma = delimiter(first)
	rec, err := r.Read()
	return err == nil && len(rec) > 1 && parseHeader(rec).register()
}

// separators name the delimiters for Inventory.Format.
var separators = map[rune]string{',': "comma", ';': "semicolon", '\t': "tab"}

// Read implements inventory.Reader. A row that cannot be read is an
// unknown at its line, and reading goes on.
func (Reader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	src := bufio.NewReaderSize(inventory.LimitReader(in, lim.MaxBytes), 64<<10)
	tb := bufio.NewReaderSize(text(src), 64<<10)
	peek, _ := tb.Peek(64 << 10) // what there is; an error comes again on reading
	first, _, _ := bytes.Cut(bytes.TrimLeft(peek, "\r\n"), []byte("\n"))
	cr := csv.NewReader(tb)
	cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = delimiter(first), -1, true
	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty: no header row")
		}
		line := 1
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.Line
		}
		return nil, &inventory.InputError{Source: name, Line: line, Offset: -1, Err: err}
	}
	headLine, _ := cr.FieldPos(0)
	h := parseHeader(rec)
	if !h.register() {
		return nil, &inventory.InputError{Source: name, Line: headLine, Offset: -1,
			Err: fmt.Errorf("not an asset register: the header %q has no manufacturer column, or no model, serial, IP or MAC column", inventory.Clip(strings.Join(h.names, ",")))}
	}
	rd := &rows{name: name, lim: lim, h: h, inv: &inventory.Inventory{Source: name, Format: "asset register CSV (" + separators[cr.Comma] + "-separated)"}}
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case err == nil:
			line, _ := cr.FieldPos(0)
			if err := rd.row(n, line, rec); err != nil {
				return nil, err
			}
		case errors.Is(err, io.EOF):
			return rd.inv, nil
		case errors.As(err, &pe) && pe.StartLine > 0 && !errors.Is(pe.Err, inventory.ErrTooLarge):
			rd.unknown(n, pe.StartLine, "", "not a CSV row: "+pe.Err.Error())
		default: // reading failed: the size limit
			return nil, &inventory.InputError{Source: name, Line: rd.last + 1, Offset: -1, Err: err}
		}
	}
}

// rows makes devices of a register's rows.
type rows struct {
	name string
	lim  inventory.Limits
	h    header
	inv  *inventory.Inventory
	last int // line of the last row read
}

// unknown records a row, or a value of it, that could not be read.
func (rd *rows) unknown(n, line int, host, reason string) {
	rd.inv.Unknowns = append(rd.inv.Unknowns, inventory.Unknown{
		Location: inventory.Location{Source: rd.name, Ref: fmt.Sprintf("row %d", n), Line: line, Host: host}, Reason: reason})
}
