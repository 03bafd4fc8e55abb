package jsonwalk

import (
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// Record is one object as Fields reads it: the values of the fields
// wanted, keyed by their path ("general/udid", "Id/Value"), where it
// lies, and what of it could not be read.
type Record struct {
	Vals  map[string]string
	Loc   inventory.Location
	Notes []inventory.Unknown
}

// NewRecord is an empty Record at loc.
func NewRecord(loc inventory.Location) *Record {
	return &Record{Vals: map[string]string{}, Loc: loc}
}

// Note records something of rec that could not be read.
func (rec *Record) Note(loc inventory.Location, name, reason string) {
	rec.Notes = append(rec.Notes, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: reason})
}

// Pick returns the first value of rec under keys that is not blank,
// trimmed. A value longer than maxString bytes is passed over, with a
// note saying so.
func (rec *Record) Pick(maxString int, keys ...string) string {
	for _, k := range keys {
		v := strings.TrimSpace(rec.Vals[k])
		if v == "" {
			continue
		}
		if len(v) > maxString {
			rec.Note(rec.Loc, "", fmt.Sprintf("%s of the device is longer than %d bytes", k, maxString))
			continue
		}
		return v
	}
	return ""
}

// Fields reads the object that comes next into rec.Vals: the scalars at
// the paths in want (below prefix; ptr is the object's JSON pointer),
// descending into objects on the way to them. A path may be wanted both
// as a value and as an object on the way ("Id": 5614 or "Id": {"Value":
// 5614}): an object there is descended into. A wanted value that is an
// object or array, or an object on the way that is a scalar, is noted in
// rec; null is no value. The members at the paths in lists are handed to
// list with their path, JSON pointer and offset, to read.
func (w *Walker) Fields(rec *Record, want, lists map[string]bool, prefix, ptr string, list func(path, ptr string, off int64) error) error {
	return w.Object(func(name string, off int64) error {
		path, p := name, ptr+"/"+escape(name)
		if prefix != "" {
			path = prefix + "/" + name
		}
		k, _ := w.Peek()
		switch {
		case lists[path]:
			return list(path, p, off)
		case k == '{' && want[path+"/"]:
			return w.Fields(rec, want, lists, path, p, list)
		case want[path]:
			s, err := w.Value()
			if err == nil && s.Composite() {
				rec.Note(At(rec.Loc, off), "", fmt.Sprintf("%s is a JSON %s, not a value", path, KindName(s.Kind)))
			} else {
				rec.Vals[path] = s.Text
			}
			return err
		case want[path+"/"] && k != 'n':
			rec.Note(At(rec.Loc, off), "", fmt.Sprintf("%s is a JSON %s, not an object", path, KindName(k)))
		}
		return w.dec.SkipValue()
	})
}

// Paths is the set of paths wanted and of the prefixes leading to them
// (with a trailing slash), as Fields takes them.
func Paths(list ...string) map[string]bool {
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

// At is loc moved to byte offset off.
func At(loc inventory.Location, off int64) inventory.Location {
	loc.Offset = off
	return loc
}

// escape escapes a name for a JSON pointer (RFC 6901).
func escape(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}
