// Package enforce turns the catalogue into block lists: it derives what to
// block (the restricted entities' domains, networks, code-signing
// publishers and mobile apps) and writes it as artefacts that real
// enforcement points read — an nftables script, a DNS Response Policy
// Zone, a hosts file, Suricata rules, an AppLocker policy, an Apple
// restrictions profile and Microsoft Intune policies — each headed by
// where it came from.
//
// Derive chooses; the emitters only write. Every emitter is listed in
// Emitters, the one registration list.
package enforce

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/catalog"
)

// Domain is a DNS name to block.
type Domain struct {
	Name    string // lower case, without the final dot
	Subtree bool   // the name and every name below it
	Entity  string // the entity id it belongs to
	Source  string // the catalogue source that gives it
}

// Prefix is an IP network to block.
type Prefix struct {
	Prefix netip.Prefix
	ASN    uint32 // the AS that announces it, 0 if unknown
	Entity string
}

// Publisher is a Windows publisher / Authenticode signer organisation name
// as it appears in certificates: either a whole subject ("O=AO KASPERSKY
// LAB, L=MOSCOW, C=RU") or an organisation name alone.
type Publisher struct {
	Name   string
	Entity string
	Source string // the catalogue source; for an entity name, "SOURCE (legal name)" or "(former name)"
}

// Targets is everything one artefact blocks, in a stable order so that
// artefacts are deterministic.
type Targets struct {
	Entities   []string // entity ids blocked, sorted
	Domains    []Domain // sorted by name from the root down (DNS order), then exact before subtree
	Prefixes   []Prefix // filled by the caller from IP data (ASNs → prefixes); Derive leaves it empty
	ASNs       []uint32 // sorted, distinct
	Publishers []Publisher
	Apps       []App // sorted by platform and id, distinct (see normalizeApps); every confidence
	Generated  time.Time
	Catalog    string // catalogue digest, written into each artefact's header comment
	Note       string // e.g. which policies chose the entities
	// HostingASNs and HostingDomains are networks and names the blocked
	// entities run for others (cloud platforms): hosts there are their
	// customers', not the entities' products, so they are not blocked
	// unless the caller moves them into ASNs and Domains (IncludeHosting).
	HostingASNs    []uint32
	HostingDomains []Domain
	// Quarantine are equipment addresses a scan found (AddQuarantine),
	// isolated by the nftables artefact; empty unless asked for.
	Quarantine []Quarantined
}

// IncludeHosting blocks the hosting networks and names too.
func (t *Targets) IncludeHosting() {
	t.ASNs = append(t.ASNs, t.HostingASNs...)
	t.Domains = append(t.Domains, t.HostingDomains...)
	t.HostingASNs, t.HostingDomains = nil, nil
	t.normalize()
}

