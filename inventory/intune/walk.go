package intune

import (
	"context"
	"io"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/embargo-dev/embargo/inventory"
)

// walker reads a Graph document token by token, so that memory is
// bounded by one resource, not by the document. Items are appended as
// their resources end; what an enclosing object says of them (the device
// of an expanded list, a page's context, which may come after its
// "value") is applied when that object ends, and their ids are set when
// their top-level value ends.
type walker struct {
	ctx   context.Context
	dec   *jsontext.Decoder
	lines *lineCounter
	src   string
	lim   inventory.Limits
	inv   *inventory.Inventory

	levels   []*resource // one for each level of object nesting
	pend     []pending   // of inv.Items[base:]
	base     int
	next     *nextLink // the last page's, not yet followed
	docs     int       // top-level values
	found    bool      // a page or a resource was read
	gerr     string    // a Graph error response
	foreign  string    // the context of a page of another collection
	objects  int
	key      []byte           // scratch: an unescaped name
	ref      []byte           // scratch: a JSON pointer
	buf      []byte           // an app's strings, as it is read
	slab     []inventory.Attr // attributes to hand out
	slabSize int
	slow     bool // no fast path for apps (tests compare the two)
}

// pending is what an item's id and ref wait on.
type pending struct {
	count  int32 // deviceCount, -1 when not given
	tenant bool  // from the tenant-wide list
}

// nextLink is a page's "@odata.nextLink".
type nextLink struct {
	url, context, ref string
	line              int
}

// run reads every top-level value of the document.
func (w *walker) run() error {
	for ; ; w.docs++ {
		switch w.dec.PeekKind() {
		case '{':
			if _, err := w.object("", 0, kindNone); err != nil {
				return err
			}
		case '[':
			if err := w.array(); err != nil {
				return err
			}
		case 0: // the end, or an error
			if _, err := w.dec.ReadToken(); err != io.EOF {
				return err
			}
			return nil
		default:
			if err := w.other("", "a top-level JSON value that is not an object or an array"); err != nil {
				return err
			}
		}
		w.finish()
	}
}

// array reads a top-level array: of pages or of resources.
func (w *walker) array() error {
	if _, err := w.dec.ReadToken(); err != nil {
		return err
	}
	if err := w.deeper(); err != nil {
		return err
	}
	for i := 0; ; i++ {
		switch w.dec.PeekKind() {
		case ']':
			_, err := w.dec.ReadToken()
			return err
		case '{':
			if _, err := w.object(w.refOf("", "/", i), 1, kindNone); err != nil {
				return err
			}
		case 0:
			_, err := w.dec.ReadToken()
			return err
		default:
			if err := w.other(w.refOf("", "/", i), "an array element that is not an object"); err != nil {
				return err
			}
		}
	}
}

// object reads one object at nesting level: a page, a resource (of kind
// hint when its page says), an error response or something else. It
// returns what the object was.
func (w *walker) object(ref string, level int, hint kind) (kind, error) {
	if _, err := w.dec.ReadToken(); err != nil {
		return kindNone, err
	}
	if err := w.deeper(); err != nil {
		return kindNone, err
	}
	if w.objects++; w.objects%1024 == 0 {
		if err := w.ctx.Err(); err != nil {
			return kindNone, err
		}
	}
	r := w.level(level, w.dec.InputOffset()-1, ref)
	if hint == kindApp {
		r.app, r.bufStart = true, len(w.buf)
	}
	for {
		switch w.dec.PeekKind() {
		case '}':
			if _, err := w.dec.ReadToken(); err != nil {
				return kindNone, err
			}
			if r.app { // objects within it gathered after it and gave back their part
				r.gathered(w.buf[r.bufStart:], r.bufStart)
				w.buf = w.buf[:r.bufStart]
			}
			return w.end(r, hint)
		case 0:
			_, err := w.dec.ReadToken()
			return kindNone, err
		}
		if err := w.member(r, level, hint); err != nil {
			return kindNone, err
		}
	}
}

// level is the resource of nesting level, reset for the object at off.
func (w *walker) level(level int, off int64, ref string) *resource {
	for len(w.levels) <= level {
		w.levels = append(w.levels, new(resource))
	}
	r := w.levels[level]
	r.reset(ref, w.lines.line(off), off)
	return r
}

