package jsonstream

import (
	"bytes"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// Lines turns byte offsets of an input into line numbers, counting the
// newlines between the offset asked for and the last one: offsets come
// in increasing order but for short steps back within one value, so the
// counting stays linear in the input.
type Lines struct {
	data []byte
	off  int64
	n    int
}

// NewLines counts the lines of data.
func NewLines(data []byte) *Lines { return &Lines{data: data, n: 1} }

// At is the 1-based line of the byte at offset off.
func (l *Lines) At(off int64) int {
	if off < l.off {
		l.n -= bytes.Count(l.data[off:l.off], []byte("\n"))
	} else {
		l.n += bytes.Count(l.data[l.off:off], []byte("\n"))
	}
	l.off = off
	return l.n
}

// CheckDepth fails when JSON arrays and objects in data nest deeper than
// limit (the default limit when it is not positive), with an InputError
// at the bracket that goes too deep.
func CheckDepth(name string, data []byte, limit int) error {
	if limit <= 0 {
		limit = inventory.DefaultLimits.MaxDepth
	}
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			if depth++; depth > limit {
				line, col := inventory.LineCol(data, int64(i))
				return &inventory.InputError{Source: name, Line: line, Column: col, Offset: int64(i), Err: fmt.Errorf("JSON nested deeper than %d", limit)}
			}
		case '}', ']':
			depth = max(depth-1, 0)
		}
	}
	return nil
}

// Members calls fn with the name of each member of the JSON object obj,
// which starts at offset off of the input, its value and the value's
// offset. obj has been read whole, so it is well-formed.
func Members(obj []byte, off int64, fn func(name string, v []byte, voff int64) error) error {
	dec := jsontext.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String() // before the token is voided by the next read
		start := skipColon(obj, dec.InputOffset())
		if err := dec.SkipValue(); err != nil {
			return err
		}
		if err := fn(name, obj[start:dec.InputOffset()], off+start); err != nil {
			return err
		}
	}
	return nil
}

// Elements calls fn with the index of each element of the JSON array
// arr, which starts at offset off of the input, the element and its
// offset.
func Elements(arr []byte, off int64, fn func(i int, v []byte, voff int64) error) error {
	dec := jsontext.NewDecoder(bytes.NewReader(arr))
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		start := skipSep(arr, dec.InputOffset(), true)
		if err := dec.SkipValue(); err != nil {
			return err
		}
		if err := fn(i, arr[start:dec.InputOffset()], off+start); err != nil {
			return err
		}
	}
	return nil
}

// skipColon moves off past white space and the colon after a name.
func skipColon(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':':
			off++
		default:
			return off
		}
	}
	return off
}
