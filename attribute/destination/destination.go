// Package destination attributes a network destination (an address, and
// the names its traffic carried or resolved) to the catalogued entity
// that controls it, as package attribute does for items: by name first,
// then by the network's ASN, then its organisation's name, with the
// country the address is registered in kept beside.
package destination

import (
	"fmt"
	"net/netip"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/ipdata"
)

// AddrInfo is what IP data says of an address: the country it is
// registered in and its network owner.
type AddrInfo = ipdata.Info

// AddrLookup answers AddrInfo for an address; it must be safe for
// concurrent use.
type AddrLookup func(netip.Addr) AddrInfo

// DecidedBy says which of the three ways attributed a destination.
type DecidedBy string

// Ways a destination is attributed, from the strongest.
const (
	ByName    DecidedBy = "name"    // a name the traffic carried or resolved matched a catalogue domain
	ByASN     DecidedBy = "asn"     // the network's ASN is a catalogued supplier's
	ByASOrg   DecidedBy = "as_org"  // the network's organisation name is a catalogued supplier's
	ByCountry DecidedBy = "country" // no entity: only the registered country is known
)

// Destination is what a destination address (with the names seen for
// it) was attributed to. All three answers are kept, with the one that
// decided.
type Destination struct {
	Addr    netip.Addr `json:"addr"`
	Country string     `json:"registered_country,omitempty"`
	ASN     uint32     `json:"asn,omitempty"`
	ASOrg   string     `json:"as_org,omitempty"`
	// Entity and Chain are set when a catalogued supplier controls the
	// destination; Evidence says which name or network matched.
	Entity    *catalog.Entity      `json:"-"`
	Chain     catalog.ControlChain `json:"-"`
	DecidedBy DecidedBy            `json:"decided_by"`
	// Tier is what the destination is to the entity: its own service
	// (product), or a network it runs for others (hosting: the
	// destination is hosted by the entity, not its product).
	Tier     catalog.Tier `json:"tier,omitempty"`
	Evidence string       `json:"evidence,omitempty"`
	// Source is the catalogue source of the deciding identifier.
	Source string `json:"source,omitempty"`
	// Name is the index of the name that decided, when DecidedBy is
	// ByName (its Evidence begins with that name).
	Name int `json:"-"`
	// Local: a fact from a local catalogue file decided (the identifier,
	// its source, or an entity of the chain).
	Local bool `json:"local,omitempty"`
}

// ControllingCountry is the destination entity's controlling country, or
// the registered country when there is no entity.
func (d *Destination) ControllingCountry() string {
	if d.Entity != nil {
		return d.Chain.Country
	}
	return d.Country
}

// Key names the destination for aggregation: "entity:ID", or
// "country:CC" ("country:??" when unknown).
func (d *Destination) Key() string {
	if d.Entity != nil {
		return "entity:" + d.Entity.ID
	}
	if d.Country == "" {
		return "country:??"
	}
	return "country:" + d.Country
}

// Attributor attributes destinations to catalogued entities: by name
// first (the most specific statement about whom the traffic is for), then
// by the network's ASN, then its organisation name. It is not safe for
// concurrent use (it caches).
type Attributor struct {
	cat    *catalog.Catalog
	ix     *catalog.Index
	lookup AddrLookup
	names  map[string]*catalog.Identifier // name → identifier (nil: none)
	nets   map[uint32]Net                 // ASN → entity by ASN or organisation
}

// Net is the entity a network was attributed to (none when id is nil),
// and how: by ASN or by organisation name.
type Net struct {
	id *catalog.Identifier
	by DecidedBy
}

// New attributes with cat and the IP data lookup (nil: no IP data; only
// names decide).
func New(cat *catalog.Catalog, lookup AddrLookup) *Attributor {
	if lookup == nil {
		lookup = func(netip.Addr) AddrInfo { return AddrInfo{} }
	}
	return &Attributor{cat: cat, ix: cat.Index(), lookup: lookup, names: map[string]*catalog.Identifier{}, nets: map[uint32]Net{}}
}