// Derive chooses the entities to block — those the given instruments name
// (their entities, and the suppliers of their products) and every entity
// whose control chain reaches one of them — or every catalogued entity
// when instruments is empty; then collects their domain, ASN,
// publisher/signer and mobile app identifiers, their products' too.
// Entities' legal and former names are publishers as well: the catalogue
// matches them against publisher fields, and they are the names
// certificates carry.
func Derive(cat *catalog.Catalog, instruments []string) (*Targets, error) {
	if cat == nil {
		return nil, fmt.Errorf("deriving block targets: no catalogue")
	}
	c, note, err := chooseEntities(cat, instruments)
	if err != nil {
		return nil, err
	}
	t := &Targets{
		Generated: time.Now().UTC().Truncate(time.Second),
		Catalog:   cat.Digest(),
		Note:      note,
	}
	for _, e := range cat.Entities {
		if !c.blocked[e.ID] {
			continue
		}
		t.Entities = append(t.Entities, e.ID)
		for _, n := range e.Names {
			if n.Kind == catalog.LegalName || n.Kind == catalog.FormerName {
				t.Publishers = append(t.Publishers, Publisher{Name: n.Value, Entity: e.ID, Source: n.Source + " (" + string(n.Kind) + " name)"})
			}
		}
		for i := range e.Identifiers {
			if err := t.add(&e.Identifiers[i], e.ID, nil, c.apps(e.ID, nil)); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range cat.Products {
		if !c.blocked[p.Supplier] {
			continue
		}
		for i := range p.Identifiers {
			if err := t.add(&p.Identifiers[i], p.Supplier, p, c.apps(p.Supplier, p)); err != nil {
				return nil, err
			}
		}
	}
	t.normalize()
	return t, nil
}

// chosen is what the instruments name: the entities to block, and of
// those, the ones named as a whole (themselves or up their control
// chain) rather than through some of their products only.
type chosen struct {
	blocked, whole, products map[string]bool
}

// apps reports whether the mobile apps of product (nil: the entity's own
// identifiers) of entity go on the block lists: an instrument that names
// WeChat blocks WeChat's apps, not every app of Tencent; one that names
// the company blocks all of them.
func (c chosen) apps(entity string, product *catalog.Product) bool {
	return c.whole[entity] || product != nil && c.products[product.ID]
}

// chooseEntities returns the entities to block and a note saying why
// they were chosen.
func chooseEntities(cat *catalog.Catalog, instruments []string) (chosen, string, error) {
	c := chosen{blocked: map[string]bool{}, whole: map[string]bool{}, products: map[string]bool{}}
	if len(instruments) == 0 {
		for _, e := range cat.Entities {
			c.blocked[e.ID], c.whole[e.ID] = true, true
		}
		return c, "every catalogued entity", nil
	}
	named, namedWhole := map[string]bool{}, map[string]bool{}
	for _, id := range instruments {
		in := cat.Instrument(id)
		if in == nil {
			return c, "", fmt.Errorf("deriving block targets: instrument %q is not catalogued", id)
		}
		for _, e := range in.Entities {
			named[e], namedWhole[e] = true, true
		}
		for _, pid := range in.Products {
			p := cat.Product(pid)
			c.products[pid] = true
			if p == nil {
				return c, "", fmt.Errorf("deriving block targets: instrument %q names product %q, which is not catalogued", id, pid)
			}
			named[p.Supplier] = true
		}
	}
	// An entity is blocked when anything up its control chain is named:
	// a subsidiary answers to the parent the instrument restricts.
	for _, e := range cat.Entities {
		for _, l := range cat.Chain(e).Links {
			c.blocked[e.ID] = c.blocked[e.ID] || named[l.Entity.ID]
			c.whole[e.ID] = c.whole[e.ID] || namedWhole[l.Entity.ID]
		}
	}
	ids := slices.Clone(instruments)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return c, "entities named by " + strings.Join(ids, ", ") + ", and the entities they control", nil
}

// add collects one identifier (each of its values) if it is of a kind
// that can be blocked; a hosting network's go aside. product is the
// product the identifier belongs to, nil for one of the entity as a whole.
func (t *Targets) add(id *catalog.Identifier, entity string, product *catalog.Product, apps bool) error {
	values := id.Values
	if len(values) == 0 {
		values = []string{id.Value}
	}
	hosting := id.TierOf() == catalog.TierHosting
	for _, v := range values {
		switch id.Kind {
		case catalog.Domain:
			name, sub := strings.CutPrefix(strings.TrimSuffix(strings.ToLower(v), "."), "*.")
			d := Domain{Name: name, Subtree: sub, Entity: entity, Source: id.Source}
			if hosting {
				t.HostingDomains = append(t.HostingDomains, d)
			} else {
				t.Domains = append(t.Domains, d)
			}
		case catalog.ASN:
			n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(v)), "AS"), 10, 32)
			if err != nil {
				return fmt.Errorf("deriving block targets: %s: entity %q: ASN %q: %w", id.Pos, entity, v, err)
			}
			if hosting {
				t.HostingASNs = append(t.HostingASNs, uint32(n))
			} else {
				t.ASNs = append(t.ASNs, uint32(n))
			}
		case catalog.OrgName, catalog.SignerSubject:
			t.Publishers = append(t.Publishers, Publisher{Name: v, Entity: entity, Source: id.Source})
		case catalog.BundleID, catalog.AndroidPackage:
			if !apps {
				continue
			}
			t.Apps = append(t.Apps, newApp(id, v, entity, product))
		}
	}
	return nil
}

// normalize sorts every list and drops repeats, keeping the first entity
// (in id order) that gives a name.
func (t *Targets) normalize() {
	slices.Sort(t.Entities)
	t.Entities = slices.Compact(t.Entities)
	slices.Sort(t.ASNs)
	t.ASNs = slices.Compact(t.ASNs)
	slices.Sort(t.HostingASNs)
	t.HostingASNs = slices.Compact(t.HostingASNs)

	slices.SortStableFunc(t.Domains, func(a, b Domain) int {
		return cmp.Or(compareDNS(a.Name, b.Name), cmpBool(a.Subtree, b.Subtree),
			cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.Source, b.Source))
	})
	t.Domains = slices.CompactFunc(t.Domains, func(a, b Domain) bool {
		return a.Name == b.Name && a.Subtree == b.Subtree
	})

	// Certificate names compare without regard to case (AppLocker
	// upper-cases them), so "Kaspersky Lab" and "KASPERSKY LAB" are one.
	slices.SortStableFunc(t.Publishers, func(a, b Publisher) int {
		return cmp.Or(cmp.Compare(strings.ToUpper(a.Name), strings.ToUpper(b.Name)),
			cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.Source, b.Source))
	})
	t.Publishers = slices.CompactFunc(t.Publishers, func(a, b Publisher) bool {
		return strings.EqualFold(a.Name, b.Name)
	})
	t.Apps = normalizeApps(t.Apps)
}

// compareDNS orders names label by label from the root, so that a domain
// and the names below it sit together (as in a zone file).
func compareDNS(a, b string) int {
	for a != "" || b != "" {
		var la, lb string
		if i := strings.LastIndexByte(a, '.'); i >= 0 {
			a, la = a[:i], a[i+1:]
		} else {
			a, la = "", a
		}
		if i := strings.LastIndexByte(b, '.'); i >= 0 {
			b, lb = b[:i], b[i+1:]
		} else {
			b, lb = "", b
		}
		if c := cmp.Compare(la, lb); c != 0 {
			return c
		}
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
