package server

import (
	"encoding/json"
	"strconv"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// equipmentOf is the network equipment of a scan report the server has
// attributed (issue 18): each device item from the network (Nmap, DHCP
// leases, neighbour tables, LLDP, asset registers, discovery) with its
// addresses, name, site and source, and either who made it and the
// evidence that says so, or, when no catalogued supplier matched, the
// IEEE registrant of its MAC address (an aid, not an attribution). What
// an agent's report says of its own attributions is never read: the
// entries' attributions are the server's.
func equipmentOf(rep *report.Report, cat *catalog.Catalog) []store.Equipment {
	var readers map[string]string
	var out []store.Equipment
	for _, e := range rep.Items {
		it := e.Item
		// An item without an id (no scanner writes one) cannot be tied
		// to its findings: it stays in the inventory, not in the list.
		if it == nil || it.Type != inventory.Device || it.Ecosystem != "network" || it.ID == "" {
			continue
		}
		if readers == nil {
			readers = make(map[string]string, len(rep.Inputs))
			for _, in := range rep.Inputs {
				readers[in.Source] = in.Reader
			}
		}
		eq := store.Equipment{ItemID: it.ID, Name: it.Name, Model: it.Get(inventory.DeviceModel), DeviceType: it.Get(inventory.DeviceType),
			Hostname: it.Get(inventory.Hostname), IP: it.Get(inventory.IP), MAC: it.Get(inventory.MAC), Site: it.Get(inventory.Site),
			Source: it.Location.Source, Reader: readers[it.Location.Source]}
		if at := e.Attribution; at != nil && at.Entity != nil {
			v := at.View()
			eq.Supplier = &store.EquipmentSupplier{ID: v.Supplier.ID, Name: v.Supplier.Name, Country: v.ControllingCountry}
			eq.Confidence = v.Confidence.String()
			if s := v.SoldAs; s != nil {
				eq.SoldAs = &store.EquipmentLabel{Label: s.Label, Disagrees: s.Disagrees}
				if s.Rebrand != nil {
					eq.SoldAs.Rebrand = s.Rebrand.ID
				}
			}
			for _, ev := range v.Evidence {
				eq.Evidence = append(eq.Evidence, store.EquipmentSignal{Kind: string(ev.Kind), Text: signalText(ev, eq.Reader), Field: string(ev.Field),
					Value: ev.Value, Confidence: attribute.Level(ev.Score).String()})
			}
		} else if m := report.RegistrantOf(nil, cat, it); m != nil {
			eq.MACRegistrant = &store.MACRegistrant{MAC: m.MAC, Organization: m.Organization, Registry: m.Registry, Prefix: m.Prefix,
				CataloguedAs: m.CataloguedAs}
		}
		out = append(out, store.ClipEquipment(eq))
	}
	return out
}

// signalText says one piece of evidence as people read it: the
// identifiers as attribute.EvidenceText writes them ("OUI 44:19:B6 (IEEE
// MA-L)", "SNMP enterprise number 2011"), a name by the field it was read
// from and the kind of source (`manufacturer "Hikvision" in the asset
// register`, `MAC vendor "Hangzhou Hikvision Digital Technology"
// (nmap-xml)`).
func signalText(ev attribute.Evidence, reader string) string {
	switch ev.Kind {
	case catalog.OUI, catalog.SNMPEnterprise, catalog.HTTPServer, catalog.TLSSubject, catalog.RebrandKind:
		return attribute.EvidenceText(ev)
	}
	what := string(ev.Field)
	switch ev.Field {
	case inventory.MACVendor:
		what = "MAC vendor"
	case inventory.DeviceModel:
		what = "model"
	case "name":
		what = "name"
	}
	s := what + " " + strconv.Quote(ev.Value)
	if ev.Kind != catalog.OrgName {
		s += " (" + string(ev.Kind) + " " + ev.Identifier + ")"
	}
	switch reader {
	case "":
	case "asset-register":
		s += " in the asset register"
	default:
		s += " (" + reader + ")"
	}
	return s
}

// uploadedUnknown is an unknown of an uploaded report. The MAC registrant
// a report gives unattributed equipment (report.MACRegistrant) is read
// and left aside: the server looks it up itself.
type uploadedUnknown struct {
	inventory.Unknown
	MACRegistrant json.RawMessage `json:"mac_registrant,omitempty"`
}

// unknownsOf are the unknowns of an uploaded report.
func unknownsOf(us []uploadedUnknown) []inventory.Unknown {
	if us == nil {
		return nil
	}
	out := make([]inventory.Unknown, len(us))
	for i, u := range us {
		out[i] = u.Unknown
	}
	return out
}