// Attribute attributes addr, reached under names (lower case, no
// trailing dot; the first that matches decides).
func (a *Attributor) Attribute(addr netip.Addr, names []string) Destination {
	return a.AttributeWith(addr, a.Lookup(addr.Unmap()), names, nil)
}

// Lookup is what the IP data says of addr. It may run on several
// goroutines at once.
func (a *Attributor) Lookup(addr netip.Addr) AddrInfo { return a.lookup(addr) }

// AttributeWith is Attribute with addr's IP data already looked up
// (Lookup), and, when net is not nil, NetOf(info) worked out: the parts
// that may run on several goroutines at once, done beforehand.
func (a *Attributor) AttributeWith(addr netip.Addr, info AddrInfo, names []string, net *Net) Destination {
	d := Destination{Addr: addr, Country: info.Country, ASN: info.ASN, ASOrg: info.ASOrg, DecidedBy: ByCountry}
	for i, n := range names {
		if id := a.byName(n); id != nil {
			a.decide(&d, id, ByName, fmt.Sprintf("%s matches domain %s", n, id.Value))
			d.Name = i
			return d
		}
	}
	if h := a.byNet(info, net); h.id != nil {
		ev := fmt.Sprintf("AS%d matches %s", info.ASN, h.id.Value)
		if h.by == ByASOrg {
			ev = fmt.Sprintf("AS%d organisation %q matches %s", info.ASN, info.ASOrg, h.id.Value)
		}
		a.decide(&d, h.id, h.by, ev)
	}
	return d
}

func (a *Attributor) decide(d *Destination, id *catalog.Identifier, by DecidedBy, evidence string) {
	e := id.Entity
	if e == nil && id.Product != nil {
		e = a.cat.Entity(id.Product.Supplier)
	}
	if e == nil {
		return
	}
	d.Entity, d.Chain, d.DecidedBy, d.Evidence, d.Source = e, a.cat.Chain(e), by, evidence, id.Source
	d.Local = id.Local || (a.cat.Sources[id.Source] != nil && a.cat.Sources[id.Source].Local)
	for _, l := range d.Chain.Links {
		d.Local = d.Local || l.Entity.Local
	}
	d.Tier = id.TierOf()
	if d.Tier == "" {
		d.Tier = catalog.TierProduct // the entity's own name or network
	}
}

func (a *Attributor) byName(name string) *catalog.Identifier {
	id, ok := a.names[name]
	if ok {
		return id
	}
	if ids := a.ix.Domain(name); len(ids) > 0 {
		id = ids[0]
	}
	if len(a.names) < MaxNameCache {
		a.names[name] = id
	}
	return id
}

// MaxNameCache bounds the name cache: a log of random names (DGA
// malware, scanners) must not grow it without end. Callers that cache
// beside the Attributor bound theirs alike.
const MaxNameCache = 1 << 20

// byNet is the entity of a network, cached by ASN: the first answer for
// an ASN stands for it. net, when not nil, is a.NetOf(info).
func (a *Attributor) byNet(info AddrInfo, net *Net) Net {
	if info.ASN == 0 && info.ASOrg == "" {
		return Net{}
	}
	if h, ok := a.nets[info.ASN]; ok && info.ASN != 0 {
		return h
	}
	var h Net
	if net != nil {
		h = *net
	} else {
		h = a.NetOf(info)
	}
	if info.ASN != 0 {
		a.nets[info.ASN] = h
	}
	return h
}

// NetOf finds the entity of a network by its ASN, else by its
// organisation's name. It reads the catalogue only, so that it may run on
// several goroutines at once.
func (a *Attributor) NetOf(info AddrInfo) Net {
	if info.ASN == 0 && info.ASOrg == "" {
		return Net{}
	}
	if ids := a.ix.Exact(catalog.ASN, fmt.Sprintf("AS%d", info.ASN)); info.ASN != 0 && len(ids) > 0 {
		return Net{ids[0], ByASN}
	}
	for _, hit := range a.ix.Org(info.ASOrg) {
		if hit.Ident.Kind == catalog.ASOrg && hit.Exact {
			return Net{hit.Ident, ByASOrg}
		}
	}
	return Net{}
}
