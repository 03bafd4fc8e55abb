package attribute

import (
	"strings"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// SoldAs is the brand on an item's label when the evidence names another
// maker: "sold as Acme, made by Hikvision".
type SoldAs struct {
	// Label is the brand as the label gives it; Field the field it was
	// read from (manufacturer, supplier, mac_vendor, or the name).
	Label string          `json:"label"`
	Field inventory.Field `json:"field"`
	// Rebrand is the catalogued OEM fact that covers the label, when one
	// does.
	Rebrand *RebrandRef `json:"rebrand,omitempty"`
	// Disagrees is set when no fact covers the label: the attribution
	// rests on the item's own evidence, and the label says otherwise.
	Disagrees bool `json:"label_disagrees,omitempty"`
	// Note says why a fact about the brand does not cover the item (its
	// date or model).
	Note string `json:"note,omitempty"`
}

// RebrandRef is a rebrand fact in output.
type RebrandRef struct {
	ID           string        `json:"id"`
	Brand        string        `json:"brand"`
	Manufacturer string        `json:"manufacturer"`
	Share        catalog.Share `json:"share"`
	Period       string        `json:"period"`
	Models       []string      `json:"models,omitempty"`
	FactRef
}

// label is one place an item names a brand.
type label struct {
	field inventory.Field
	value string
}

// labels lists what an equipment item's label says of its brand: the
// organisation fields, then its name. A MAC vendor of the IEEE's own
// blocks ("IEEE Registration Authority", "Private") names no one.
// Software has publishers, not labels: nothing is listed for it.
func labels(it *inventory.Item) []label {
	if !equipment(it) {
		return nil
	}
	var out []label
	for _, f := range []inventory.Field{inventory.Manufacturer, inventory.Supplier, inventory.MACVendor} {
		for _, a := range it.Attrs {
			if a.Field == f && organisation(a.Value) {
				out = append(out, label{f, a.Value})
			}
		}
	}
	if namePatternsApply(it.Type) && it.Name != "" {
		out = append(out, label{"name", it.Name})
	}
	return out
}

// equipment reports whether an item is a device, or carries what only
// equipment on the network reports.
func equipment(it *inventory.Item) bool {
	if it.Type == inventory.Device {
		return true
	}
	for _, a := range it.Attrs {
		switch a.Field {
		case inventory.MAC, inventory.MACVendor, inventory.SNMPObjectID, inventory.SNMPDescr,
			inventory.HTTPServer, inventory.TLSSubject, inventory.DeviceModel:
			return true
		}
	}
	return false
}

// organisation reports whether a label value names an organisation.
func organisation(v string) bool {
	switch catalog.OrgKey(v) {
	case "", "ieee registration authority", "private", "unknown":
		return false
	}
	return true
}

// rebrandsOf returns the rebrand facts a label names: whole in an
// organisation field, as the first words of a name.
func rebrandsOf(ix *catalog.Index, l label) []*catalog.Rebrand {
	if l.field == "name" {
		return ix.RebrandsInName(l.value)
	}
	return ix.Rebrands(l.value)
}

// rebrands adds the evidence of rebrand facts that cover the item's label
// and all of the brand's equipment: the manufacturer is then attributed
// even when the label is all the item has, with the fact's confidence.
func (m *matcher) rebrands(ix *catalog.Index, it *inventory.Item) {
	model, date := it.Get(inventory.DeviceModel), it.Get(inventory.Acquired)
	for _, l := range labels(it) {
		for _, r := range rebrandsOf(ix, l) {
			if ok, _ := r.Covers(model, date); ok && r.Share == catalog.ShareAll {
				m.add(inventory.Attr{Field: l.field, Value: l.value}, r.Ident(), rebrandStrength[r.Confidence], "sold as "+r.Brand)
			}
		}
	}
}

// rebrandStrength gives a label covered by a rebrand fact the fact's own
// confidence (Level maps it back).
var rebrandStrength = map[catalog.Confidence]int{catalog.High: 85, catalog.Medium: 70, catalog.Low: 50}

// soldAs finds the brand an attributed item is sold as: a label that a
// rebrand fact ties to the attributed maker's group, else the first
// organisation label that names neither that group nor a fact covering
// it (the label disagrees). A label naming the maker itself is no
// rebrand.
func (a *Attributor) soldAs(at *Attribution, it *inventory.Item) *SoldAs {
	group := map[string]bool{}
	for _, id := range a.cat.Group(at.Entity) {
		group[id] = true
	}
	model, date := it.Get(inventory.DeviceModel), it.Get(inventory.Acquired)
	var disagree *SoldAs
	for _, l := range labels(it) {
		note := ""
		for _, r := range rebrandsOf(a.ix, l) {
			if !group[r.Manufacturer] {
				continue
			}
			ok, why := r.Covers(model, date)
			if ok {
				brand := l.value
				if l.field == "name" {
					brand = r.Brand
				}
				return &SoldAs{Label: brand, Field: l.field, Rebrand: a.rebrandRef(r)}
			}
			if note == "" {
				note = "rebrand " + r.ID + " does not cover the item: " + why
			}
		}
		if l.field == "name" || a.namesGroup(l.value, group) || disagree != nil {
			continue
		}
		disagree = &SoldAs{Label: l.value, Field: l.field, Disagrees: true, Note: note}
	}
	return disagree
}

// namesGroup reports whether an organisation label is a name of an
// entity in the group.
func (a *Attributor) namesGroup(v string, group map[string]bool) bool {
	for _, h := range a.ix.Org(v) {
		if h.Ident.Entity != nil && group[h.Ident.Entity.ID] {
			return true
		}
	}
	return false
}

func (a *Attributor) rebrandRef(r *catalog.Rebrand) *RebrandRef {
	ref := &RebrandRef{ID: r.ID, Brand: r.Brand, Manufacturer: r.Manufacturer, Share: r.Share, Period: r.PeriodText(), Models: r.Models,
		FactRef: FactRef{Source: r.Source, Confidence: r.Confidence, Note: r.Note, Local: r.Local}}
	if s := a.cat.Sources[r.Source]; s != nil {
		ref.URL, ref.Local = s.URL, ref.Local || s.Local
	}
	return ref
}

// EvidenceText writes one piece of evidence as people read it: "OUI
// 44:19:B6 (IEEE MA-L)", "SNMP enterprise number 39165", "HTTP server
// App-webs", else its kind and identifier.
func EvidenceText(ev Evidence) string {
	switch ev.Kind {
	case catalog.OUI:
		return "OUI " + catalog.OUIText(ev.Identifier)
	case catalog.SNMPEnterprise:
		return "SNMP enterprise number " + ev.Identifier
	case catalog.HTTPServer:
		return "HTTP server " + ev.Identifier
	case catalog.TLSSubject:
		return "certificate subject " + ev.Identifier
	case catalog.RebrandKind:
		return "rebrand of " + ev.Identifier
	}
	return strings.TrimSpace(string(ev.Kind) + " " + ev.Identifier)
}

// MadeByEvidence is the strongest evidence that is not the label itself:
// what shows who made an item sold under another brand; the strongest
// evidence when all of it is the label.
func MadeByEvidence(v View) Evidence {
	for _, ev := range v.Evidence {
		if v.SoldAs == nil || ev.Field != v.SoldAs.Field {
			return ev
		}
	}
	return v.DecidedBy
}
