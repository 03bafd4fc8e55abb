package intune

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"
)

// fieldNames are the property names of the fields, for messages.
var fieldNames = [nFields]string{
	fID: "id", fDeviceName: "deviceName", fOperatingSystem: "operatingSystem", fOSVersion: "osVersion",
	fModel: "model", fManufacturer: "manufacturer", fSerial: "serialNumber", fIMEI: "imei", fMEID: "meid",
	fOwner: "managedDeviceOwnerType", fOwnerType: "ownerType", fUPN: "userPrincipalName", fEmail: "emailAddress",
	fCategory: "deviceCategoryDisplayName", fDisplayName: "displayName", fVersion: "version",
	fPublisher: "publisher", fPlatform: "platform", fHWSerial: "hardwareInformation/serialNumber",
	fHWIMEI: "hardwareInformation/imei", fHWMEID: "hardwareInformation/meid",
	fHWManufacturer: "hardwareInformation/manufacturer", fHWModel: "hardwareInformation/model",
	fDeviceCount: "deviceCount", fErrCode: "error/code", fErrMessage: "error/message",
}

// errTooDeep is JSON nested deeper than the limit.
var errTooDeep = errors.New("JSON nested deeper than the limit")

// deeper checks the nesting after an object or array began.
func (w *walker) deeper() error {
	if w.dec.StackDepth() > w.lim.MaxDepth {
		return w.tooDeep()
	}
	return nil
}

func (w *walker) tooDeep() error { return fmt.Errorf("%w of %d levels", errTooDeep, w.lim.MaxDepth) }

// setBad records why the resource cannot be read, the first reason only.
func (r *resource) setBad(name, reason string) {
	if r.bad == "" {
		r.bad, r.badRef = reason, r.ref+"/"+name
	}
}

// maxAnnotation is the longest "@odata.*" annotation read: they are
// URLs and type names, not values of a resource, so MaxString is not
// theirs.
const maxAnnotation = 64 << 10

// The put functions apply a raw value of kind k, as read (v nil for an
// object or array), to a resource. GraphReader's walker and its fast
// path for apps both use them, so the two read alike.

// put applies the value of field f, read once. An app's opaque id is
// not kept; its strings are gathered in walker.buf.
func (w *walker) put(r *resource, f int, k jsontext.Kind, v []byte) error {
	name := fieldNames[f]
	switch {
	case f == fID && r.app:
		r.seen |= 1 << f
		return nil
	case r.seen&(1<<f) != 0:
		r.setBad(name, name+" is given twice")
		return nil
	}
	r.seen |= 1 << f
	if f == fDeviceCount {
		return w.putCount(r, name, k, v)
	}
	if i := spanOf(f); r.app && i >= 0 {
		return w.putGathered(r, f, i, k, v)
	}
	return w.putText(r, &r.f[f], name, k, v, w.lim.MaxString)
}

// putText sets *dst to a string value; null leaves it; another type, or
// a string past max, makes the resource unreadable.
func (w *walker) putText(r *resource, dst *string, name string, k jsontext.Kind, v []byte, max int) error {
	if !isString(r, name, k) {
		return nil
	}
	plain := bytes.IndexByte(v, '\\') < 0
	if len(v)-2 > max && plain {
		r.setBad(name, fmt.Sprintf("%s is longer than %d bytes", name, max))
		return nil
	}
	var s string
	if plain {
		s = string(v[1 : len(v)-1])
	} else {
		b, err := jsontext.AppendUnquote(w.key[:0], v)
		if err != nil {
			return err
		}
		s, w.key = string(b), b
	}
	if len(s) > max {
		r.setBad(name, fmt.Sprintf("%s is longer than %d bytes", name, max))
		return nil
	}
	*dst = s
	return nil
}

// putGathered is putText of an app's field into walker.buf.
func (w *walker) putGathered(r *resource, f, i int, k jsontext.Kind, v []byte) error {
	name := fieldNames[f]
	if !isString(r, name, k) {
		return nil
	}
	start := len(w.buf)
	var err error
	if bytes.IndexByte(v, '\\') < 0 {
		w.buf = append(w.buf, v[1:len(v)-1]...)
	} else if w.buf, err = jsontext.AppendUnquote(w.buf, v); err != nil {
		return err
	}
	if len(w.buf)-start > w.lim.MaxString {
		r.setBad(name, fmt.Sprintf("%s is longer than %d bytes", name, w.lim.MaxString))
		w.buf = w.buf[:start]
		return nil
	}
	r.spans |= 1 << f
	r.span[i] = [2]int32{int32(start), int32(len(w.buf))}
	return nil
}

// isString says whether a value is a string: null is not, and leaves
// the field unset; any other type makes the resource unreadable.
func isString(r *resource, name string, k jsontext.Kind) bool {
	switch k {
	case '"':
		return true
	case 'n':
	default:
		r.setBad(name, fmt.Sprintf("%s is %s, not a string", name, kindName(k)))
	}
	return false
}

// putCount sets deviceCount from a number or null.
func (w *walker) putCount(r *resource, name string, k jsontext.Kind, v []byte) error {
	switch k {
	case 'n':
		return nil
	case '0':
	default:
		r.setBad(name, fmt.Sprintf("%s is %s, not a number", name, kindName(k)))
		return nil
	}
	n, ok := integer(v)
	if !ok {
		r.setBad(name, fmt.Sprintf("%s is %s, not a whole number of devices", name, clip(string(v))))
		return nil
	}
	r.count = n
	return nil
}

// putMeta applies an annotation such as "@odata.context".
func (w *walker) putMeta(r *resource, dst *string, name string, k jsontext.Kind, v []byte) error {
	return w.putText(r, dst, name, k, v, maxAnnotation)
}

// field reads the value of field f.
func (w *walker) field(r *resource, f int) error {
	k, v, err := w.scalar()
	if err != nil {
		return err
	}
	return w.put(r, f, k, v)
}

// meta reads an annotation into *dst.
func (w *walker) meta(r *resource, dst *string, name string) error {
	k, v, err := w.scalar()
	if err != nil {
		return err
	}
	return w.putMeta(r, dst, name, k, v)
}

// integer reads a JSON number that is a whole number from 0 to 2^31-1
// (an Int32), as deviceCount is.
func integer(v []byte) (int64, bool) {
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n = n*10 + int64(c-'0'); n > 1<<31-1 {
			return 0, false
		}
	}
	return n, len(v) > 0
}
