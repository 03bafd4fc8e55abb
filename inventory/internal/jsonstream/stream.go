// Package jsonstream reads a JSON input held whole in memory as a stream
// of values: a single document, each element of a top-level array, or
// one value a line as in NDJSON, each with its offset, its JSON pointer
// within its top-level value and its line, so that a reader can decode
// them one at a time and say where each came from. Members and Elements
// walk an object or array already read whole. inventory/androidmgmt and
// inventory/applemdm (its webhook logs) read their JSON with it.
package jsonstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// Value is one JSON value of an input: a top-level value, or an element
// of a top-level array.
type Value struct {
	Raw  []byte // its text, a slice of the input
	Off  int64  // offset of its first byte in the input
	Ref  string // JSON pointer to it within its top-level value: "" or "/i"
	Line int    // 1-based line of its first byte
}

// syntaxError is a JSON syntax error at a byte offset of the input.
type syntaxError struct {
	off int64
	err error
}

func (e *syntaxError) Error() string { return e.err.Error() }

// Each calls fn for each JSON value of data, named name in errors: a
// single document, an array (each element), or one value a line as in
// NDJSON. In a file of one value a line, a line that is not JSON is
// passed to bad and reading goes on with the next line; any other syntax
// error is an InputError at its line and column, and so is an input with
// no value.
func Each(ctx context.Context, name string, data []byte, fn func(Value) error, bad func(line int, err error)) error {
	ln := NewLines(data)
	pos, count, oneALine := int64(0), 0, true
	for {
		start := skipSep(data, pos, false)
		if start >= int64(len(data)) {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		dec := jsontext.NewDecoder(bytes.NewReader(data[start:]))
		err := readTop(dec, data, start, ln, fn)
		if se, ok := errors.AsType[*syntaxError](err); ok {
			if count > 0 && oneALine {
				bad(ln.At(start), se.err)
				nl := bytes.IndexByte(data[start:], '\n')
				if nl < 0 {
					break
				}
				pos, count = start+int64(nl)+1, count+1
				continue
			}
			line, col := inventory.LineCol(data, se.off)
			return &inventory.InputError{Source: name, Line: line, Column: col, Offset: se.off, Err: se.err}
		}
		if err != nil {
			return err
		}
		end := start + dec.InputOffset()
		if bytes.IndexByte(data[start:end], '\n') >= 0 || !endsLine(data, end) {
			oneALine = false
		}
		pos, count = end, count+1
	}
	if count == 0 {
		return &inventory.InputError{Source: name, Offset: 0, Err: errors.New("empty document")}
	}
	return nil
}

// readTop reads the top-level value at start with dec, which reads
// data[start:], and passes it, or each of its elements, to fn.
func readTop(dec *jsontext.Decoder, data []byte, start int64, ln *Lines, fn func(Value) error) error {
	fail := func(err error) error {
		off := start + dec.InputOffset()
		if se, ok := errors.AsType[*jsontext.SyntacticError](err); ok {
			off = start + se.ByteOffset
		}
		return &syntaxError{off: min(off, int64(len(data))), err: err}
	}
	if data[start] != '[' {
		if _, err := dec.ReadValue(); err != nil {
			return fail(err)
		}
		return fn(Value{Raw: data[start : start+dec.InputOffset()], Off: start, Line: ln.At(start)})
	}
	if _, err := dec.ReadToken(); err != nil {
		return fail(err)
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		off := skipSep(data, start+dec.InputOffset(), true)
		if _, err := dec.ReadValue(); err != nil {
			return fail(err)
		}
		v := Value{Raw: data[off : start+dec.InputOffset()], Off: off, Ref: fmt.Sprintf("/%d", i), Line: ln.At(off)}
		if err := fn(v); err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return fail(err)
	}
	return nil
}

// skipSep moves off past white space, and commas when comma is set.
func skipSep(data []byte, off int64, comma bool) int64 {
	for off < int64(len(data)) {
		switch c := data[off]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n', comma && c == ',':
			off++
		default:
			return off
		}
	}
	return off
}

// endsLine reports whether only blanks lie between off and the end of
// its line.
func endsLine(data []byte, off int64) bool {
	for ; off < int64(len(data)); off++ {
		switch data[off] {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return true
}
