package browserext

import (
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/embargo-dev/embargo/inventory"
)

// Size bounds. Manifests and message catalogues are kilobytes; a Firefox
// profile's extensions.json grows by a few kilobytes per add-on.
const (
	maxManifest   = 4 << 20
	maxMessages   = 16 << 20
	maxExtensions = 64 << 20
)

// readFile reads a file of the target within min(limit, lim.MaxBytes).
func readFile(fsys fs.FS, p, name string, limit int64, lim inventory.Limits) ([]byte, error) {
	if lim.MaxBytes > 0 {
		limit = min(limit, lim.MaxBytes)
	}
	fh, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := inventory.ReadAll(fh, limit)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	return data, nil
}

// decodeJSON decodes a Chromium JSON file into v. Chromium reads
// manifests and message catalogues leniently: a UTF-8 byte-order mark
// and // or /* */ comments are allowed, so they are blanked out first
// (with spaces, keeping every error's line and column). Bytes that are
// not UTF-8 are an error rather than silently replaced.
func decodeJSON(name string, data []byte, v any, lenient bool) error {
	if err := inventory.CheckUTF8(name, data); err != nil {
		return err
	}
	if lenient {
		data = blankComments(data)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return inventory.JSONError(name, data, err)
	}
	return nil
}

// blankComments returns a copy of data with a leading byte-order mark and
// comments outside strings replaced by spaces (newlines kept).
func blankComments(data []byte) []byte {
	out := make([]byte, len(data))
	copy(out, data)
	if len(out) >= 3 && out[0] == 0xEF && out[1] == 0xBB && out[2] == 0xBF {
		out[0], out[1], out[2] = ' ', ' ', ' '
	}
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	for i := 0; i < len(out); i++ {
		switch {
		case out[i] == '"':
			for i++; i < len(out) && out[i] != '"'; i++ {
				if out[i] == '\\' {
					i++
				}
			}
		case out[i] == '/' && i+1 < len(out) && out[i+1] == '/':
			j := i
			for j < len(out) && out[j] != '\n' {
				j++
			}
			blank(i, j)
			i = j
		case out[i] == '/' && i+1 < len(out) && out[i+1] == '*':
			j := i + 2
			for j+1 < len(out) && !(out[j] == '*' && out[j+1] == '/') {
				j++
			}
			j = min(j+2, len(out))
			blank(i, j)
			i = j - 1
		}
	}
	return out
}

// text is a JSON value kept when it is a string and ignored otherwise:
// fields that only describe an extension must not cost the whole record.
type text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = text(s)
	}
	return nil
}

// author is a manifest's author: a string, or an object with an e-mail
// address (Chrome documents {"email": ...}; some manifests give a name).
type author string

// UnmarshalJSON implements json.Unmarshaler.
func (a *author) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*a = author(s)
		return nil
	}
	var o struct{ Name, Email text }
	if json.Unmarshal(b, &o) == nil {
		switch {
		case o.Name != "" && o.Email != "":
			*a = author(fmt.Sprintf("%s <%s>", o.Name, o.Email))
		case o.Name != "":
			*a = author(o.Name)
		default:
			*a = author(o.Email)
		}
	}
	return nil
}
