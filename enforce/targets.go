// Package enforce turns the catalogue into block lists: it derives what to
// block (the restricted entities' domains, networks, code-signing
// publishers and mobile apps) and writes it as artefacts that real
// enforcement points read — an nftables script, a DNS Response Policy
// Zone, a hosts file, Suricata rules, an AppLocker policy, an Apple
// restrictions profile and Microsoft Intune policies — each headed by
// where it came from.
//
// Derive collects what a Chooser chooses — every catalogued entity
// (Everything), or exactly what policy packs flag on a system as a scan
// and a flows run judge it (Judgement); the emitters only write, and
// refuse an artefact that would block nothing unless it is allowed.
// Every emitter is listed in Emitters, the one registration list.
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
	// Entities are the entities blocked as a whole (an item of theirs
	// that no product identifier names is), and those any identifier of
	// which of its own (not its products') is blocked; sorted.
	Entities []string
	// Products are the products whose identifiers are blocked while
	// their supplier is not blocked as a whole, sorted.
	Products   []string
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
	// AllowEmpty lets an emitter write an artefact that blocks nothing
	// (see Emitter.Empty) instead of refusing with ErrNothingToBlock.
	AllowEmpty bool

	// cat and chooser are what Derive chose from, for the items of scan
	// reports (AddObserved, AddQuarantine); nil for targets made by hand.
	cat     *catalog.Catalog
	chooser Chooser
}

// IncludeHosting blocks the hosting networks and names too.
func (t *Targets) IncludeHosting() {
	t.ASNs = append(t.ASNs, t.HostingASNs...)
	t.Domains = append(t.Domains, t.HostingDomains...)
	t.HostingASNs, t.HostingDomains = nil, nil
	t.normalize()
}

// Derive collects the blockable identifiers — domains, ASNs,
// publishers and signers, mobile apps — of the catalogue that c chooses
// (every one when c is nil: Everything). Entities' legal and former names
// are publishers as well: the catalogue matches them against publisher
// fields, and they are the names certificates carry.
func Derive(cat *catalog.Catalog, c Chooser) (*Targets, error) {
	if cat == nil {
		return nil, fmt.Errorf("deriving block targets: no catalogue")
	}
	if c == nil {
		c = Everything{}
	}
	t := &Targets{
		Generated: time.Now().UTC().Truncate(time.Second),
		Catalog:   cat.Digest(),
		Note:      c.Note(),
		cat:       cat,
		chooser:   c,
	}
	for _, e := range cat.Entities {
		added := c.Blocks(Subject{Entity: e})
		for _, n := range e.Names {
			if (n.Kind == catalog.LegalName || n.Kind == catalog.FormerName) && c.Blocks(Subject{Entity: e, Value: n.Value}) {
				t.Publishers = append(t.Publishers, Publisher{Name: n.Value, Entity: e.ID, Source: n.Source + " (" + string(n.Kind) + " name)"})
			}
		}
		for i := range e.Identifiers {
			ok, err := t.add(c, &e.Identifiers[i], e, nil)
			if err != nil {
				return nil, err
			}
			added = added || ok
		}
		if added {
			t.Entities = append(t.Entities, e.ID)
		}
	}
	for _, p := range cat.Products {
		e := cat.Entity(p.Supplier)
		if e == nil {
			continue
		}
		added := false
		for i := range p.Identifiers {
			ok, err := t.add(c, &p.Identifiers[i], e, p)
			if err != nil {
				return nil, err
			}
			added = added || ok
		}
		if added && !slices.Contains(t.Entities, e.ID) {
			t.Products = append(t.Products, p.ID)
		}
	}
	t.normalize()
	return t, nil
}

// blockable are the identifier kinds an artefact can block.
var blockable = map[catalog.Kind]bool{
	catalog.Domain: true, catalog.ASN: true, catalog.OrgName: true, catalog.SignerSubject: true,
	catalog.BundleID: true, catalog.AndroidPackage: true,
}

// add collects the values of one identifier of entity e (and of product
// p, nil for an identifier of the entity as a whole) that c chooses, if
// it is of a kind that can be blocked; a hosting network's go aside. It
// reports whether it added any.
func (t *Targets) add(c Chooser, id *catalog.Identifier, e *catalog.Entity, p *catalog.Product) (bool, error) {
	if !blockable[id.Kind] {
		return false, nil
	}
	values := id.Values
	if len(values) == 0 {
		values = []string{id.Value}
	}
	tier := id.TierOf()
	hosting := tier == catalog.TierHosting
	added := false
	for _, v := range values {
		if !c.Blocks(Subject{Entity: e, Product: p, Tier: tier, Kind: id.Kind, Value: v}) {
			continue
		}
		added = true
		switch id.Kind {
		case catalog.Domain:
			name, sub := strings.CutPrefix(strings.TrimSuffix(strings.ToLower(v), "."), "*.")
			d := Domain{Name: name, Subtree: sub, Entity: e.ID, Source: id.Source}
			if hosting {
				t.HostingDomains = append(t.HostingDomains, d)
			} else {
				t.Domains = append(t.Domains, d)
			}
		case catalog.ASN:
			n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(v)), "AS"), 10, 32)
			if err != nil {
				return false, fmt.Errorf("deriving block targets: %s: entity %q: ASN %q: %w", id.Pos, e.ID, v, err)
			}
			if hosting {
				t.HostingASNs = append(t.HostingASNs, uint32(n))
			} else {
				t.ASNs = append(t.ASNs, uint32(n))
			}
		case catalog.OrgName, catalog.SignerSubject:
			t.Publishers = append(t.Publishers, Publisher{Name: v, Entity: e.ID, Source: id.Source})
		case catalog.BundleID, catalog.AndroidPackage:
			t.Apps = append(t.Apps, newApp(id, v, e.ID, p))
		}
	}
	return added, nil
}

// normalize sorts every list and drops repeats, keeping the first entity
// (in id order) that gives a name.
func (t *Targets) normalize() {
	slices.Sort(t.Entities)
	t.Entities = slices.Compact(t.Entities)
	slices.Sort(t.Products)
	t.Products = slices.Compact(t.Products)
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
