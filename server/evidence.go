package server

import (
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// evidenceFields are the attributes a finding's evidence keeps of its
// item besides those its attribution decided by: what names the item
// where it lives (the fields its id is made of).
var evidenceFields = map[inventory.Field]bool{
	inventory.PURL: true, inventory.Path: true, inventory.ExtensionID: true, inventory.BundleID: true,
	inventory.RegistryKey: true, inventory.Service: true,
}

// evidenceEntry is what a finding's evidence keeps of the entry it was
// raised on: the item with only the attributes that decided its
// attribution or name it, and the attribution. The item in full is kept
// once, in the host's stored inventory, under the same id; every finding
// on an item keeping all of it made one large item cost as many copies
// as it had findings.
func evidenceEntry(e *report.Entry) *report.Entry {
	if e == nil || e.Item == nil {
		return e
	}
	decided := map[inventory.Field]bool{}
	if e.Attribution != nil {
		for _, ev := range e.Attribution.Evidence {
			decided[ev.Field] = true
		}
	}
	it := *e.Item
	it.Attrs = nil
	for _, a := range e.Item.Attrs {
		if decided[a.Field] || evidenceFields[a.Field] {
			it.Attrs = append(it.Attrs, a)
		}
	}
	return &report.Entry{Item: &it, Attribution: e.Attribution}
}
