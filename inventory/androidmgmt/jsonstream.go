package androidmgmt

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// value is one JSON value of an input: a top-level value, or an element
// of a top-level array.
type value struct {
	raw  []byte // its text, a slice of the input
	off  int64  // offset of its first byte in the input
	ref  string // JSON pointer to it within its top-level value: "" or "/i"
	line int    // 1-based line of its first byte
}

// syntaxError is a JSON syntax error at a byte offset of the input.
type syntaxError struct {
	off int64
	err error
}

func (e *syntaxError) Error() string { return e.err.Error() }

// eachValue calls fn for each JSON value of data: a single document, an
// array (each element), or one value a line as in NDJSON (one page or
// device a line). In a file of one value a line, a line that is not
// JSON is passed to bad and reading goes on with the next line; any
// other syntax error is an InputError at its line and column.
func eachValue(ctx context.Context, name string, data []byte, fn func(value) error, bad func(line int, err error)) error {
	ln := &lines{data: data, n: 1}
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
				bad(ln.at(start), se.err)
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
func readTop(dec *jsontext.Decoder, data []byte, start int64, ln *lines, fn func(value) error) error {
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
		return fn(value{raw: data[start : start+dec.InputOffset()], off: start, line: ln.at(start)})
	}
	if _, err := dec.ReadToken(); err != nil {
		return fail(err)
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		off := skipSep(data, start+dec.InputOffset(), true)
		if _, err := dec.ReadValue(); err != nil {
			return fail(err)
		}
		v := value{raw: data[off : start+dec.InputOffset()], off: off, ref: fmt.Sprintf("/%d", i), line: ln.at(off)}
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

// lines turns byte offsets into line numbers, counting the newlines
// between the offset asked for and the last one: offsets come in
// increasing order but for short steps back within one value, so the
// counting stays linear in the input.
type lines struct {
	data []byte
	off  int64
	n    int
}

func (l *lines) at(off int64) int {
	if off < l.off {
		l.n -= bytes.Count(l.data[off:l.off], []byte("\n"))
	} else {
		l.n += bytes.Count(l.data[l.off:off], []byte("\n"))
	}
	l.off = off
	return l.n
}

// checkDepth fails when JSON arrays and objects in data nest deeper than
// limit, at the bracket that goes too deep.
func checkDepth(name string, data []byte, limit int) error {
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

// members calls fn with the name of each member of the JSON object obj,
// which starts at offset off of the input, its value and the value's
// offset. obj has been read whole, so it is well-formed.
func members(obj []byte, off int64, fn func(name string, v []byte, voff int64) error) error {
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

// elements calls fn with the index of each element of the JSON array
// arr, which starts at offset off of the input, the element and its
// offset.
func elements(arr []byte, off int64, fn func(i int, v []byte, voff int64) error) error {
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

// kind names the JSON type of a value by its first byte.
func kind(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
