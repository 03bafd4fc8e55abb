// Package jsonwalk reads a JSON input value by value with jsontext's
// streaming decoder, keeping only what a reader asks for, so that memory
// is bounded by the values kept rather than by the input. The device
// managers' readers (inventory/jamf, inventory/workspaceone) read their
// pages with it: Fields keeps the values at the paths a reader wants and
// hands it the lists it reads itself.
//
// A Walker keeps to the depth limit it is given, checks for cancellation
// every 1024 values, reads strings that hold bytes that are not UTF-8
// with U+FFFD in their place (BadUTF8 says how many), and Fail turns the
// decoder's errors into an inventory.InputError at their byte offset.
package jsonwalk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// Walker reads one JSON input.
type Walker struct {
	dec      *jsontext.Decoder
	ctx      context.Context
	source   string
	maxDepth int
	steps    int
	// Strings holding bytes that are not UTF-8 are read with U+FFFD in
	// their place; bad counts them and firstBad is where the first was.
	bad      int
	firstBad int64
}

// New is a Walker of in, named source in errors, within lim's size and
// depth limits.
func New(ctx context.Context, source string, in io.Reader, lim inventory.Limits) *Walker {
	dec := jsontext.NewDecoder(inventory.LimitReader(in, lim.MaxBytes), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	return &Walker{dec: dec, ctx: ctx, source: source, maxDepth: lim.MaxDepth}
}

// open reads the '{' or '[' that begins the value that comes next,
// keeping to the depth limit. (Values skipped rather than walked are
// held to jsontext's own limit of 10000.)
func (w *Walker) open() error {
	if _, err := w.dec.ReadToken(); err != nil {
		return err
	}
	if d := w.dec.StackDepth(); w.maxDepth > 0 && d > w.maxDepth {
		return &inventory.InputError{Source: w.source, Offset: w.dec.InputOffset(), Err: fmt.Errorf("JSON nested deeper than %d (the depth limit)", w.maxDepth)}
	}
	return nil
}

// Peek returns the kind of the next value and where it starts.
func (w *Walker) Peek() (jsontext.Kind, int64) {
	k := w.dec.PeekKind()
	buf := w.dec.UnreadBuffer()
	skip := len(buf) - len(bytes.TrimLeft(buf, " \t\r\n,:"))
	return k, w.dec.InputOffset() + int64(skip)
}

// Skip reads the next value whole and drops it.
func (w *Walker) Skip() error { return w.dec.SkipValue() }

// tick checks for cancellation every so many values.
func (w *Walker) tick() error {
	w.steps++
	if w.steps%1024 == 0 {
		return w.ctx.Err()
	}
	return nil
}

// Scalar is a value read as text: a string's contents, a number as
// written, true or false, "" for null. Kind is the JSON kind; for an
// object or an array, which are skipped, Text is empty.
type Scalar struct {
	Text string
	Kind jsontext.Kind
}

// Composite reports whether the value was an object or an array.
func (s Scalar) Composite() bool { return s.Kind == '{' || s.Kind == '[' }

// Value reads the next value as a scalar, skipping an object or array.
func (w *Walker) Value() (Scalar, error) {
	if err := w.tick(); err != nil {
		return Scalar{}, err
	}
	k, off := w.Peek()
	if k == '{' || k == '[' {
		return Scalar{Kind: k}, w.dec.SkipValue()
	}
	raw, err := w.dec.ReadValue()
	if err != nil {
		return Scalar{}, err
	}
	switch k = raw.Kind(); k {
	case '"':
		if !utf8.Valid(raw) {
			if w.bad == 0 {
				w.firstBad = off
			}
			w.bad++
		}
		b, _ := jsontext.AppendUnquote(nil, raw) // invalid UTF-8 comes back as U+FFFD
		return Scalar{Text: string(b), Kind: k}, nil
	case 'n':
		return Scalar{Kind: k}, nil
	}
	return Scalar{Text: string(raw), Kind: k}, nil
}

// Object reads the members of the object that comes next, calling f with
// each name and the offset of its value; f reads the value.
func (w *Walker) Object(f func(name string, off int64) error) error {
	if err := w.open(); err != nil {
		return err
	}
	for {
		if err := w.tick(); err != nil {
			return err
		}
		if w.dec.PeekKind() == '}' {
			_, err := w.dec.ReadToken()
			return err
		}
		tok, err := w.dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String() // before the token is voided by Peek
		_, off := w.Peek()
		if err := f(name, off); err != nil {
			return err
		}
	}
}

// Array reads the elements of the array that comes next, calling f with
// each index and the offset of the element; f reads the element.
func (w *Walker) Array(f func(i int, off int64) error) error {
	if err := w.open(); err != nil {
		return err
	}
	for i := 0; ; i++ {
		if err := w.tick(); err != nil {
			return err
		}
		k, off := w.Peek()
		if k == ']' {
			_, err := w.dec.ReadToken()
			return err
		}
		if err := f(i, off); err != nil {
			return err
		}
	}
}

// Documents calls f for each top-level JSON object of the input, with the
// prefix its JSON pointers take (none for the first, #2 for the second...)
// and its offset. A top-level value that is not an object is an
// InputError.
func (w *Walker) Documents(f func(doc string, off int64) error) error {
	for n := 1; ; n++ {
		k, off := w.Peek()
		if k == 0 {
			if _, err := w.dec.ReadToken(); err != io.EOF {
				return err
			}
			return nil
		}
		if k != '{' {
			if KindName(k) == "value" { // not the start of a JSON value: the decoder says why
				if _, err := w.dec.ReadToken(); err != nil {
					return err
				}
			}
			return &inventory.InputError{Source: w.source, Offset: off, Err: fmt.Errorf("a JSON %s where an object was expected", KindName(k))}
		}
		doc := ""
		if n > 1 {
			doc = "#" + strconv.Itoa(n)
		}
		if err := f(doc, off); err != nil {
			return err
		}
	}
}

// Fail turns an error of the decoder into an InputError at its offset;
// an InputError, a cancellation and nil are returned as they are.
func (w *Walker) Fail(err error) error {
	var ie *inventory.InputError
	if err == nil || errors.As(err, &ie) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	off := w.dec.InputOffset()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("the JSON ends early: the file is truncated")
	}
	return &inventory.InputError{Source: w.source, Offset: off, Err: err}
}

// BadUTF8 is the unknown saying how many strings held bytes that are not
// UTF-8, or nil.
func (w *Walker) BadUTF8() *inventory.Unknown {
	if w.bad == 0 {
		return nil
	}
	return &inventory.Unknown{Location: inventory.Location{Source: w.source, Offset: w.firstBad},
		Reason: fmt.Sprintf("%d values held bytes that are not UTF-8, read as U+FFFD (the first at byte %d)", w.bad, w.firstBad)}
}

// KindName names a JSON kind in a message: "object", "array", "string",
// "number", "boolean", "null", else "value".
func KindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "value"
}
