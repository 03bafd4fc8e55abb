package inventory

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// CheckItem returns why an item cannot be kept as it is, or "": a field
// over the size limit, or nothing to attribute it by. Readers record such
// an item as an Unknown with this reason instead of dropping it.
func CheckItem(it *Item, lim Limits) string {
	if len(it.Name) > lim.MaxString || len(it.Version) > lim.MaxString {
		return fmt.Sprintf("name or version longer than %d bytes", lim.MaxString)
	}
	for _, a := range it.Attrs {
		if len(a.Value) > lim.MaxString {
			return fmt.Sprintf("%s longer than %d bytes", a.Field, lim.MaxString)
		}
	}
	if !it.Identifiable() {
		return "no name, package URL, CPE, supplier or location to attribute it by"
	}
	return ""
}

// Clip shortens a value for an Unknown's name.
func Clip(s string) string {
	if len(s) <= 200 {
		return s
	}
	cut := 200
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// JSONError turns an encoding/json error into an InputError with the line
// and column of the offending byte.
func JSONError(name string, data []byte, err error) error {
	off := int64(-1)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = max(se.Offset-1, 0) // Offset counts the bytes read, the bad one included
	case errors.As(err, &te):
		off = max(te.Offset-1, 0)
		err = fmt.Errorf("field %q: JSON %s where %s was expected", te.Field, te.Value, te.Type)
	}
	ie := &InputError{Source: name, Offset: off, Err: err}
	if off >= 0 {
		ie.Line, ie.Column = LineCol(data, off)
	}
	return ie
}

// CheckUTF8 returns an InputError at the first byte of data that is not
// UTF-8, or nil. JSON decoders would otherwise replace it silently.
func CheckUTF8(name string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	off := int64(FirstInvalidUTF8(data))
	line, col := LineCol(data, off)
	return &InputError{Source: name, Line: line, Column: col, Offset: off, Err: errors.New("invalid UTF-8")}
}

// FirstInvalidUTF8 returns the offset of the first byte of b that is not
// part of a UTF-8 sequence, or len(b).
func FirstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}
