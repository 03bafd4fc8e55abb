package workspaceone

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// walker reads a JSON input value by value with jsontext's streaming
// decoder, keeping only what a reader asks for, so that memory is bounded
// by the fields kept rather than by the input.
type walker struct {
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

func newWalker(ctx context.Context, source string, in io.Reader, lim inventory.Limits) *walker {
	dec := jsontext.NewDecoder(inventory.LimitReader(in, lim.MaxBytes), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	return &walker{dec: dec, ctx: ctx, source: source, maxDepth: lim.MaxDepth}
}

// open reads the '{' or '[' that begins the value that comes next,
// keeping to the depth limit. (Values skipped rather than walked are
// held to jsontext's own limit of 10000.)
func (w *walker) open() error {
	if _, err := w.dec.ReadToken(); err != nil {
		return err
	}
	if d := w.dec.StackDepth(); w.maxDepth > 0 && d > w.maxDepth {
		return &inventory.InputError{Source: w.source, Offset: w.dec.InputOffset(), Err: fmt.Errorf("JSON nested deeper than %d (the depth limit)", w.maxDepth)}
	}
	return nil
}

// peek returns the kind of the next value and where it starts.
func (w *walker) peek() (jsontext.Kind, int64) {
	k := w.dec.PeekKind()
	buf := w.dec.UnreadBuffer()
	skip := len(buf) - len(bytes.TrimLeft(buf, " \t\r\n,:"))
	return k, w.dec.InputOffset() + int64(skip)
}

// tick checks for cancellation every so many values.
func (w *walker) tick() error {
	w.steps++
	if w.steps%1024 == 0 {
		return w.ctx.Err()
	}
	return nil
}

// scalar is a value read as text: a string's contents, a number as
// written, true or false, "" for null. kind is the JSON kind; for an
// object or an array, which are skipped, text is empty.
type scalar struct {
	text string
	kind jsontext.Kind
}

func (s scalar) composite() bool { return s.kind == '{' || s.kind == '[' }

// value reads the next value as a scalar, skipping an object or array.
func (w *walker) value() (scalar, error) {
	if err := w.tick(); err != nil {
		return scalar{}, err
	}
	k, off := w.peek()
	if k == '{' || k == '[' {
		return scalar{kind: k}, w.dec.SkipValue()
	}
	raw, err := w.dec.ReadValue()
	if err != nil {
		return scalar{}, err
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
		return scalar{text: string(b), kind: k}, nil
	case 'n':
		return scalar{kind: k}, nil
	}
	return scalar{text: string(raw), kind: k}, nil
}

// object reads the members of the object that comes next, calling f with
// each name and the offset of its value; f reads the value.
func (w *walker) object(f func(name string, off int64) error) error {
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
		name := tok.String() // before the token is voided by peek
		_, off := w.peek()
		if err := f(name, off); err != nil {
			return err
		}
	}
}

// array reads the elements of the array that comes next, calling f with
// each index and the offset of the element; f reads the element.
func (w *walker) array(f func(i int, off int64) error) error {
	if err := w.open(); err != nil {
		return err
	}
	for i := 0; ; i++ {
		if err := w.tick(); err != nil {
			return err
		}
		k, off := w.peek()
		if k == ']' {
			_, err := w.dec.ReadToken()
			return err
		}
		if err := f(i, off); err != nil {
			return err
		}
	}
}

// fields reads the object that comes next into rec.vals: the scalars at
// the paths in want (below prefix), descending into objects on the way to
// them. A path may be wanted both as a value and as an object on the way
// ("Id": 5614 or "Id": {"Value": 5614}). A wanted value that is an object
// or array, or an object on the way that is a scalar, is noted in rec.
// Lists are handed to list with their path and JSON pointer.
func (w *walker) fields(rec *record, want, lists map[string]bool, prefix, ptr string, list func(path, ptr string, off int64) error) error {
	return w.object(func(name string, off int64) error {
		path, p := name, ptr+"/"+escape(name)
		if prefix != "" {
			path = prefix + "/" + name
		}
		k, _ := w.peek()
		switch {
		case lists[path]:
			return list(path, p, off)
		case k == '{' && want[path+"/"]:
			return w.fields(rec, want, lists, path, p, list)
		case want[path]:
			s, err := w.value()
			if err == nil && s.composite() {
				rec.note(at(rec.loc, off), "", fmt.Sprintf("%s is a JSON %s, not a value", path, kindName(s.kind)))
			} else {
				rec.vals[path] = s.text
			}
			return err
		case want[path+"/"] && k != 'n':
			rec.note(at(rec.loc, off), "", fmt.Sprintf("%s is a JSON %s, not an object", path, kindName(k)))
		}
		return w.dec.SkipValue()
	})
}

// documents calls f for each top-level JSON object of the input, with the
// prefix its JSON pointers take (none for the first, #2 for the second...)
// and its offset.
func (w *walker) documents(f func(doc string, off int64) error) error {
	for n := 1; ; n++ {
		k, off := w.peek()
		if k == 0 {
			if _, err := w.dec.ReadToken(); err != io.EOF {
				return err
			}
			return nil
		}
		if k != '{' {
			if kindName(k) == "value" { // not the start of a JSON value: the decoder says why
				if _, err := w.dec.ReadToken(); err != nil {
					return err
				}
			}
			return &inventory.InputError{Source: w.source, Offset: off, Err: fmt.Errorf("a JSON %s where an object was expected", kindName(k))}
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

// paths is the set of paths wanted and of the prefixes leading to them
// (with a trailing slash), as fields takes them.
func paths(list ...string) map[string]bool {
	m := map[string]bool{}
	for _, p := range list {
		m[p] = true
		for i := range len(p) {
			if p[i] == '/' {
				m[p[:i+1]] = true
			}
		}
	}
	return m
}

// at is loc moved to byte offset off.
func at(loc inventory.Location, off int64) inventory.Location {
	loc.Offset = off
	return loc
}

// escape escapes a name for a JSON pointer (RFC 6901).
func escape(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

func kindName(k jsontext.Kind) string {
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

// fail turns an error of the decoder into an InputError at its offset.
func (w *walker) fail(err error) error {
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

// badUTF8 is the unknown saying how many strings held bytes that are not
// UTF-8, or nil.
func (w *walker) badUTF8() *inventory.Unknown {
	if w.bad == 0 {
		return nil
	}
	return &inventory.Unknown{Location: inventory.Location{Source: w.source, Offset: w.firstBad},
		Reason: fmt.Sprintf("%d values held bytes that are not UTF-8, read as U+FFFD (the first at byte %d)", w.bad, w.firstBad)}
}
