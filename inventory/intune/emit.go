package intune

import (
	"fmt"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// end makes what an object was read as: a page's items are placed,
// a resource becomes a device, an item or an unknown.
func (w *walker) end(r *resource, hint kind) (kind, error) {
	if r.page {
		w.endPage(r)
		return kindNone, nil
	}
	if r.isErr && r.seen&^(1<<fErrCode|1<<fErrMessage) == 0 {
		w.gerr = first(r.f[fErrCode], "error") + ": " + r.f[fErrMessage]
		return kindNone, nil
	}
	k := typeKind(r.otype)
	if k == kindNone {
		k = hint
	}
	if k == kindNone && r.context != "" { // a single resource: ".../managedDevices/$entity"
		k = parseContext(r.context).kind
	}
	if k == kindNone {
		k = r.kindByFields()
	}
	switch k {
	case kindDevice:
		w.endDevice(r)
	case kindApp:
		return k, w.endApp(r)
	case kindOther:
		what := "a resource of a collection other than managedDevices and detectedApps"
		if r.otype != "" {
			what = "a " + clip(r.otype) + " resource"
		}
		w.unknown(r.ref, r.line, r.name(), what+", not a managedDevice or detectedApp")
	default:
		w.unknown(r.ref, r.line, r.name(), "an object that is not a Graph page, managedDevice or detectedApp")
	}
	return k, nil
}

// endDevice adds a managedDevice, and gives its expanded apps its host.
func (w *walker) endDevice(r *resource) {
	w.found = true
	id := r.f[fID]
	if r.hasApps {
		var host string
		if id != "" {
			host = inventory.DeviceHost(mdm, deviceID(id))
		}
		eco := ecosystem(r.f[fOperatingSystem])
		for i := r.appsStart; i < len(w.inv.Items); i++ {
			it := &w.inv.Items[i]
			if it.Location.Host == "" {
				it.Location.Host = host
			}
			if it.Ecosystem == "" {
				it.Ecosystem = eco
			}
		}
		if r.appsNext != "" {
			w.unknown(r.ref+"/detectedApps@odata.nextLink", r.line, r.name(),
				"the device's app list was saved in part: it continues at "+clip(r.appsNext)+", which this file does not hold")
		}
	}
	switch {
	case r.bad != "" && r.hasApps && id != "":
		// Its record cannot be read, but its apps are on it.
		w.unknown(r.badRef, r.line, r.name(), r.bad)
		w.inv.Devices = append(w.inv.Devices, inventory.ManagedDevice{Host: inventory.DeviceHost(mdm, deviceID(id)),
			MDM: mdm, ID: deviceID(id), Apps: r.appsListed, Location: inventory.Location{Source: w.src, Ref: r.ref, Line: r.line}})
	case r.bad != "":
		w.unknown(r.badRef, r.line, r.name(), r.bad)
	case id == "":
		w.unknown(r.ref, r.line, r.name(), "a managedDevice without an id")
	default:
		apps := -1
		if r.hasApps {
			apps = r.appsListed
		}
		w.inv.Devices = append(w.inv.Devices, r.device(w.src, apps))
	}
}

// endApp adds a detectedApp as an item.
func (w *walker) endApp(r *resource) error {
	w.found = true
	switch {
	case r.bad != "":
		w.unknown(r.badRef, r.line, r.name(), r.bad)
		return nil
	case r.f[fDisplayName] == "":
		w.unknown(r.ref, r.line, "", "a detectedApp without a displayName")
		return nil
	case len(w.inv.Items) >= w.lim.MaxItems:
		return &inventory.InputError{Source: w.src, Line: r.line, Offset: r.off,
			Err: fmt.Errorf("more than %d apps (the item limit)", w.lim.MaxItems)}
	}
	it := inventory.Item{
		Type:      inventory.Application,
		Ecosystem: ecosystem(r.f[fPlatform]),
		Name:      r.f[fDisplayName],
		Version:   r.f[fVersion],
		Location:  inventory.Location{Source: w.src, Ref: r.ref, Line: r.line},
		Index:     len(w.inv.Items),
	}
	if p := r.f[fPublisher]; p != "" {
		it.Attrs = w.attrs(inventory.Attr{Field: inventory.Publisher, Value: p})
	}
	w.inv.Items = append(w.inv.Items, it)
	w.pend = append(w.pend, pending{count: int32(r.count), tenant: r.count > 0})
	return nil
}

// endPage places a page's apps by its context, adds the device whose
// apps they are, and follows the paging.
func (w *walker) endPage(r *resource) {
	if r.bad != "" {
		w.unknown(r.badRef, r.line, "", r.bad)
	}
	c := parseContext(r.context)
	if c.device != "" {
		id := deviceID(c.device)
		host := inventory.DeviceHost(mdm, id)
		for i := r.pageStart; i < len(w.inv.Items); i++ {
			if it := &w.inv.Items[i]; it.Location.Host == "" {
				it.Location.Host = host
			}
		}
		w.inv.Devices = append(w.inv.Devices, inventory.ManagedDevice{
			Host: host, MDM: mdm, ID: id, Apps: r.pageApps,
			Location: inventory.Location{Source: w.src, Ref: r.ref + "/@odata.context", Line: r.line, Host: host},
		})
	}
	if c.tenant {
		for i := r.pageStart; i < len(w.inv.Items); i++ {
			w.pend[i-w.base].tenant = true
		}
	}
	// A next page of the same collection following in the document is
	// the one the link names.
	if w.next != nil && w.next.context != r.context {
		w.incomplete()
	}
	w.next = nil
	page := inventory.Page{Collection: r.context, Location: inventory.Location{Source: w.src, Ref: r.ref, Line: r.line}}
	if r.next != "" {
		w.next = &nextLink{url: r.next, context: r.context, ref: r.ref + "/@odata.nextLink", line: r.line}
		page.Next, page.Location.Ref = r.next, w.next.ref
	}
	w.inv.Pages = append(w.inv.Pages, page)
}

// incomplete reports the last page's next link as a page not saved.
func (w *walker) incomplete() {
	w.unknown(w.next.ref, w.next.line, "", "the saved export is incomplete: the page links to a next page (@odata.nextLink "+
		clip(w.next.url)+") that this file does not hold")
	w.next = nil
}

// finish gives the items of a top-level value their ids, and says of
// those with no device where they come from.
func (w *walker) finish() {
	for i := w.base; i < len(w.inv.Items); i++ {
		it := &w.inv.Items[i]
		if it.Location.Host == "" {
			note := "(no device given)"
			switch p := w.pend[i-w.base]; {
			case p.tenant && p.count < 0:
				note = "(tenant-wide)"
			case p.tenant:
				note = "(tenant-wide, " + devices(int(p.count)) + ")"
			}
			it.Location.Ref = strings.TrimSpace(it.Location.Ref + " " + note)
		}
		it.SetID()
	}
	w.pend, w.base = w.pend[:0], len(w.inv.Items)
}

// unknown records what could not be read.
func (w *walker) unknown(ref string, line int, name, reason string) {
	w.inv.Unknowns = append(w.inv.Unknowns, inventory.Unknown{
		Location: inventory.Location{Source: w.src, Ref: ref, Line: line},
		Name:     name,
		Reason:   reason,
	})
}

// attrs is a one-attribute list cut from a shared block, one allocation
// for many items; its capacity is its length, so that adding to it
// copies it.
func (w *walker) attrs(a inventory.Attr) []inventory.Attr {
	if len(w.slab) == 0 {
		w.slabSize = min(max(2*w.slabSize, 16), 1024)
		w.slab = make([]inventory.Attr, w.slabSize)
	}
	w.slab[0] = a
	l := w.slab[:1:1]
	w.slab = w.slab[1:]
	return l
}
