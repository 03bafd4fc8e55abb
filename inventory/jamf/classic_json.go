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
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// readClassicJSON reads the records of one or more Classic API JSON
// documents, {"mobile_device": {...}} or {"mobile_devices": [...]}, into
// b.
func readClassicJSON(ctx context.Context, b *builder, in io.Reader) error {
	w := jsonwalk.New(ctx, b.source, in, b.lim)
	records := 0
	err := w.Documents(func(doc string, _ int64) error {
		return w.Object(func(name string, off int64) error {
			var n int
			var err error
			switch name {
			case "mobile_device":
				n, err = 1, readClassicRecord(w, b, doc+"/mobile_device", off)
			case "mobile_devices":
				n, err = readList(w, b, doc+"/mobile_devices", "mobile_device", off, readClassicRecord)
			default:
				return w.Skip()
			}
			records += n
			return err
		})
	})
	if err != nil {
		return w.Fail(err)
	}
	if records == 0 {
		return &inventory.InputError{Source: b.source, Offset: 0, Err: errors.New(`no "mobile_device" record`)}
	}
	if u := w.BadUTF8(); u != nil {
		b.inv.Unknowns = append(b.inv.Unknowns, *u)
	}
	return nil
}

// readList reads a list of device records, an array or an object holding
// an array under inner (JSON made from the XML form), reading each with
// read. It returns how many records it read.
func readList(w *jsonwalk.Walker, b *builder, ptr, inner string, off int64, read func(*jsonwalk.Walker, *builder, string, int64) error) (int, error) {
	n := 0
	_, _, bad, err := each(w, inner, ptr, func(p string, off int64) error {
		n++
		return read(w, b, p, off)
	})
	if bad != 0 {
		b.unknown(inventory.Location{Source: b.source, Ref: ptr, Offset: off}, "", fmt.Sprintf("a JSON %s, not a list of devices", jsonwalk.KindName(bad)))
	}
	return n, err
}

// each calls f for each element of the list that comes next in w: an array,
// or, when inner is given, an object holding the list as inner
// ({"size": n, inner: [...]}, where a one-element list may be the element
// itself). It returns whether there was a list, the size the object
// gives, and the kind of a value that is not a list (null is no list).
func each(w *jsonwalk.Walker, inner, ptr string, f func(ptr string, off int64) error) (bool, string, jsontext.Kind, error) {
	size := ""
	switch k, _ := w.Peek(); k {
	case '[':
		return true, "", 0, w.Array(func(i int, off int64) error { return f(ptr+"/"+strconv.Itoa(i), off) })
	case '{':
		if inner == "" {
			return false, "", '{', w.Skip()
		}
		err := w.Object(func(name string, off int64) error {
			switch k, _ := w.Peek(); {
			case name == "size":
				s, err := w.Value()
				size = strings.TrimSpace(s.Text)
				return err
			case name == inner && k == '[':
				return w.Array(func(i int, off int64) error { return f(ptr+"/"+inner+"/"+strconv.Itoa(i), off) })
			case name == inner && k == '{':
				return f(ptr+"/"+inner, off)
			}
			return w.Skip()
		})
		return true, size, 0, err
	case 'n':
		return false, "", 0, w.Skip()
	default:
		return false, "", k, w.Skip()
	}
}

var classicLists = map[string]bool{"applications": true, "mobile_device_groups": true}

// readClassicRecord reads one mobile_device object and adds its device
// and apps.
func readClassicRecord(w *jsonwalk.Walker, b *builder, ptr string, off int64) error {
	if k, _ := w.Peek(); k != '{' {
		b.unknown(inventory.Location{Source: b.source, Ref: ptr, Offset: off}, "", fmt.Sprintf("a device record that is a JSON %s, not an object", jsonwalk.KindName(k)))
		return w.Skip()
	}
	rec := newRecord(inventory.Location{Source: b.source, Ref: ptr, Offset: off})
	err := w.Fields(&rec.Record, wantClassic, classicLists, "", ptr, func(path, p string, off int64) error {
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
func readApps(w *jsonwalk.Walker, b *builder, rec *record, ptr string, off int64, inner string, keys appKeys) error {
	want := jsonwalk.Paths(keys.name, keys.version, keys.short, keys.id)
	listed, size, bad, err := each(w, inner, ptr, func(p string, off int64) error {
		loc := inventory.Location{Source: b.source, Ref: p, Offset: off}
		if err := b.entry(rec, loc); err != nil {
			return err
		}
		if k, _ := w.Peek(); k != '{' {
			rec.Note(loc, "", fmt.Sprintf("an app that is a JSON %s, not an object", jsonwalk.KindName(k)))
			return w.Skip()
		}
		a := newRecord(loc)
		if err := w.Fields(&a.Record, want, nil, "", p, nil); err != nil {
			return err
		}
		rec.Notes = append(rec.Notes, a.Notes...)
		rec.apps = append(rec.apps, app{name: a.Vals[keys.name], version: a.Vals[keys.version], short: a.Vals[keys.short], id: a.Vals[keys.id], loc: loc})
		return nil
	})
	rec.listed = rec.listed || listed
	loc := inventory.Location{Source: b.source, Ref: ptr, Offset: off}
	if bad != 0 {
		rec.Note(loc, "", fmt.Sprintf("the app list is a JSON %s, not an array", jsonwalk.KindName(bad)))
	}
	if n, e := strconv.Atoi(size); size != "" && (e != nil || n != rec.entries) {
		rec.Note(loc, "", fmt.Sprintf("the app list's size is %q but %d apps are listed", inventory.Clip(size), rec.entries))
	}
	return err
}

// readGroups reads a device's mobile device groups: the first one's name
// is its group when its location names no department.
func readGroups(w *jsonwalk.Walker, rec *record, ptr string, off int64) error {
	_, _, bad, err := each(w, "mobile_device_group", ptr, func(p string, off int64) error {
		if k, _ := w.Peek(); k != '{' {
			return w.Skip()
		}
		g := newRecord(rec.Loc)
		if err := w.Fields(&g.Record, jsonwalk.Paths("name"), nil, "", p, nil); err != nil {
			return err
		}
		if rec.Vals["group"] == "" {
			rec.Vals["group"] = g.Vals["name"]
		}
		return nil
	})
	if bad != 0 {
		rec.Note(jsonwalk.At(rec.Loc, off), "", fmt.Sprintf("mobile_device_groups is a JSON %s, not an array", jsonwalk.KindName(bad)))
	}
	return err
}
