// Package plist decodes Apple property lists (XML, binary and OpenStep)
// from hostile input: nesting is measured before the plist library,
// which recurses per level, sees the data, and its panics become errors
// naming the file.
package plist

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"

	hplist "howett.net/plist"

	"github.com/embargo-dev/embargo/inventory"
)

// MaxSize bounds one property list. Real Info.plists and launchd jobs
// are a few kilobytes; the largest seen (apps declaring hundreds of
// document types) are well under a megabyte.
const MaxSize = 8 << 20

// Decode decodes an XML, binary or OpenStep property list into v.
// The plist library recurses once per nesting level and lets runtime
// errors through as panics, so the nesting is measured first, without
// recursion, and a panic left over is turned into an error.
func Decode(name string, data []byte, v any, lim inventory.Limits) (err error) {
	depth := lim.MaxDepth
	if depth <= 0 {
		depth = inventory.DefaultLimits.MaxDepth
	}
	if err := CheckDepth(data, depth); err != nil {
		return &inventory.InputError{Source: name, Offset: OffsetOf(err), Err: err}
	}
	if bytes.HasPrefix(data, []byte("bplist")) {
		if err := checkExpansion(name, data); err != nil {
			return err
		}
	}
	defer func() {
		if p := recover(); p != nil {
			err = &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("malformed property list: %v", p)}
		}
	}()
	top := document{v: v}
	if _, err := hplist.Unmarshal(data, &top); err != nil {
		return &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	if !top.seen {
		return &inventory.InputError{Source: name, Offset: -1, Err: errors.New("no property list in the file")}
	}
	return nil
}

// document decodes the top object into v and records that there was
// one: the plist library accepts an empty file as an empty document.
type document struct {
	v    any
	seen bool
}

// UnmarshalPlist implements the plist library's Unmarshaler.
func (d *document) UnmarshalPlist(unmarshal func(any) error) error {
	d.seen = true
	return unmarshal(d.v)
}

// posError is a structural error at a byte offset of a property list.
type posError struct {
	off int64
	msg string
}

func (e *posError) Error() string { return e.msg }

func errAt(off int64, format string, args ...any) error {
	return &posError{off: off, msg: fmt.Sprintf(format, args...)}
}

// OffsetOf is the byte offset a structural error names, or -1.
func OffsetOf(err error) int64 {
	var pe *posError
	if errors.As(err, &pe) {
		return pe.off
	}
	return -1
}

// CheckDepth fails when the property list nests containers deeper than
// limit, in whichever of the three forms the plist library will read it.
func CheckDepth(data []byte, limit int) error {
	if bytes.HasPrefix(data, []byte("bplist")) {
		return checkBinaryDepth(data, limit)
	}
	// The library tries XML first, and text when that fails: a text
	// document is read as XML as far as its first tag.
	if err := checkXMLDepth(data, limit); err != nil {
		return err
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("<")) {
		return nil // as text it fails at the first '<'
	}
	return checkTextDepth(data, limit)
}

// checkXMLDepth measures element nesting with encoding/xml's tokenizer,
// which keeps its own stack on the heap. A document that does not
// tokenize is left to the plist library to report.
func checkXMLDepth(data []byte, limit int) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	depth := 0
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			// The end, or XML that the library's stricter decoder
			// rejects at this point or before; it reports why.
			return nil
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > limit {
				return errAt(start, "elements nested deeper than %d", limit)
			}
		case xml.EndElement:
			depth = max(depth-1, 0)
		}
	}
}

// checkTextDepth measures the nesting of ( and { in an OpenStep or
// GNUstep text property list, skipping quoted strings and comments.
func checkTextDepth(data []byte, limit int) error {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"', '\'':
			for i++; i < len(data) && data[i] != c; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 < len(data) && data[i+1] == '/' {
				for i < len(data) && data[i] != '\n' {
					i++
				}
			} else if i+1 < len(data) && data[i+1] == '*' {
				end := bytes.Index(data[i+2:], []byte("*/"))
				if end < 0 {
					return nil // unterminated comment: the library reports it
				}
				i += end + 3
			}
		case '(', '{':
			depth++
			if depth > limit {
				return errAt(int64(i), "containers nested deeper than %d", limit)
			}
		case ')', '}':
			depth = max(depth-1, 0)
		}
	}
	return nil
}
