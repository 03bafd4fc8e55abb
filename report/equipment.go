package report

import (
	"strings"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/oui"
)

// MACRegistrant is the assignment of the IEEE Registration Authority that
// a MAC address of unattributed equipment falls in: who registered the
// block, which is often but not always who made the device (an OEM's
// device carries its maker's block; a network card, its card maker's).
// It is an aid to find the maker, not an attribution.
type MACRegistrant struct {
	MAC string `json:"mac"`
	// Organization is the registry's name for the assignee; "Private"
	// for one that pays to stay unlisted.
	Organization string `json:"organization"`
	// Registry is MA-L, MA-M, MA-S or IAB; Prefix the assigned bits in
	// upper-case hex (6, 7 or 9 digits).
	Registry string `json:"registry"`
	Prefix   string `json:"prefix"`
	// CataloguedAs is the catalogued supplier (an entity id) whose name
	// the organisation's is, when it is one: the block is then one the
	// catalogue does not list for it, which is worth a look.
	CataloguedAs string `json:"catalogued_as,omitempty"`
}

// Text says what the registrant is, in words: "registered to Apple, Inc.
// (IEEE MA-L 00:1E:C2), not a catalogued supplier".
func (m *MACRegistrant) Text() string {
	block := "IEEE " + m.Registry + " " + prefixText(m.Prefix)
	who := "registered to " + m.Organization + " (" + block + ")"
	if m.Organization == "Private" {
		who = "registered to an assignee the IEEE does not list (" + block + ", \"Private\")"
	}
	if m.CataloguedAs != "" {
		return who + ", a name of catalogued supplier " + m.CataloguedAs + ", though the catalogue does not list this block for it"
	}
	return who + ", not a catalogued supplier"
}

// prefixText writes hex digits in pairs, colon-separated: 001EC2 is
// 00:1E:C2, 70B3D5123 is 70:B3:D5:12:3.
func prefixText(p string) string {
	var parts []string
	for i := 0; i < len(p); i += 2 {
		parts = append(parts, p[i:min(i+2, len(p))])
	}
	return strings.Join(parts, ":")
}

// RegistrantOf is the registrant of the first of the item's MAC
// addresses that reg (nil: the embedded registry) holds an assignment
// for; nil when none has one (no MAC, a locally administered one, an
// unassigned block). With a catalogue, an organisation that is a
// catalogued supplier's name says so.
func RegistrantOf(reg *oui.Registry, cat *catalog.Catalog, it *inventory.Item) *MACRegistrant {
	if reg == nil {
		var err error
		if reg, err = oui.Embedded(); err != nil {
			// The embedded registry is checked by the oui package's
			// tests: it cannot fail in a built binary.
			return nil
		}
	}
	for _, a := range it.Attrs {
		if a.Field != inventory.MAC {
			continue
		}
		as, ok := reg.Lookup(a.Value)
		if !ok || as.Org == "" || as.Org == oui.RegistrationAuthority {
			continue
		}
		m := &MACRegistrant{MAC: a.Value, Organization: as.Org, Registry: as.Registry, Prefix: as.Prefix}
		if cat != nil && as.Org != "Private" {
			for _, h := range cat.Index().Org(as.Org) {
				if h.Ident != nil && h.Ident.Entity != nil {
					m.CataloguedAs = h.Ident.Entity.ID
					break
				}
			}
		}
		return m
	}
	return nil
}

// UnattributedEquipment reports whether an entry is equipment found on
// the network that no catalogued supplier matched: what the scan lists as
// an unknown, "who made it is unknown".
func (e Entry) UnattributedEquipment() bool {
	return e.Item != nil && e.Attribution == nil && e.Type == inventory.Device && e.Ecosystem == "network"
}

// unknownKey finds the item an unknown was made of: its place in its
// input and its name. The host is left out: a server that keeps a scan
// puts every item on the host that uploaded it, and leaves the unknowns
// as the scan wrote them.
type unknownKey struct {
	loc  inventory.Location
	name string
}

func keyOf(loc inventory.Location, name string) unknownKey {
	loc.Host = ""
	return unknownKey{loc, name}
}

// registrants are the MAC registrants of the report's unattributed
// equipment, by the unknown each is listed as; nil when no unknown is
// such equipment.
func (r *Report) registrants() map[unknownKey]*MACRegistrant {
	if len(r.Unknowns) == 0 {
		return nil
	}
	var out map[unknownKey]*MACRegistrant
	for _, e := range r.Items {
		if !e.UnattributedEquipment() {
			continue
		}
		if m := RegistrantOf(r.OUI, r.Cat, e.Item); m != nil {
			if out == nil {
				out = map[unknownKey]*MACRegistrant{}
			}
			out[keyOf(e.Location, e.Name)] = m
		}
	}
	return out
}

// unknownJSON is an unknown as the JSON report writes it: unattributed
// equipment's with the registrant of its MAC address.
type unknownJSON struct {
	inventory.Unknown
	MACRegistrant *MACRegistrant `json:"mac_registrant,omitempty"`
}

// unknownsJSON are the report's unknowns as the JSON report writes them.
func (r *Report) unknownsJSON() []unknownJSON {
	regs := r.registrants()
	out := make([]unknownJSON, len(r.Unknowns))
	for i, u := range r.Unknowns {
		out[i] = unknownJSON{Unknown: u, MACRegistrant: regs[keyOf(u.Location, u.Name)]}
	}
	return out
}

// registrantNote is what the table adds to an unknown's reason: "; MAC
// 00:1e:c2:01:02:03 registered to Apple, Inc. (IEEE MA-L 00:1E:C2), not
// a catalogued supplier"; empty for any other unknown.
func registrantNote(regs map[unknownKey]*MACRegistrant, u inventory.Unknown) string {
	if m := regs[keyOf(u.Location, u.Name)]; m != nil {
		return "; MAC " + m.MAC + " " + m.Text()
	}
	return ""
}
