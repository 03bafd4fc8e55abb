package intune

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

// CSVReader reads the Intune report exports: discovered apps by device
// or in aggregate, and device lists; as a CSV or as the ZIP an export
// job gives.
type CSVReader struct{}

// Name implements inventory.Reader.
func (CSVReader) Name() string { return "intune-csv" }

// Sniff implements inventory.Reader: the header row is an Intune
// report's, in the input or in the ZIP's first entry.
func (CSVReader) Sniff(_ string, head []byte) bool {
	if bytes.HasPrefix(head, zipMagic) {
		head = zipHead(head)
	}
	line, _, _ := bytes.Cut(headText(head), []byte("\n"))
	r := csv.NewReader(bytes.NewReader(line))
	r.Comma = delimiter(line)
	rec, err := r.Read()
	return err == nil && len(rec) > 1 && parseHeader(rec).recognised()
}

// delimiter is the separator of a header row: a comma, unless the row
// has more semicolons or tabs outside quotes (a locale's list separator;
// the exports are documented with commas only).
func delimiter(line []byte) rune {
	var n [3]int
	quoted := false
	for _, c := range line {
		switch c {
		case '"':
			quoted = !quoted
		case ',', ';', '\t':
			if !quoted {
				n[bytes.IndexByte([]byte(",;\t"), c)]++
			}
		}
	}
	best := 0
	for i := range n {
		if n[i] > n[best] {
			best = i
		}
	}
	return rune(",;\t"[best])
}

// Read implements inventory.Reader. A row that cannot be read (bad
// quoting, a wrong number of fields, a value past the string limit, an
// app without a name, a device without an id) is an unknown at its
// line, and reading goes on.
func (CSVReader) Read(ctx context.Context, name string, in io.Reader, lim inventory.Limits) (*inventory.Inventory, error) {
	src := bufio.NewReaderSize(inventory.LimitReader(in, lim.MaxBytes), 64<<10)
	var (
		body   io.Reader = src
		entry  string
		zipped bool
	)
	if head, _ := src.Peek(len(zipMagic)); bytes.Equal(head, zipMagic) {
		rc, e, err := openZip(name, src, lim)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		body, entry, zipped = rc, e, true
	}
	text, _, err := utf8Text(body)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: err}
	}
	tb := bufio.NewReaderSize(text, 64<<10)
	head, _ := tb.Peek(64 << 10) // what there is; an error comes again on reading
	first, _, _ := bytes.Cut(head, []byte("\n"))
	cr := csv.NewReader(tb)
	cr.Comma, cr.ReuseRecord = delimiter(first), true
	rec, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty: no header row")
		}
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: -1, Err: err}
	}
	h := parseHeader(rec)
	kind := h.kind()
	if kind == reportNone {
		return nil, &inventory.InputError{Source: name, Line: 1, Offset: -1,
			Err: fmt.Errorf("not an Intune report: no ApplicationName or DeviceId column in %s", clip(strings.Join(h.names, ",")))}
	}
	format := reportFormats[kind]
	if zipped {
		format += " in a ZIP"
	}
	rd := &rows{src: name, entry: entry, lim: lim, h: h, kind: kind, at: map[string]int{},
		inv: &inventory.Inventory{Source: name, Format: format}}
	if err := rd.read(ctx, cr); err != nil {
		return nil, err
	}
	rd.inv.Devices = inventory.MergeDevices(rd.inv.Devices) // a device list may name a device twice
	return rd.inv, nil
}

// read reads the rows after the header.
func (rd *rows) read(ctx context.Context, cr *csv.Reader) error {
	last := 1 // line of the last row read
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.Read()
		var pe *csv.ParseError
		switch {
		case err == nil:
			line, _ := cr.FieldPos(0)
			last = line
			if err := rd.row(n, line, rec); err != nil {
				return err
			}
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
			rd.unknown(n, pe.StartLine, "", fmt.Sprintf("%d fields where the header has %d", len(rec), len(rd.h.names)))
		case errors.As(err, &pe) && pe.StartLine > 0:
			rd.unknown(n, pe.StartLine, "", "not a CSV row: "+pe.Err.Error())
		default: // reading failed: the limit, a broken ZIP
			return &inventory.InputError{Source: rd.src, Line: last + 1, Offset: -1, Err: err}
		}
	}
}
