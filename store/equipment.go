package store

import (
	"strings"
	"time"
)

// Equipment is one piece of network equipment (issue 18): a device that a
// host's scan listed from the network (an Nmap run, DHCP leases, a
// neighbour table, LLDP, an asset register, `embargo discover`), as the
// server read it when the scan was uploaded: its addresses and name, who
// made it and how that was known. The host is the one whose agent
// uploaded the scan (a scanner, usually), and the equipment is its
// department's. Status and Findings are not kept: the store reads them
// from the findings on the equipment's item as they stand.
type Equipment struct {
	HostID     string `json:"host_id"`
	Host       string `json:"host"`
	Department string `json:"department"`
	// Site is where the equipment stands, as its source says (an asset
	// register's location columns); empty when none does.
	Site   string `json:"site"`
	ItemID string `json:"item_id"`
	Name   string `json:"name"`
	// Model, DeviceType and Hostname are what the source says of it; IP
	// and MAC its first addresses.
	Model      string `json:"model,omitempty"`
	DeviceType string `json:"device_type,omitempty"`
	Hostname   string `json:"hostname,omitempty"`
	IP         string `json:"ip,omitempty"`
	MAC        string `json:"mac,omitempty"`
	// Supplier is the catalogued supplier the equipment was attributed to
	// (nil: none), Confidence the attribution's, SoldAs the brand on its
	// label when that is another, and Evidence the signals that decided,
	// strongest first.
	Supplier   *EquipmentSupplier `json:"supplier,omitempty"`
	Confidence string             `json:"confidence,omitempty"`
	SoldAs     *EquipmentLabel    `json:"sold_as,omitempty"`
	Evidence   []EquipmentSignal  `json:"evidence,omitempty"`
	// MACRegistrant is, for equipment no catalogued supplier matched, the
	// organisation the IEEE registry lists for its MAC address: an aid to
	// find who made it, not an attribution.
	MACRegistrant *MACRegistrant `json:"mac_registrant,omitempty"`
	// Source is the input the equipment was read from, Reader the reader
	// that read it (asset-register, nmap-xml, dhcp-leases, ...).
	Source string `json:"source"`
	Reader string `json:"reader,omitempty"`
	// Status is read with the equipment: EquipmentHasFinding when a
	// finding on it is open or reopened, EquipmentWaived when its findings are
	// waived, else EquipmentUnknown without a supplier, EquipmentClear
	// with one. Findings are its open, reopened and waived findings.
	Status   EquipmentStatus    `json:"status"`
	Findings []EquipmentFinding `json:"findings,omitempty"`
	// FirstSeen is when a scan of the host first listed the equipment
	// (by its MAC, else its IP address, else its item), LastSeen when
	// the last did.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// EquipmentSupplier names the catalogued supplier equipment is attributed
// to, and the country that controls it.
type EquipmentSupplier struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country"`
}

// EquipmentLabel is the brand equipment is sold as when the evidence
// names another maker: the rebrand fact that covers it (Rebrand, its id),
// or Disagrees when none does.
type EquipmentLabel struct {
	Label     string `json:"label"`
	Rebrand   string `json:"rebrand,omitempty"`
	Disagrees bool   `json:"disagrees,omitempty"`
}

// EquipmentSignal is one piece of evidence an attribution of equipment
// rests on: its kind (oui, snmp_enterprise, http_server, tls_subject,
// org_name, rebrand, ...), in words, the item's field and value it was
// read from, and its confidence (high, medium, low).
type EquipmentSignal struct {
	Kind       string `json:"kind"`
	Text       string `json:"text"`
	Field      string `json:"field"`
	Value      string `json:"value"`
	Confidence string `json:"confidence"`
}

// MACRegistrant is the IEEE Registration Authority's assignment a MAC
// address falls in: the organisation, the registry (MA-L, MA-M, MA-S,
// IAB) and the assigned prefix in hex; CataloguedAs is the catalogued
// supplier whose name the organisation's is, when it is one (the block is
// not one the catalogue lists for it).
type MACRegistrant struct {
	MAC          string `json:"mac"`
	Organization string `json:"organization"`
	Registry     string `json:"registry"`
	Prefix       string `json:"prefix"`
	CataloguedAs string `json:"catalogued_as,omitempty"`
}