// Names of members that are not fields.
const (
	mContext = iota + 1
	mNextLink
	mType
	mAppsNextLink
	mValue
	mDetectedApps
	mHardware
	mError
)

// memberOf is the member a name is, or 0 for a field or another name.
func memberOf(name []byte) int {
	switch string(name) {
	case "@odata.context":
		return mContext
	case "@odata.nextLink":
		return mNextLink
	case "@odata.type":
		return mType
	case "detectedApps@odata.nextLink":
		return mAppsNextLink
	case "value":
		return mValue
	case "detectedApps":
		return mDetectedApps
	case "hardwareInformation":
		return mHardware
	case "error":
		return mError
	}
	return 0
}

// member reads one name and value of an object.
func (w *walker) member(r *resource, level int, hint kind) error {
	name, err := w.name()
	if err != nil {
		return err
	}
	m, f := memberOf(name), fieldOf(name) // name is invalid once the value is peeked at
	next := w.dec.PeekKind()
	if r.app && m >= mValue { // not a detectedApp's: skipped, as appObject does
		m = 0
	}
	switch m {
	case mContext:
		return w.meta(r, &r.context, "@odata.context")
	case mNextLink:
		return w.meta(r, &r.next, "@odata.nextLink")
	case mType:
		return w.meta(r, &r.otype, "@odata.type")
	case mAppsNextLink:
		return w.meta(r, &r.appsNext, "detectedApps@odata.nextLink")
	case mValue:
		if next == '[' {
			return w.list(r, level, "/value/", kindNone)
		}
	case mDetectedApps:
		if next == '[' {
			return w.list(r, level, "/detectedApps/", kindApp)
		}
		if next != 'n' {
			r.setBad("detectedApps", "detectedApps is "+kindName(next)+", not an array")
		}
	case mHardware:
		if next == '{' {
			return w.members(r, hardwareField)
		}
		if next != 'n' {
			r.setBad("hardwareInformation", "hardwareInformation is "+kindName(next)+", not an object")
		}
	case mError:
		if next == '{' {
			r.isErr = true
			return w.members(r, errorField)
		}
	default:
		if f >= 0 {
			return w.field(r, f)
		}
	}
	return w.skip()
}

// list reads the array of a page's "value" (elements of the kind its
// context says) or of an expanded device's "detectedApps".
func (w *walker) list(r *resource, level int, at string, hint kind) error {
	if _, err := w.dec.ReadToken(); err != nil {
		return err
	}
	if err := w.deeper(); err != nil {
		return err
	}
	apps := hint == kindApp
	switch {
	case apps && !r.hasApps:
		r.hasApps, r.appsStart = true, len(w.inv.Items)
	case !apps && !r.page:
		r.page, r.pageStart = true, len(w.inv.Items)
	}
	if !apps {
		if hint = parseContext(r.context).kind; hint == kindOther {
			w.foreign = r.context // found only if its elements are ours
		} else {
			w.found = true
		}
	}
	for i := 0; ; i++ {
		switch w.dec.PeekKind() {
		case ']':
			_, err := w.dec.ReadToken()
			return err
		case '{':
			var k kind
			var err error
			if hint == kindApp && !w.slow {
				k, err = w.appObject(w.refOf(r.ref, at, i), level+1)
			} else {
				k, err = w.object(w.refOf(r.ref, at, i), level+1, hint)
			}
			if err != nil {
				return err
			}
			switch {
			case apps:
				r.appsListed++
			case k == kindApp:
				r.pageApps++
			}
		case 0:
			_, err := w.dec.ReadToken()
			return err
		default:
			if err := w.other(w.refOf(r.ref, at, i), "an element that is not an object"); err != nil {
				return err
			}
		}
	}
}

// refOf is the JSON pointer of element i of the array at prefix+at.
func (w *walker) refOf(prefix, at string, i int) string {
	w.ref = append(append(w.ref[:0], prefix...), at...)
	w.ref = strconv.AppendInt(w.ref, int64(i), 10)
	return string(w.ref)
}
