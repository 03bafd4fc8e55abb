package jamf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// readClassicJSON reads the records of one or more Classic API JSON
// documents, {"mobile_device": {...}} or {"mobile_devices": [...]}, into
// b.
func readClassicJSON(ctx context.Context, b *builder, in io.Reader) error {
	w := newWalker(ctx, b.source, in, b.lim)
	records := 0
	err := w.documents(func(doc string) error {
		return w.object(func(name string, off int64) error {
			var n int
			var err error
			switch name {
			case "mobile_device":
				n, err = 1, readClassicRecord(w, b, doc+"/mobile_device", off)
			case "mobile_devices":
				n, err = readList(w, b, doc+"/mobile_devices", "mobile_device", off, readClassicRecord)
			default:
				return w.dec.SkipValue()
			}
			records += n
			return err
		})
	})
	if err != nil {
		return w.fail(err)
	}
	if records == 0 {
		return &inventory.InputError{Source: b.source, Offset: 0, Err: errors.New(`no "mobile_device" record`)}
	}
	if u := w.badUTF8(); u != nil {
		b.inv.Unknowns = append(b.inv.Unknowns, *u)
	}
	return nil
}

// documents calls f for each top-level JSON object of the input, with the
// prefix its JSON pointers take: none for the first, #2 for the second...
func (w *walker) documents(f func(doc string) error) error {
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
		if err := f(doc); err != nil {
			return err
		}
	}
}

// readList reads a list of device records, an array or an object holding
// an array under inner (JSON made from the XML form), reading each with
// read. It returns how many records it read.
func readList(w *walker, b *builder, ptr, inner string, off int64, read func(*walker, *builder, string, int64) error) (int, error) {
	n := 0
	_, _, bad, err := w.each(inner, ptr, func(p string, off int64) error {
		n++
		return read(w, b, p, off)
	})
	if bad != 0 {
		b.unknown(inventory.Location{Source: b.source, Ref: ptr, Offset: off}, "", fmt.Sprintf("a JSON %s, not a list of devices", kindName(bad)))
	}
	return n, err
}

// each calls f for each element of the list that comes next: an array,
// or, when inner is given, an object holding the list as inner
// ({"size": n, inner: [...]}, where a one-element list may be the element
// itself). It returns whether there was a list, the size the object
// gives, and the kind of a value that is not a list (null is no list).
func (w *walker) each(inner, ptr string, f func(ptr string, off int64) error) (bool, string, jsontext.Kind, error) {
	size := ""
	switch k, _ := w.peek(); k {
	case '[':
		return true, "", 0, w.array(func(i int, off int64) error { return f(ptr+"/"+strconv.Itoa(i), off) })
	case '{':
		if inner == "" {
			return false, "", '{', w.dec.SkipValue()
		}
		err := w.object(func(name string, off int64) error {
			switch k, _ := w.peek(); {
			case name == "size":
				s, err := w.value()
				size = strings.TrimSpace(s.text)
				return err
			case name == inner && k == '[':
				return w.array(func(i int, off int64) error { return f(ptr+"/"+inner+"/"+strconv.Itoa(i), off) })
			case name == inner && k == '{':
				return f(ptr+"/"+inner, off)
			}
			return w.dec.SkipValue()
		})
		return true, size, 0, err
	case 'n':
		return false, "", 0, w.dec.SkipValue()
	default:
		return false, "", k, w.dec.SkipValue()
	}
}

var classicLists = map[string]bool{"applications": true, "mobile_device_groups": true}

// readClassicRecord reads one mobile_device object and adds its device
// and apps.
func readClassicRecord(w *walker, b *builder, ptr string, off int64) error {
	if k, _ := w.peek(); k != '{' {
		b.unknown(inventory.Location{Source: b.source, Ref: ptr, Offset: off}, "", fmt.Sprintf("a device record that is a JSON %s, not an object", kindName(k)))
		return w.dec.SkipValue()
	}
	rec := newRecord(inventory.Location{Source: b.source, Ref: ptr, Offset: off})
	err := w.fields(rec, wantClassic, classicLists, "", ptr, func(path, p string, off int64) error {
		if path == "applications" {
			return readApps(w, b, rec, p, off, "application", classicApp)
		}
		return readGroups(w, rec, p, off)
	})
	if err != nil {
		return err
	}
	return b.finish(rec, b.classicDevice(rec))
}

// appKeys names the members of an app object: name, build version, short
// version, identifier.
type appKeys struct{ name, version, short, id string }

var classicApp = appKeys{"application_name", "application_version", "application_short_version", "identifier"}

// readApps reads a device's app list into rec.
func readApps(w *walker, b *builder, rec *record, ptr string, off int64, inner string, keys appKeys) error {
	want := paths(keys.name, keys.version, keys.short, keys.id)
	listed, size, bad, err := w.each(inner, ptr, func(p string, off int64) error {
		loc := inventory.Location{Source: b.source, Ref: p, Offset: off}
		if err := b.entry(rec, loc); err != nil {
			return err
		}
		if k, _ := w.peek(); k != '{' {
			rec.note(loc, "", fmt.Sprintf("an app that is a JSON %s, not an object", kindName(k)))
			return w.dec.SkipValue()
		}
		a := newRecord(loc)
		if err := w.fields(a, want, nil, "", p, nil); err != nil {
			return err
		}
		rec.unknowns = append(rec.unknowns, a.unknowns...)
		rec.apps = append(rec.apps, app{name: a.vals[keys.name], version: a.vals[keys.version], short: a.vals[keys.short], id: a.vals[keys.id], loc: loc})
		return nil
	})
	rec.listed = rec.listed || listed
	loc := inventory.Location{Source: b.source, Ref: ptr, Offset: off}
	if bad != 0 {
		rec.note(loc, "", fmt.Sprintf("the app list is a JSON %s, not an array", kindName(bad)))
	}
	if n, e := strconv.Atoi(size); size != "" && (e != nil || n != rec.entries) {
		rec.note(loc, "", fmt.Sprintf("the app list's size is %q but %d apps are listed", inventory.Clip(size), rec.entries))
	}
	return err
}

// readGroups reads a device's mobile device groups: the first one's name
// is its group when its location names no department.
func readGroups(w *walker, rec *record, ptr string, off int64) error {
	_, _, bad, err := w.each("mobile_device_group", ptr, func(p string, off int64) error {
		if k, _ := w.peek(); k != '{' {
			return w.dec.SkipValue()
		}
		g := newRecord(rec.loc)
		if err := w.fields(g, paths("name"), nil, "", p, nil); err != nil {
			return err
		}
		if rec.vals["group"] == "" {
			rec.vals["group"] = g.vals["name"]
		}
		return nil
	})
	if bad != 0 {
		rec.note(at(rec.loc, off), "", fmt.Sprintf("mobile_device_groups is a JSON %s, not an array", kindName(bad)))
	}
	return err
}
