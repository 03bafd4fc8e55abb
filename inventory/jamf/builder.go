package jamf

import (
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/internal/jsonwalk"
)

// builder collects what one input holds, a device record at a time.
type builder struct {
	source string
	lim    inventory.Limits
	inv    *inventory.Inventory
}

func newBuilder(source string, lim inventory.Limits) *builder {
	return &builder{source: source, lim: lim, inv: &inventory.Inventory{Source: source}}
}

// record is one device record as read: the values of the fields used,
// keyed by their path ("general/udid"), its listed apps, and what of it
// could not be read. The device's host is known only once the whole
// record is read, so its apps wait here until then.
type record struct {
	jsonwalk.Record
	listed  bool // the record has an app list, perhaps empty
	entries int  // entries of the app list, apps or not
	apps    []app
}

func newRecord(loc inventory.Location) *record {
	return &record{Record: *jsonwalk.NewRecord(loc)}
}

// app is one listed app as read.
type app struct {
	name, version, short, id string
	loc                      inventory.Location
}

// entry counts one entry of rec's app list against the item limit.
func (b *builder) entry(rec *record, loc inventory.Location) error {
	rec.entries++
	if len(b.inv.Items)+rec.entries > b.lim.MaxItems {
		return b.fail(loc, fmt.Errorf("more than %d apps (the item limit)", b.lim.MaxItems))
	}
	return nil
}

// pick returns the first value of rec under keys that is not blank. A
// value over the string limit is passed over, with an unknown saying so.
func (b *builder) pick(rec *record, keys ...string) string {
	return rec.Pick(b.lim.MaxString, keys...)
}

// finish adds the device d read from rec, and its apps. A record without
// a Jamf id gives no device (there is no host to name it by): it is an
// unknown, and its apps are items without a host. Devices are held to
// the item limit too.
func (b *builder) finish(rec *record, d inventory.ManagedDevice) error {
	host := ""
	if d.ID != "" && !inventory.ValidDeviceID(d.ID) {
		rec.Note(rec.Loc, "", fmt.Sprintf("the device's Jamf id %q is not an id", inventory.Clip(d.ID)))
		d.ID = ""
	}
	if d.ID != "" {
		if len(b.inv.Devices) >= b.lim.MaxItems {
			return b.fail(rec.Loc, fmt.Errorf("more than %d devices (the item limit)", b.lim.MaxItems))
		}
		host = inventory.DeviceHost(mdm, d.ID)
		d.Host, d.MDM, d.Location, d.Apps = host, mdm, rec.Loc, -1
		if rec.listed {
			d.Apps = rec.entries
		}
		b.inv.Devices = append(b.inv.Devices, d)
	} else {
		reason := "a device record without its Jamf id: no device is recorded"
		if len(rec.apps) > 0 {
			reason += fmt.Sprintf(", and its %d apps have no host", len(rec.apps))
		}
		rec.Note(rec.Loc, d.Name, reason)
	}
	eco := ecosystem(d.Platform)
	for _, a := range rec.apps {
		b.item(a, eco, host)
	}
	for _, u := range rec.Notes {
		u.Location.Host = host
		b.inv.Unknowns = append(b.inv.Unknowns, u)
	}
	return nil
}

// item adds app a of a device of ecosystem eco as an item, or as an
// unknown when it cannot be one. An identifier that is not a valid bundle
// id (package name, on Android) is an unknown beside the item.
func (b *builder) item(a app, eco, host string) {
	loc := a.loc
	loc.Host = host
	name, id := strings.TrimSpace(a.name), strings.TrimSpace(a.id)
	for _, v := range [...]string{a.name, a.version, a.short, a.id} {
		if len(v) > b.lim.MaxString {
			if id == "" || len(id) > b.lim.MaxString {
				id = name
			}
			b.unknown(loc, id, fmt.Sprintf("an app with a value longer than %d bytes", b.lim.MaxString))
			return
		}
	}
	valid := validID(eco, id)
	if name == "" {
		if !valid {
			b.unknown(loc, id, "an app with no name and no valid identifier")
			return
		}
		name = id
	}
	version := strings.TrimSpace(a.short)
	if version == "" {
		version = strings.TrimSpace(a.version)
	}
	it := inventory.Item{Type: inventory.Application, Ecosystem: eco, Name: name, Version: version, Location: loc, Index: len(b.inv.Items)}
	switch {
	case id == "":
	case !valid:
		b.unknown(loc, name, fmt.Sprintf("identifier %q is not a valid %s", inventory.Clip(id), idKind(eco)))
	case eco == "android":
		it.Add(inventory.AndroidID, id)
	default:
		it.Add(inventory.BundleID, id)
	}
	it.SetID()
	b.inv.Items = append(b.inv.Items, it)
}

func validID(eco, id string) bool {
	if eco == "android" {
		return inventory.ValidAndroidPackage(id)
	}
	return inventory.ValidBundleID(id)
}

func idKind(eco string) string {
	if eco == "android" {
		return "Android package name"
	}
	return "bundle id"
}

func (b *builder) unknown(loc inventory.Location, name, reason string) {
	b.inv.Unknowns = append(b.inv.Unknowns, inventory.Unknown{Location: loc, Name: inventory.Clip(name), Reason: reason})
}

// fail is an InputError at loc: its line when it has one, else its
// offset.
func (b *builder) fail(loc inventory.Location, err error) error {
	if loc.Line > 0 {
		return &inventory.InputError{Source: b.source, Line: loc.Line, Offset: -1, Err: err}
	}
	return &inventory.InputError{Source: b.source, Offset: loc.Offset, Err: err}
}
