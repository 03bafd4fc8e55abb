package server

import (
	"fmt"
	"net/http"

	"github.com/embargo-dev/embargo/inventory"
)

// Limits on what one scan upload may hold, beyond its size on the wire
// and uncompressed (UploadLimits): each a 413 naming what was too large.
// A scan cannot produce a field longer than its readers' own bound
// (inventory.DefaultLimits.MaxString, 1 MiB); an agent that sends more is
// broken or hostile, and every finding on an item keeps a copy of it as
// evidence.
const (
	MaxUploadField = 1 << 20   // one string: a name, a version, an attribute value, a reason
	MaxUploadItem  = 4 << 20   // one item, its strings added up
	MaxItemAttrs   = 512       // attributes of one item
	MaxDepPath     = 64        // links of one dependency path
	MaxUploadItems = 5_000_000 // items, and unknowns: what the scanner reads of one input
)

// checkScanLimits refuses a decoded scan upload past the limits, naming
// the first field, item or list that is.
func checkScanLimits(items []scanEntry, unknowns []inventory.Unknown) error {
	if len(items) > MaxUploadItems {
		return errorf(http.StatusRequestEntityTooLarge, "items: %d, over the %d-item limit", len(items), MaxUploadItems)
	}
	for i, e := range items {
		if e.Item == nil {
			continue
		}
		it := e.Item
		if len(it.Attrs) > MaxItemAttrs {
			return errorf(http.StatusRequestEntityTooLarge, "items[%d].attributes: %d, over the %d-attribute limit", i, len(it.Attrs), MaxItemAttrs)
		}
		if len(it.DependencyPath) > MaxDepPath {
			return errorf(http.StatusRequestEntityTooLarge, "items[%d].dependency_path: %d links, over the %d-link limit", i, len(it.DependencyPath), MaxDepPath)
		}
		total := 0
		field := func(name, v string) error {
			total += len(v)
			if len(v) > MaxUploadField {
				return errorf(http.StatusRequestEntityTooLarge, "items[%d].%s: %d bytes, over the %d-byte field limit", i, name, len(v), MaxUploadField)
			}
			return nil
		}
		for _, f := range []struct{ name, v string }{
			{"id", it.ID}, {"type", string(it.Type)}, {"ecosystem", it.Ecosystem}, {"name", it.Name}, {"version", it.Version},
			{"location.source", it.Location.Source}, {"location.ref", it.Location.Ref}, {"location.host", it.Location.Host},
			{"location.reader", it.Location.Reader},
		} {
			if err := field(f.name, f.v); err != nil {
				return err
			}
		}
		for k, a := range it.Attrs {
			if err := field(fmt.Sprintf("attributes[%d].field", k), string(a.Field)); err != nil {
				return err
			}
			if err := field(fmt.Sprintf("attributes[%d].value", k), a.Value); err != nil {
				return err
			}
		}
		for k, p := range it.DependencyPath {
			if err := field(fmt.Sprintf("dependency_path[%d]", k), p); err != nil {
				return err
			}
		}
		if total > MaxUploadItem {
			return errorf(http.StatusRequestEntityTooLarge, "items[%d]: %d bytes of text, over the %d-byte item limit", i, total, MaxUploadItem)
		}
	}
	if len(unknowns) > MaxUploadItems {
		return errorf(http.StatusRequestEntityTooLarge, "unknowns: %d, over the %d limit", len(unknowns), MaxUploadItems)
	}
	for i, u := range unknowns {
		for _, f := range []struct{ name, v string }{{"reason", u.Reason}, {"name", u.Name}, {"location.source", u.Location.Source}, {"location.ref", u.Location.Ref}} {
			if len(f.v) > MaxUploadField {
				return errorf(http.StatusRequestEntityTooLarge, "unknowns[%d].%s: %d bytes, over the %d-byte field limit", i, f.name, len(f.v), MaxUploadField)
			}
		}
	}
	return nil
}