// EquipmentFinding is a finding on equipment, as its status reads it.
type EquipmentFinding struct {
	ID         string       `json:"id"`
	Instrument string       `json:"instrument"`
	State      FindingState `json:"state"`
}

// EquipmentStatus is where equipment stands.
type EquipmentStatus string

// Equipment statuses.
const (
	EquipmentHasFinding EquipmentStatus = "finding"
	EquipmentWaived     EquipmentStatus = "waived"
	EquipmentUnknown    EquipmentStatus = "unknown"
	EquipmentClear      EquipmentStatus = "clear"
)

// Filter values that select what is absent: equipment without a site,
// equipment no catalogued supplier matched.
const (
	NoSite     = "(no site)"
	NoSupplier = "(none)"
)

// EquipmentFilter narrows Equipment. Site and Supplier (an entity id)
// are matched whole; NoSite and NoSupplier select the equipment without.
type EquipmentFilter struct {
	Department string
	Site       string
	Supplier   string
	// Limit bounds the rows (0: MaxFindingRows).
	Limit int
	// ByID orders by host and item and lists those after AfterHost and
	// AfterItem: pages of an export of any length. Otherwise the order is
	// department, site (the equipment without one last), address (IPv4,
	// IPv6, then MAC, then name), host and item.
	ByID      bool
	AfterHost string
	AfterItem string
}

// EquipmentFacets are what the equipment a viewer may see can be
// filtered by: its sites and its suppliers (entity ids, NoSupplier for
// the unattributed), each with how many pieces of equipment it has.
type EquipmentFacets struct {
	Sites     []Count `json:"sites"`
	Suppliers []Count `json:"suppliers"`
}

// MaxEquipmentSignals bounds the evidence kept of one piece of
// equipment; ClipEquipment cuts each text field to MaxDeviceField bytes.
const MaxEquipmentSignals = 16

// ClipEquipment is e as a store keeps it: each text field without NUL
// characters (which PostgreSQL's text refuses) and cut to MaxDeviceField
// bytes (at a character's boundary), at most MaxEquipmentSignals signals.
func ClipEquipment(e Equipment) Equipment {
	clip := func(p *string) {
		if strings.IndexByte(*p, 0) >= 0 {
			*p = strings.ReplaceAll(*p, "\x00", "")
		}
		if len(*p) > MaxDeviceField {
			*p = strings.ToValidUTF8((*p)[:MaxDeviceField], "")
		}
	}
	for _, p := range []*string{&e.Site, &e.ItemID, &e.Name, &e.Model, &e.DeviceType, &e.Hostname, &e.IP, &e.MAC, &e.Confidence, &e.Source, &e.Reader} {
		clip(p)
	}
	if s := e.Supplier; s != nil {
		c := *s
		clip(&c.ID)
		clip(&c.Name)
		clip(&c.Country)
		e.Supplier = &c
	}
	if l := e.SoldAs; l != nil {
		c := *l
		clip(&c.Label)
		clip(&c.Rebrand)
		e.SoldAs = &c
	}
	if r := e.MACRegistrant; r != nil {
		c := *r
		clip(&c.MAC)
		clip(&c.Organization)
		clip(&c.Registry)
		clip(&c.Prefix)
		clip(&c.CataloguedAs)
		e.MACRegistrant = &c
	}
	sig := make([]EquipmentSignal, 0, min(len(e.Evidence), MaxEquipmentSignals))
	for _, s := range e.Evidence[:min(len(e.Evidence), MaxEquipmentSignals)] {
		for _, p := range []*string{&s.Kind, &s.Text, &s.Field, &s.Value, &s.Confidence} {
			clip(p)
		}
		sig = append(sig, s)
	}
	if len(sig) == 0 {
		sig = nil
	}
	e.Evidence = sig
	return e
}
