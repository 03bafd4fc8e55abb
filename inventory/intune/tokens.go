package intune

import (
	"bytes"

	"github.com/go-json-experiment/json/jsontext"
)

// Reading tokens off the decoder: names, scalars, nested objects of
// known properties, and values to skip.

// name reads an object member's name. It is valid until the next read.
func (w *walker) name() ([]byte, error) {
	v, err := w.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1], nil
	}
	w.key, err = jsontext.AppendUnquote(w.key[:0], v)
	return w.key, err
}

// scalar reads the next value when it is a scalar, and skips an object
// or array: k is its kind, v its raw JSON (nil when skipped).
func (w *walker) scalar() (k jsontext.Kind, v []byte, err error) {
	switch k = w.dec.PeekKind(); k {
	case '{', '[':
		return k, nil, w.skip()
	}
	v, err = w.dec.ReadValue()
	return k, v, err
}

// members reads a nested object's string properties that fieldOf knows
// (hardwareInformation, error) and skips the others.
func (w *walker) members(r *resource, fieldOf func([]byte) int) error {
	if _, err := w.dec.ReadToken(); err != nil {
		return err
	}
	if err := w.deeper(); err != nil {
		return err
	}
	for {
		switch w.dec.PeekKind() {
		case '}':
			_, err := w.dec.ReadToken()
			return err
		case 0:
			_, err := w.dec.ReadToken()
			return err
		}
		name, err := w.name()
		if err != nil {
			return err
		}
		if f := fieldOf(name); f >= 0 {
			err = w.field(r, f)
		} else {
			err = w.skip()
		}
		if err != nil {
			return err
		}
	}
}

// other skips a value that is not what was looked for there, and says
// so at its line.
func (w *walker) other(ref, reason string) error {
	var line int
	switch w.dec.PeekKind() {
	case '{', '[':
		if _, err := w.dec.ReadToken(); err != nil {
			return err
		}
		line = w.lines.line(w.dec.InputOffset() - 1)
		if err := w.deeper(); err != nil {
			return err
		}
		if err := w.skipRest(w.dec.StackDepth() - 1); err != nil {
			return err
		}
	default:
		v, err := w.dec.ReadValue()
		if err != nil {
			return err
		}
		line = w.lines.line(w.dec.InputOffset() - int64(len(v)))
	}
	w.unknown(ref, line, "", reason)
	return nil
}

// skip skips a value, checking the nesting of objects and arrays.
func (w *walker) skip() error {
	switch w.dec.PeekKind() {
	case '{', '[':
	default:
		return w.dec.SkipValue()
	}
	return w.skipRest(w.dec.StackDepth())
}

// skipRest skips tokens until the nesting is back to depth.
func (w *walker) skipRest(depth int) error {
	for {
		t, err := w.dec.ReadToken()
		if err != nil {
			return err
		}
		switch t.Kind() {
		case '{', '[':
			if err := w.deeper(); err != nil {
				return err
			}
		}
		if w.dec.StackDepth() == depth {
			return nil
		}
	}
}

// kindName names a JSON kind for a message.
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '0':
		return "a number"
	case '"':
		return "a string"
	case 'n':
		return "null"
	}
	return "not a JSON value"
}
